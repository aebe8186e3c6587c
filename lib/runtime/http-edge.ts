/**
 * The function's HTTP edge, bounded whatever a request carries. faas-js-runtime serves the
 * function with fastify, and leaves three holes: its `application/x-www-form-urlencoded`
 * parser reads a body of any size into one string (a 600 MB form killed an instance and the
 * events in flight), fastify turns Node's request timeout off (bodies sent a byte at a time
 * held sockets open for minutes), and what fastify answers itself (an empty or broken JSON
 * body, an over-size one) never reaches the function, so it was neither counted nor logged.
 *
 * The guard sits in front of fastify on the same `http.Server`:
 * - a form body, or a body that is neither JSON nor a binary-mode event's data, is answered 415
 *   before a byte of it is read, and a declared length over the body limit 413, also unread;
 *   every parser left is one fastify bounds with the same limit;
 * - headers must arrive within `headersTimeoutMs` and the whole request within
 *   `requestTimeoutMs` (Node answers 408), checked every second; connections are capped;
 * - every request gets an edge id; a rejection the function did not count itself (fastify's
 *   400/413, Node's 408, a malformed request line) is counted and logged here, once.
 */

import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** The request header carrying the edge id to the function (a client's own is replaced). */
export const EDGE_ID_HEADER = 'x-hyperfleet-edge-id';

export interface EdgeLimits {
  bodyLimitBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
}

export const DEFAULT_EDGE_LIMITS: EdgeLimits = {
  // faas-js-runtime's own default (FUNC_BODY_LIMIT), applied to every parser.
  bodyLimitBytes: 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  // Above any concurrency Knative's queue-proxy lets through, below what exhausts the process.
  maxConnections: 4096,
};

export interface EdgeRefusal {
  /** The HTTP status the client got. */
  status: number;
  /** A short label for metrics: body_too_large, unsupported_media_type, request_timeout, ... */
  reason: string;
  message: string;
}

export interface EdgeHooks {
  /** A rejection the function itself did not count: count it and log it. */
  onRefusal(refusal: EdgeRefusal): void;
  /** The server listens (its address: a port, or a pipe's path). */
  onListening?(address: string): void;
  /** GET paths answered here, before fastify (the HyperFleet health convention's). */
  routes?: Record<string, () => Promise<{ status: number; body: unknown }>>;
}

function answerRoute(res: ServerResponse, route: () => Promise<{ status: number; body: unknown }>): void {
  route().then(
    ({ status, body }) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    },
    (err: unknown) => {
      const text = JSON.stringify({ status: 'error', message: (err as Error).message });
      res.writeHead(503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    },
  );
}

/**
 * Requests seen and not yet answered, by edge id; `claim` marks one the function counted.
 * Ids are only meaningful inside one process.
 */
const open = new Map<string, { claimed: boolean }>();
let nextId = 0;

/** The function counted this request's answer itself (called with the headers it was given). */
export function claimEdgeRequest(headers: unknown): void {
  if (headers === null || typeof headers !== 'object') return;
  const id = (headers as Record<string, unknown>)[EDGE_ID_HEADER];
  if (typeof id !== 'string') return;
  const entry = open.get(id);
  if (entry) entry.claimed = true;
}

/** A media type whose body is JSON: what a CloudEvent over HTTP is, in either mode. */
const JSON_MEDIA = /^\s*application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const UNBOUNDED_MEDIA = /^\s*(?:application\/x-www-form-urlencoded|multipart\/)/i;

/**
 * How much of a refused body is read and thrown away so the client gets its answer: closing a
 * socket with unread data makes the kernel reset it, and the client sees EPIPE instead of the
 * 413/415 (a proxy would answer 502, which reads as "retry"). Past this, or this long, the
 * socket is closed anyway.
 */
const LINGER = { bytes: 16 * 1024 * 1024, ms: 2000 };

function refuse(req: IncomingMessage, res: ServerResponse, refusal: EdgeRefusal, hooks: EdgeHooks): void {
  hooks.onRefusal(refusal);
  const body = JSON.stringify({ outcome: 'rejected', reason: refusal.reason, error: refusal.message });
  // The connection is not reused: whatever of the body follows is discarded, never parsed.
  res.writeHead(refusal.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (!hasBody(req) || declared > LINGER.bytes) {
    res.end(body);
    return;
  }
  // Node closes a `connection: close` socket once the answer is written, so the rest of the
  // body is drained from the socket itself before the answer is sent.
  drainThen(req, () => {
    lingerOnClose(req);
    if (!res.writableEnded) res.end(body);
  });
}

/**
 * Makes the close that follows a refusal lingering: when Node ends a `connection: close`
 * exchange it closes the socket as soon as the answer is written, and if the client is still
 * sending, the unread bytes make the kernel reset the connection, which throws away the
 * answer the client has not read yet. Instead the answer is followed by a FIN, the rest of the
 * body is read and discarded, and the socket is closed once the client closes its side, or
 * after LINGER.ms.
 */
function lingerOnClose(req: IncomingMessage): void {
  if (req.complete) return;
  const socket = req.socket as Socket & { destroySoon?: () => void };
  let lingering = false;
  socket.destroySoon = function lingeringClose(this: Socket) {
    if (this.destroyed) return;
    if (lingering) {
      this.destroy();
      return;
    }
    lingering = true;
    const timer = setTimeout(() => this.destroy(), LINGER.ms);
    timer.unref();
    this.once('end', () => this.destroy());
    this.once('close', () => clearTimeout(timer));
    this.end();
    this.resume();
  };
}

/**
 * Reads and discards what is left of `req`'s body (at most LINGER), then calls `answer` once.
 */
function drainThen(req: IncomingMessage, answer: () => void): void {
  let drained = 0;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    req.removeListener('data', count);
    answer();
  };
  const count = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > LINGER.bytes) finish();
  };
  const timer = setTimeout(finish, LINGER.ms);
  timer.unref();
  req.on('data', count);
  req.once('end', finish);
  req.once('error', finish);
  req.socket.once('close', finish);
  req.resume();
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** What a request is refused for before its body is read, if anything. */
export function refusalBeforeBody(req: IncomingMessage, limits: EdgeLimits): EdgeRefusal | undefined {
  if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') return undefined;
  const length = Number(req.headers['content-length'] ?? 0);
  if (Number.isFinite(length) && length > limits.bodyLimitBytes)
    return {
      status: 413,
      reason: 'body_too_large',
      message: `the request body is ${length} bytes, over the limit of ${limits.bodyLimitBytes}`,
    };
  const type = req.headers['content-type'];
  // The form parser is the one fastify reads without a limit; no CloudEvent is a form.
  const unbounded = type !== undefined && UNBOUNDED_MEDIA.test(type);
  // Binary mode says what it is in `ce-` headers; its data may come with no content type at
  // all (the RabbitmqSource receive adapter sends it so) and is read as a bounded buffer.
  const binary = req.headers['ce-specversion'] !== undefined;
  if (unbounded || (hasBody(req) && !binary && (type === undefined || !JSON_MEDIA.test(type))))
    return {
      status: 415,
      reason: 'unsupported_media_type',
      message: `a CloudEvent is JSON (application/cloudevents+json, or binary mode with ce- headers), not ${type === undefined ? 'a body without a content type' : JSON.stringify(type.slice(0, 100))}`,
    };
  return undefined;
}

function messageOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const message = (parsed as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message.slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}

function reasonFor(status: number): string {
  switch (status) {
    case 400:
      return 'malformed_request';
    case 406:
      return 'unsupported_specversion';
    case 408:
      return 'request_timeout';
    case 413:
      return 'body_too_large';
    case 415:
      return 'unsupported_media_type';
    case 431:
      return 'headers_too_large';
    default:
      return `http_${status}`;
  }
}

/** Node's clientError codes (a request Node itself refused) as the reason and the answer it gets. */
function clientErrorRefusal(err: NodeJS.ErrnoException): EdgeRefusal | undefined {
  switch (err.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      // The client went away; nothing was answered.
      return undefined;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, reason: 'request_timeout', message: 'the request did not arrive in time' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, reason: 'headers_too_large', message: 'the request headers are too large' };
    default:
      return {
        status: 400,
        reason: 'malformed_request',
        message: `not a valid HTTP request (${err.code ?? 'parse error'})`,
      };
  }
}

/** Puts the guard in front of `server`'s request listeners (fastify's). */
export function guardHttpServer(server: Server, limits: EdgeLimits, hooks: EdgeHooks): void {
  const applyTimeouts = () => {
    server.headersTimeout = limits.headersTimeoutMs;
    server.requestTimeout = limits.requestTimeoutMs;
    server.maxConnections = limits.maxConnections;
  };
  applyTimeouts();
  // fastify sets its own (none) after creating the server and before listening.
  server.prependListener('listening', applyTimeouts);
  server.on('listening', () => {
    const at = server.address();
    hooks.onListening?.(typeof at === 'string' ? at : at ? `${at.address}:${at.port}` : '');
  });

  server.prependListener('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (socket.destroyed) return;
    const refusal = clientErrorRefusal(err);
    if (refusal) hooks.onRefusal(refusal);
  });

  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const route = req.method === 'GET' || req.method === 'HEAD' ? hooks.routes?.[req.url ?? ''] : undefined;
    if (route) {
      answerRoute(res, route);
      return;
    }
    const early = refusalBeforeBody(req, limits);
    if (early) {
      refuse(req, res, early, hooks);
      return;
    }
    const id = String(++nextId);
    const entry = { claimed: false };
    open.set(id, entry);
    req.headers[EDGE_ID_HEADER] = id;
    // What fastify answers on its own says why in its body's `message`: kept for the log.
    let said: string | undefined;
    const end = res.end;
    res.end = function endAndNote(this: ServerResponse, ...args: unknown[]) {
      const chunk = args[0];
      if (
        !entry.claimed &&
        res.statusCode >= 400 &&
        (typeof chunk === 'string' || chunk instanceof Uint8Array)
      )
        said = messageOf(Buffer.from(chunk).subarray(0, 2048).toString('utf8'));
      // fastify answers a chunked body over the limit (no length to refuse it by up front)
      // while the client is still sending: drained first, so the client reads the 413
      // instead of a reset.
      if (res.statusCode >= 400 && !req.complete && !req.destroyed) {
        drainThen(req, () => {
          // Drained to its end, the connection may be reused; past the linger it is closed.
          if (!req.complete) {
            res.shouldKeepAlive = false;
            lingerOnClose(req);
          }
          (end as (...a: unknown[]) => ServerResponse).apply(this, args);
        });
        return this;
      }
      return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as typeof res.end;
    res.once('close', () => {
      open.delete(id);
      const status = res.statusCode;
      if (entry.claimed || !res.headersSent || status < 400 || status >= 500) return;
      hooks.onRefusal({
        status,
        reason: reasonFor(status),
        message: said ?? `answered ${status} before the function saw the request`,
      });
    });
    for (const listener of listeners) listener.call(server, req, res);
  });
}

/**
 * Guards the next `http.createServer` of this process (faas-js-runtime's fastify creates it
 * after loading the function module, and hands nothing back to it), then steps aside.
 */
export function guardNextHttpServer(limits: EdgeLimits, hooks: EdgeHooks): void {
  const create = http.createServer;
  const guarded = ((first?: unknown, second?: unknown) => {
    http.createServer = create;
    // Node checks the timeouts every 30 s unless told otherwise at construction.
    const [options, listener] = typeof first === 'function' ? [{}, first] : [first ?? {}, second];
    const server = create(
      { ...(options as http.ServerOptions), connectionsCheckingInterval: 1000 },
      listener as RequestListener,
    );
    guardHttpServer(server, limits, hooks);
    return server;
  }) as typeof http.createServer;
  http.createServer = guarded;
}

/** Edge limits from the environment (faas-js-runtime's FUNC_BODY_LIMIT, then ours). */
export function edgeLimitsFromEnv(env: NodeJS.ProcessEnv): EdgeLimits {
  const positive = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new Error(`${name} must be a positive integer, got "${raw}"`);
    return n;
  };
  return {
    bodyLimitBytes: positive('FUNC_BODY_LIMIT', DEFAULT_EDGE_LIMITS.bodyLimitBytes),
    headersTimeoutMs: positive('HYPERFLEET_HTTP_HEADERS_TIMEOUT_MS', DEFAULT_EDGE_LIMITS.headersTimeoutMs),
    requestTimeoutMs: positive('HYPERFLEET_HTTP_REQUEST_TIMEOUT_MS', DEFAULT_EDGE_LIMITS.requestTimeoutMs),
    maxConnections: positive('HYPERFLEET_HTTP_MAX_CONNECTIONS', DEFAULT_EDGE_LIMITS.maxConnections),
  };
}
