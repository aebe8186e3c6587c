/**
 * One warm instance, in process: the bundled demo adapter (a Namespace direct, a ManifestWork
 * through Maestro) with in-memory transports, and the HyperFleet API contract double over
 * real HTTP on loopback. Events are handled back to back, as a single Knative instance with
 * containerConcurrency 1 would.
 */
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../lib/observability/logger.ts';
import { createMetrics } from '../../lib/observability/metrics.ts';
import { runtimeFromEnv } from '../../lib/runtime/from-env.ts';
import { MemoryTransport } from '../../lib/transport/memory.ts';
import { startHyperfleetApiDouble } from '../../test/support/hyperfleet-api-double.ts';
import { timeSequential } from '../stats.ts';
import type { BenchSuite } from '../types.ts';

const DEMO = fileURLToPath(new URL('../../examples/demo/', import.meta.url));

const suite: BenchSuite = async ({ quick }) => {
  const api = await startHyperfleetApiDouble({ requiredAdapters: ['demo-adapter'] });
  try {
    const clusters = 20;
    for (let i = 0; i < clusters; i++) {
      api.putCluster({
        id: `c${i}`,
        name: `bench-${i}`,
        generation: 1,
        spec: { placement: { consumer: 'cluster1' } },
      });
    }
    const transports = {
      kubernetes: new MemoryTransport('kubernetes'),
      maestro: new MemoryTransport('maestro', { softDelete: true }),
    };
    const runtime = runtimeFromEnv(
      {
        HYPERFLEET_ADAPTER_CONFIG: `${DEMO}adapter-config.yaml`,
        HYPERFLEET_TASK_CONFIG: `${DEMO}task-config.yaml`,
        HYPERFLEET_ADAPTER_MOUNTS: `/etc/adapter=${DEMO}`,
        HYPERFLEET_API_BASE_URL: api.url,
      },
      {
        log: createLogger({ level: 'silent' }),
        metrics: createMetrics(),
        transports: async (client) => transports[client],
      },
    );
    let n = 0;
    const event = () => {
      const id = `c${n++ % clusters}`;
      return {
        id: `e${n}`,
        type: 'com.redhat.hyperfleet.cluster.reconcile',
        source: 'bench',
        data: { id, kind: 'Cluster', generation: 1 },
      };
    };
    const handle = async () => {
      const answer = await runtime.handle(event());
      if (answer.statusCode !== 200)
        throw new Error(`event answered ${answer.statusCode}: ${JSON.stringify(answer.body)}`);
    };
    const count = quick ? 300 : 3000;
    const before = api.requests.length;
    const opsBefore = transports.kubernetes.records.length + transports.maestro.records.length;
    const t = await timeSequential(count, quick ? 30 : 200, handle);
    const apiCalls = (api.requests.length - before) / (count + (quick ? 30 : 200));
    const transportOps =
      (transports.kubernetes.records.length + transports.maestro.records.length - opsBefore) /
      (count + (quick ? 30 : 200));
    await runtime.shutdown();
    return [
      {
        name: 'demo adapter, warm instance, in-memory transports + API double',
        opsPerSec: t.opsPerSec,
        p50Ms: t.p50Ms,
        p99Ms: t.p99Ms,
        extra: {
          'cpu ms/event': t.cpuMsPerOp,
          'API calls/event': apiCalls,
          'transport ops/event': transportOps,
          'rss MiB': process.memoryUsage().rss / 2 ** 20,
        },
      },
    ];
  } finally {
    await api.close();
  }
};

export default suite;
