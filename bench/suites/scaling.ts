/**
 * Per-event cost as the works on one Maestro consumer grow from 10 to 100 to 1,000: the
 * function process (e2e-cl-maestro, placed on a consumer of its own with no agent, so the
 * population is only what this suite put there) handles events for one cluster while the
 * other works were published directly through lib/transport/maestro under the same source.
 * Maestro REST calls per event must not grow with the population (lookups by id or by
 * label search, never a scan of the consumer's works).
 */
import {
  createMaestroTransport,
  type MaestroClientConfig,
  type MaestroTransport,
} from '../../lib/transport/maestro/index.ts';
import {
  compatFiles,
  stackEnv,
  startCountingProxy,
  startE2eFunction,
} from '../../test/e2e/support/harness.ts';
import { cpuMs, maestroGrpcCalls, percentiles, round, withStack } from '../../test/e2e/support/measure.ts';
import { sentinelCloudEvent } from '../../test/e2e/support/sentinel.ts';
import { ensureConsumer } from '../../test/stack/maestro.ts';
import type { StackInfo } from '../../test/stack/types.ts';
import { startHyperfleetApiDouble } from '../../test/support/hyperfleet-api-double.ts';
import type { BenchResult, BenchSuite } from '../types.ts';

const POPULATIONS = [10, 100, 1000];

function populationWork(name: string) {
  return {
    apiVersion: 'work.open-cluster-management.io/v1',
    kind: 'ManifestWork',
    metadata: {
      name,
      labels: { 'hyperfleet.io/cluster-id': name, 'hyperfleet.io/adapter': 'cl-maestro' },
    },
    spec: {
      workload: {
        manifests: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `${name}-cm`, namespace: 'default' },
            data: { filler: name },
          },
        ],
      },
    },
  };
}

async function grow(t: MaestroTransport, consumer: string, from: number, to: number): Promise<void> {
  const concurrency = 16;
  for (let i = from; i < to; i += concurrency) {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, to - i) }, (_, k) =>
        t.apply(populationWork(`pop-${i + k}`), {
          signal: AbortSignal.timeout(60_000),
          targetCluster: consumer,
        }),
      ),
    );
  }
}

async function run(stack: StackInfo, quick: boolean): Promise<BenchResult[]> {
  const stamp = Date.now().toString(36);
  const consumer = `bench-scale-${stamp}`;
  const source = `bench-scale-${stamp}`;
  await ensureConsumer(stack.maestro.httpUrl, consumer);
  const config: MaestroClientConfig = {
    grpc_server_address: stack.maestro.grpcAddress,
    http_server_address: stack.maestro.httpUrl,
    source_id: source,
    insecure: true,
  };
  const publisher = createMaestroTransport(config);
  const api = await startHyperfleetApiDouble({ requiredAdapters: ['cl-maestro', 'never-reports'] });
  const proxy = await startCountingProxy(stack.maestro.httpUrl);
  const files = compatFiles('e2e-cl-maestro');
  const task = files['task-config.yaml'] ?? '';
  const placed = task.replace('expression: "\\"cluster1\\""', `expression: "\\"${consumer}\\""`);
  if (placed === task) throw new Error('e2e-cl-maestro placement expression not found: the example changed');
  files['task-config.yaml'] = placed;
  const f = await startE2eFunction(files, {
    ...stackEnv(stack, api, files, proxy.url),
    HYPERFLEET_MAESTRO_SOURCE_ID: source,
  });
  const out: BenchResult[] = [];
  const perEvent: number[] = [];
  try {
    const id = `scale${stamp}`;
    api.putCluster({ id, name: `name-${id}`, generation: 1, spec: { platform: { type: 'gcp' } } });
    const send = async () => {
      const res = await fetch(f.fn.url, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify(
          sentinelCloudEvent({ kind: 'Cluster', id }, api.resource('Cluster', id)?.generation ?? 1),
        ),
      });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`event answered ${res.status}: ${body.slice(0, 300)}`);
    };
    let population = 0;
    const events = quick ? 30 : 200;
    for (const target of POPULATIONS) {
      const t0 = performance.now();
      await grow(publisher, consumer, population, target - 1);
      population = target - 1;
      const growSeconds = (performance.now() - t0) / 1000;
      // The event's own work is the population's last one (created by the first event).
      await send();
      const rest0 = proxy.count();
      const pub0 = await maestroGrpcCalls(stack, source);
      const cpu0 = cpuMs(f.fn.pid);
      const lat: number[] = [];
      for (let i = 0; i < events; i++) {
        // One event in ten carries a new generation: the work is updated, not just read.
        if (i % 10 === 9) api.bumpGeneration('Cluster', id);
        const t = performance.now();
        await send();
        lat.push(performance.now() - t);
      }
      const rest = (proxy.count() - rest0) / events;
      perEvent.push(rest);
      out.push({
        name: `${target} works on the consumer: events for one cluster (1 in 10 an update)`,
        opsPerSec: round(events / (lat.reduce((a, b) => a + b, 0) / 1000), 1),
        ...percentiles(lat),
        extra: {
          events,
          'Maestro REST/event': round(rest),
          'gRPC publish/event': round(((await maestroGrpcCalls(stack, source)) - pub0) / events),
          'cpu ms/event': round((cpuMs(f.fn.pid) - cpu0) / events),
          'population publish s': round(growSeconds, 1),
        },
      });
    }
    const constant = perEvent.every((x) => Math.abs(x - (perEvent[0] ?? 0)) < 0.01);
    out.push({
      name: `Maestro REST calls/event constant from ${POPULATIONS[0]} to ${POPULATIONS.at(-1)} works`,
      extra: { constant: constant ? 'yes' : `NO: ${perEvent.map((x) => round(x)).join(' / ')}` },
    });
    process.stderr.write(`bench scaling: Maestro REST routes ${JSON.stringify(proxy.byRoute())}\n`);
  } finally {
    await f.close();
    await proxy.close();
    await api.close();
    await publisher.close();
  }
  return out;
}

const suite: BenchSuite = async ({ quick }) => withStack((stack) => run(stack, quick));

export default suite;
