import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import suite, { type CelOutcome, type CelVector } from '../../../tools/conformance/cel.ts';

/**
 * Every mismatch must be listed in test/conformance/cel/exceptions.json with its reason, and
 * every listed exception must still be a mismatch, so the list stays honest both ways.
 */
const exceptions = (
  JSON.parse(readFileSync('test/conformance/cel/exceptions.json', 'utf8')) as Array<{
    id: string;
    reason: string;
  }>
).map((e) => e.id);

const vectors: CelVector[] = JSON.parse(readFileSync(suite.vectors, 'utf8'));
const expected = new Map(
  (JSON.parse(readFileSync(suite.expected, 'utf8')) as CelOutcome[]).map((o) => [o.id, o]),
);

describe('CEL conformance with the cel-go oracle', () => {
  it('has an oracle result for every vector and at least 320 vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(320);
    for (const v of vectors) expect(expected.has(v.id), v.id).toBe(true);
  });

  it('matches cel-go on every vector except the documented exceptions', () => {
    const mismatches: Record<string, string> = {};
    for (const v of vectors) {
      const diff = suite.compare(expected.get(v.id)!, suite.run(v));
      if (diff !== undefined) mismatches[v.id] = diff;
    }
    expect(Object.keys(mismatches).sort()).toEqual([...exceptions].sort());
  });

  it('matches every compat-example expression in every scenario', () => {
    const examples = vectors.filter((v) => v.id.startsWith('example.'));
    expect(examples.length).toBeGreaterThan(600);
    for (const v of examples) expect(suite.compare(expected.get(v.id)!, suite.run(v)), v.id).toBeUndefined();
  });
});
