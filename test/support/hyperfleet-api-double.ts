import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  type AdapterStatusView,
  presentResource,
  presentStatus,
  type ResourceKind,
  type ResourceView,
  type StoredResource,
} from './hyperfleet-api-double/model.ts';
import { type Problem, problem, problemBody } from './hyperfleet-api-double/problem.ts';
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
 * talks to the API: the status PUT rules (201/204/400/404), aggregation into Reconciled /
 * LastKnownReconciled / <Adapter>Successful, soft and hard delete, bearer auth, and faults
 * (error statuses, slow answers, connection resets, the whole server down).
 */

export interface ApiDoubleOptions {
  /** 0 (default): any free port. */
  port?: number;
  host?: string;
  /** One list for both kinds, or per kind; default: the chart's (validation, dns, pullsecret, hypershift / validation, hypershift). */
  requiredAdapters?: string[] | Partial<RequiredAdapters>;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  requireToken?: string;
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
  const now = options.now ?? Date.now;
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
    const pathname = path.replace(/[?#].*$/, '');

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
          ? problemReply(problem.forStatus(f.status, `injected fault ${f.status}`), pathname)
          : { status: f.status, body: f.body, headers: { 'content-type': 'application/json' } };
      reply(res, record, { ...base, headers: { ...base.headers, ...f.headers } });
      return;
    }

    if (token !== undefined) {
      const auth = headers['authorization'];
      if (auth === undefined) {
        return reply(
          res,
          record,
          problemReply(problem.noCredentials('Authorization header is missing'), pathname),
        );
      }
      if (auth !== `Bearer ${token}`) {
        return reply(
          res,
          record,
          problemReply(problem.invalidCredentials('The provided credentials are invalid'), pathname),
        );
      }
    }
    reply(res, record, route(method, pathname, body));
  }

  function route(method: string, pathname: string, body: string): Reply {
    const seg = pathname.startsWith(`${BASE}/`) ? pathname.slice(BASE.length + 1).split('/') : undefined;
    const [c, cid, n, nid, s, extra] = seg ?? [];
    const endpointNotFound = problemReply(problem.endpointNotFound(pathname), pathname);
    if (seg === undefined || c === '' || extra !== undefined) return endpointNotFound;

    // The flat nodepool routes (/nodepools/{id}[/statuses]) exist as well.
    if (c === 'nodepools' && cid && n === undefined) {
      return resourceGet(method, pathname, store.get('NodePool', cid), 'NodePool', cid);
    }
    if (c === 'nodepools' && cid && n === 'statuses' && nid === undefined) {
      return statusesRoute(method, pathname, body, store.get('NodePool', cid), 'NodePool', cid);
    }
    if (c !== 'clusters') return endpointNotFound;

    if (cid === undefined) return listRoute(method, store.list('Cluster'));
    if (n === undefined) return resourceGet(method, pathname, store.get('Cluster', cid), 'Cluster', cid);
    if (n === 'statuses' && nid === undefined) {
      return statusesRoute(method, pathname, body, store.get('Cluster', cid), 'Cluster', cid);
    }
    if (n !== 'nodepools') return endpointNotFound;
    if (nid === undefined) {
      if (!store.get('Cluster', cid)) return problemReply(store.notFound('Cluster', cid), pathname);
      return listRoute(method, store.list('NodePool', cid));
    }
    if (s === undefined) return resourceGet(method, pathname, store.getNodepool(cid, nid), 'NodePool', nid);
    if (s === 'statuses')
      return statusesRoute(method, pathname, body, store.getNodepool(cid, nid), 'NodePool', nid);
    return endpointNotFound;
  }

  function resourceGet(
    method: string,
    pathname: string,
    r: StoredResource | undefined,
    kind: ResourceKind,
    id: string,
  ): Reply {
    if (method !== 'GET') return METHOD_NOT_ALLOWED;
    if (!r) return problemReply(store.notFound(kind, id), pathname);
    return jsonReply(200, presentResource(r));
  }

  function listRoute(method: string, list: StoredResource[]): Reply {
    if (method !== 'GET') return METHOD_NOT_ALLOWED;
    const items = list.map(presentResource);
    return jsonReply(200, { items, page: 1, size: items.length, total: items.length });
  }

  function statusesRoute(
    method: string,
    pathname: string,
    body: string,
    r: StoredResource | undefined,
    kind: ResourceKind,
    id: string,
  ): Reply {
    if (method === 'GET') {
      if (!r) return problemReply(store.notFound(kind, id), pathname);
      const items = [...r.statuses.values()].map(presentStatus);
      return jsonReply(200, { items, page: 1, size: items.length, total: items.length });
    }
    if (method !== 'PUT') return METHOD_NOT_ALLOWED;
    const parsed = parseStatusReport(body, now());
    if (!parsed.ok) return problemReply(parsed.problem, pathname);
    if (!r) return problemReply(store.notFound(kind, id), pathname);
    const outcome = store.putStatus(r, parsed.value);
    if (outcome.code === 204) return { status: 204, body: '', headers: {} };
    if (outcome.code === 201) return jsonReply(201, presentStatus(outcome.status));
    return problemReply(outcome.problem, pathname);
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

  const view = (r: StoredResource | undefined) => (r ? presentResource(r) : undefined);
  return {
    url,
    requests,
    putCluster: (seed) => presentResource(store.put('Cluster', seed)),
    putNodepool: (clusterId, seed) => presentResource(store.put('NodePool', seed, clusterId)),
    bumpGeneration: (kind, id) => presentResource(store.bumpGeneration(kind, id)),
    markDeleted: (kind, id) => (store.markDeleted(kind, id) ? view(store.get(kind, id)) : undefined),
    resource: (kind, id) => view(store.get(kind, id)),
    statuses: (kind, id) => [...(store.get(kind, id)?.statuses.values() ?? [])].map(presentStatus),
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
}

const METHOD_NOT_ALLOWED: Reply = {
  status: 405,
  body: 'Method Not Allowed\n',
  headers: { 'content-type': 'text/plain; charset=utf-8' },
};

function jsonReply(status: number, payload: unknown): Reply {
  return { status, body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } };
}

function problemReply(p: Problem, instance: string): Reply {
  return {
    status: p.status,
    body: problemBody(p, instance),
    headers: { 'content-type': 'application/problem+json' },
  };
}

function reply(res: ServerResponse, record: RecordedRequest, r: Reply): void {
  record.status = r.status;
  res.writeHead(r.status, { vary: 'Authorization', ...r.headers });
  res.end(r.body);
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
