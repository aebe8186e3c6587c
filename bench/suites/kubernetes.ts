import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createKubernetesTransport } from '../../lib/transport/kubernetes/index.ts';
import type { KubeObject } from '../../lib/transport/types.ts';
import type { StackInfo } from '../../test/stack/types.ts';
import { percentile, type Timed, timeSequential } from '../stats.ts';
import type { BenchResult, BenchSuite } from '../types.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Direct transport figures: what @kubernetes/client-node adds to cold start, and the
 * latency of a server-side apply and a get against a real kube-apiserver.
 */
const suite: BenchSuite = async ({ quick }) => {
  const results: BenchResult[] = [await importCost(quick ? 3 : 9)];
  const { info, stop } = await obtainStack();
  try {
    results.push(...(await latency(info, quick ? 30 : 300)));
  } finally {
    await stop();
  }
  return results;
};

export default suite;

/** A fresh process per sample: the cost is paid once per cold start, never again in a warm one. */
async function importCost(samples: number): Promise<BenchResult> {
  const script =
    "const t = performance.now(); await import('@kubernetes/client-node'); process.stdout.write(String(performance.now() - t));";
  const baseline =
    "const t = performance.now(); await import('node:https'); process.stdout.write(String(performance.now() - t));";
  const measure = async (code: string): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < samples; i++) {
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: repoRoot });
      out.push(Number(stdout));
    }
    return out;
  };
  const withClient = (await measure(script)).sort((a, b) => a - b);
  const without = (await measure(baseline)).sort((a, b) => a - b);
  return {
    name: 'kubernetes client import (cold, child process)',
    p50Ms: round(percentile(withClient, 50)),
    p99Ms: round(percentile(withClient, 99)),
    extra: { samples, 'baseline node:https p50 ms': round(percentile(without, 50)) },
  };
}

async function latency(info: StackInfo, iterations: number): Promise<BenchResult[]> {
  const kube = await createKubernetesTransport({ kubeConfigPath: info.kube.kubeconfigPath, qps: 0 });
  const ns = `hf-bench-${randomBytes(4).toString('hex')}`;
  const signal = (): AbortSignal => AbortSignal.timeout(30_000);
  try {
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { signal: signal() });
    const cm = (i: number): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'bench', namespace: ns, annotations: { 'hyperfleet.io/generation': String(i) } },
      data: { value: String(i) },
    });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'bench', namespace: ns };
    // Warm-up runs fill discovery and the connection pool: a warm function pays neither per event.
    let generation = 0;
    const changed = await timeSequential(iterations, 3, () =>
      kube.apply(cm(++generation), { signal: signal() }),
    );
    const same = cm(++generation);
    const unchanged = await timeSequential(iterations, 3, () => kube.apply(same, { signal: signal() }));
    const got = await timeSequential(iterations, 3, () => kube.get(ref, { signal: signal() }));
    const figure = (name: string, t: Timed): BenchResult => ({
      name,
      p50Ms: round(t.p50Ms),
      p99Ms: round(t.p99Ms),
      opsPerSec: round(t.opsPerSec),
      extra: { iterations, 'client cpu ms/op': round(t.cpuMsPerOp) },
    });
    return [
      figure('kubernetes server-side apply (field changed)', changed),
      figure('kubernetes server-side apply (no change)', unchanged),
      figure('kubernetes get by name', got),
    ];
  } finally {
    await kube
      .delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }, { signal: signal() })
      .catch(() => undefined);
    await kube.close();
  }
}

/** The stack named by HYPERFLEET_STACK_FILE, or one started (and stopped) just for this suite. */
async function obtainStack(): Promise<{ info: StackInfo; stop: () => Promise<void> }> {
  const file = process.env['HYPERFLEET_STACK_FILE'];
  if (file) return { info: JSON.parse(readFileSync(file, 'utf8')) as StackInfo, stop: async () => {} };
  // Loaded only here: a run against an existing stack should not pay for the stack's code.
  const { startStack, stopStack } = await import('../../test/stack/stack.ts');
  const info = await startStack();
  return {
    info,
    stop: async () => {
      await stopStack(info);
    },
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
