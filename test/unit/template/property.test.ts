import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTemplateUncached, TemplateError } from '../../../lib/template/index.ts';

// Seeds: the real manifests and build strings the engine must handle, from the committed vectors.
const vectorsPath = join(import.meta.dirname, '../../conformance/template/vectors.json');
const seeds = (JSON.parse(readFileSync(vectorsPath, 'utf8')) as { template: string }[])
  .map((v) => v.template)
  .filter((t, i, all) => all.indexOf(t) === i);

const PIECES = [
  '{{',
  '}}',
  '{{-',
  '-}}',
  ' ',
  '.',
  '.a',
  '.b.c',
  '$',
  '$x',
  ':=',
  '=',
  '|',
  '(',
  ')',
  '"s"',
  '`r`',
  "'c'",
  '1',
  '-2',
  '1.5',
  '1e6',
  'nil',
  'true',
  'if',
  'else',
  'end',
  'range',
  'with',
  'define',
  'template',
  'block',
  'break',
  'continue',
  'and',
  'or',
  'not',
  'eq',
  'lt',
  'len',
  'index',
  'slice',
  'print',
  'printf',
  '"%d %s %v %5.2f"',
  'html',
  'js',
  'call',
  'lower',
  'upper',
  'title',
  'default',
  'int',
  'float',
  'string',
  'date',
  'now',
  'toJson',
  'toYaml',
  'required',
  'quote',
  'replace',
  '/*',
  '*/',
  ',',
  '\n',
  'é',
  '"x"',
];

const dataArb = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.string(),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'x', 'l'), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const rootData = fc.record({
  a: dataArb,
  b: fc.record({ c: dataArb }),
  l: fc.array(dataArb, { maxLength: 5 }),
  x: dataArb,
});

/** Templates assembled from syntax pieces: mostly invalid, some deeply odd but valid. */
const assembled = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((p) => p.join(''));

/** A real template with random edits: cuts, duplications and inserted syntax. */
const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.constantFrom(...PIECES, '')), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([seed, edits]) => {
    let t = seed;
    for (const [at, len, insert] of edits) {
      const i = t.length === 0 ? 0 : at % t.length;
      t = t.slice(0, i) + insert + t.slice(i + len);
    }
    return t;
  });

const PER_CASE_MS = 1000;

describe('template engine robustness', () => {
  it('never crashes or hangs: always a string or a TemplateError', () => {
    const now = new Date('2026-01-02T03:04:05Z');
    fc.assert(
      fc.property(fc.oneof(assembled, mutated), rootData, (text, data) => {
        const started = performance.now();
        try {
          const out = compileTemplateUncached(text).render(data, { now: () => now });
          expect(typeof out).toBe('string');
        } catch (e) {
          if (!(e instanceof TemplateError)) throw e;
          expect(['TEMPLATE_PARSE', 'TEMPLATE_EXEC']).toContain(e.code);
          expect(e.message.startsWith('template: ')).toBe(true);
        }
        expect(performance.now() - started).toBeLessThan(PER_CASE_MS);
      }),
      { numRuns: 10_000 },
    );
  }, 120_000);

  it('seeds are real templates (the generator found them)', () => {
    expect(seeds.length).toBeGreaterThan(100);
    expect(readdirSync(join(import.meta.dirname, '../../conformance/template'))).toContain('expected.json');
  });
});
