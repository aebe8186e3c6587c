/**
 * `npm run test:differential`: every input through the real Go adapter's dry run and ours,
 * compared field by field (see shape.ts), differences checked against exceptions.json both
 * ways. Last line: `differential: N inputs, M identical, K excepted`; exits 1 on any
 * difference no exception covers, or on a stale exception.
 *
 *   --filter <text>   only inputs whose id contains text (no stale check)
 *   --show-excepted   print excepted differences too
 *   --keep            keep the temp dir of generated inputs (its path is printed)
 *   --live            the live differential against the real stack (live/index.ts)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ensureGoAdapter } from '../stack/go-adapter.ts';
import { compareShapes, type Difference, formatDifference } from './compare.ts';
import { corpusInputs } from './corpus.ts';
import { Exceptions } from './exceptions.ts';
import { goShape, runGo } from './go-side.ts';
import { hostileInputs } from './hostile.ts';
import { chartInputs, compatInputs, goFixtureInputs, type Input } from './inputs.ts';
import { ourShape } from './our-side.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const CORPUS_SIZE = 520;
const GO_PARALLELISM = 2;

/** Names templates and CEL see as params that the task config declares (params and captures, not payloads). */
function declaredNames(taskConfig: string): Set<string> {
  const names = new Set<string>();
  try {
    const task = parse(readFileSync(taskConfig, 'utf8')) as {
      params?: { name?: string }[];
      preconditions?: { capture?: { name?: string }[] }[];
    };
    for (const p of task.params ?? []) if (typeof p.name === 'string') names.add(p.name);
    for (const pre of task.preconditions ?? [])
      for (const cap of pre.capture ?? []) if (typeof cap.name === 'string') names.add(cap.name);
  } catch {
    // an unparsable task config is refused by both; nothing to compare in params
  }
  for (const builtin of ['adapter', 'config', 'env', 'event']) names.delete(builtin);
  return names;
}

/** A limiter: at most `n` tasks at once. */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async (fn) => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

export interface InputOutcome {
  input: Input;
  diffs: Difference[];
  uncovered: Difference[];
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--live')) {
    const live = join(HERE, 'live', 'index.ts');
    if (!existsSync(live)) {
      process.stderr.write('differential --live: test/differential/live/index.ts is not there\n');
      return 2;
    }
    const mod = (await import(live)) as { main: (argv: string[]) => Promise<number> };
    return mod.main(argv.filter((a) => a !== '--live'));
  }
  const filterAt = argv.indexOf('--filter');
  const filter = filterAt >= 0 ? argv[filterAt + 1] : undefined;
  const showExcepted = argv.includes('--show-excepted');
  const started = Date.now();
  const binary = await ensureGoAdapter();
  const tmp = mkdtempSync(join(tmpdir(), 'hyperfleet-differential-'));
  try {
    let inputs: Input[] = [
      ...goFixtureInputs(),
      ...chartInputs(tmp),
      ...(await compatInputs(tmp)),
      ...corpusInputs(tmp, CORPUS_SIZE),
      ...hostileInputs(tmp),
    ];
    const ids = new Set<string>();
    for (const i of inputs) {
      if (ids.has(i.id)) throw new Error(`duplicate input id ${i.id}`);
      ids.add(i.id);
    }
    if (filter) inputs = inputs.filter((i) => i.id.includes(filter));
    const exceptions = Exceptions.load(join(HERE, 'exceptions.json'));
    const goSlot = limiter(GO_PARALLELISM);
    const inputSlot = limiter(GO_PARALLELISM * 2);
    const now = Date.now();
    const outcomes = await Promise.all(
      inputs.map((input) =>
        inputSlot(async (): Promise<InputOutcome> => {
          // Exactly the input's environment, for both: what `env` holds is then comparable.
          const env: Record<string, string> = { ...input.env };
          const names = declaredNames(input.taskConfig);
          const [json, text] = await Promise.all([
            goSlot(() => runGo(binary, input, 'json', env)),
            goSlot(() => runGo(binary, input, 'text', env)),
          ]);
          const go = goShape(json, text, names, now);
          const ours = await ourShape(input, env, names, now);
          const diffs = compareShapes(go, ours);
          if (go.outcome === 'refused' || ours.outcome === 'refused') {
            // Why each side refused, for the report (the wording itself is not compared).
            if (go.outcome !== ours.outcome)
              diffs.push({ path: 'refusal', go: go.refusal ?? null, ours: ours.refusal ?? null });
          }
          return { input, diffs, uncovered: exceptions.uncovered(input.id, diffs) };
        }),
      ),
    );
    let identical = 0;
    let excepted = 0;
    let failing = 0;
    for (const o of outcomes) {
      if (o.diffs.length === 0) identical++;
      else if (o.uncovered.length === 0) excepted++;
      else failing++;
      const shown = o.uncovered.length > 0 ? o.uncovered : showExcepted ? o.diffs : [];
      if (shown.length === 0) continue;
      process.stdout.write(`${o.uncovered.length > 0 ? 'DIFFERS' : 'excepted'} ${o.input.id}\n`);
      for (const d of shown.slice(0, 25)) process.stdout.write(`  ${formatDifference(d)}\n`);
      if (shown.length > 25) process.stdout.write(`  ... ${shown.length - 25} more\n`);
    }
    for (const c of exceptions.coverage()) {
      const fields = c.entry.fields ? ` [${c.entry.fields.join(', ')}]` : '';
      process.stdout.write(
        `exception ${c.entry.class} ${[c.entry.input].flat().join(', ')}${fields}: ${c.inputs} inputs, ${c.differences} differences\n`,
      );
    }
    const stale = filter ? [] : exceptions.stale();
    for (const s of stale) {
      process.stdout.write(
        `STALE exception ${[s.input].flat().join(', ')}${s.fields ? ` [${s.fields.join(', ')}]` : ''}: covers no difference any more (${s.reason})\n`,
      );
    }
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    if (failing > 0 || stale.length > 0)
      process.stdout.write(
        `${failing} inputs differ without an exception, ${stale.length} stale exceptions (${seconds} s)\n`,
      );
    else process.stdout.write(`all differences classified (${seconds} s)\n`);
    process.stdout.write(
      `differential: ${inputs.length} inputs, ${identical} identical, ${excepted} excepted\n`,
    );
    return failing > 0 || stale.length > 0 ? 1 : 0;
  } finally {
    if (argv.includes('--keep')) process.stderr.write(`inputs kept in ${tmp}\n`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `differential: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
