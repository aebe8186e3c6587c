/**
 * The production shape for end-to-end runs: the function process (faas-js-runtime) with a
 * compat example's files in a ConfigMap-style mount, the stack's Maestro and kube-apiserver
 * through env overrides, the HyperFleet API double as its API, and the Sentinel-like driver.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workResourceId } from '../../../lib/transport/maestro/codec.ts';
import type { StackInfo } from '../../stack/types.ts';
import { type ConfigMount, createConfigMount } from '../../support/config-mount.ts';
import { eventually } from '../../support/eventually.ts';
import { type FunctionProcess, startFunction } from '../../support/function-process.ts';
import type { ApiDouble } from '../../support/hyperfleet-api-double.ts';
import { kubeGet as kubeGetObject } from '../../support/kube.ts';

export const COMPAT = fileURLToPath(new URL('../../../../shared/compat/examples/', import.meta.url));
export const E2E_FIXTURES = fileURLToPath(new URL('../../fixtures/e2e/', import.meta.url));

/** Every file of a config folder (a compat example or one of ours), as a ConfigMap holds them. */
export function configFiles(dir: string): Record<string, string> {
  if (!existsSync(dir))
    throw new Error(`config folder ${dir} not found (the repo expects ../shared beside it)`);
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir)) files[f] = readFileSync(join(dir, f), 'utf8');
  return files;
}

export function compatFiles(example: string): Record<string, string> {
  return configFiles(join(COMPAT, example));
}

export interface E2eFunction {
  fn: FunctionProcess;
  mount: ConfigMount;
  close(): Promise<void>;
}

/** The env a pod spec would set: endpoints of the stack, the API double, and the example's own variables. */
export function stackEnv(
  stack: StackInfo,
  api: ApiDouble,
  files: Record<string, string>,
  maestroHttpUrl = stack.maestro.httpUrl,
): Record<string, string> {
  const usesMaestro = (files['adapter-config.yaml'] ?? '').includes('maestro:');
  return {
    HYPERFLEET_API_BASE_URL: api.url,
    HYPERFLEET_API_BASE_DELAY: '50ms',
    HYPERFLEET_KUBERNETES_KUBE_CONFIG_PATH: stack.kube.kubeconfigPath,
    ...(usesMaestro
      ? {
          HYPERFLEET_MAESTRO_GRPC_SERVER_ADDRESS: stack.maestro.grpcAddress,
          HYPERFLEET_MAESTRO_HTTP_SERVER_ADDRESS: maestroHttpUrl,
        }
      : {}),
    NAMESPACE: 'hyperfleet',
    RUN_ID: 'e2e',
    LOG_LEVEL: process.env['E2E_FUNCTION_LOG_LEVEL'] ?? 'warn',
  };
}

export async function startE2eFunction(
  files: Record<string, string>,
  env: Record<string, string>,
): Promise<E2eFunction> {
  const mount = await createConfigMount(files);
  try {
    const fn = await startFunction({ configDir: mount.dir, env, readyTimeoutMs: 60_000 });
    return {
      fn,
      mount,
      close: async () => {
        await fn.stop();
        await mount.remove();
      },
    };
  } catch (err) {
    await mount.remove();
    throw err;
  }
}

/**
 * A pass-through HTTP proxy in front of Maestro's REST API that counts the requests: what the
 * adapter asks Maestro per event, measured from outside without touching the transport.
 */
export interface CountingProxy {
  readonly url: string;
  count(): number;
  /** Requests by "METHOD path-without-query-and-ids". */
  byRoute(): Record<string, number>;
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(targetUrl: string): Promise<CountingProxy> {
  const target = new URL(targetUrl);
  let total = 0;
  const routes = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    total++;
    const route = `${req.method} ${(req.url ?? '/').replace(/\?.*$/, '').replace(/\/[0-9a-f-]{36}/g, '/{id}')}`;
    routes.set(route, (routes.get(route) ?? 0) + 1);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => total,
    byRoute: () => Object.fromEntries(routes),
    reset: () => {
      total = 0;
      routes.clear();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** test/support's eventually, also for checks that read in-process state synchronously. */
export function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> {
  return eventually(what, async () => check(), timeoutMs, intervalMs);
}

export interface MaestroBundle {
  id: string;
  version: number;
  consumer_name?: string;
  /** Set once Maestro has stored a delete for the bundle. */
  deleted_at?: string;
  metadata: { name: string; labels?: Record<string, string> };
}

/** The resource bundle of a work (by its id, as the transport derives it); undefined when absent. */
export async function bundleOf(
  stack: StackInfo,
  source: string,
  consumer: string,
  name: string,
): Promise<MaestroBundle | undefined> {
  const id = workResourceId(source, consumer, name);
  const res = await fetch(`${stack.maestro.httpUrl}/api/maestro/v1/resource-bundles/${id}`);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET resource-bundles/${id}: ${res.status}`);
  return (await res.json()) as MaestroBundle;
}

/** A GET on the kube-apiserver as admin; undefined on 404. */
export async function kubeGet(stack: StackInfo, path: string): Promise<Record<string, unknown> | undefined> {
  return (await kubeGetObject(stack, path)) as Record<string, unknown> | undefined;
}

/** A write on the kube-apiserver as admin (a namespace the cluster adapter would have made). */
export async function kubeCreate(stack: StackInfo, path: string, body: unknown): Promise<number> {
  const { request } = await import('node:https');
  const ca = readFileSync(stack.kube.caFile);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, stack.kube.server),
      {
        method: 'POST',
        ca,
        headers: { authorization: `Bearer ${stack.kube.adminToken}`, 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** PUT an adapter status to the API double over HTTP, as another adapter would. */
export async function putStatus(
  api: ApiDouble,
  path: string,
  adapter: string,
  generation: number,
  data: Record<string, unknown>,
): Promise<number> {
  const cond = (type: string) => ({
    type,
    status: 'True',
    reason: 'E2eSeed',
    message: 'seeded by the e2e suite',
  });
  const res = await fetch(`${api.url}/api/hyperfleet/v1${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      adapter,
      observed_generation: generation,
      observed_time: new Date().toISOString(),
      conditions: ['Applied', 'Available', 'Health'].map(cond),
      data,
    }),
  });
  await res.arrayBuffer();
  return res.status;
}
