import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../../lib/config/source.ts';

// What Go's yaml.v3 (libyaml) reads from a config file, where YAML 1.2 reads otherwise; the
// expected values are the Go oracle's (test/conformance/yaml: value-067, key-067, key-068).
describe('config files read as libyaml reads them', () => {
  it('folds a raw NEL inside a quoted value to a space, as a line break', () => {
    const r = parseYamlSource('data:\n  k: "nel\u0085line"\nz: 1\n');
    expect(r.issues).toEqual([]);
    expect(r.value).toEqual({ data: { k: 'nel line' }, z: 1 });
  });

  it('keeps a raw LS in a quoted value and drops the indentation after it', () => {
    const r = parseYamlSource("data:\n  k: 'ls\u2028   line'\n");
    expect(r.issues).toEqual([]);
    expect(r.value).toEqual({ data: { k: 'ls\u2028line' } });
  });

  it('refuses a key split by a raw LS, at the line libyaml counts', () => {
    const r = parseYamlSource('a: 1\nke\u2028y: v\n');
    expect(r.value).toBeNull();
    expect(r.issues.length).toBeGreaterThan(0);
    expect(r.issues[0]?.pos.line).toBe(2); // Go: "yaml: line 2: could not find expected ':'"
  });

  it('takes a quoted continuation line at any indentation, with later lines unmoved', () => {
    const r = parseYamlSource('spec:\n  msg: "first\nsecond"\n  n: 2\nbad: [\n');
    // The quoted value is fine for libyaml; only the unclosed flow sequence is a problem.
    const lines = r.issues.map((i) => i.pos.line);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l >= 5)).toBe(true);
    const ok = parseYamlSource('spec:\n  msg: "first\nsecond"\n  n: 2\n');
    expect(ok.issues).toEqual([]);
    expect(ok.value).toEqual({ spec: { msg: 'first second', n: 2 } });
    expect(ok.root.children?.get('spec')?.children?.get('n')?.pos.line).toBe(4);
  });
});
