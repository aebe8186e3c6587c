/**
 * Generated HTTP requests for the served function: Sentinel's CloudEvents with hostile ids and
 * attributes, both modes, batches, wrong content types, broken JSON, bodies over the limit,
 * raw bytes, and API faults (errors, resets, an API that echoes the credentials back) under
 * well-formed events. Sent over a raw socket, so no client library cleans them up first.
 */
import { connect } from 'node:net';
import type { Random } from './random.ts';

/** Ids an event once used to steer API calls, and their relatives. */
export const HOSTILE_IDS: readonly unknown[] = [
  '%2e%2e/%2e%2e/%2e%2e/admin',
  '..\\..\\..\\..\\admin',
  'victim#',
  'x?admin=true&force=1',
  'a\nb',
  'a\tb',
  '.',
  '..',
  '',
  ' ',
  'a/b',
  'A-UPPER',
  '-leading',
  'trailing-',
  'x'.repeat(64),
  'x'.repeat(10000),
  'caf\u00e9',
  'a\u0000b',
  '%00',
  'http://evil.example/x',
  '//evil.example',
  '@evil.example',
  'c1%23',
  42,
  4.5,
  true,
  null,
  { a: 1 },
  ['c1'],
];

export interface EventRequest {
  id: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Whether the event's id is one the API knows (a cluster the double holds). */
  cluster?: string;
  /** An API fault to arm for this event (FaultRoute-free: the next request). */
  fault?: FaultSpec;
  /** Skip Content-Length (a chunked body). */
  chunked?: boolean;
}

export type FaultSpec =
  | number
  | 'reset'
  | { delayMs: number }
  | { status: number; headers?: Record<string, string>; body?: string };

const VALID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function validId(r: Random): string {
  const n = r.int(1, 20);
  return `c${r.string(n, VALID_ALPHABET)}`;
}

function cloudEvent(r: Random, dataId: unknown): Record<string, unknown> {
  const e: Record<string, unknown> = {
    specversion: '1.0',
    id: `evt-${r.string(8, VALID_ALPHABET)}`,
    source: 'hyperfleet-sentinel',
    type: 'com.redhat.hyperfleet.cluster.reconcile',
    datacontenttype: 'application/json',
    data: {
      id: dataId,
      kind: 'Cluster',
      href: `/api/hyperfleet/v1/clusters/${String(dataId)}`,
      generation: r.int(0, 5),
    },
  };
  // Attribute damage, one in four.
  if (r.chance(0.25)) {
    const what = r.int(0, 11);
    if (what === 0) delete e['specversion'];
    else if (what === 1) e['specversion'] = r.pick(['0.3', '2.0', 1, '', null]);
    else if (what === 2) delete e['id'];
    else if (what === 3) e['id'] = r.pick(['', 7, null, { x: 1 }, 'a\nb']);
    else if (what === 4) delete e['source'];
    else if (what === 5)
      e['type'] = r.pick(['', 'other.type', 5, 'com.redhat.hyperfleet.nodepool.reconcile']);
    else if (what === 6) e['data'] = r.pick(['a string', 5, null, [1, 2], {}]);
    else if (what === 7) {
      delete e['data'];
      e['data_base64'] = r.pick([
        Buffer.from(JSON.stringify({ id: dataId, kind: 'Cluster' })).toString('base64'),
        '!!!not base64',
        '',
      ]);
    } else if (what === 8)
      e['datacontenttype'] = r.pick(['text/plain', 'application/xml', '', 'application/json; charset=x']);
    else if (what === 9)
      e[r.pick(['__proto__', 'constructor', 'Extension', 'ext-1', 'x'.repeat(300)])] = r.wild(6);
    else if (what === 10) (e['data'] as Record<string, unknown>)['nested'] = nest(r.int(10, 3000));
    else e['time'] = r.pick(['not a time', '2026-13-45T99:99:99Z', 12]);
  }
  return e;
}

function nest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function structured(e: Record<string, unknown>): Pick<EventRequest, 'headers' | 'body'> {
  return {
    headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
    body: Buffer.from(JSON.stringify(e)),
  };
}

function binary(e: Record<string, unknown>): Pick<EventRequest, 'headers' | 'body'> {
  const headers: Record<string, string> = {
    'content-type': String(e['datacontenttype'] ?? 'application/json'),
  };
  for (const [k, v] of Object.entries(e)) {
    if (k === 'data' || k === 'data_base64' || k === 'datacontenttype') continue;
    headers[`ce-${k.toLowerCase()}`] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return { headers, body: Buffer.from(e['data'] === undefined ? '' : JSON.stringify(e['data'])) };
}

const FAULTS: readonly FaultSpec[] = [
  500,
  503,
  429,
  401,
  403,
  'reset',
  { delayMs: 50 },
  { status: 404, headers: { 'content-type': 'text/html' }, body: '<h1>404 page not found</h1>' },
  { status: 502, headers: { 'content-type': 'text/plain' }, body: '' },
  { status: 200, headers: { 'content-type': 'application/json' }, body: '{"truncated": ' },
  { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>login</html>' },
];

export function nextEvent(r: Random, i: number, echoFault: (() => FaultSpec) | undefined): EventRequest {
  const family = r.weighted<'good' | 'hostile-id' | 'wrong-body' | 'oversize' | 'raw'>([
    [4, 'good'],
    [3, 'hostile-id'],
    [2, 'wrong-body'],
    [0.5, 'oversize'],
    [1, 'raw'],
  ]);
  const mode = r.chance(0.6) ? structured : binary;
  if (family === 'good') {
    const id = validId(r);
    const req: EventRequest = { id: `event/good/${i}`, cluster: id, ...mode(cloudEvent(r, id)) };
    if (r.chance(0.3)) req.fault = r.chance(0.3) && echoFault ? echoFault() : r.pick(FAULTS);
    return req;
  }
  if (family === 'hostile-id')
    return { id: `event/hostile-id/${i}`, ...mode(cloudEvent(r, r.pick(HOSTILE_IDS))) };
  if (family === 'wrong-body') {
    const e = cloudEvent(r, validId(r));
    const shape = r.int(0, 7);
    if (shape === 0)
      return {
        id: `event/batch/${i}`,
        headers: { 'content-type': 'application/cloudevents-batch+json' },
        body: Buffer.from(JSON.stringify([e, e])),
      };
    if (shape === 1)
      return {
        id: `event/form/${i}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(`a=${'b'.repeat(r.int(0, 5000))}`),
      };
    if (shape === 2)
      return {
        id: `event/multipart/${i}`,
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
        body: Buffer.from('--x\r\n\r\nhello\r\n--x--'),
      };
    if (shape === 3)
      return {
        id: `event/broken-json/${i}`,
        headers: { 'content-type': r.pick(['application/cloudevents+json', 'application/json']) },
        body: Buffer.from(JSON.stringify(e).slice(0, r.int(0, 40))),
      };
    if (shape === 4) return { id: `event/empty/${i}`, ...binary(e), body: Buffer.alloc(0) };
    if (shape === 5)
      return {
        id: `event/text/${i}`,
        headers: {
          'content-type': r.pick(['text/plain', 'application/octet-stream', '', 'application/xml']),
        },
        body: Buffer.from(r.wild(20)),
      };
    if (shape === 6)
      return { id: `event/no-content-type/${i}`, headers: {}, body: Buffer.from(JSON.stringify(e)) };
    return { id: `event/chunked/${i}`, ...structured(e), chunked: true };
  }
  if (family === 'oversize') {
    const e = cloudEvent(r, validId(r));
    const data = e['data'];
    const padding = 'p'.repeat(r.int(1_100_000, 2_500_000));
    if (data !== null && typeof data === 'object' && !Array.isArray(data))
      (data as Record<string, unknown>)['padding'] = padding;
    else e['data'] = { padding };
    return { id: `event/oversize/${i}`, ...mode(e), ...(r.chance(0.5) ? { chunked: true } : {}) };
  }
  const bytes = Buffer.from(Array.from({ length: r.int(0, 200) }, () => r.int(0, 255)));
  const headers: Record<string, string> = { 'content-type': 'application/cloudevents+json' };
  if (r.chance(0.5)) headers[`ce-${r.string(4, 'abc')}`] = r.string(r.int(0, 20), 'x\u001b\u0007y');
  return { id: `event/raw/${i}`, headers, body: bytes };
}

export interface RawAnswer {
  status: number;
  body: string;
  ms: number;
}

/** One HTTP/1.1 request over its own socket; the status line and body of the answer. */
export function sendRaw(
  port: number,
  path: string,
  req: Pick<EventRequest, 'headers' | 'body' | 'chunked'> & { method?: string },
  timeoutMs: number,
): Promise<RawAnswer | 'timeout' | 'closed'> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let settled = false;
    const done = (v: RawAnswer | 'timeout' | 'closed') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (!m) return done('closed');
      const split = text.indexOf('\r\n\r\n');
      let body = split >= 0 ? text.slice(split + 4) : '';
      if (/\r\ntransfer-encoding: chunked/i.test(text.slice(0, split))) body = dechunk(body);
      done({
        status: Number(m[1]),
        body: Buffer.from(body, 'latin1').toString('utf8'),
        ms: performance.now() - started,
      });
    });
    socket.on('connect', () => {
      let head = `${req.method ?? 'POST'} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n`;
      for (const [k, v] of Object.entries(req.headers)) head += `${k}: ${v.replace(/[\r\n]/g, ' ')}\r\n`;
      if (req.chunked) {
        head += 'transfer-encoding: chunked\r\n\r\n';
        socket.write(Buffer.from(head, 'utf8'));
        for (let at = 0; at < req.body.length; at += 65536) {
          const part = req.body.subarray(at, at + 65536);
          socket.write(`${part.length.toString(16)}\r\n`);
          socket.write(part);
          socket.write('\r\n');
        }
        socket.write('0\r\n\r\n');
      } else {
        head += `content-length: ${req.body.length}\r\n\r\n`;
        socket.write(Buffer.from(head, 'utf8'));
        // No half-close: a client that ends its side early is not what Knative's
        // queue-proxy does, and the server may then drop the answer.
        socket.write(req.body);
      }
    });
  });
}

function dechunk(body: string): string {
  let out = '';
  let at = 0;
  while (at < body.length) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = Number.parseInt(body.slice(at, eol), 16);
    if (!(size > 0)) break;
    out += body.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
  return out;
}
