import { describe, expect, it } from 'vitest';
import { checkCel } from '../../../lib/cel/index.ts';

describe('checkCel', () => {
  it('accepts an expression over declared variables', () => {
    expect(
      checkCel('adapter.?executionStatus.orValue("") == "success" && !is_deleting', {
        adapter: 'map',
        is_deleting: 'bool',
      }),
    ).toEqual([]);
  });

  it('reports a parse error with its line and column', () => {
    const d = checkCel('a +', { a: 'dyn' });
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ kind: 'parse', line: 1, column: 4 });
  });

  it('reports each undeclared variable once, at its first use', () => {
    const d = checkCel('known.x + unknown.y + unknown.z', { known: 'map' });
    expect(d).toEqual([
      expect.objectContaining({ kind: 'undeclared', identifier: 'unknown', line: 1, column: 11 }),
    ]);
    expect(d[0]?.message).toContain("undeclared reference to 'unknown'");
  });

  it('does not count macro variables or namespaces as undeclared', () => {
    expect(checkCel('items.exists(i, i.n > lists.range(2).size())', { items: 'list' })).toEqual([]);
  });

  it('reports type errors the declared types prove', () => {
    const d = checkCel('count + "x"', { count: 'int' });
    expect(d).toEqual([expect.objectContaining({ kind: 'type' })]);
    expect(d[0]?.message).toMatch(/no such overload/);
  });

  it('does not flag dyn variables it cannot type', () => {
    expect(checkCel('x + 1', { x: 'dyn' })).toEqual([]);
  });
});
