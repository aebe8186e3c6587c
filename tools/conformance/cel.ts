/**
 * CEL conformance plug-in: runs one vector of test/conformance/cel/vectors.json through
 * lib/cel and returns it in the shape the Go oracle (tools/oracle/cmd/cel) writes to
 * expected.json. Errors compare by kind only (parse vs eval): the two engines word messages
 * differently, and the message is for people.
 */
import { CelError, compileCel } from '../../lib/cel/index.ts';
import { decodeVars, encodeResult, type Json } from '../../test/conformance/cel/codec.ts';

export interface CelVector {
  id: string;
  expression: string;
  vars: Json;
  now?: string;
}

export type CelOutcome =
  | { id: string; value: Json }
  | { id: string; error: 'parse' | 'check' | 'eval'; message: string };

/** The oracle's default clock for vectors that do not set `now`. */
export const DEFAULT_NOW = '2026-01-01T00:10:00Z';

export function evaluateVector(vector: CelVector): CelOutcome {
  const now = new Date(vector.now ?? DEFAULT_NOW);
  try {
    const program = compileCel(vector.expression);
    const vars = decodeVars(vector.vars) as Record<string, unknown>;
    const result = program.evaluate(vars, { now: () => now });
    if (result.ok) return { id: vector.id, value: encodeResult(result.value) };
    return { id: vector.id, error: result.error.kind, message: result.error.message };
  } catch (err) {
    if (err instanceof CelError) return { id: vector.id, error: err.kind, message: err.message };
    throw err;
  }
}

/** Undefined when equivalent; otherwise a one-line description of the difference. */
export function compareOutcome(expected: CelOutcome, actual: CelOutcome): string | undefined {
  const kind = (o: CelOutcome) => ('error' in o ? (o.error === 'check' ? 'parse' : o.error) : 'value');
  if ('error' in expected || 'error' in actual) {
    if (kind(expected) === kind(actual)) return undefined;
    return `expected ${describe(expected)}, got ${describe(actual)}`;
  }
  const a = JSON.stringify(canonical(expected.value));
  const b = JSON.stringify(canonical(actual.value));
  return a === b ? undefined : `expected ${a}, got ${b}`;
}

function describe(o: CelOutcome): string {
  return 'error' in o ? `${o.error} error (${o.message})` : JSON.stringify(o.value);
}

// The project's value model has no uint: uint results come back as int (bigint). Nor has it
// a duration: a duration result is cel-go's canonical text ("90s"), see lib/cel/values.ts.
function canonical(v: Json): Json {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    if (keys.length === 1 && keys[0] === '$uint') return { $int: v['$uint'] ?? null };
    if (keys.length === 1 && keys[0] === '$duration') return v['$duration'] ?? null;
    return Object.fromEntries(keys.map((k) => [k, canonical(v[k] ?? null)]));
  }
  return v;
}

export default {
  name: 'cel',
  vectors: 'test/conformance/cel/vectors.json',
  expected: 'test/conformance/cel/expected.json',
  /** Regenerates expected.json (needs Go); run from the repository root. */
  oracle: {
    cwd: 'tools/oracle',
    command: 'go',
    args: [
      'run',
      './cmd/cel',
      '-in',
      '../../test/conformance/cel/vectors.json',
      '-out',
      '../../test/conformance/cel/expected.json',
    ],
  },
  run: evaluateVector,
  compare: compareOutcome,
};
