/**
 * One warm function instance, end to end, with e2e-cl-maestro (a ManifestWork through
 * Maestro): the function process (faas-js-runtime) against the real stack, and the same
 * adapter in process with in-memory backends (the adapter's own cost without the peers).
 * Per event: latency, CPU time, HyperFleet API calls, Maestro REST calls (counted by a
 * proxy in front of Maestro's REST API) and gRPC publishes (Maestro's own counter for this
 * run's source id). A second required adapter that never reports keeps Reconciled False,
 * so every event runs the resources phase, as Sentinel's repeat events do until ready.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createLogger } from '../../lib/observability/logger.ts';
import { createMetrics } from '../../lib/observability/metrics.ts';
import { runtimeFromEnv } from '../../lib/runtime/from-env.ts';
import { MemoryTransport } from '../../lib/transport/memory.ts';
import {
  COMPAT,
  compatFiles,
  stackEnv,
  startCountingProxy,
  startE2eFunction,
} from '../../test/e2e/support/harness.ts';
import {
  cpuMs,
  maestroGrpcCalls,
  percentiles,
  round,
  rssMiB,
  withStack,
} from '../../test/e2e/support/measure.ts';
import { sentinelCloudEvent } from '../../test/e2e/support/sentinel.ts';
import type { StackInfo } from '../../test/stack/types.ts';
import { ETCD_VERSION, KUBERNETES_VERSION, MAESTRO_VERSION } from '../../test/stack/versions.ts';
import { type ApiDouble, startHyperfleetApiDouble } from '../../test/support/hyperfleet-api-double.ts';
import type { BenchResult, BenchSuite } from '../types.ts';

const EXAMPLE = 'e2e-cl-maestro';
const FAAS_VERSION = (
  JSON.parse(
    readFileSync(new URL('../../node_modules/faas-js-runtime/package.json', import.meta.url), 'utf8'),
  ) as { version: string }
).version;
const REQUIRED = ['cl-maestro', 'never-reports'];

function seedClusters(api: ApiDouble, prefix: string, n: number): string[] {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  for (const id of ids)
    api.putCluster({ id, name: `name-${id}`, generation: 1, spec: { platform: { type: 'gcp' } } });
  return ids;
}

async function post(url: string, event: Record<string, unknown>): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify(event),
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`event answered ${res.status}: ${body.slice(0, 300)}`);
  return res.status;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Cold start: spawn of the function process to the first event answered 200 (a create). */
async function coldStarts(stack: StackInfo, samples: number): Promise<BenchResult> {
  const api = await startHyperfleetApiDouble({ requiredAdapters: REQUIRED });
  const files = compatFiles(EXAMPLE);
  const ms: number[] = [];
  let rss = 0;
  try {
    for (let i = 0; i < samples; i++) {
      const [id] = seedClusters(api, `bcold${Date.now().toString(36)}x`, 1) as [string];
      const t0 = performance.now();
      const f = await startE2eFunction(files, {
        ...stackEnv(stack, api, files),
        HYPERFLEET_MAESTRO_SOURCE_ID: `bench-cold-${Date.now().toString(36)}`,
      });
      try {
        await post(f.fn.url, sentinelCloudEvent({ kind: 'Cluster', id }, 1));
        ms.push(performance.now() - t0);
        rss = rssMiB(f.fn.pid);
      } finally {
        await f.close();
      }
    }
  } finally {
    await api.close();
  }
  return {
    name: 'cold start to first event answered (real stack, create)',
    ...percentiles(ms),
    extra: { samples, 'rss MiB': round(rss, 1) },
  };
}

async function realStack(stack: StackInfo, quick: boolean): Promise<BenchResult[]> {
  const source = `bench-e2e-${Date.now().toString(36)}`;
  const api = await startHyperfleetApiDouble({ requiredAdapters: REQUIRED });
  const proxy = await startCountingProxy(stack.maestro.httpUrl);
  const files = compatFiles(EXAMPLE);
  const f = await startE2eFunction(files, {
    ...stackEnv(stack, api, files, proxy.url),
    HYPERFLEET_MAESTRO_SOURCE_ID: source,
  });
  const out: BenchResult[] = [];
  try {
    const ids = seedClusters(api, `be${Date.now().toString(36)}x`, quick ? 10 : 40);
    const pid = f.fn.pid;
    const phase = async (
      label: string,
      events: () => Record<string, unknown>[],
      concurrency = 1,
    ): Promise<BenchResult> => {
      const batch = events();
      const api0 = api.requests.length;
      const rest0 = proxy.count();
      const pub0 = await maestroGrpcCalls(stack, source);
      const cpu0 = cpuMs(pid);
      const lat: number[] = [];
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < batch.length) {
            const e = batch[next++] as Record<string, unknown>;
            lat.push(await timed(() => post(f.fn.url, e)));
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      const n = batch.length;
      return {
        name: label,
        opsPerSec: round(n / seconds, 1),
        ...percentiles(lat),
        extra: {
          events: n,
          concurrency,
          'cpu ms/event': round((cpuMs(pid) - cpu0) / n),
          'API calls/event': round((api.requests.length - api0) / n),
          'Maestro REST/event': round((proxy.count() - rest0) / n),
          'gRPC publish/event': round(((await maestroGrpcCalls(stack, source)) - pub0) / n),
          'rss MiB': round(rssMiB(pid), 1),
        },
      };
    };
    const ev = (id: string) =>
      sentinelCloudEvent({ kind: 'Cluster', id }, api.resource('Cluster', id)?.generation ?? 1);
    out.push(await phase('real stack: create (new cluster, work published)', () => ids.map(ev)));
    const steady = quick ? 100 : 600;
    const repeat = () => Array.from({ length: steady }, (_, i) => ev(ids[i % ids.length] as string));
    out.push(await phase('real stack: repeat event, same generation (sequential)', repeat));
    out.push(await phase('real stack: repeat event, same generation (8 concurrent)', repeat, 8));
    out.push(
      await phase('real stack: update (new generation, work updated)', () =>
        ids.map((id) => {
          api.bumpGeneration('Cluster', id);
          return ev(id);
        }),
      ),
    );
    process.stderr.write(`bench e2e: Maestro REST routes ${JSON.stringify(proxy.byRoute())}\n`);
  } finally {
    await f.close();
    await proxy.close();
    await api.close();
  }
  return out;
}

/** The same adapter and events in process, Maestro and Kubernetes as in-memory transports. */
async function inProcess(quick: boolean): Promise<BenchResult[]> {
  const api = await startHyperfleetApiDouble({ requiredAdapters: REQUIRED });
  const dir = `${COMPAT}${EXAMPLE}/`;
  const transports = {
    kubernetes: new MemoryTransport('kubernetes'),
    maestro: new MemoryTransport('maestro', { softDelete: true }),
  };
  const runtime = runtimeFromEnv(
    {
      HYPERFLEET_ADAPTER_CONFIG: `${dir}adapter-config.yaml`,
      HYPERFLEET_TASK_CONFIG: `${dir}task-config.yaml`,
      HYPERFLEET_ADAPTER_MOUNTS: `/etc/adapter=${dir}`,
      HYPERFLEET_API_BASE_URL: api.url,
      NAMESPACE: 'hyperfleet',
      RUN_ID: 'bench',
    },
    {
      log: createLogger({ level: 'silent' }),
      metrics: createMetrics(),
      transports: async (client) => transports[client],
    },
  );
  const out: BenchResult[] = [];
  try {
    const ids = seedClusters(api, 'bmem', quick ? 10 : 40);
    const phase = async (label: string, events: Record<string, unknown>[]): Promise<BenchResult> => {
      const api0 = api.requests.length;
      const cpu0 = process.cpuUsage();
      const lat: number[] = [];
      const t0 = performance.now();
      for (const e of events) {
        lat.push(
          await timed(async () => {
            const a = await runtime.handle(e as unknown as Parameters<typeof runtime.handle>[0]);
            if (a.statusCode !== 200) throw new Error(`answered ${a.statusCode}: ${JSON.stringify(a.body)}`);
          }),
        );
      }
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const n = events.length;
      return {
        name: label,
        opsPerSec: round(n / seconds, 1),
        ...percentiles(lat),
        extra: {
          events: n,
          concurrency: 1,
          // The API double runs in this process too: its share is in this figure.
          'cpu ms/event': round((cpu.user + cpu.system) / 1000 / n),
          'API calls/event': round((api.requests.length - api0) / n),
          'rss MiB': round(process.memoryUsage().rss / 2 ** 20, 1),
        },
      };
    };
    const ev = (id: string) => {
      const e = sentinelCloudEvent({ kind: 'Cluster', id }, api.resource('Cluster', id)?.generation ?? 1);
      return { ...e, type: e['type'], data: e['data'] };
    };
    out.push(await phase('in-process backends: create', ids.map(ev)));
    const steady = quick ? 200 : 2000;
    out.push(
      await phase(
        'in-process backends: repeat event, same generation',
        Array.from({ length: steady }, (_, i) => ev(ids[i % ids.length] as string)),
      ),
    );
  } finally {
    await runtime.shutdown();
    await api.close();
  }
  return out;
}

/** The peers' versions, as a row of their own so the table says what it was measured against. */
function stackVersions(stack: StackInfo): BenchResult {
  let postgres = 'PostgreSQL (unknown version)';
  const pid = stack.pids['postgres'];
  try {
    const bin = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? 'postgres';
    postgres = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // the version stays unknown; the figures do not depend on reading it
  }
  return {
    name: `measured against: Maestro ${MAESTRO_VERSION}, kube-apiserver ${KUBERNETES_VERSION}, etcd ${ETCD_VERSION}, ${postgres}, faas-js-runtime ${FAAS_VERSION}`,
  };
}

const suite: BenchSuite = async ({ quick }) =>
  withStack(async (stack) => [
    stackVersions(stack),
    await coldStarts(stack, quick ? 1 : 3),
    ...(await realStack(stack, quick)),
    ...(await inProcess(quick)),
  ]);

export default suite;
