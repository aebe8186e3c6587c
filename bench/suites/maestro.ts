import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createMaestroTransport, type MaestroTransport } from '../../lib/transport/maestro/index.ts';
import type { ManifestWork } from '../../lib/transport/maestro/types.ts';
import type { ObjectRef } from '../../lib/transport/types.ts';
import type { StackInfo } from '../../test/stack/types.ts';
import type { BenchResult, BenchSuite } from '../types.ts';

/**
 * Maestro transport over a real stack: publish and read latency through the pooled channel
 * versus a fresh channel per call (what a process without pooling pays), and publish
 * throughput with concurrent works.
 */

const REF = (name: string): ObjectRef => ({
  apiVersion: 'work.open-cluster-management.io/v1',
  kind: 'ManifestWork',
  name,
});

function work(name: string, generation: number): ManifestWork {
  return {
    apiVersion: 'work.open-cluster-management.io/v1',
    kind: 'ManifestWork',
    metadata: { name, annotations: { 'hyperfleet.io/generation': String(generation) } },
    spec: {
      workload: {
        manifests: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `${name}-cm`, namespace: 'default' },
            data: { generation: String(generation) },
          },
        ],
      },
    },
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Number((sorted[i] ?? Number.NaN).toFixed(2));
}

async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function withStack<T>(fn: (stack: StackInfo) => Promise<T>): Promise<T> {
  const file = process.env['HYPERFLEET_STACK_FILE'];
  if (file) return fn(JSON.parse(readFileSync(file, 'utf8')) as StackInfo);
  const { startStack, stopStack } = await import('../../test/stack/stack.ts');
  const stack = await startStack();
  try {
    return await fn(stack);
  } finally {
    await stopStack(stack);
  }
}

const suite: BenchSuite = async ({ quick }) =>
  withStack(async (stack) => {
    const consumer = stack.maestro.consumers[0] ?? 'cluster1';
    const source = `hf-bench-${randomBytes(3).toString('hex')}`;
    const config = {
      grpc_server_address: stack.maestro.grpcAddress,
      http_server_address: stack.maestro.httpUrl,
      source_id: source,
      insecure: true,
      // Reads are measured over REST: the status cache would turn them into map lookups.
      status_cache_max_age: 0,
      subscribe_status: false,
    };
    const ctx = () => ({ signal: AbortSignal.timeout(30_000), targetCluster: consumer });
    const iterations = quick ? 20 : 200;
    const concurrency = quick ? 8 : 32;
    const results: BenchResult[] = [];
    const pooled: MaestroTransport = createMaestroTransport(config);
    const names: string[] = [];
    try {
      await pooled.health(AbortSignal.timeout(10_000));
      // Publish: one work updated repeatedly (create on the first call).
      const name = `${source}-lat`;
      names.push(name);
      let existing = await pooled.get(REF(name), ctx());
      const pub = await timed(iterations, async (i) => {
        existing = await pooled.apply(work(name, i + 1), { ...ctx(), ...(existing ? { existing } : {}) });
      });
      results.push({
        name: 'maestro publish (pooled channel)',
        p50Ms: pub.p50,
        p99Ms: pub.p99,
        extra: { iterations },
      });
      const read = await timed(iterations, () => pooled.get(REF(name), ctx()));
      results.push({ name: 'maestro get over REST (pooled agent)', p50Ms: read.p50, p99Ms: read.p99 });

      // A fresh transport (new HTTP/2 connection, new REST agent) per call.
      let fresh: ManifestWork | undefined = (await pooled.get(REF(name), ctx())) as ManifestWork | undefined;
      const perCall = await timed(Math.max(10, iterations / 4), async (i) => {
        const t = createMaestroTransport(config, { unpooled: true });
        try {
          fresh = (await t.apply(work(name, 10_000 + i), {
            ...ctx(),
            ...(fresh ? { existing: fresh } : {}),
          })) as ManifestWork;
        } finally {
          await t.close();
        }
      });
      results.push({ name: 'maestro publish (channel per call)', p50Ms: perCall.p50, p99Ms: perCall.p99 });
      const readPerCall = await timed(Math.max(10, iterations / 4), async () => {
        const t = createMaestroTransport(config, { unpooled: true });
        try {
          await t.get(REF(name), ctx());
        } finally {
          await t.close();
        }
      });
      results.push({ name: 'maestro get (client per call)', p50Ms: readPerCall.p50, p99Ms: readPerCall.p99 });

      // Throughput: `concurrency` works created at once, repeatedly, through the pooled channel.
      const total = quick ? concurrency * 2 : concurrency * 8;
      const start = performance.now();
      for (let done = 0; done < total; done += concurrency) {
        await Promise.all(
          Array.from({ length: concurrency }, (_, k) => {
            const n = `${source}-tp-${done + k}`;
            names.push(n);
            return pooled.apply(work(n, 1), ctx());
          }),
        );
      }
      const seconds = (performance.now() - start) / 1000;
      results.push({
        name: 'maestro create throughput (pooled, concurrent)',
        opsPerSec: Number((total / seconds).toFixed(1)),
        extra: { works: total, concurrency },
      });
    } finally {
      // Soft-delete everything the suite created; the agent removes it in the background.
      for (const n of names) await pooled.delete(REF(n), ctx()).catch(() => undefined);
      await pooled.close();
    }
    return results;
  });

export default suite;
