import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { uuidv7 } from './hyperfleet-api-double/ids.ts';
import { pageOf, parseListQuery } from './hyperfleet-api-double/list-query.ts';
import {
  type AdapterStatusView,
  presentResource,
  presentStatus,
  type ResourceKind,
  type ResourceView,
  type StoredResource,
} from './hyperfleet-api-double/model.ts';
import { type Problem, problem, problemBody } from './hyperfleet-api-double/problem.ts';
import { checkCreate, checkPatch } from './hyperfleet-api-double/resource-rules.ts';
import { parseStatusReport } from './hyperfleet-api-double/status-rules.ts';
import {
  ApiStore,
  DEFAULT_REQUIRED_ADAPTERS,
  type RequiredAdapters,
  type ResourceSeed,
} from './hyperfleet-api-double/store.ts';

export type {
  AdapterStatusView,
  ResourceConditionView,
  ResourceKind,
  ResourceView,
} from './hyperfleet-api-double/model.ts';
export type { RequiredAdapters, ResourceSeed } from './hyperfleet-api-double/store.ts';
export { DEFAULT_REQUIRED_ADAPTERS } from './hyperfleet-api-double/store.ts';

/**
 * A HyperFleet API (v0.3 contract) on a real local HTTP port, for unit tests of anything that
 * talks to the API: create (201), PATCH (200, generation bumped only by a real change),
 * DELETE (202, cascading to nodepools), lists with search and paging, the status PUT rules
 * (201/204/400/404), aggregation into Reconciled / LastKnownReconciled /
 * <Adapter>Successful, hard delete, UUIDv7 ids, X-Request-Id and trace_id, gzip, the
 * unauthenticated metadata route, bearer auth, and faults (error statuses, slow answers,
 * connection resets, the whole server down). test/integration/api-contract compares it with
 * the real API probe by probe; what it still does otherwise is listed there.
 */

export interface ApiDoubleOptions {
  /** 0 (default): any free port. */
  port?: number;
  host?: string;
  /** One list for both kinds, or per kind; default: the chart's (validation, dns, pullsecret, hypershift / validation, hypershift). */
  requiredAdapters?: string[] | Partial<RequiredAdapters>;
  /** When set, every request must carry `Authorization: <requireScheme> <token>`. */
  requireToken?: string;
  /** The scheme the token must come with: `Bearer` (default), or the gateway's `ServiceAccount`. */
  requireScheme?: 'Bearer' | 'ServiceAccount';
  /** The server's clock (observed_time windows, timestamps); default Date.now. */
  now?: () => number;
}

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  path: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
  /** The status answered; 0 when the connection was reset instead. */
  status: number;
  /** Epoch ms when the request arrived. */
  time: number;
}

/** A number answers with that status (problem+json); `reset` drops the connection; `delayMs` answers normally, late. */
export type Fault =
  | number
  | 'reset'
  | { delayMs: number }
  | { status: number; headers?: Record<string, string>; body?: string };

export interface FaultRoute {
  method?: string;
  /** Matched against the path without query: exact string, or a RegExp. */
  path?: string | RegExp;
}

export interface ApiDouble {
  /** e.g. http://127.0.0.1:40123 — the adapter's base_url. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  putCluster(seed: ResourceSeed): ResourceView;
  putNodepool(clusterId: string, seed: ResourceSeed): ResourceView;
  bumpGeneration(kind: ResourceKind, id: string): ResourceView;
  /** Soft delete as DELETE does; returns the resource, or undefined when it was removed at once. */
  markDeleted(kind: ResourceKind, id: string): ResourceView | undefined;
  resource(kind: ResourceKind, id: string): ResourceView | undefined;
  statuses(kind: ResourceKind, id: string): AdapterStatusView[];
  /** The next `n` requests (matching `route`, when given) get `fault`. Rules queue in order. */
  failNext(n: number, fault: Fault, route?: FaultRoute): void;
  clearFaults(): void;
  /** Down: `refuse` stops listening (connection refused); `reset` accepts then resets every connection. */
  setDown(down: boolean, mode?: 'refuse' | 'reset'): Promise<void>;
  setRequiredToken(token: string | undefined): void;
  close(): Promise<void>;
}

interface FaultRule {
  remaining: number;
  fault: Fault;
  route: FaultRoute | undefined;
}

const BASE = '/api/hyperfleet/v1';

export async function startHyperfleetApiDouble(options: ApiDoubleOptions = {}): Promise<ApiDouble> {
  const now = options.now ?? microsNow;
  const store = new ApiStore(requiredFrom(options.requiredAdapters), now);
  const requests: RecordedRequest[] = [];
  const faults: FaultRule[] = [];
  const sockets = new Set<Socket>();
  let token = options.requireToken;
  let downMode: 'refuse' | 'reset' | undefined;

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket: Socket) => {
    if (downMode === 'reset') {
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = now();
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    }
    const record: RecordedRequest = { method, path, headers, body, status: 0, time };
    requests.push(record);
    const [pathname = '/', query = ''] = path.replace(/#.*$/, '').split('?', 2);
    // The real router gives an X-Request-Id (and the error's trace_id) only on its own routes.
    const routed = pathname === '/api/hyperfleet' || pathname.startsWith(`${BASE}/`);
    const traceId = routed ? uuidv7(time) : '';
    const ctx: ReplyContext = { pathname, traceId, gzip: /\bgzip\b/.test(headers['accept-encoding'] ?? '') };

    const fault = takeFault(method, pathname);
    if (fault === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    if (typeof fault === 'object' && 'delayMs' in fault) await delay(fault.delayMs);
    else if (fault !== undefined) {
      const f = typeof fault === 'number' ? { status: fault } : fault;
      const base =
        f.body === undefined
          ? problemReply(problem.forStatus(f.status, `injected fault ${f.status}`), ctx)
          : { status: f.status, body: f.body, headers: { 'content-type': 'application/json' } };
      reply(res, record, ctx, { ...base, headers: { ...base.headers, ...f.headers } });
      return;
    }

    // The metadata route is outside the authenticated v1 router: the readiness target.
    if (pathname === '/api/hyperfleet') {
      if (method !== 'GET') return reply(res, record, ctx, METHOD_NOT_ALLOWED);
      return reply(res, record, ctx, {
        status: 200,
        body: JSON.stringify({
          id: 'hyperfleet',
          href: '/api/hyperfleet',
          kind: 'API',
          version: 'double',
          build_time: 'unknown',
        }),
        headers: { 'content-type': 'application/json' },
        plain: true,
      });
    }
    if (token !== undefined && routed) {
      const auth = headers['authorization'];
      if (auth === undefined) {
        return reply(
          res,
          record,
          ctx,
          problemReply(problem.noCredentials('Authorization header is missing'), ctx),
        );
      }
      if (auth !== `${options.requireScheme ?? 'Bearer'} ${token}`) {
        return reply(
          res,
          record,
          ctx,
          problemReply(problem.invalidCredentials('The provided credentials are invalid'), ctx),
        );
      }
    }
    reply(res, record, ctx, route(method, ctx, new URLSearchParams(query), body));
  }

  function route(method: string, ctx: ReplyContext, params: URLSearchParams, body: string): Reply {
    const { pathname } = ctx;
    const seg = pathname.startsWith(`${BASE}/`) ? pathname.slice(BASE.length + 1).split('/') : undefined;
    const [c, cid, n, nid, s, extra] = seg ?? [];
    // Unmatched paths reach the router's not-found handler, outside the request-id middleware.
    const endpointNotFound = problemReply(
      problem.endpointNotFound(pathname),
      { ...ctx, traceId: '' },
      { plain: true, unrouted: true },
    );
    if (seg === undefined || c === '' || extra !== undefined) return endpointNotFound;
    const notFound = (kind: ResourceKind, id: string) => problemReply(store.notFound(kind, id), ctx);

    // The flat nodepool routes (/nodepools[/{id}[/statuses]]) exist as well.
    if (c === 'nodepools') {
      if (cid === undefined)
        return method === 'GET' ? listReply(ctx, store.list('NodePool'), params) : METHOD_NOT_ALLOWED;
      if (n === undefined) return resourceGet(method, ctx, store.get('NodePool', cid), 'NodePool', cid);
      if (n === 'statuses' && nid === undefined) {
        return statusesRoute(method, ctx, body, store.get('NodePool', cid), 'NodePool', cid);
      }
      return endpointNotFound;
    }
    if (c !== 'clusters') return endpointNotFound;

    if (cid === undefined) {
      if (method === 'GET') return listReply(ctx, store.list('Cluster'), params);
      if (method === 'POST') return createReply(ctx, 'Cluster', body);
      return METHOD_NOT_ALLOWED;
    }
    if (n === undefined) return resourceRoute(method, ctx, body, store.get('Cluster', cid), 'Cluster', cid);
    if (n === 'statuses' && nid === undefined) {
      return statusesRoute(method, ctx, body, store.get('Cluster', cid), 'Cluster', cid);
    }
    if (n !== 'nodepools') return endpointNotFound;
    if (nid === undefined) {
      if (method === 'POST') return createReply(ctx, 'NodePool', body, cid);
      if (method !== 'GET') return METHOD_NOT_ALLOWED;
      if (!store.get('Cluster', cid)) return notFound('Cluster', cid);
      return listReply(ctx, store.list('NodePool', cid), params);
    }
    if (s === undefined)
      return resourceRoute(method, ctx, body, store.getNodepool(cid, nid), 'NodePool', nid);
    if (s === 'statuses')
      return statusesRoute(method, ctx, body, store.getNodepool(cid, nid), 'NodePool', nid);
    return endpointNotFound;
  }

  function createReply(ctx: ReplyContext, kind: ResourceKind, body: string, ownerId?: string): Reply {
    const checked = checkCreate(kind, body);
    // A body that is not JSON is refused by the schema middleware, before the handler sets Vary.
    if (!checked.ok)
      return problemReply(checked.problem, ctx, {
        plain: checked.problem.status === 400 && checked.problem.code === 'HYPERFLEET-VAL-006',
      });
    const created = store.create(kind, checked.value, ownerId);
    if (!created.ok) return problemReply(created.problem, ctx);
    return jsonReply(201, written(created.resource));
  }

  /**
   * The answer to a write. The real nodepool service answers with the updated_time Go
   * stamped (nanoseconds) rather than the stored column (microseconds); clusters answer with
   * the stored row.
   */
  function written(r: StoredResource): ResourceView {
    const view = presentResource(r, store.formatResource);
    return r.kind === 'NodePool' ? { ...view, updated_time: nanosText(r.updatedTime) } : view;
  }

  function resourceRoute(
    method: string,
    ctx: ReplyContext,
    body: string,
    r: StoredResource | undefined,
    kind: ResourceKind,
    id: string,
  ): Reply {
    if (method === 'GET') return resourceGet(method, ctx, r, kind, id);
    if (method === 'PATCH') {
      const checked = checkPatch(body);
      if (!checked.ok) return problemReply(checked.problem, ctx);
      if (!r) return problemReply(store.notFound(kind, id), ctx);
      const patched = store.patch(r, checked.value);
      if (!patched.ok) return problemReply(patched.problem, ctx);
      return jsonReply(200, patched.changed ? written(r) : presentResource(r, store.formatResource));
    }
    if (method === 'DELETE') {
      if (!r) return problemReply(problem.notFound(`${kind} not found`), ctx);
      // Without required adapters the resource goes at once; the answer is its last state.
      const before = presentResource(r, store.formatResource);
      const kept = store.markDeleted(kind, id);
      const after = store.get(kind, id);
      return jsonReply(
        202,
        kept && after
          ? presentResource(after, store.formatResource)
          : { ...before, deleted_time: before.updated_time },
      );
    }
    return METHOD_NOT_ALLOWED;
  }

  function resourceGet(
    method: string,
    ctx: ReplyContext,
    r: StoredResource | undefined,
    kind: ResourceKind,
    id: string,
  ): Reply {
    if (method !== 'GET') return METHOD_NOT_ALLOWED;
    if (!r) return problemReply(store.notFound(kind, id), ctx);
    return jsonReply(200, presentResource(r, store.formatResource));
  }

  function listReply(ctx: ReplyContext, list: StoredResource[], params: URLSearchParams): Reply {
    const q = parseListQuery(params);
    if (!q.ok) return problemReply(q.problem, ctx);
    const page = pageOf(list, q.value);
    const items = page.items.map((r) => presentResource(r, store.formatResource));
    return jsonReply(200, { items, page: q.value.page, size: items.length, total: page.total });
  }

  function statusesRoute(
    method: string,
    ctx: ReplyContext,
    body: string,
    r: StoredResource | undefined,
    kind: ResourceKind,
    id: string,
  ): Reply {
    if (method === 'GET') {
      if (!r) return problemReply(store.notFound(kind, id), ctx);
      const items = [...r.statuses.values()].map((x) => presentStatus(x, store.formatReport));
      return jsonReply(200, { items, page: 1, size: items.length, total: items.length });
    }
    if (method !== 'PUT') return METHOD_NOT_ALLOWED;
    const parsed = parseStatusReport(body, now());
    if (!parsed.ok) return problemReply(parsed.problem, ctx);
    if (!r) return problemReply(store.notFound(kind, id), ctx);
    const outcome = store.putStatus(r, parsed.value);
    if (outcome.code === 204) return { status: 204, body: '', headers: {} };
    if (outcome.code === 201)
      return jsonReply(201, presentStatus(outcome.status, store.formatReport, outcome.inserted));
    return problemReply(outcome.problem, ctx);
  }

  function takeFault(method: string, pathname: string): Fault | undefined {
    const rule = faults.find((f) => f.remaining > 0 && matches(f.route, method, pathname));
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining === 0) faults.splice(faults.indexOf(rule), 1);
    return rule.fault;
  }

  await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  const view = (r: StoredResource | undefined) => (r ? presentResource(r, store.formatResource) : undefined);
  return {
    url,
    requests,
    putCluster: (seed) => presentResource(store.put('Cluster', seed), store.formatResource),
    putNodepool: (clusterId, seed) =>
      presentResource(store.put('NodePool', seed, clusterId), store.formatResource),
    bumpGeneration: (kind, id) => presentResource(store.bumpGeneration(kind, id), store.formatResource),
    markDeleted: (kind, id) => (store.markDeleted(kind, id) ? view(store.get(kind, id)) : undefined),
    resource: (kind, id) => view(store.get(kind, id)),
    statuses: (kind, id) =>
      [...(store.get(kind, id)?.statuses.values() ?? [])].map((x) => presentStatus(x, store.formatReport)),
    failNext: (n, fault, route) => {
      if (n > 0) faults.push({ remaining: n, fault, route });
    },
    clearFaults: () => {
      faults.length = 0;
    },
    setDown: async (down, mode = 'refuse') => {
      if (!down) {
        if (downMode === 'refuse') await listen(server, address.port, address.address);
        downMode = undefined;
        return;
      }
      if (downMode === 'refuse') return;
      downMode = mode;
      for (const s of sockets) s.resetAndDestroy();
      if (mode === 'refuse') await closeServer(server);
    },
    setRequiredToken: (t) => {
      token = t;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      if (downMode !== 'refuse') await closeServer(server);
      downMode = 'refuse';
    },
  };
}

function requiredFrom(option: ApiDoubleOptions['requiredAdapters']): RequiredAdapters {
  if (option === undefined) return structuredClone(DEFAULT_REQUIRED_ADAPTERS);
  if (Array.isArray(option)) return { Cluster: [...option], NodePool: [...option] };
  return {
    Cluster: [...(option.Cluster ?? DEFAULT_REQUIRED_ADAPTERS.Cluster)],
    NodePool: [...(option.NodePool ?? DEFAULT_REQUIRED_ADAPTERS.NodePool)],
  };
}

function matches(route: FaultRoute | undefined, method: string, pathname: string): boolean {
  if (!route) return true;
  if (route.method !== undefined && route.method.toUpperCase() !== method) return false;
  if (route.path === undefined) return true;
  return typeof route.path === 'string' ? route.path === pathname : route.path.test(pathname);
}

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string>;
  /** Answered outside the v1 middleware chain: no Vary, no compression. */
  plain?: boolean;
  /** Answered by the router's not-found handler: no X-Request-Id either. */
  unrouted?: boolean;
}

interface ReplyContext {
  pathname: string;
  /** X-Request-Id and trace_id; empty outside the API's routes. */
  traceId: string;
  /** The client accepts gzip. */
  gzip: boolean;
}

const METHOD_NOT_ALLOWED: Reply = {
  status: 405,
  body: 'Method Not Allowed\n',
  headers: { 'content-type': 'text/plain; charset=utf-8' },
};

function jsonReply(status: number, payload: unknown): Reply {
  return { status, body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } };
}

function problemReply(
  p: Problem,
  ctx: ReplyContext,
  opts: { plain?: boolean; unrouted?: boolean } = {},
): Reply {
  return {
    status: p.status,
    body: problemBody(p, ctx.pathname, ctx.traceId, wallClockNs()),
    headers: { 'content-type': 'application/problem+json' },
    ...(opts.plain ? { plain: true } : {}),
    ...(opts.unrouted ? { unrouted: true } : {}),
  };
}

/**
 * As the real server's middleware writes it: X-Request-Id on routed requests, `Vary:
 * Authorization` from the v1 handlers (`Vary: Accept-Encoding` from the compressor when a
 * handler wrote no body), gzip when the client accepts it.
 */
function reply(res: ServerResponse, record: RecordedRequest, ctx: ReplyContext, r: Reply): void {
  record.status = r.status;
  const headers: Record<string, string> = { ...r.headers };
  if (ctx.traceId !== '' && !r.unrouted) headers['x-request-id'] = ctx.traceId;
  let body: Buffer | string = r.body;
  if (!r.plain && !r.unrouted && ctx.traceId !== '') {
    if (r.body === '') headers['vary'] ??= 'Accept-Encoding';
    else headers['vary'] ??= 'Authorization';
    if (ctx.gzip && r.body !== '') {
      body = gzipSync(r.body);
      headers['content-encoding'] = 'gzip';
    }
  }
  res.writeHead(r.status, headers);
  res.end(body);
}

/** Wall-clock time with nanosecond digits, as Go's time.Now() prints in RFC 3339. */
function wallClockNs(): string {
  const ms = performance.timeOrigin + performance.now();
  const whole = Math.floor(ms);
  const frac = `${String(whole % 1000).padStart(3, '0')}${String(Math.floor((ms - whole) * 1e6)).padStart(6, '0')}`;
  return `${new Date(whole).toISOString().slice(0, 19)}.${frac.replace(/0+$/, '') || '0'}Z`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** `ms` (microsecond fractions) printed with nanosecond digits, the last three from the monotonic clock. */
function nanosText(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.round((ms - whole) * 1000);
  const nanos = Number(process.hrtime.bigint() % 1000n);
  const frac = `${String(((whole % 1000) + 1000) % 1000).padStart(3, '0')}${String(micros).padStart(3, '0')}${String(nanos).padStart(3, '0')}`;
  const trimmed = frac.replace(/0+$/, '');
  return `${new Date(whole).toISOString().slice(0, 19)}${trimmed === '' ? '' : `.${trimmed}`}Z`;
}

/** The server clock at PostgreSQL's precision: epoch ms with microsecond fractions. */
function microsNow(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000) / 1000;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
