/**
 * The Go hyperfleet-adapter and ours, side by side in one run, on the same inputs.
 *
 * CLI dry run: every fixture script of the Go adapter (`test/testdata/dryrun/<name>/*.sh`),
 * its `serve ...` command line verbatim, run from the Go adapter's source root, once with the
 * Go binary (built by test/stack/go-adapter.ts from the peers' snapshot) and once with our
 * installed command (`bin/hyperfleet-adapter.js` on the pinned Node, which is what `npx
 * hyperfleet-adapter` ends up running). The runs are paired and interleaved: each repetition
 * runs one of each, the order alternating, so load drift on this shared machine falls on both.
 *
 * Each run is measured by bench/rusage (a small Go wrapper): wall from fork to reap, and the
 * user+system CPU and peak RSS (ru_maxrss) the kernel accounted to the reaped child (wait4).
 * The same wrapper measures both sides, so neither side's figures include the parent's cost.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cacheRoot } from '../../test/stack/build.ts';
import { ensureGoAdapter, goAdapterSource, peerCommit } from '../../test/stack/go-adapter.ts';
import { percentile } from '../stats.ts';
import type { BenchResult, BenchSuite } from '../types.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUSAGE_SOURCE = `${ROOT}bench/rusage/main.go`;
const NODE = `${ROOT}node_modules/.bin/node`;
const OUR_CLI = `${ROOT}bin/hyperfleet-adapter.js`;

interface Usage {
  exit: number;
  wallMs: number;
  userMs: number;
  sysMs: number;
  maxRssKiB: number;
  stderr: string;
}

/** The rusage wrapper, built once per source version into the stack cache. */
async function ensureRusage(): Promise<string> {
  const digest = createHash('sha256').update(readFileSync(RUSAGE_SOURCE)).digest('hex').slice(0, 12);
  const dir = join(cacheRoot(), `bench-rusage-${digest}`);
  const bin = join(dir, 'rusage');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.${process.pid}`;
  await run('go', ['build', '-o', tmp, RUSAGE_SOURCE], {
    cwd: dir,
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '' },
  });
  renameSync(tmp, bin);
  return bin;
}

interface Fixture {
  name: string;
  /** The script's arguments after `go run ./cmd/adapter/main.go`. */
  args: string[];
}

/** The Go adapter's dry-run fixture scripts and their command lines. */
function fixtures(src: string): Fixture[] {
  const dir = join(src, 'test', 'testdata', 'dryrun');
  const out: Fixture[] = [];
  for (const sub of readdirSync(dir, { withFileTypes: true })) {
    if (!sub.isDirectory()) continue;
    for (const script of readdirSync(join(dir, sub.name)).filter((f) => f.endsWith('.sh'))) {
      // A comment ends at its newline even after a backslash (bash), so comments go first.
      const text = readFileSync(join(dir, sub.name, script), 'utf8')
        .split('\n')
        .filter((l) => !/^\s*#/.test(l))
        .join('\n')
        .replace(/\\\n/g, ' ');
      const line = text.split('\n').find((l) => /^\s*go run \S+ serve\b/.test(l));
      if (line === undefined) throw new Error(`${sub.name}/${script}: no \`go run ... serve\` line`);
      const args = line.trim().split(/\s+/).slice(3);
      out.push({ name: sub.name, args: args.map((a) => a.replace(/^"(.*)"$/, '$1')) });
    }
  }
  if (out.length === 0) throw new Error(`no fixture scripts under ${dir}`);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

async function measure(rusage: string, cmd: string[], cwd: string, label: string): Promise<Usage> {
  const { stdout } = await run(rusage, cmd, {
    cwd,
    // Nothing of the caller's environment leaks into either adapter's configuration.
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp' },
    maxBuffer: 1 << 20,
    timeout: 120_000,
  });
  const usage = JSON.parse(stdout) as Usage;
  if (usage.exit !== 0) {
    throw new Error(
      `${label} exited ${usage.exit}: ${usage.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
  return usage;
}

type Figure = 'wall ms' | 'cpu ms (user+sys)' | 'peak rss MiB';
const FIGURES: { figure: Figure; of: (u: Usage) => number }[] = [
  { figure: 'wall ms', of: (u) => u.wallMs },
  { figure: 'cpu ms (user+sys)', of: (u) => u.userMs + u.sysMs },
  { figure: 'peak rss MiB', of: (u) => u.maxRssKiB / 1024 },
];

function p50(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

function num(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

const suite: BenchSuite = async ({ quick, note }) => {
  const [goBin, rusage] = [await ensureGoAdapter(), await ensureRusage()];
  const src = goAdapterSource();
  const list = fixtures(src);
  const reps = quick ? 3 : 11;
  const samples = new Map<string, { ours: Usage[]; go: Usage[] }>();
  for (const f of list) {
    samples.set(f.name, { ours: [], go: [] });
    // One untimed run of each first: both binaries and the fixtures in the page cache.
    await measure(rusage, [goBin, ...f.args], src, `go ${f.name}`);
    await measure(rusage, [NODE, OUR_CLI, ...f.args], src, `ours ${f.name}`);
  }
  for (let i = 0; i < reps; i++) {
    for (const [j, f] of list.entries()) {
      const s = samples.get(f.name) as { ours: Usage[]; go: Usage[] };
      const goFirst = (i + j) % 2 === 0;
      for (const side of goFirst ? (['go', 'ours'] as const) : (['ours', 'go'] as const)) {
        const cmd = side === 'go' ? [goBin, ...f.args] : [NODE, OUR_CLI, ...f.args];
        s[side].push(await measure(rusage, cmd, src, `${side} ${f.name}`));
      }
    }
  }

  const results: BenchResult[] = [];
  const rows: [string, Usage[], Usage[]][] = list.map((f) => {
    const s = samples.get(f.name) as { ours: Usage[]; go: Usage[] };
    return [`dry-run ${f.name}`, s.ours, s.go];
  });
  rows.push([
    `dry-run all ${list.length} fixtures`,
    [...samples.values()].flatMap((s) => s.ours),
    [...samples.values()].flatMap((s) => s.go),
  ]);
  for (const [what, ours, go] of rows) {
    for (const { figure, of } of FIGURES) {
      const o = p50(ours.map(of));
      const g = p50(go.map(of));
      // The ratio within each pair (the same repetition, back to back), then its median.
      const paired = p50(ours.map((u, k) => of(u) / of(go[k] as Usage)));
      const line = `versus: ${what} ${figure} ours=${num(o)} go=${num(g)} ratio=${(o / g).toFixed(2)}`;
      process.stdout.write(`${line}\n`);
      results.push({
        name: `${what}: ${figure}, p50 of ${ours.length}`,
        extra: { ours: o, go: g, 'ratio ours/go': o / g, 'paired ratio p50': paired },
      });
    }
  }

  const load = loadavg()[0]?.toFixed(2) ?? '?';
  note(
    [
      `Go hyperfleet-adapter ${peerCommit('hyperfleet-adapter').slice(0, 12)} (built from the peers' snapshot) against ours`,
      '(`bin/hyperfleet-adapter.js`, TypeScript source on the pinned Node), each fixture script of',
      "the Go adapter's `test/testdata/dryrun/` with its own `serve` command line, run from its source root.",
      `${reps} paired repetitions per fixture after one untimed run of each; within a repetition the two`,
      'runs are back to back, the order alternating. Wall is fork to reap; CPU (user+sys) and peak RSS',
      '(ru_maxrss) are what the kernel accounted to the reaped child (wait4, bench/rusage).',
      `The machine is shared (1-minute load ${load} at the end of the run): absolute figures are noisy,`,
      "the pairing is what makes the ratio meaningful. 'paired ratio p50' is the median of the",
      'per-repetition ratios.',
    ].join('\n'),
  );
  return results;
};

export default suite;
