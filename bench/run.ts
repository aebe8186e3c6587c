/**
 * `npm run bench [-- --quick] [-- --only executor,cel]`: runs every suite in bench/suites,
 * prints each figure as it comes, and rewrites BENCHMARKS.md with the machine, the versions
 * and the command that produced it. Suites that need real peers (maestro, kubernetes) start
 * the stack themselves unless HYPERFLEET_STACK_FILE names a running one.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchResult, BenchSuite } from './types.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url)) },
  },
});

const suitesDir = fileURLToPath(new URL('./suites/', import.meta.url));
const only = values.only?.split(',').map((s) => s.trim());
const names = (await readdir(suitesDir))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((n) => !only || only.includes(n))
  .sort();

function fmt(n: number | undefined, digits = 2): string {
  if (n === undefined) return '';
  if (n >= 1000) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(digits);
}

const sections: string[] = [];
let failed = 0;
for (const name of names) {
  process.stdout.write(`bench: ${name} ...\n`);
  const started = Date.now();
  let results: BenchResult[];
  try {
    const suite = (await import(`./suites/${name}.ts`)).default as BenchSuite;
    results = await suite({ quick: values.quick });
  } catch (err) {
    failed++;
    const message = err instanceof Error ? err.message : String(err);
    process.stdout.write(`bench: ${name} FAILED: ${message}\n`);
    sections.push(`## ${name}\n\nNot measured in this run: ${message.split('\n')[0]}\n`);
    continue;
  }
  const extraKeys = [...new Set(results.flatMap((r) => Object.keys(r.extra ?? {})))];
  const rows = results.map((r) => {
    const extras = extraKeys.map((k) => {
      const v = r.extra?.[k];
      return typeof v === 'number' ? fmt(v) : (v ?? '');
    });
    return `| ${r.name} | ${fmt(r.opsPerSec, 1)} | ${fmt(r.p50Ms, 3)} | ${fmt(r.p99Ms, 3)} | ${extras.join(' | ')}${extras.length ? ' |' : ''}`;
  });
  for (const r of results) {
    process.stdout.write(
      `  ${r.name}: ${r.opsPerSec === undefined ? '' : `${fmt(r.opsPerSec, 1)} ops/s `}${r.p50Ms === undefined ? '' : `p50 ${fmt(r.p50Ms, 3)} ms p99 ${fmt(r.p99Ms, 3)} ms `}${Object.entries(
        r.extra ?? {},
      )
        .map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`)
        .join(' ')}\n`,
    );
  }
  const header = `| what | ops/s | p50 ms | p99 ms |${extraKeys.map((k) => ` ${k} |`).join('')}`;
  const sep = `|---|---:|---:|---:|${extraKeys.map(() => '---:|').join('')}`;
  sections.push(
    `## ${name}\n\n_${((Date.now() - started) / 1000).toFixed(1)} s_\n\n${header}\n${sep}\n${rows.join('\n')}\n`,
  );
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const doc = `# Benchmarks

Produced by \`npm run bench${values.quick ? ' -- --quick' : ''}\` on ${new Date().toISOString()}.
Machine: ${cpus().length} x ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${process.platform}/${process.arch}.
Runtime: Node ${process.version}. ${values.quick ? 'Quick mode: fewer iterations, wider error.' : ''}

Reproduce: \`npm ci && npm run bench\` (suites needing Maestro or Kubernetes build and start the
real stack, see README). Figures are single runs on a shared 2-core machine: compare
within a table, not across machines.

${sections.join('\n')}`;
await writeFile(values.out, doc);
process.stdout.write(`bench: wrote ${values.out}${failed ? ` (${failed} suite(s) failed)` : ''}\n`);
process.exitCode = failed ? 1 : 0;
