/**
 * `npm run bench [-- --quick] [-- --suite executor,cel]` (`--only` is the same): runs every suite
 * in bench/suites, or the named ones, prints each figure as it comes, and rewrites BENCHMARKS.md
 * with the machine, the versions and, per section, the command and date that produced it. A run
 * of some suites replaces their sections and keeps the others'. Suites that need real peers
 * (maestro, kubernetes) start the stack themselves unless HYPERFLEET_STACK_FILE names a running one.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchResult, BenchSuite } from './types.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    suite: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url)) },
  },
});

const suitesDir = fileURLToPath(new URL('./suites/', import.meta.url));
const only = [values.only, values.suite]
  .filter((v) => v !== undefined)
  .flatMap((v) => v.split(','))
  .map((s) => s.trim())
  .filter((s) => s !== '');
const selected = only.length > 0;
const names = (await readdir(suitesDir))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((n) => !selected || only.includes(n))
  .sort();
for (const n of only) {
  if (!names.includes(n)) {
    process.stderr.write(`bench: no suite ${n} in bench/suites\n`);
    process.exit(2);
  }
}
const flags = [...(values.quick ? ['--quick'] : []), ...(selected ? [`--suite ${names.join(',')}`] : [])];
const command = `npm run bench${flags.length ? ` -- ${flags.join(' ')}` : ''}`;
const runAt = new Date().toISOString();

function fmt(n: number | undefined, digits = 2): string {
  if (n === undefined) return '';
  if (n >= 1000) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(digits);
}

const sections = new Map<string, string>();
let failed = 0;
for (const name of names) {
  process.stdout.write(`bench: ${name} ...\n`);
  const started = Date.now();
  let results: BenchResult[];
  const notes: string[] = [];
  try {
    const suite = (await import(`./suites/${name}.ts`)).default as BenchSuite;
    results = await suite({ quick: values.quick, note: (text) => notes.push(text) });
  } catch (err) {
    failed++;
    const message = err instanceof Error ? err.message : String(err);
    process.stdout.write(`bench: ${name} FAILED: ${message}\n`);
    sections.set(
      name,
      `## ${name}\n\n_\`${command}\` on ${runAt}_\n\nNot measured in this run: ${message.split('\n')[0]}\n`,
    );
    continue;
  }
  const extraKeys = [...new Set(results.flatMap((r) => Object.keys(r.extra ?? {})))];
  // The standard columns a suite fills in at least one row of (a table of ratios has none).
  const columns = (
    [
      ['ops/s', (r: BenchResult) => fmt(r.opsPerSec, 1), (r: BenchResult) => r.opsPerSec],
      ['p50 ms', (r: BenchResult) => fmt(r.p50Ms, 3), (r: BenchResult) => r.p50Ms],
      ['p99 ms', (r: BenchResult) => fmt(r.p99Ms, 3), (r: BenchResult) => r.p99Ms],
    ] as const
  ).filter(([, , has]) => results.some((r) => has(r) !== undefined));
  const rows = results.map((r) => {
    const cells = [
      r.name,
      ...columns.map(([, cell]) => cell(r)),
      ...extraKeys.map((k) => {
        const v = r.extra?.[k];
        return typeof v === 'number' ? fmt(v) : (v ?? '');
      }),
    ];
    return `| ${cells.join(' | ')} |`;
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
  const titles = [...columns.map(([title]) => title), ...extraKeys];
  const header = `| what |${titles.map((k) => ` ${k} |`).join('')}`;
  const sep = `|---|${titles.map(() => '---:|').join('')}`;
  const took = `_${((Date.now() - started) / 1000).toFixed(1)} s, \`${command}\` on ${runAt}_`;
  sections.set(
    name,
    `## ${name}\n\n${took}\n\n${notes.map((n) => `${n}\n\n`).join('')}${header}\n${sep}\n${rows.join('\n')}\n`,
  );
}

/** The sections of the previous BENCHMARKS.md, each naming the command and date that produced it. */
async function previousSections(file: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return out;
  }
  const produced = /^Produced by `([^`]+)` on (\S+)\.$/m.exec(text);
  const parts = text.split(/^(?=## )/m).slice(1);
  for (const part of parts) {
    const name = /^## (\S+)/.exec(part)?.[1];
    if (name === undefined) continue;
    // Sections written before sections named their own origin carry the whole file's.
    const dated = produced
      ? part.replace(/^_([\d.]+ s)_$/m, `_$1, \`${produced[1]}\` on ${produced[2]}_`)
      : part;
    out.set(name, `${dated.trimEnd()}\n`);
  }
  return out;
}

if (selected) {
  for (const [name, section] of await previousSections(values.out)) {
    if (!sections.has(name)) sections.set(name, section);
  }
}
const ordered = [...sections.keys()].sort().map((n) => sections.get(n) as string);

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const doc = `# Benchmarks

Written by \`${command}\` on ${runAt}; each section names the command and date that produced it.
Machine: ${cpus().length} x ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${process.platform}/${process.arch}.
Runtime: Node ${process.version}. Sections produced with \`--quick\` ran fewer iterations: wider error.

Reproduce: \`npm ci && npm run bench\` (suites needing Maestro or Kubernetes build and start the
real stack, see README). Figures are single runs on a shared 2-core machine: compare
within a table, not across machines.

${ordered.join('\n')}`;
await writeFile(values.out, doc);
process.stdout.write(`bench: wrote ${values.out}${failed ? ` (${failed} suite(s) failed)` : ''}\n`);
process.exitCode = failed ? 1 : 0;
