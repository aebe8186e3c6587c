import { describe, expect, it } from 'vitest';
import { compileCel } from '../../../lib/cel/index.ts';

const NOW = new Date('2026-01-01T00:10:00Z');
const conds = [
  { type: 'Ready', status: 'True', last_transition_time: '2026-01-01T00:00:00Z' },
  { type: 'Available', status: 'False', last_transition_time: '2026-01-01T00:09:30.900Z' },
  { type: 'NoStatus', last_transition_time: '2026-01-01T00:00:00Z' },
  { type: 'BadTime', status: 'True', last_transition_time: '2026-01-01 00:00:00' },
  { type: 'Shifted', status: 'True', last_transition_time: '2026-01-01T01:00:00+01:00' },
];

function run(expression: string, vars: Record<string, unknown> = {}, now = NOW): unknown {
  const r = compileCel(expression).evaluate(vars, { now: () => now });
  if (!r.ok) throw r.error;
  return r.value;
}

describe('HyperFleet helper functions', () => {
  it('now() is RFC 3339 text at whole seconds from the injected clock', () => {
    expect(run('now()', {}, new Date('2030-06-15T12:34:56.789Z'))).toBe('2030-06-15T12:34:56Z');
    expect(run('timestamp(now())')).toEqual(NOW);
  });

  it('conditionStatus() finds the first condition of a type, "Unknown" otherwise', () => {
    expect(run('conditionStatus(c, "Ready")', { c: conds })).toBe('True');
    expect(run('conditionStatus(c, "Available")', { c: conds })).toBe('False');
    expect(run('conditionStatus(c, "NoStatus")', { c: conds })).toBe('Unknown');
    expect(run('conditionStatus(c, "Missing")', { c: conds })).toBe('Unknown');
    expect(run('conditionStatus([], "Ready")')).toBe('Unknown');
  });

  it('conditionStatus() refuses a non-list like cel-go (no matching overload)', () => {
    const r = compileCel('conditionStatus(c, "Ready")').evaluate({ c: {} });
    expect(r.ok).toBe(false);
  });

  it('conditionAge() is whole seconds since last_transition_time, -1 when unknown', () => {
    expect(run('conditionAge(c, "Ready")', { c: conds })).toBe(600n);
    expect(run('conditionAge(c, "Available")', { c: conds })).toBe(29n); // 29.1s truncates
    expect(run('conditionAge(c, "Shifted")', { c: conds })).toBe(600n);
    expect(run('conditionAge(c, "BadTime")', { c: conds })).toBe(-1n);
    expect(run('conditionAge(c, "Missing")', { c: conds })).toBe(-1n);
    expect(run('conditionAge(c, "Ready")', { c: conds }, new Date('2025-12-31T23:59:00Z'))).toBe(-60n);
  });

  it('conditionAge() parses and subtracts as Go does (values from the Go oracle)', () => {
    const age = (t: string) =>
      run('conditionAge(c, "Ready")', { c: [{ type: 'Ready', status: 'True', last_transition_time: t }] });
    expect(age('2026-01-01T00:00:00.1234567891Z')).toBe(599n); // ten fraction digits: Go drops the tenth
    expect(age('0000-02-29T00:00:00Z')).toBe(9223372036n); // year 0 is a leap year; Sub saturates
    expect(age('1000-01-01T00:00:00Z')).toBe(9223372036n);
    expect(age('2999-01-01T00:00:00Z')).toBe(-9223372036n);
  });

  it('stableFor() needs status True and an age of at least the threshold', () => {
    expect(run('stableFor(c, "Ready", 600)', { c: conds })).toBe(true);
    expect(run('stableFor(c, "Ready", 601)', { c: conds })).toBe(false);
    expect(run('stableFor(c, "Available", 0)', { c: conds })).toBe(false);
    expect(run('stableFor(c, "BadTime", 0)', { c: conds })).toBe(false);
    expect(run('stableFor(c, "Ready", s)', { c: conds, s: 300n })).toBe(true);
    // A JSON number is a double; the Go signature takes int, so this is an overload error there too.
    expect(compileCel('stableFor(c, "Ready", s)').evaluate({ c: conds, s: 300 }).ok).toBe(false);
  });

  it('statusFeedbackValue() returns fieldValue.string of the named value, "" otherwise', () => {
    const fb = {
      values: [
        { name: 'replicas', fieldValue: { type: 'Integer', integer: 3 } },
        { name: 'phase', fieldValue: { type: 'String', string: 'Active' } },
      ],
    };
    expect(run('statusFeedbackValue(f, "phase")', { f: fb })).toBe('Active');
    expect(run('statusFeedbackValue(f, "replicas")', { f: fb })).toBe('');
    expect(run('statusFeedbackValue(f, "nope")', { f: fb })).toBe('');
    expect(run('statusFeedbackValue(f, "phase")', { f: null })).toBe('');
    expect(run('statusFeedbackValue(f, "phase")', { f: { values: 'x' } })).toBe('');
  });

  it('triState() maps two booleans to True/False/Unknown', () => {
    expect(run('triState(true, true)')).toBe('True');
    expect(run('triState(false, true)')).toBe('False');
    expect(run('triState(false, false)')).toBe('Unknown');
  });

  it('dig() walks maps and list indexes, null when any step is missing', () => {
    const m = { a: { b: [{ c: 1 }, { c: 2 }] } };
    expect(run('dig(m, "a.b.1.c")', { m })).toBe(2);
    expect(run('dig(m, " a . b . 0 . c ")', { m })).toBe(1);
    expect(run('dig(m, "a.b.2.c")', { m })).toBe(null);
    expect(run('dig(m, "a.x")', { m })).toBe(null);
    expect(run('dig(m, "").a.b.size()', { m })).toBe(2n);
  });

  it('toJson() writes what Go encoding/json writes', () => {
    expect(run('toJson(m)', { m: { b: 1, a: [1.5, '<&>'], t: new Date('2026-01-01T00:00:00.120Z') } })).toBe(
      '{"a":[1.5,"\\u003c\\u0026\\u003e"],"b":1,"t":"2026-01-01T00:00:00.12Z"}',
    );
    expect(run('toJson(5)')).toBe('5');
    expect(run('toJson(x)', { x: 1e21 })).toBe('1e+21');
  });
});

describe('extension functions cel-js lacks', () => {
  it('strings', () => {
    expect(run('"hello".charAt(1)')).toBe('e');
    expect(run('"hello".charAt(5)')).toBe('');
    expect(run('"a-b-c".replace("-", "+")')).toBe('a+b+c');
    expect(run('"a-b-c".replace("-", "+", 1)')).toBe('a+b-c');
    expect(run('"abc".reverse()')).toBe('cba');
    expect(run('strings.quote("a\\"b")')).toBe('"a\\"b"');
    expect(run('"%s=%d (%.1f%%)".format(["n", 3, 99.44])')).toBe('n=3 (99.4%)');
  });

  it('lists', () => {
    expect(run('[1, 2, 3, 4].slice(1, 3)')).toEqual([2n, 3n]);
    expect(run('[1, [2, [3]]].flatten()')).toEqual([1n, 2n, [3n]]);
    expect(run('[1, 2, 2, 1.0].distinct()')).toEqual([1n, 2n]);
    expect(run('["b", "a"].sort()')).toEqual(['a', 'b']);
    expect(run('[1, 2].reverse()')).toEqual([2n, 1n]);
    expect(run('lists.range(3)')).toEqual([0n, 1n, 2n]);
    expect(
      run('p.sortBy(x, x.r).map(x, x.n)', {
        p: [
          { n: 'a', r: 2 },
          { n: 'b', r: 1 },
        ],
      }),
    ).toEqual(['b', 'a']);
    expect(compileCel('[1, "a"].sort()').evaluate({}).ok).toBe(false);
  });

  it('report their errors with the line:column of the call', () => {
    const r = compileCel('a &&\n  [1].slice(2, 3).size() > 0').evaluate({ a: true });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.reason).toBe('cannot slice(2, 3), list is length 1');
    expect(r.error.position).toMatchObject({ line: 2, column: 3 });
  });
});
