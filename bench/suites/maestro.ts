import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createMaestroTransport,
  type MaestroClientConfig,
  type MaestroTransport,
} from '../../lib/transport/maestro/index.ts';
import type { ManifestWork } from '../../lib/transport/maestro/types.ts';
import type { ObjectRef } from '../../lib/transport/types.ts';
import type { StackInfo } from '../../test/stack/types.ts';
import { percentile } from '../stats.ts';
import type { BenchResult, BenchSuite } from '../types.ts';

/**
 * Maestro transport over a real stack: publish and read latency through the pooled channel
 * versus a fresh channel per call (what a process without pooling pays), in plaintext and
 * with mTLS, and create throughput with concurrent works.
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

function row(label: string, xs: number[]): BenchResult {
  xs.sort((a, b) => a - b);
  const ms = (p: number) => Number(percentile(xs, p).toFixed(2));
  return { name: label, p50Ms: ms(50), p99Ms: ms(99), extra: { samples: xs.length } };
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

interface Run {
  label: string;
  config: MaestroClientConfig;
  consumer: string;
  iterations: number;
  /** Names to soft-delete at the end. */
  names: string[];
}

/**
 * Pooled and per-call samples interleaved, one of each per round, so drift in the server's
 * load (agents resyncing, other tenants of the machine) hits both alike.
 */
async function latency(pooled: MaestroTransport, r: Run): Promise<BenchResult[]> {
  const ctx = () => ({ signal: AbortSignal.timeout(30_000), targetCluster: r.consumer });
  const name = `${r.config.source_id}-lat`;
  r.names.push(name);
  let current = (await pooled.get(REF(name), ctx())) as ManifestWork | undefined;
  let generation = 0;
  const publishOnce = async (t: MaestroTransport) => {
    generation++;
    current = (await t.apply(work(name, generation), {
      ...ctx(),
      ...(current ? { existing: current } : {}),
    })) as ManifestWork;
  };
  const perCall = async (fn: (t: MaestroTransport) => Promise<unknown>) => {
    const t = createMaestroTransport(r.config, { unpooled: true });
    try {
      await fn(t);
    } finally {
      await t.close();
    }
  };
  await publishOnce(pooled); // create, and warm the pooled connection
  const s = { pub: [] as number[], pubFresh: [] as number[], get: [] as number[], getFresh: [] as number[] };
  const sample = async (into: number[], fn: () => Promise<unknown>) => {
    const start = performance.now();
    await fn();
    into.push(performance.now() - start);
  };
  for (let i = 0; i < r.iterations; i++) {
    await sample(s.pub, () => publishOnce(pooled));
    await sample(s.pubFresh, () => perCall(publishOnce));
    await sample(s.get, () => pooled.get(REF(name), ctx()));
    await sample(s.getFresh, () => perCall((t) => t.get(REF(name), ctx())));
  }
  return [
    row(`maestro publish update, ${r.label} (pooled channel)`, s.pub),
    row(`maestro publish update, ${r.label} (channel per call)`, s.pubFresh),
    row(`maestro get over REST, ${r.label} (pooled)`, s.get),
    row(`maestro get over REST, ${r.label} (client per call)`, s.getFresh),
  ];
}

async function throughput(pooled: MaestroTransport, r: Run, concurrency: number, total: number) {
  const ctx = () => ({ signal: AbortSignal.timeout(60_000), targetCluster: r.consumer });
  const start = performance.now();
  for (let done = 0; done < total; done += concurrency) {
    await Promise.all(
      Array.from({ length: concurrency }, (_, k) => {
        const n = `${r.config.source_id}-tp-${done + k}`;
        r.names.push(n);
        return pooled.apply(work(n, 1), ctx());
      }),
    );
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    name: `maestro create throughput, ${r.label} (pooled, concurrent)`,
    opsPerSec: Number((total / seconds).toFixed(1)),
    extra: { works: total, concurrency },
  };
}

async function measure(r: Run, extra: (pooled: MaestroTransport) => Promise<BenchResult[]>) {
  const pooled = createMaestroTransport(r.config);
  try {
    await pooled.health(AbortSignal.timeout(10_000));
    return [...(await latency(pooled, r)), ...(await extra(pooled))];
  } finally {
    // Soft-delete everything the run created; the agent removes it in the background.
    const ctx = { signal: AbortSignal.timeout(60_000), targetCluster: r.consumer };
    for (const n of r.names) await pooled.delete(REF(n), ctx).catch(() => undefined);
    await pooled.close();
  }
}

const suite: BenchSuite = async ({ quick }) =>
  withStack(async (stack) => {
    const consumer = stack.maestro.consumers[0] ?? 'cluster1';
    const id = randomBytes(3).toString('hex');
    // Reads are measured over REST: the status cache would turn them into map lookups.
    const common = { status_cache_max_age: 0, subscribe_status: false, retry_attempts: 0 };
    const iterations = quick ? 20 : 100;
    const concurrency = quick ? 8 : 16;
    const results: BenchResult[] = [];
    const plain: Run = {
      label: 'plaintext',
      consumer,
      iterations,
      names: [],
      config: {
        grpc_server_address: stack.maestro.grpcAddress,
        http_server_address: stack.maestro.httpUrl,
        source_id: `hf-bench-${id}`,
        insecure: true,
        ...common,
      },
    };
    results.push(
      ...(await measure(plain, async (pooled) => [
        await throughput(pooled, plain, concurrency, quick ? concurrency * 2 : concurrency * 4),
      ])),
    );

    // mTLS: where a channel per call pays a TLS 1.3 handshake every time.
    const { startMaestroTls, stopMaestroTls } = await import('../../test/stack/tls.ts');
    const name = `bench-mtls-${id}`;
    const tls = await startMaestroTls(stack, { authn: 'mtls', name });
    try {
      const secure: Run = {
        label: 'mTLS',
        consumer,
        iterations: Math.max(10, Math.round(iterations / 2)),
        names: [],
        config: {
          grpc_server_address: tls.grpcAddress,
          http_server_address: tls.httpUrl,
          source_id: tls.sourceId,
          auth: {
            type: 'tls',
            tls_config: {
              ca_file: tls.caFile,
              cert_file: tls.allowed.cert,
              key_file: tls.allowed.key,
              server_name: 'localhost',
            },
          },
          ...common,
        },
      };
      results.push(...(await measure(secure, async () => [])));
    } finally {
      await stopMaestroTls(stack, name);
    }
    return results;
  });

export default suite;
