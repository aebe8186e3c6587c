import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import suite, { type CelOutcome, type CelVector } from '../../../tools/conformance/cel.ts';

/**
 * Where cel-js still differs from cel-go and lib/cel does not paper over it. Listed so a new
 * mismatch fails this test, and so does fixing one of these without updating the list.
 */
const CEL_JS_GAPS: Record<string, string> = {
  'feature.num.string-of-million': 'cel-go formats doubles with %g (1e+06); cel-js uses JS text',
  'feature.num.list-in-mixed': 'cel-js has no `int in list<double>` for literals',
  'feature.num.list-eq-mixed': 'cel-js has no list<int> == list<double> for literals',
  'feature.num.map-eq-mixed': 'cel-js has no map<string,int> == map<string,double> for literals',
  'feature.has.on-list': 'cel-go errors on has() of a field of a list; cel-js says false',
  'feature.str.indexOf-astral': 'cel-js indexes UTF-16 units, cel-go code points',
  'feature.str.substring-astral': 'cel-js indexes UTF-16 units, cel-go code points',
  'feature.str.indexOf-oob': 'cel-go 0.31 answers -1 for a start past the end; cel-js errors',
  'feature.str.lowerAscii': 'cel-js lowercases non-ASCII letters too',
  'feature.str.upperAscii': 'cel-js uppercases non-ASCII letters too',
  'feature.fn.wrong-arity':
    'cel-go rejects a wrong arity when building the program; here it is an eval error',
};

const vectors: CelVector[] = JSON.parse(readFileSync(suite.vectors, 'utf8'));
const expected = new Map(
  (JSON.parse(readFileSync(suite.expected, 'utf8')) as CelOutcome[]).map((o) => [o.id, o]),
);

describe('CEL conformance with the cel-go oracle', () => {
  it('has an oracle result for every vector and at least 320 vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(320);
    for (const v of vectors) expect(expected.has(v.id), v.id).toBe(true);
  });

  it('matches cel-go on every vector except the listed cel-js gaps', () => {
    const mismatches: Record<string, string> = {};
    for (const v of vectors) {
      const diff = suite.compare(expected.get(v.id)!, suite.run(v));
      if (diff !== undefined) mismatches[v.id] = diff;
    }
    expect(Object.keys(mismatches).sort()).toEqual(Object.keys(CEL_JS_GAPS).sort());
  });

  it('matches every compat-example expression in every scenario', () => {
    const examples = vectors.filter((v) => v.id.startsWith('example.'));
    expect(examples.length).toBeGreaterThan(600);
    for (const v of examples) expect(suite.compare(expected.get(v.id)!, suite.run(v)), v.id).toBeUndefined();
  });
});
