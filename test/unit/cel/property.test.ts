import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CelError, type CelProgram, compileCel } from '../../../lib/cel/index.ts';

/**
 * Whatever text and data arrive, compile either returns a program or throws CelError,
 * evaluate always returns a CelResult, and no case takes long. 10,000 cases in total.
 */

const PER_CASE_MS = 2_000;

const ident = fc.constantFrom('x', 'm', 'l', 's', 'n', 'resources', 'adapter', 'is_deleting', 'missing');
const field = fc.constantFrom('a', 'b', 'status', 'conditions', 'type', 'metadata', 'name', 'values', '0');
const literal = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.constantFrom('9223372036854775807', '-9223372036854775808', '0', '1u', '0xFF', '1e308', '-0.0'),
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .map((d) => (Number.isInteger(d) ? `${d}.0` : String(d))),
  fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('true', 'false', 'null', '[]', '{}', 'b"x"', 'r"\\d"'),
);
const binop = fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '&&', '||', 'in');
const fn = fc.constantFrom(
  'size',
  'string',
  'int',
  'double',
  'type',
  'dyn',
  'timestamp',
  'duration',
  'now',
  'toJson',
  'dig',
  'conditionStatus',
  'conditionAge',
  'stableFor',
  'statusFeedbackValue',
  'triState',
  'has',
);
const method = fc.constantFrom(
  'size',
  'contains',
  'startsWith',
  'charAt',
  'indexOf',
  'lowerAscii',
  'replace',
  'split',
  'substring',
  'trim',
  'join',
  'format',
  'reverse',
  'slice',
  'flatten',
  'distinct',
  'sort',
  'orValue',
  'hasValue',
  'value',
  'matches',
);
const macro = fc.constantFrom('all', 'exists', 'exists_one', 'map', 'filter', 'sortBy');

const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    ident,
    literal,
    fc.tuple(tie('expr'), binop, tie('expr')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(fc.constantFrom('!', '-'), tie('expr')).map(([op, a]) => `${op}${a}`),
    tie('expr').map((a) => `(${a})`),
    fc.tuple(tie('expr'), fc.constantFrom('.', '.?'), field).map(([a, dot, f]) => `${a}${dot}${f}`),
    fc.tuple(tie('expr'), tie('expr')).map(([a, i]) => `${a}[${i}]`),
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([c, a, b]) => `${c} ? ${a} : ${b}`),
    fc.tuple(fn, fc.array(tie('expr'), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(', ')})`),
    fc
      .tuple(tie('expr'), method, fc.array(tie('expr'), { maxLength: 2 }))
      .map(([r, m, args]) => `${r}.${m}(${args.join(', ')})`),
    fc.tuple(tie('expr'), macro, tie('expr')).map(([r, m, body]) => `${r}.${m}(e, ${body})`),
    fc.array(tie('expr'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
    fc
      .array(fc.tuple(tie('expr'), tie('expr')), { maxLength: 2 })
      .map((kv) => `{${kv.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
    fc.integer({ min: 0, max: 3 }).map((n) => `lists.range(${n})`),
  ),
}));

const leaf = fc.oneof(
  fc.integer().map((i) => i),
  fc.double(),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.date({ noInvalidDate: true }),
  fc.constant(undefined),
);
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(
      fc.constantFrom('a', 'b', 'status', 'conditions', 'type', 'name', 'values', '0'),
      tie('json'),
      {
        maxKeys: 4,
      },
    ),
  ),
}));
const vars = fc.record(
  { x: json, m: json, l: json, s: json, n: json, resources: json, adapter: json, is_deleting: json },
  { requiredKeys: [] },
);

function exercise(text: string, input: Record<string, unknown>): void {
  const started = performance.now();
  let program: CelProgram | undefined;
  try {
    program = compileCel(text);
  } catch (err) {
    expect(err).toBeInstanceOf(CelError);
    expect((err as CelError).code).toBe('CEL_PARSE');
  }
  if (program) {
    const result = program.evaluate(input, { now: () => new Date('2026-01-01T00:00:00Z') });
    expect(typeof result.ok).toBe('boolean');
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(CelError);
      expect(result.error.message).toContain(JSON.stringify(text));
    }
  }
  expect(performance.now() - started).toBeLessThan(PER_CASE_MS);
}

const examples: string[] = [
  ...new Set(
    (
      JSON.parse(readFileSync('test/conformance/cel/vectors.json', 'utf8')) as Array<{ expression: string }>
    ).map((v) => v.expression),
  ),
];
const junk = fc.constantFrom(
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '.',
  '.?',
  '?',
  ':',
  '"',
  "'",
  '\\',
  ',',
  ' ',
  '\n',
  '!',
  '-',
  '&&',
  '||',
  '#',
  '\u0000',
  'é',
  '😀',
  'has(',
  'x',
  '1',
  '1.5',
);
const mutated = fc
  .tuple(
    fc.constantFrom(...examples),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 5 }), fc.array(junk, { maxLength: 3 })), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([base, edits]) => {
    let s = base;
    for (const [at, del, ins] of edits) {
      const i = s.length === 0 ? 0 : at % (s.length + 1);
      s = s.slice(0, i) + ins.join('') + s.slice(i + del);
    }
    return s;
  });

describe('CEL never throws anything but CelError and never hangs', () => {
  it('on 6,000 generated expressions with random data', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(expr, vars, (text, input) => exercise(text, input)),
      { numRuns: 6_000 },
    );
  });

  it('on 3,900 mutated compat-example expressions with random data', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(mutated, vars, (text, input) => exercise(text, input)),
      { numRuns: 3_900 },
    );
  });

  it('on 100 pathologically nested expressions', { timeout: 60_000 }, () => {
    const nested = fc
      .tuple(
        fc.integer({ min: 1, max: 20_000 }),
        fc.constantFrom('(', '[', '!', '-', 'x.a', '{"k":', 'size('),
      )
      .map(([n, open]) => {
        const close =
          { '(': ')', '[': ']', '!': '', '-': '', 'x.a': '', '{"k":': '}', 'size(': ')' }[open] ?? '';
        return open === 'x.a' ? `x${'.a'.repeat(n)}` : `${open.repeat(n)}1${close.repeat(n)}`;
      });
    fc.assert(
      fc.property(nested, (text) => exercise(text, { x: {} })),
      { numRuns: 100 },
    );
  });
});
