import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createKubernetesTransport } from '../../lib/transport/kubernetes/index.ts';
import type { KubeObject } from '../../lib/transport/types.ts';
import type { StackInfo } from '../../test/stack/types.ts';
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
  const withClient = await measure(script);
  const without = await measure(baseline);
  return {
    name: 'kubernetes client import (cold, child process)',
    p50Ms: percentile(withClient, 50),
    p99Ms: percentile(withClient, 99),
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
    // Warm discovery and the connection pool: a warm function pays neither per event.
    await kube.apply(cm(0), { signal: signal() });
    await kube.get(ref, { signal: signal() });

    const applyMs: number[] = [];
    const unchangedMs: number[] = [];
    const getMs: number[] = [];
    for (let i = 1; i <= iterations; i++) {
      let t = performance.now();
      await kube.apply(cm(i), { signal: signal() });
      applyMs.push(performance.now() - t);
      t = performance.now();
      await kube.apply(cm(i), { signal: signal() });
      unchangedMs.push(performance.now() - t);
      t = performance.now();
      await kube.get(ref, { signal: signal() });
      getMs.push(performance.now() - t);
    }
    const figure = (name: string, samples: number[]): BenchResult => ({
      name,
      p50Ms: percentile(samples, 50),
      p99Ms: percentile(samples, 99),
      opsPerSec: round(1000 / mean(samples)),
      extra: { iterations },
    });
    return [
      figure('kubernetes server-side apply (field changed)', applyMs),
      figure('kubernetes server-side apply (no change)', unchangedMs),
      figure('kubernetes get by name', getMs),
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

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round(sorted[idx] ?? Number.NaN);
}

function mean(samples: number[]): number {
  return samples.reduce((a, b) => a + b, 0) / samples.length;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
