import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ConfigMount, createConfigMount } from './config-mount.ts';
import { type FunctionProcess, startFunction } from './function-process.ts';
import { type ApiDouble, type ApiDoubleOptions, startHyperfleetApiDouble } from './hyperfleet-api-double.ts';

/**
 * One function under test wired the way a cluster wires it: the HyperFleet API double as its
 * API (through HYPERFLEET_API_BASE_URL, as a pod spec overrides it) and its config in a
 * ConfigMap-style mount. Fixtures live in test/fixtures/function.
 */

const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures', 'function');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export interface HarnessOptions {
  adapterConfig?: string;
  taskConfig?: string;
  /** Extra files of the mount. */
  files?: Record<string, string>;
  env?: Record<string, string>;
  api?: ApiDoubleOptions;
  /** Start without waiting for readiness (a config that is meant to be invalid). */
  waitFor?: 'ready' | 'listening';
}

export interface Harness {
  api: ApiDouble;
  mount: ConfigMount;
  fn: FunctionProcess;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const api = await startHyperfleetApiDouble({ requiredAdapters: ['function-test-adapter'], ...options.api });
  const mount = await createConfigMount({
    'adapter-config.yaml': options.adapterConfig ?? fixture('adapter-config.yaml'),
    'task-config.yaml': options.taskConfig ?? fixture('task-config.yaml'),
    ...options.files,
  });
  let fn: FunctionProcess;
  try {
    fn = await startFunction({
      configDir: mount.dir,
      env: { HYPERFLEET_API_BASE_URL: api.url, ...options.env },
      ...(options.waitFor ? { waitFor: options.waitFor } : {}),
    });
  } catch (err) {
    await api.close();
    await mount.remove();
    throw err;
  }
  return {
    api,
    mount,
    fn,
    close: async () => {
      await fn.stop();
      await api.close();
      await mount.remove();
    },
  };
}

/** Sentinel's event for a cluster, in the structured JSON form; `data` fields merge over the usual four. */
export function sentinelEvent(
  clusterId: string,
  data: Record<string, unknown> = {},
  attributes: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: 'hyperfleet-sentinel',
    type: 'com.redhat.hyperfleet.cluster.reconcile',
    datacontenttype: 'application/json',
    data: {
      id: clusterId,
      kind: 'Cluster',
      href: `/api/hyperfleet/v1/clusters/${clusterId}`,
      generation: 1,
      ...data,
    },
    ...attributes,
  };
}

/** The value of one sample of a Prometheus text exposition; undefined when absent. */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) found[l[1]!] = l[2]!;
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** The status PUTs the double received, bodies parsed. */
export function statusPuts(
  api: ApiDouble,
): { status: number; path: string; body: Record<string, unknown> }[] {
  return api.requests
    .filter((r) => r.method === 'PUT' && r.path.endsWith('/statuses'))
    .map((r) => ({ status: r.status, path: r.path, body: JSON.parse(r.body) as Record<string, unknown> }));
}

export function conditionOf(
  body: Record<string, unknown>,
  type: string,
): { type: string; status: string; reason: string; message: string } | undefined {
  const conditions = body['conditions'] as {
    type: string;
    status: string;
    reason: string;
    message: string;
  }[];
  return conditions.find((c) => c.type === type);
}
