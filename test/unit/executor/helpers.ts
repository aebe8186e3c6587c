/** Executor test harness: configs from YAML text, a scripted API, in-memory transports. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoadedConfigPair, loadConfigPair } from '../../../lib/config/index.ts';
import type { ApiCaller } from '../../../lib/executor/api-call.ts';
import { type ExecutionResult, execute, type LoadedConfig } from '../../../lib/executor/executor.ts';
import type { DeletionObserver } from '../../../lib/executor/resources.ts';
import { type ApiRequest, type ApiResponse, HyperfleetApiError } from '../../../lib/hyperfleet-api/index.ts';
import { createLogger } from '../../../lib/observability/logger.ts';
import { MemoryTransport, type TransportRecord } from '../../../lib/transport/memory.ts';

export async function loadConfig(
  adapterYaml: string,
  taskYaml: string,
  files: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<LoadedConfigPair> {
  const dir = await mkdtemp(join(tmpdir(), 'executor-test-'));
  await writeFile(join(dir, 'adapter-config.yaml'), adapterYaml);
  await writeFile(join(dir, 'task-config.yaml'), taskYaml);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return loadConfigPair({
    configFile: join(dir, 'adapter-config.yaml'),
    taskConfigFile: join(dir, 'task-config.yaml'),
    mounts: { '/etc/adapter': dir },
    env,
  });
}

export const ADAPTER = `
adapter:
  name: test-adapter
  version: "1.2.3"
clients:
  hyperfleet_api:
    base_url: http://api.test
  maestro:
    grpc_server_address: 127.0.0.1:1
    http_server_address: http://127.0.0.1:1
    source_id: test-adapter
    insecure: true
`;

type Handler = (req: ApiRequest) => { status: number; body?: unknown } | Error;

/** An API that answers from handlers keyed by "METHOD path-regexp" and records every request. */
export class ScriptedApi implements ApiCaller {
  readonly requests: { method: string; url: string; body?: string }[] = [];
  private readonly routes: [string, RegExp, Handler][] = [];

  on(method: string, pattern: RegExp, handler: Handler | { status: number; body?: unknown }): this {
    this.routes.push([method, pattern, typeof handler === 'function' ? handler : () => handler]);
    return this;
  }

  async request(req: ApiRequest): Promise<ApiResponse> {
    req.signal.throwIfAborted();
    const url = req.url.startsWith('/') ? `/api/hyperfleet/v1${req.url}` : req.url;
    this.requests.push({
      method: req.method,
      url,
      ...(typeof req.body === 'string' ? { body: req.body } : {}),
    });
    const route = this.routes.find(([m, p]) => m === req.method && p.test(url));
    const answer = route ? route[2](req) : { status: 200, body: {} };
    if (answer instanceof Error) throw answer;
    return {
      method: req.method,
      status: answer.status,
      headers: { 'content-type': 'application/json' },
      body: answer.body === undefined ? '' : JSON.stringify(answer.body),
      json: answer.body,
      attempts: 1,
      durationMs: 0,
      url: `http://api.test${url}`,
    };
  }

  /** Bodies of the status PUTs, parsed. */
  statusBodies(): Record<string, unknown>[] {
    return this.requests
      .filter((r) => r.method === 'PUT' && r.url.endsWith('/statuses'))
      .map((r) => JSON.parse(r.body ?? '{}') as Record<string, unknown>);
  }
}

/** The API's own 404 (its problem details): a resource that does not exist (or no longer). */
export function notFound(url = '/clusters/x'): HyperfleetApiError {
  return new HyperfleetApiError({
    method: 'GET',
    url,
    status: 404,
    attempts: 1,
    problem: { type: 'https://api.hyperfleet.io/errors/not-found', status: 404, code: 'HYPERFLEET-NTF-002' },
  });
}

export interface Cluster {
  transports: { kubernetes: MemoryTransport; maestro: MemoryTransport };
  records: TransportRecord[];
}

export function memoryCluster(
  options: { maestroSoftDelete?: boolean; kubeSoftDelete?: boolean } = {},
): Cluster {
  const records: TransportRecord[] = [];
  return {
    records,
    transports: {
      kubernetes: new MemoryTransport('kubernetes', { records, softDelete: options.kubeSoftDelete ?? false }),
      maestro: new MemoryTransport('maestro', { records, softDelete: options.maestroSoftDelete ?? true }),
    },
  };
}

export const silent = createLogger({ level: 'silent' });

export async function run(
  config: LoadedConfig,
  event: Record<string, unknown>,
  api: ScriptedApi,
  cluster: Cluster,
  extra: {
    env?: Record<string, string>;
    signal?: AbortSignal;
    now?: Date;
    recreateWaitMs?: number;
    deletions?: DeletionObserver;
  } = {},
): Promise<ExecutionResult> {
  const now = extra.now ?? new Date('2026-11-26T10:00:00Z');
  return execute(config, event, extra.signal ?? AbortSignal.timeout(10_000), {
    api,
    transports: async (client) => cluster.transports[client],
    log: silent,
    env: extra.env ?? {},
    clock: { now: () => now },
    recreateWaitMs: extra.recreateWaitMs ?? 0,
    ...(extra.deletions ? { deletions: extra.deletions } : {}),
  });
}
