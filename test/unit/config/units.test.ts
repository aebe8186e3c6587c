import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../../../lib/config/duration.ts';
import { ConfigError, formatProblem } from '../../../lib/config/errors.ts';
import { formatPath, parseYamlSource } from '../../../lib/config/source.ts';
import { closest, editDistance } from '../../../lib/config/suggest.ts';

describe('Go durations', () => {
  it('parses Go syntax to milliseconds', () => {
    expect(parseGoDuration('10s')).toBe(10_000);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('500ms')).toBe(500);
    expect(parseGoDuration('1.5h')).toBe(5_400_000);
    expect(parseGoDuration('250us')).toBe(0.25);
    expect(parseGoDuration('2µs')).toBe(0.002);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('-1s')).toBe(-1000);
  });

  it('rejects what Go rejects', () => {
    for (const bad of ['', '10', '1 s', 's', '10x', '1m 30s', '--1s', '.s', 'ms'])
      expect(parseGoDuration(bad), bad).toBeUndefined();
  });
});

describe('suggestions', () => {
  it('edit distance counts a swap once', () => {
    expect(editDistance('by_nmae', 'by_name')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests only close candidates', () => {
    expect(closest('byname', ['namespace', 'by_name', 'by_selectors'])).toBe('by_name');
    expect(closest('resource', ['params', 'resources'])).toBe('resources');
    expect(closest('zzz', ['params', 'resources'])).toBeUndefined();
  });
});

describe('problems', () => {
  it('render as file:line:col path: message (hint), sorted by place', () => {
    const err = new ConfigError([
      { file: 'b.yaml', path: 'x', line: 1, column: 1, message: 'm2' },
      {
        file: 'a.yaml',
        path: 'resources[1].discovery.by_name',
        line: 7,
        column: 3,
        message: 'm1',
        hint: 'h',
      },
      { file: 'a.yaml', path: '', line: 0, column: 0, message: 'm0' },
    ]);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(
      'invalid configuration (3 problems):\n  a.yaml m0\n  a.yaml:7:3 resources[1].discovery.by_name: m1 (h)\n  b.yaml:1:1 x: m2',
    );
    expect(formatProblem(err.problems[1]!)).toBe('a.yaml:7:3 resources[1].discovery.by_name: m1 (h)');
  });

  it('paths quote keys that are not plain words', () => {
    expect(
      formatPath(['resources', 1, 'discovery', 'by_selectors', 'label_selector', 'hyperfleet.io/cluster-id']),
    ).toBe('resources[1].discovery.by_selectors.label_selector["hyperfleet.io/cluster-id"]');
    expect(formatPath(['x-call'])).toBe('x-call');
  });
});

describe('YAML source positions', () => {
  it('records key and value positions', () => {
    const parsed = parseYamlSource('a:\n  b: 1\n  c: [x, y]\n');
    expect(parsed.issues).toEqual([]);
    expect(parsed.value).toEqual({ a: { b: 1, c: ['x', 'y'] } });
    const c = parsed.root.children?.get('a')?.children?.get('c');
    expect(c?.keyPos).toEqual({ line: 3, column: 3 });
    expect(c?.children?.get(1)?.pos).toEqual({ line: 3, column: 10 });
  });

  it('reports duplicate keys, extra documents and alias bombs instead of failing or hanging', () => {
    expect(parseYamlSource('a: 1\na: 2\n').issues[0]?.message).toContain('duplicate key');
    expect(parseYamlSource('a: 1\n---\nb: 2\n').issues[0]).toMatchObject({
      pos: { line: 2 },
      message: expect.stringContaining('second'),
    });
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
      );
    const started = performance.now();
    const parsed = parseYamlSource(bomb.join('\n'));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(parsed.issues.map((i) => i.message).join()).toMatch(/too large|alias/i);
  });
});
