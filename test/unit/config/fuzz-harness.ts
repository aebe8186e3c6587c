import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { ConfigError, loadConfigPair } from '../../../lib/config/index.ts';
import { compatExamplesDir } from '../../differential/inputs.ts';

/**
 * Shared by the fuzz test files (split so vitest runs them on separate workers).
 * Property: whatever a mutated config looks like, the loader returns a config or throws a
 * ConfigError with well-formed problems: never another exception, never a hang.
 * Seeds are the compat examples and the project fixtures; mutations are structural (drop,
 * rename, retype keys; swap in garbage values) and textual (truncate, inject bytes, shift lines).
 */
const EXAMPLES = compatExamplesDir();
const GOOD = path.resolve(import.meta.dirname, '../../fixtures/config/good');

interface Seed {
  name: string;
  dir: string;
  adapter: string;
  task: string;
  /** Parsed once: structural mutations work on a clone and are written back as JSON (valid YAML, and fast). */
  parsed: { adapter: unknown; task: unknown };
}

const seeds: Seed[] = [
  ...readdirSync(EXAMPLES).map((name) => ({ name, dir: path.join(EXAMPLES, name) })),
  { name: 'good', dir: GOOD },
]
  .map(({ name, dir }) => ({
    name,
    dir,
    adapter: readFileSync(path.join(dir, 'adapter-config.yaml'), 'utf8'),
    task: readFileSync(path.join(dir, 'task-config.yaml'), 'utf8'),
  }))
  .map((s) => ({ ...s, parsed: { adapter: parse(s.adapter) as unknown, task: parse(s.task) as unknown } }));

// Each seed's folder is copied once so ref files resolve next to the mutated task config.
const work = mkdtempSync(path.join(tmpdir(), 'config-fuzz-'));
for (const seed of seeds) cpSync(seed.dir, path.join(work, seed.name), { recursive: true });

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const garbage = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.string(),
  fc.constantFrom(
    '{{ .nope',
    '{{ .x }}',
    'a ? b : c',
    '1 +',
    '/etc/adapter/../../x',
    '10x',
    'GTE',
    'equal',
    '',
  ),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 3 }),
);

const keyMutation = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    'byName',
    'by_nmae',
    'apiCall',
    'api_call',
    'nestedDiscoveries',
    'ref',
    'expression',
    'field',
    '__proto__',
    'constructor',
    'propagation_policy',
  ),
);

type StructOp = { kind: 'drop' | 'rename' | 'retype'; pick: number; key: string; value: unknown };
type TextOp = { kind: 'truncate' | 'inject' | 'dropLine' | 'indent'; pick: number; text: string };

const structOp = fc.record({
  kind: fc.constantFrom<'drop' | 'rename' | 'retype'>('drop', 'rename', 'retype'),
  pick: fc.nat(),
  key: keyMutation,
  value: garbage,
});
const textOp = fc.record({
  kind: fc.constantFrom<'truncate' | 'inject' | 'dropLine' | 'indent'>(
    'truncate',
    'inject',
    'dropLine',
    'indent',
  ),
  pick: fc.nat(),
  text: fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.constantFrom(
      ': ',
      '- ',
      '{',
      '[',
      '"',
      "'",
      '&a',
      '*a',
      '<<: *a',
      '\t',
      '---\n',
      '? ',
      '|\n',
      '%YAML 1.1\n',
    ),
  ),
});

/** Every (container, key) pair in the document, in a stable order. */
function slots(doc: Json): [Record<string, Json> | Json[], string | number][] {
  const out: [Record<string, Json> | Json[], string | number][] = [];
  const visit = (v: Json, depth: number) => {
    if (depth > 30 || v === null || typeof v !== 'object') return;
    const entries: [string | number, Json][] = Array.isArray(v) ? v.map((c, i) => [i, c]) : Object.entries(v);
    for (const [k, c] of entries) {
      out.push([v, k]);
      visit(c, depth + 1);
    }
  };
  visit(doc, 0);
  return out;
}

function mutateStructure(text: string, parsed: unknown, ops: StructOp[]): string {
  if (ops.length === 0) return text;
  const doc = structuredClone(parsed) as Json;
  for (const op of ops) {
    const all = slots(doc);
    if (all.length === 0) break;
    const [container, key] = all[op.pick % all.length]!;
    if (Array.isArray(container)) {
      const i = key as number;
      if (op.kind === 'drop') container.splice(i, 1);
      else container[i] = op.value as Json;
    } else {
      const k = key as string;
      const value = container[k] as Json;
      if (op.kind === 'drop') delete container[k];
      else if (op.kind === 'retype') container[k] = op.value as Json;
      else {
        delete container[k];
        Object.defineProperty(container, op.key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
  }
  return ops.length % 2 === 0 ? stringify(doc) : JSON.stringify(doc, null, 1);
}

function mutateText(text: string, ops: TextOp[]): string {
  let out = text;
  for (const op of ops) {
    const at = out.length === 0 ? 0 : op.pick % out.length;
    if (op.kind === 'truncate') out = out.slice(0, at);
    else if (op.kind === 'inject') out = out.slice(0, at) + op.text + out.slice(at);
    else {
      const lines = out.split('\n');
      const i = op.pick % Math.max(1, lines.length);
      if (op.kind === 'dropLine') lines.splice(i, 1);
      else lines[i] = ` ${lines[i] ?? ''}`;
      out = lines.join('\n');
    }
  }
  return out;
}

type Target = 'task' | 'adapter' | 'both';

const scenario = (targets: readonly Target[]) =>
  fc.record({
    seed: fc.nat({ max: seeds.length - 1 }),
    target: fc.constantFrom<Target>(...targets),
    structural: fc.array(structOp, { minLength: 0, maxLength: 4 }),
    textual: fc.array(textOp, { minLength: 0, maxLength: 3 }),
    env: fc.dictionary(
      fc.constantFrom(
        'RUN_ID',
        'NAMESPACE',
        'HYPERFLEET_API_TIMEOUT',
        'HYPERFLEET_MAESTRO_INSECURE',
        'LOG_LEVEL',
        'HYPERFLEET_ADAPTER_MOUNTS',
      ),
      fc.string({ maxLength: 10 }),
      { maxKeys: 2 },
    ),
  });

export interface FuzzOutcome {
  configs: number;
  errors: number;
}

function fail(message: string): never {
  throw new Error(message);
}

/** Runs `runs` mutated loads; throws (with fast-check's shrunk counterexample) on any violation. */
export async function fuzzLoader(
  runs: number,
  targets: readonly Target[],
  fcSeed: number,
): Promise<FuzzOutcome> {
  const outcome: FuzzOutcome = { configs: 0, errors: 0 };
  await fc.assert(
    fc.asyncProperty(scenario(targets), async (s) => {
      const seed = seeds[s.seed]!;
      const dir = path.join(work, seed.name);
      const mutate = (text: string, parsed: unknown) =>
        mutateText(mutateStructure(text, parsed, s.structural), s.textual);
      const taskText = s.target === 'adapter' ? seed.task : mutate(seed.task, seed.parsed.task);
      const adapterText = s.target === 'task' ? seed.adapter : mutate(seed.adapter, seed.parsed.adapter);
      writeFileSync(path.join(dir, 'fuzz-task.yaml'), taskText);
      writeFileSync(path.join(dir, 'fuzz-adapter.yaml'), adapterText);
      const started = performance.now();
      try {
        await loadConfigPair({
          configFile: path.join(dir, 'fuzz-adapter.yaml'),
          taskConfigFile: path.join(dir, 'fuzz-task.yaml'),
          mounts: { '/etc/adapter': dir },
          env: { RUN_ID: 'r', NAMESPACE: 'n', ...s.env },
        });
        outcome.configs++;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        outcome.errors++;
        if (err.problems.length === 0) fail('ConfigError without problems');
        for (const p of err.problems) {
          const ok =
            typeof p.file === 'string' &&
            typeof p.path === 'string' &&
            Number.isInteger(p.line) &&
            p.line >= 0 &&
            Number.isInteger(p.column) &&
            p.column >= 0 &&
            typeof p.message === 'string' &&
            p.message.length > 0;
          if (!ok) fail(`malformed problem ${JSON.stringify(p)}`);
        }
      }
      // Generous: the machine is shared; a hang or a blow-up takes far longer than this.
      const elapsed = performance.now() - started;
      if (elapsed > 10_000) fail(`one load took ${Math.round(elapsed)} ms`);
    }),
    { numRuns: runs, seed: fcSeed },
  );
  return outcome;
}
