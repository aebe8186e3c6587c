/**
 * Cold start as Knative scale-from-zero sees it: from spawning the function process
 * (faas-js-runtime loading functions/adapter) to the first event answered 200, with a
 * status-only adapter (no transport loaded) and the API double. Also the resident memory of
 * the process after that first event.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startHyperfleetApiDouble } from '../../test/support/hyperfleet-api-double.ts';
import { percentile } from '../stats.ts';
import type { BenchResult, BenchSuite } from '../types.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = `${ROOT}bench/fixtures/status-only/`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

async function once(apiUrl: string, entry: string): Promise<{ ms: number; rss: number }> {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(`${ROOT}node_modules/.bin/faas-js-runtime`, [entry, '--port', String(port)], {
    cwd: ROOT,
    env: {
      ...process.env,
      PATH: `${ROOT}node_modules/.bin:${process.env['PATH'] ?? ''}`,
      HYPERFLEET_ADAPTER_CONFIG: `${FIXTURE}adapter-config.yaml`,
      HYPERFLEET_TASK_CONFIG: `${FIXTURE}task-config.yaml`,
      HYPERFLEET_API_BASE_URL: apiUrl,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`function exited ${child.exitCode}: ${stderr.slice(0, 500)}`);
      if (Number(process.hrtime.bigint() - started) / 1e6 > 30_000) throw new Error('no answer within 30 s');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'ce-specversion': '1.0',
            'ce-id': 'cold-start',
            'ce-type': 'com.redhat.hyperfleet.cluster.reconcile',
            'ce-source': 'bench',
          },
          body: JSON.stringify({ id: 'cold', kind: 'Cluster', generation: 1 }),
        });
        await res.text();
        if (res.status !== 200) throw new Error(`first event answered ${res.status}`);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        return { ms, rss: await rssMiB(child.pid as number) };
      } catch (err) {
        if ((err as Error).message.startsWith('first event')) throw err;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  } finally {
    child.kill('SIGKILL');
  }
}

const suite: BenchSuite = async ({ quick }) => {
  const api = await startHyperfleetApiDouble({ requiredAdapters: ['bench-status'] });
  try {
    api.putCluster({ id: 'cold', name: 'cold', generation: 1 });
    const runs = quick ? 2 : 5;
    // The image runs the compiled function (`npm run build`, Procfile); source runs strip types on load.
    execFileSync(`${ROOT}node_modules/.bin/tsc`, ['-p', 'tsconfig.build.json'], { cwd: ROOT });
    const results: BenchResult[] = [];
    for (const [label, entry] of [
      ['compiled (dist/, as deployed)', './dist/functions/adapter/index.js'],
      ['from source (.ts, type stripping)', './functions/adapter/index.ts'],
    ] as const) {
      const ms: number[] = [];
      const rss: number[] = [];
      for (let i = 0; i < runs; i++) {
        const r = await once(api.url, entry);
        ms.push(r.ms);
        rss.push(r.rss);
      }
      ms.sort((a, b) => a - b);
      rss.sort((a, b) => a - b);
      results.push({
        name: `cold start ${label}: process spawn to first event answered (${runs} runs)`,
        p50Ms: percentile(ms, 50),
        p99Ms: percentile(ms, 99),
        extra: { 'rss MiB after first event': percentile(rss, 50) },
      });
    }
    return results;
  } finally {
    await api.close();
  }
};

export default suite;
