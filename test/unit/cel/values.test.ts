import { describe, expect, it } from 'vitest';
import { compileCel } from '../../../lib/cel/index.ts';

function value(expression: string, vars: Record<string, unknown> = {}): unknown {
  const r = compileCel(expression).evaluate(vars);
  if (!r.ok) throw r.error;
  return r.value;
}

describe('value model at the boundary', () => {
  it('JSON numbers are doubles and params typed int are ints', () => {
    expect(value('x', { x: 3 })).toBe(3);
    expect(value('type(x) == double', { x: 3 })).toBe(true);
    expect(value('type(x) == int', { x: 3n })).toBe(true);
    expect(value('x + 1.0', { x: 3 })).toBe(4);
    expect(value('x + 1', { x: 3n })).toBe(4n);
  });

  it('compares int, uint and double by value, as cel-go does at runtime', () => {
    expect(value('x == 3', { x: 3 })).toBe(true);
    expect(value('1 == 1.0')).toBe(true);
    expect(value('1u < 1.5')).toBe(true);
    expect(value('true == "true"')).toBe(false);
  });

  it('timestamps are Dates both ways', () => {
    const t = new Date('2026-01-01T00:00:00Z');
    expect(value('t + duration("1h")', { t })).toEqual(new Date('2026-01-01T01:00:00Z'));
  });

  it('uint becomes bigint, duration its canonical text, type its name', () => {
    expect(value('5u')).toBe(5n);
    expect(value('duration("1h30m")')).toBe('5400s');
    expect(value('duration("1.5s")')).toBe('1.5s');
    expect(value('type(1)')).toBe('int');
  });

  it('an optional result becomes its value or null', () => {
    expect(value('x.?a', { x: { a: 'v' } })).toBe('v');
    expect(value('x.?a', { x: {} })).toBe(null);
  });

  it('maps with non-string keys become plain objects', () => {
    expect(value('{1: "a", 2: "b"}')).toEqual({ 1: 'a', 2: 'b' });
  });
});
