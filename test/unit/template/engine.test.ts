import { describe, expect, it } from 'vitest';
import { AdapterError } from '../../../lib/errors.ts';
import {
  compileTemplate,
  compileTemplateUncached,
  renderTemplate,
  TemplateError,
} from '../../../lib/template/index.ts';

const NOW = new Date('2026-01-02T03:04:05Z');
const render = (t: string, data: unknown): string => renderTemplate(t, data, { now: () => NOW });

function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return e as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('rendering', () => {
  it('renders the compat examples idioms', () => {
    const data = { clusterId: 'ABC', adapter: { name: 'cl-maestro' }, generation: 3, platformType: 'gcp' };
    expect(render('{{ .clusterId | lower }}-{{ .adapter.name }}-namespace', data)).toBe(
      'abc-cl-maestro-namespace',
    );
    expect(render('{{ if eq .platformType "gcp" }}cloud{{ else }}onprem{{ end }}', data)).toBe('cloud');
    expect(render('"{{ .generation }}"', data)).toBe('"3"');
    expect(render('{{ now | date "2006-01-02T15:04:05Z07:00" }}', data)).toBe('2026-01-02T03:04:05Z');
  });

  it('prints values as Go fmt does', () => {
    expect(render('{{ .a }} {{ .b }} {{ .c }} {{ .d }}', { a: 1e6, b: 100, c: 1.5, d: 10n ** 18n })).toBe(
      '1e+06 100 1.5 1000000000000000000',
    );
    expect(render('{{ .m }}', { m: { b: [1, 'x'], a: null } })).toBe('map[a:<nil> b:[1 x]]');
    expect(render('{{ .n }}|{{ print .n }}', { n: null })).toBe('<no value>|<nil>');
  });

  it('returns text without actions unchanged', () => {
    expect(render('plain: {not} a template }}', {})).toBe('plain: {not} a template }}');
  });

  it('uses the wall clock when no clock is given', () => {
    const year = Number(renderTemplate('{{ now | date "2006" }}', {}));
    expect(year).toBeGreaterThanOrEqual(2025);
  });
});

describe('errors', () => {
  it('reports a missing key with Go position and message', () => {
    const e = errorOf(() => render('line one\n  {{ .clusterName }}', { clusterId: 'x' }));
    expect(e.code).toBe('TEMPLATE_EXEC');
    expect(e).toBeInstanceOf(AdapterError);
    expect(e.retryable).toBe(false);
    expect(e.line).toBe(2);
    expect(e.column).toBe(5);
    expect(e.reason).toBe('map has no entry for key "clusterName"');
    expect(e.message).toBe(
      'template: template:2:5: executing "template" at <.clusterName>: map has no entry for key "clusterName"',
    );
  });

  it('counts columns in UTF-8 bytes, like Go', () => {
    const e = errorOf(() => render('é{{ .x }}', {}));
    expect(e.column).toBe(5);
  });

  it('reports parse errors with the line', () => {
    const e = errorOf(() => compileTemplate('a\nb {{ if .x }}\nc'));
    expect(e.code).toBe('TEMPLATE_PARSE');
    expect(e.line).toBe(3);
    expect(e.message).toBe('template: template:3: unexpected EOF');
    const f = errorOf(() => compileTemplate('{{ nosuch .x }}'));
    expect(f.message).toBe('template: template:1: function "nosuch" not defined');
  });

  it('names the template in messages', () => {
    const e = errorOf(() => compileTemplate('{{ .x }}', 'manifest').render({}));
    expect(e.message).toMatch(/^template: manifest:1:3: executing "manifest" at <\.x>/);
  });

  it('rejects comparing a JSON number with an int constant, as Go does', () => {
    const e = errorOf(() => render('{{ if eq .n 5 }}x{{ end }}', { n: 5 }));
    expect(e.reason).toBe('error calling eq: incompatible types for comparison: float64 and int');
    expect(render('{{ if eq .n 5 }}x{{ end }}', { n: 5n })).toBe('x');
  });
});

describe('caching', () => {
  it('returns the same compiled template for the same text', () => {
    const a = compileTemplate('{{ .cacheProbe }}');
    expect(compileTemplate('{{ .cacheProbe }}')).toBe(a);
    expect(compileTemplate('{{ .cacheProbe }}', 'other')).not.toBe(a);
    expect(compileTemplateUncached('{{ .cacheProbe }}')).not.toBe(a);
  });

  it('evicts old entries instead of growing without bound', () => {
    const first = compileTemplate('{{ .evictMe }}');
    for (let i = 0; i < 2500; i++) compileTemplate(`{{ .k${i} }}`);
    expect(compileTemplate('{{ .evictMe }}')).not.toBe(first);
  });

  it('renders a cached template with different data', () => {
    const t = compileTemplate('{{ .v }}');
    expect(t.render({ v: 'a' })).toBe('a');
    expect(t.render({ v: 'b' })).toBe('b');
    expect(t.text).toBe('{{ .v }}');
  });
});

describe('fieldRefs', () => {
  const refs = (t: string): string[] => [...compileTemplate(t).fieldRefs].sort();

  it('lists top-level keys read from dot', () => {
    expect(refs('{{ .clusterId }}-{{ .adapter.name }} {{ .clusterId | lower }}')).toEqual([
      'adapter',
      'clusterId',
    ]);
    expect(refs('{{ if .a }}{{ .b }}{{ else }}{{ .c }}{{ end }}')).toEqual(['a', 'b', 'c']);
    expect(refs('{{ printf "%s" (lower .x) }}')).toEqual(['x']);
    expect(refs('no actions')).toEqual([]);
  });

  it('ignores fields read where dot is something else', () => {
    expect(refs('{{ range .subnets }}{{ .id }}{{ else }}{{ .none }}{{ end }}')).toEqual(['none', 'subnets']);
    expect(refs('{{ with .a }}{{ .inner }}{{ end }}')).toEqual(['a']);
    expect(refs('{{ define "x" }}{{ .inDefine }}{{ end }}{{ template "x" .arg }}')).toEqual(['arg']);
  });

  it('follows definitions that receive the data itself', () => {
    expect(refs('{{ define "x" }}{{ .inDefine }}{{ template "x" . }}{{ end }}{{ template "x" . }}')).toEqual([
      'inDefine',
    ]);
    expect(refs('{{ block "b" $ }}{{ .inBlock }}{{ end }}')).toEqual(['inBlock']);
  });

  it('follows $ and index on the root', () => {
    expect(refs('{{ range .l }}{{ $.top }}{{ end }}')).toEqual(['l', 'top']);
    expect(refs('{{ index . "dashed-key" }}')).toEqual(['dashed-key']);
  });
});

describe('limits', () => {
  it('bounds range over a huge integer', () => {
    const e = errorOf(() => render('{{ range .n }}x{{ end }}', { n: 10n ** 12n }));
    expect(e.reason).toBe('range iteration limit exceeded');
  });

  it("bounds recursive template calls at Go's 100,000, not at the JS stack", () => {
    const e = errorOf(() => render('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', {}));
    expect(e.reason).toBe('exceeded maximum template depth (100000)');
    // 99,999 nested calls, each level writing: the whole output comes back.
    const descend =
      '{{ define "r" }}{{ if . }}x{{ template "r" (slice . 1) }}{{ end }}{{ end }}{{ template "r" .s }}';
    const out = render(descend, { s: 'a'.repeat(99_999) });
    expect(out).toBe('x'.repeat(99_999));
  });

  it('unwinds break and continue through nested template calls', () => {
    const t =
      '{{ define "r" }}{{ range $i, $e := .l }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ if eq $i 3 }}{{ break }}{{ end }}' +
      '{{ $e }}{{ end }}{{ with .n }}({{ template "r" . }}){{ else }}.{{ end }}{{ end }}{{ template "r" . }}';
    const data = { l: [1n, 2n, 3n, 4n], n: { l: [5n, 6n, 7n, 8n], n: { l: [9n], n: null } } };
    expect(render(t, data)).toBe('13(57(9.))');
  });

  it('bounds nesting depth at parse time', () => {
    const deep = `{{ ${'('.repeat(5000)}1${')'.repeat(5000)} }}`;
    expect(errorOf(() => compileTemplate(deep)).code).toBe('TEMPLATE_PARSE');
    const ifs = `${'{{ if true }}'.repeat(3000)}x${'{{ end }}'.repeat(3000)}`;
    expect(errorOf(() => compileTemplate(ifs)).code).toBe('TEMPLATE_PARSE');
  });
});

describe('toYaml (Sprig; not covered by the Go oracle)', () => {
  it('emits block YAML with sorted keys and go-yaml v2 list indentation', () => {
    const data = { v: { b: [1, 'x'], a: { c: null, d: 'true' }, e: [{ f: 1, g: '' }], h: 1.5 } };
    expect(render('{{ toYaml .v }}', data)).toBe(
      ['a:', '  c: null', '  d: "true"', 'b:', '- 1', '- x', 'e:', '- f: 1', '  g: ""', 'h: 1.5'].join('\n'),
    );
  });

  it('quotes strings that would read back as something else', () => {
    expect(render('{{ toYaml .v }}', { v: { a: '123', b: 'no', c: 'a: b', d: '- x' } })).toBe(
      ['a: "123"', 'b: "no"', "c: 'a: b'", "d: '- x'"].join('\n'),
    );
  });
});

describe('pathological input stays fast', () => {
  const timed = (fn: () => unknown): number => {
    const t0 = performance.now();
    try {
      fn();
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
    }
    return performance.now() - t0;
  };

  it('trims, converts and lexes long runs in linear time', () => {
    const spaces = `${' '.repeat(200_000)}x`;
    expect(timed(() => render('{{ trim .s }}', { s: spaces }))).toBeLessThan(500);
    expect(render('{{ trim .s }}', { s: spaces })).toBe('x');
    expect(timed(() => render('{{ float .s }}', { s: `${'1'.repeat(100_000)}e` }))).toBeLessThan(500);
    expect(timed(() => compileTemplateUncached(`{{ ${'1'.repeat(100_000)}e }}`))).toBeLessThan(500);
    expect(timed(() => render('{{ printf "%99999999d" 1 }}', {}))).toBeLessThan(500);
  });

  it('turns cyclic data into a TemplateError, not a crash', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic['self'] = cyclic;
    expect(errorOf(() => render('{{ .self }}', cyclic)).code).toBe('TEMPLATE_EXEC');
    expect(render('{{ .self.self.name }}', cyclic)).toBe('x');
  });
});
