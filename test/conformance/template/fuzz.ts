/**
 * Differential fuzzing against the Go oracle (needs `go`): random templates from several
 * generators (functions, printf verbs and flags, control flow and scoping, lexer soup,
 * time layouts, trim markers, mutations of the committed vectors) are rendered by both
 * engines and every difference is printed. Interesting finds belong in generate.ts.
 *   npx node test/conformance/template/fuzz.ts [seed] [count per generator]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runVector, type TemplateOutcome, type TemplateVector } from '../../../tools/conformance/template.ts';

const here = dirname(fileURLToPath(import.meta.url));
let state = Number(process.argv[2] ?? Date.now() % 100_000);
const count = Number(process.argv[3] ?? 2000);
const rnd = (): number => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
const times = (n: number, f: () => string, sep = ''): string => Array.from({ length: n }, f).join(sep);

const DATA = {
  a: 'Hello', b: 'wORLD', s: 'héllo\tw"o', e: '', n: null, z: 0, f: 3.14159, g: -2.5e-8, big: 1e21,
  i: { $int: '42' }, j: { $int: '-9223372036854775808' },
  l: [1, 'two', null, true, { k: 'lk' }], el: [], m: { k: 'v', n: null, deep: { x: [1, 2] } }, em: {},
  lm: [{ k: 1, x: null }, { k: { x: 'deep' } }], nz: { $float: '-0' }, nan: { $float: 'NaN' },
};

// No time.Time at top level: Go prints its struct internals under numeric verbs, which we do not imitate.
const TIME = { $time: '2026-05-06T07:08:09.123Z' };
const FIELDS = ['.a', '.b', '.s', '.e', '.n', '.z', '.f', '.g', '.big', '.i', '.j', '.l', '.el', '.m', '.m.k', '.m.n',
  '.em', '.lm', '.nz', '.nan', '.missing', '.m.deep.x', '$', '$.a', '.'];
const LITERALS = ['1', '0', '-3', '2.5', '1e6', '"str"', '""', '"%d"', '"%v|%s"', '"2006-01-02"', 'true', 'false', 'nil',
  "'a'", '0x10', '" A b "'];
const FUNCS = ['lower', 'upper', 'title', 'trim', 'quote', 'default', 'int', 'int64', 'float', 'float64', 'string', 'len',
  'index', 'slice', 'print', 'printf', 'println', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'not', 'html', 'js',
  'urlquery', 'contains', 'hasPrefix', 'hasSuffix', 'replace', 'trimPrefix', 'trimSuffix', 'toJson', 'b64enc', 'b64dec',
  'sha256sum', 'required', 'date', 'now'];

function pipeline(depth: number): string {
  const arg = (): string => {
    const r = rnd();
    if (r < 0.4) return pick(FIELDS);
    if (r < 0.75 || depth > 2) return pick(LITERALS);
    return `(${pipeline(depth + 1)})`;
  };
  const command = (): string =>
    rnd() < 0.3 ? arg() : [pick(FUNCS), ...Array.from({ length: Math.floor(rnd() * 3) }, arg)].join(' ');
  return times(rnd() < 0.7 ? 1 : 2, command, ' | ');
}

const generators: Record<string, () => string> = {
  functions: () => {
    const p = pipeline(0);
    return pick([
      `{{ ${p} }}`,
      `{{ if ${p} }}Y{{ else }}N{{ end }}`,
      `{{ range $i, $v := ${p} }}{{ $i }}={{ $v }};{{ else }}E{{ end }}`,
      `{{ with ${p} }}[{{ . }}]{{ end }}`,
      `{{ $x := ${p} }}{{ $x }}|{{ printf "%v %T" $x $x }}`,
    ]);
  },
  printf: () => {
    let format = '';
    const args: string[] = [];
    for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) {
      const width = pick(['', '', '1', '5', '12', '*']);
      const prec = pick(['', '', '.0', '.1', '.3', '.10', '.*', '.']);
      format += `%${pick(['', '', '-', '+', '#', ' ', '0', '-0', '+0', '# '])}${width}${prec}`;
      format += `${pick(['v', 'd', 's', 'q', 'x', 'X', 'f', 'e', 'g', 'G', 'E', 't', 'T', 'c', 'U', 'o', 'O', 'b', 'F'])}|`;
      if (width === '*') args.push(pick(['3', '-4', '.f']));
      if (prec === '.*') args.push(pick(['2', '-1', '.s']));
      args.push(pick([...FIELDS, ...LITERALS, "'x'", '1e21', '255']));
    }
    return `{{ printf "${format}" ${args.join(' ')} }}`;
  },
  control: () => {
    const sources = ['.', '.l', '.m', '.n', '.s', '.i', '.f', '.lm', '.e', '.el', '.em', '.m.k', '3', '0', '$', '(slice .l 1)'];
    const uses = ['.', '.k', '.x', '$', '$.s', 'len .', 'index . 0', 'printf "%v|%T" . .', 'eq . 1', 'not .'];
    const body = (depth: number): string => {
      const r = rnd();
      if (depth > 2 || r < 0.35) return `{{ ${pick(uses)} }}`;
      const src = pick(sources);
      if (r < 0.55) return `{{ range $i, $v := ${src} }}${body(depth + 1)}{{ $v }}{{ else }}E{{ end }}`;
      if (r < 0.7) return `{{ with ${src} }}${body(depth + 1)}{{ else with ${pick(sources)} }}W{{ . }}{{ end }}`;
      if (r < 0.85) return `{{ if ${src} }}${body(depth + 1)}{{ else if ${pick(sources)} }}I{{ else }}N{{ end }}`;
      return `{{ $v := ${src} }}${body(depth + 1)}{{ $v }}`;
    };
    return body(0) + body(0);
  },
  lexer: () => {
    const alphabet = ['{{', '}}', '{', '}', '-', ' ', '\t', '\n', '\r', '.', '$', 'a', '1', '0', '"', '`', "'", '\\', '/',
      '*', '(', ')', '|', ':', '=', ',', 'é', '😀', '_', 'e', 'if', 'end', 'nil', '+', '#', '%', '\u00a0', '\u0000'];
    return `{{${times(1 + Math.floor(rnd() * 12), () => pick(alphabet))}${rnd() < 0.7 ? '}}' : ''}`;
  },
  dates: () => {
    const chunks = ['2006', '06', '01', '1', 'Jan', 'January', '02', '2', '_2', '__2', '002', '15', '03', '3', '04', '4',
      '05', '5', 'PM', 'pm', 'MST', 'Mon', 'Monday', '-0700', '-07:00', '-07', 'Z0700', 'Z07:00', '.000', '.999', ',000',
      '.9', ' ', '-', ':', 'T', 'x'];
    return `{{ date ${JSON.stringify(times(1 + Math.floor(rnd() * 5), () => pick(chunks)))} .m.t }}|{{ .m.t }}`;
  },
  whitespace: () => {
    const texts = ['', ' ', '\n', '\n  ', '\t', 'a', ' x \n', '\r\n', '-', '}}', '{'];
    const actions = ['{{ .a }}', '{{- .a }}', '{{ .a -}}', '{{- .a -}}', '{{/* c */}}', '{{- /* c */ -}}', '{{ if .a }}',
      '{{- end -}}', '{{ else }}', '{{ range .l }}', '{{- . -}}', '{{-3}}', '{{ -3 }}', '{{ $x := 1 }}', '{{ break }}'];
    return times(1 + Math.floor(rnd() * 8), () => pick(texts) + pick(actions)) + pick(texts);
  },
  mutations: (() => {
    const seeds = [
      ...new Set((JSON.parse(readFileSync(join(here, 'vectors.json'), 'utf8')) as TemplateVector[]).map((v) => v.template)),
    ].filter((t) => t.length < 400);
    const pieces = ['{{', '}}', '{{-', '-}}', ' ', '.', '.a', '$x', ':=', '=', '|', '(', ')', '"s"', 'nil', 'if', 'else',
      'end', 'range', 'with', 'define', 'template', 'printf', '/*', '*/', ',', '\n', ''];
    return () => {
      let t = pick(seeds);
      for (let e = 0; e < 1 + Math.floor(rnd() * 3); e++) {
        const at = Math.floor(rnd() * (t.length + 1));
        t = t.slice(0, at) + pick(pieces) + t.slice(at + Math.floor(rnd() * 6));
      }
      return t;
    };
  })(),
};

const vectors: TemplateVector[] = [];
for (const [name, gen] of Object.entries(generators)) {
  const data = name === 'dates' ? { ...DATA, m: { t: TIME } } : DATA;
  for (let i = 0; i < count; i++) vectors.push({ id: `${name}-${i}`, template: gen(), data });
}
const dir = mkdtempSync(join(tmpdir(), 'template-fuzz-'));
writeFileSync(join(dir, 'vectors.json'), JSON.stringify(vectors));
const oracle = spawnSync('go', ['run', './cmd/template', '-in', join(dir, 'vectors.json'), '-out', join(dir, 'expected.json')], {
  cwd: resolve(here, '../../../tools/oracle'),
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (oracle.status !== 0) throw new Error('oracle failed');
const expected = new Map(
  (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as TemplateOutcome[]).map((r) => [r.id, r]),
);
let differences = 0;
for (const v of vectors) {
  const got = runVector(v);
  const want = expected.get(v.id);
  if (JSON.stringify(got) === JSON.stringify(want)) continue;
  differences++;
  console.log(`${JSON.stringify(v.template)}\n  go:   ${JSON.stringify(want)}\n  ours: ${JSON.stringify(got)}`);
}
console.log(`fuzz: seed ${process.argv[2] ?? '(time)'}, ${vectors.length} templates, ${differences} differ from Go`);
process.exitCode = differences === 0 ? 0 : 1;
