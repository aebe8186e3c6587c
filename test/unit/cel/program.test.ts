import { describe, expect, it } from 'vitest';
import { CelError, celCacheSize, clearCelCache, compileCel } from '../../../lib/cel/index.ts';
import { AdapterError } from '../../../lib/errors.ts';

describe('compileCel', () => {
  it('returns the cached program for the same text', () => {
    const a = compileCel('x + 1.0');
    expect(compileCel('x + 1.0')).toBe(a);
    expect(compileCel('x + 2.0')).not.toBe(a);
  });

  it('bounds the cache and evicts the least recently used program', () => {
    clearCelCache();
    const first = compileCel('"first"');
    const second = compileCel('"second"');
    for (let i = 0; i < 2_000; i++) {
      compileCel(`${i} + 0`);
      if (i === 1_000) compileCel('"second"'); // touch: keeps "second" recent
    }
    expect(celCacheSize()).toBe(2_000);
    expect(compileCel('"second"')).toBe(second);
    expect(compileCel('"first"')).not.toBe(first);
  });

  it('throws CelError CEL_PARSE naming the expression and the line:column', () => {
    const text = 'a &&\n  b ||\n  )';
    let caught: unknown;
    try {
      compileCel(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CelError);
    expect(caught).toBeInstanceOf(AdapterError);
    const err = caught as CelError;
    expect(err.code).toBe('CEL_PARSE');
    expect(err.kind).toBe('parse');
    expect(err.expression).toBe(text);
    expect(err.position).toEqual({ offset: 14, line: 3, column: 3 });
    expect(err.message).toContain(JSON.stringify(text));
    expect(err.message).toContain('at 3:3');
  });

  it('rejects has() on anything but a field selection while parsing, as cel-go does', () => {
    expect(() => compileCel('has(x)')).toThrow(/invalid argument to has\(\) macro/);
  });

  it('reports nesting too deep for the engine as a parse error, not a crash', () => {
    const deep = `${'('.repeat(5_000)}1${')'.repeat(5_000)}`;
    expect(() => compileCel(deep)).toThrow(CelError);
  });
});

describe('CelProgram.evaluate', () => {
  it('returns values in the project model', () => {
    const r = compileCel('{"i": 1, "d": 1.5, "s": "x", "l": [true, null]}').evaluate({});
    expect(r).toEqual({ ok: true, value: { i: 1n, d: 1.5, s: 'x', l: [true, null] } });
  });

  it('returns evaluation errors as values with the position of the failing step', () => {
    const r = compileCel('m.a.foo').evaluate({ m: { a: {} } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(CelError);
    expect(r.error.code).toBe('CEL_EVAL');
    expect(r.error.reason).toBe('no such key: foo');
    expect(r.error.position?.column).toBe(5);
    expect(r.error.message).toBe('CEL eval error in "m.a.foo" at 1:5: no such key: foo');
  });

  it('names a missing variable', () => {
    const r = compileCel('missing == 1').evaluate({});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.reason).toBe('no such attribute(s): missing');
  });

  it('reports integer overflow, division by zero and bad overloads as errors', () => {
    for (const [expr, reason] of [
      ['9223372036854775807 + 1', 'integer overflow'],
      ['-(-9223372036854775807 - 1)', 'integer overflow'],
      ['int(1e19)', 'integer overflow'],
      ['1 / 0', 'division by zero'],
      ['1 % 0', 'modulus by zero'],
    ] as const) {
      const r = compileCel(expr).evaluate({});
      expect(r.ok, expr).toBe(false);
      if (!r.ok) expect(r.error.reason, expr).toBe(reason);
    }
    const r = compileCel('x + 1').evaluate({ x: 5 });
    expect(r.ok).toBe(false);
  });

  it('refuses cel.bind, which the Go adapter does not enable', () => {
    const r = compileCel('cel.bind(v, 2, v * v)').evaluate({});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.reason).toBe('no such attribute(s): cel');
  });

  it('never throws on hostile variables', () => {
    const p = compileCel('x.a.b + y');
    const hostile: Record<string, unknown>[] = [
      {},
      { x: undefined },
      { x: { a: Symbol('s') }, y: 1 },
      { x: { a: { b: () => 1 } }, y: 1 },
      { x: new Map([['a', 1]]), y: [] },
      { x: { a: { b: 1n } }, y: 2n },
    ];
    for (const vars of hostile) expect(() => p.evaluate(vars)).not.toThrow();
    expect(p.evaluate({ x: { a: { b: 1n } }, y: 2n })).toEqual({ ok: true, value: 3n });
  });
});
