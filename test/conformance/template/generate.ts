/**
 * Writes vectors.json: every template of the compat examples (manifest files, and every
 * templated string in task-config.yaml) with realistic data, plus feature vectors for the
 * engine. Run: npx node test/conformance/template/generate.ts [path/to/compat/examples]
 * then `npm run conformance` to regenerate expected.json with the Go oracle.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

interface Vector {
  id: string;
  template: string;
  data: unknown;
  now?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const examplesDir = resolve(process.argv[2] ?? join(here, '../../../../shared/compat/examples'));
const vectors: Vector[] = [];
const add = (prefix: string, template: string, data: unknown, now?: string): void => {
  const n = vectors.filter((v) => v.id.startsWith(`${prefix}-`)).length + 1;
  vectors.push({ id: `${prefix}-${String(n).padStart(3, '0')}`, template, data, ...(now ? { now } : {}) });
};
const int = (n: number | string): { $int: string } => ({ $int: String(n) });
const time = (t: string): { $time: string } => ({ $time: t });

// ---------- compat examples ----------
const statusPayload = JSON.stringify({ adapter: 'cl-maestro', conditions: [{ type: 'Applied', status: 'True' }] });
const subnets = [
  { id: 'a1', name: 'private-a', cidr: '10.0.1.0/24', role: 'private' },
  { id: 'b2', name: 'public-b', cidr: '10.0.2.0/24', role: 'public' },
];
const baseData = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  clusterId: '2k4pq7rb1m9g0a6x',
  clusterName: 'prod-east',
  generation: 3,
  generationId: int(3),
  generationSpec: 7,
  runId: 'run-8841',
  platformType: 'gcp',
  subnets,
  timestamp: '2026-01-01T12:00:00Z',
  nodepoolId: 'np-1x9',
  nodepoolName: 'workers',
  placementClusterName: 'cluster1',
  ci: 'true',
  adapter: { name: 'cl-maestro', executionStatus: 'success', resourcesSkipped: false },
  clusterStatusPayload: statusPayload,
  skippedStatusPayload: statusPayload,
  nodepoolStatusPayload: statusPayload,
  statusPayload,
  ...over,
});

function templatedStrings(v: unknown, out: string[]): void {
  if (typeof v === 'string') {
    if (v.includes('{{')) out.push(v);
  } else if (Array.isArray(v)) for (const e of v) templatedStrings(e, out);
  else if (typeof v === 'object' && v !== null) for (const e of Object.values(v)) templatedStrings(e, out);
}

for (const ex of readdirSync(examplesDir).sort()) {
  const dir = join(examplesDir, ex);
  const files = readdirSync(dir).sort();
  for (const f of files) {
    if (!f.endsWith('.yaml') || f === 'adapter-config.yaml') continue;
    const text = readFileSync(join(dir, f), 'utf8');
    if (f === 'task-config.yaml') {
      const strings: string[] = [];
      templatedStrings(parse(text), strings);
      for (const s of [...new Set(strings)]) {
        add(`compat-${ex}-task`, s, baseData());
        add(`compat-${ex}-task`, s, baseData({ generation: int(12), adapter: { name: 'np-configmap' } }));
      }
    } else if (text.includes('{{')) {
      const stem = f.replace(/\.yaml$/, '');
      add(`compat-${ex}-${stem}`, text, baseData());
      add(`compat-${ex}-${stem}`, text, baseData({ platformType: 'aws', subnets: [], generation: int(42) }));
      add(`compat-${ex}-${stem}`, text, baseData({ platformType: '', clusterId: 'MixedCase-ID', generation: 1.5 }));
      // A param the template needs is missing: missingkey=error must fail at the same spot.
      const missing = baseData();
      delete missing['clusterName'];
      delete missing['runId'];
      add(`compat-${ex}-${stem}`, text, missing);
    }
  }
}

// ---------- printing of values ----------
const values: Record<string, unknown> = {
  f100: 100,
  f1e6: 1e6,
  f1_5: 1.5,
  fneg: -0.000012,
  fbig: 123456789,
  f1e21: 1e21,
  fsmall: 0.0001,
  fzero: 0,
  fnegzero: -0,
  fpi: Math.PI,
  i64: int('9007199254740993'),
  ineg: int(-42),
  t: true,
  f: false,
  n: null,
  s: 'text',
  empty: '',
  unicode: 'héllo wörld ✓',
  list: [1, 'two', null, true, { k: 'v' }, [3, 4]],
  emptyList: [],
  map: { b: 2, a: 'x', c: null, d: { z: 1, y: [1] } },
  emptyMap: {},
  when: time('2026-03-04T05:06:07.089Z'),
  inf: { $float: '+Inf' },
  nan: { $float: 'NaN' },
};
for (const k of Object.keys(values)) add('print', `{{ .${k} }}`, values);
for (const k of Object.keys(values)) add('print', `{{ print .${k} }}|{{ printf "%v" .${k} }}`, values);
add('print', '{{ print 1 2 "a" "b" 3 .n 4 }}', values);
add('print', '{{ println 1 "a" .n }}', values);
add('print', '{{ print }}', values);
add('print', '{{ 1.0 }} {{ 1e3 }} {{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ \'a\' }} {{ -5 }} {{ +3 }} {{ .5 }}', {});
add('print', '{{ 3.0e-5 }} {{ 1e100 }} {{ 0x1p-2 }} {{ 017 }}', {});
add('print', '{{ true }} {{ false }} {{ "str" }} {{ `raw\\n` }} {{ "esc\\t\\u00e9\\x41" }}', {});
add('print', '{{ . }}', values);
add('print', '{{ .when.Year }} {{ .when.Format "Jan 2" }} {{ .when.Unix }}', values);
add('print', '{{ .noSuch }}', values);

// ---------- printf verbs ----------
const verbs = [
  '%d', '%5d', '%-5d|', '%05d', '%+d', '%x', '%X', '%o', '%O', '%b', '%c', '%q', '%U', '%#x', '%#o', '%.3d', '% d',
];
for (const v of verbs) add('printf-int', `{{ printf "${v}" 42 }}|{{ printf "${v}" .neg }}`, { neg: int(-255) });
const fverbs = ['%f', '%.2f', '%8.3f', '%-8.2f|', '%08.3f', '%+.1f', '%e', '%.3e', '%E', '%g', '%.3g', '%G', '%v', '%06.2f', '%.0f', '% .2f'];
for (const v of fverbs) add('printf-float', `{{ printf "${v}" .x }}|{{ printf "${v}" .y }}|{{ printf "${v}" .z }}`, { x: 3.14159, y: -1234567.891, z: 0.000012345 });
add('printf-float', '{{ printf "%.1f %.1f %.1f %.0f %.0f %.2f" 0.25 0.35 0.05 2.5 3.5 1.005 }}', {});
add('printf-float', '{{ printf "%f %e %g" .inf .inf .nan }}', values);
add('printf-float', '{{ printf "%5.1f|%-7.2e|" 1e21 .x }}', { x: 1e-7 });
const sverbs = ['%s', '%10s|', '%-10s|', '%.2s', '%q', '%x', '%X', '% x', '%#q', '%+q', '%v', '%5.1s|', '%010s'];
for (const v of sverbs) add('printf-string', `{{ printf "${v}" .s }}`, { s: 'héllo"\n' });
add('printf-mixed', '{{ printf "%t %v %T %T %T %T %T %T" true false 1 1.5 "s" .m .l .n }}', { m: {}, l: [], n: null });
add('printf-mixed', '{{ printf "%T %T %T %T" .i .when .t nil }}', { i: int(1), when: time('2026-01-01T00:00:00Z'), t: true });
add('printf-mixed', '{{ printf "%d %s" "str" 5 }}', {});
add('printf-mixed', '{{ printf "%d" }}', {});
add('printf-mixed', '{{ printf "%d" 1 2 "x" }}', {});
add('printf-mixed', '{{ printf "%!" }}|{{ printf "%" }}|{{ printf "%%" }}|{{ printf "%z" 1 }}', {});
add('printf-mixed', '{{ printf "%v %d %s" .m .m .m }}', { m: { a: 1, b: 'x', c: [1.5, null] } });
add('printf-mixed', '{{ printf "%v|%s|%d" .l .l .l }}', { l: [1, 'a', true, null] });
add('printf-mixed', '{{ printf "%[2]s %[1]s" "a" "b" }}', {});
add('printf-mixed', '{{ printf "%*d|%-*d|%.*f" 5 1 4 2 2 3.14159 }}', {});
add('printf-mixed', '{{ printf "%d %v" .i .i }}|{{ printf "%x" .i }}', { i: int('-9223372036854775808') });
add('printf-mixed', '{{ printf "%v %s" .n .n }}', { n: null });
add('printf-mixed', '{{ printf "%s" .when }}|{{ printf "%v" .when }}|{{ printf "%q" .when }}', { when: time('2026-01-01T00:00:00Z') });
add('printf-mixed', '{{ printf "%#v" .m }}', { m: { a: 1, b: 's', c: [1, 'x'], d: null } });
add('printf-mixed', '{{ printf "%#v %#v %#v" 1 "s" 1.5 }}', {});
add('printf-mixed', '{{ printf "%s" nil }}', {});
add('printf-mixed', '{{ printf 5 }}', {});
add('printf-mixed', '{{ printf "%c%c%c" 72 105 0x1F600 }}', {});
add('printf-mixed', '{{ printf "%6.2f%%" 99.5 }}', {});
add('printf-mixed', '{{ printf "%-4s|%4s|" "ab" "ü" }}', {});

// ---------- control flow ----------
const cf = { list: ['a', 'b', 'c'], empty: [], map: { z: 1, a: 2, m: 3 }, n: null, zero: 0, one: 1, s: 'x', es: '', nested: { items: [{ name: 'n1', tags: ['t1', 't2'] }, { name: 'n2', tags: [] }] } };
const control = [
  '{{ if .one }}yes{{ end }}',
  '{{ if .zero }}yes{{ else }}no{{ end }}',
  '{{ if .n }}yes{{ else }}nil{{ end }}',
  '{{ if .es }}y{{ else if .s }}s{{ else }}n{{ end }}',
  '{{ if .empty }}y{{ else }}empty{{ end }}',
  '{{ if .map }}map{{ end }}',
  '{{ if and .one .s }}both{{ end }}',
  '{{ if or .zero .es .s }}{{ or .zero .es .s }}{{ end }}',
  '{{ and 1 0 "x" }}|{{ and 1 2 }}|{{ or 0 "" }}|{{ or 0 "y" }}',
  '{{ not .zero }} {{ not .s }} {{ not .n }}',
  '{{ range .list }}[{{ . }}]{{ end }}',
  '{{ range $i, $v := .list }}{{ $i }}:{{ $v }} {{ end }}',
  '{{ range $v := .list }}{{ $v }}{{ end }}',
  '{{ range $k, $v := .map }}{{ $k }}={{ $v }};{{ end }}',
  '{{ range .map }}{{ . }}{{ end }}',
  '{{ range .empty }}x{{ else }}none{{ end }}',
  '{{ range .n }}x{{ else }}nil-range{{ end }}',
  '{{ range 4 }}{{ . }}{{ end }}',
  '{{ range $i := 3 }}{{ $i }}{{ end }}',
  '{{ range 0 }}x{{ else }}zero{{ end }}',
  '{{ range .list }}{{ if eq . "b" }}{{ break }}{{ end }}{{ . }}{{ end }}',
  '{{ range .list }}{{ if eq . "b" }}{{ continue }}{{ end }}{{ . }}{{ end }}',
  '{{ range .nested.items }}{{ .name }}:{{ range .tags }}{{ . }},{{ else }}-{{ end }} {{ end }}',
  '{{ range $i, $it := .nested.items }}{{ $i }}{{ $it.name }}{{ len $it.tags }}{{ end }}',
  '{{ with .s }}got {{ . }}{{ end }}',
  '{{ with .es }}got{{ else }}empty{{ end }}',
  '{{ with .nested }}{{ with .items }}{{ len . }}{{ end }}{{ end }}',
  '{{ with .es }}a{{ else with .s }}b {{ . }}{{ else }}c{{ end }}',
  '{{ with $x := .s }}{{ $x }}{{ . }}{{ end }}',
  '{{ range .one }}x{{ end }}',
  '{{ range .s }}x{{ end }}',
  '{{ range $i, $v := 3 }}x{{ end }}',
  '{{ range .list }}{{ $ }}{{ end }}',
  '{{ range .list }}{{ $.s }}{{ end }}',
  '{{ if .missing }}x{{ end }}',
  '{{ with .n }}x{{ else }}{{ . }}{{ end }}',
  '{{ range .list }}{{ .name }}{{ end }}',
  '{{ range .nested.items }}{{ .nope }}{{ end }}',
  '{{ range $k, $v := .map }}{{ if eq $k "m" }}{{ break }}{{ end }}{{ $k }}{{ end }}',
  '{{ if eq .s "x" "y" }}multi{{ end }}',
];
for (const t of control) add('control', t, cf);

// ---------- variables ----------
const vars = [
  '{{ $x := 1 }}{{ $x }}',
  '{{ $x := .a }}{{ $x = "changed" }}{{ $x }}',
  '{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}',
  '{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}',
  '{{ $x := 1 }}{{ range .l }}{{ $x = . }}{{ end }}{{ $x }}',
  '{{ $ }}',
  '{{ $.a }}',
  '{{ $y }}',
  '{{ if true }}{{ $z := 1 }}{{ end }}{{ $z }}',
  '{{ $m := .m }}{{ $m.k }}',
  '{{ $m := .m }}{{ $m.nope }}',
  '{{ $n := .n }}{{ $n.x }}',
  '{{ $a, $b := 1 }}',
  '{{ range $a, $b, $c := .l }}{{ end }}',
  '{{ $x := .l }}{{ index $x 1 }}',
  '{{ $x := 5 }}{{ $x 1 }}',
  '{{ $s := "a" }}{{ $s | printf "%s-%s" "b" }}',
  '{{ $x := print "a" | printf "%s!" }}{{ $x }}',
];
for (const t of vars) add('vars', t, { a: 'A', l: [1, 2, 3], m: { k: 'v' }, n: null });

// ---------- comparisons ----------
const cmpData = { f: 5, g: 2.5, i: int(5), j: int(7), s: 'abc', t: 'abd', b: true, n: null, m: { a: 1 }, l: [1], when: time('2026-01-01T00:00:00Z') };
const comparisons = [
  'eq .f 5.0', 'eq .f 5', 'eq .i 5', 'eq .i .j', 'eq .f .g', 'eq .s "abc"', 'eq .s "x" "abc"', 'eq .b true',
  'eq .n nil', 'eq nil nil', 'eq .n .s', 'eq .s .n', 'eq .m .m', 'eq .l .l', 'eq .m .l', 'eq .f', 'ne .s .t', 'ne .f 5.0',
  'ne .i 5', 'lt .f 6.0', 'lt .i 9', 'lt .s .t', 'lt .b .b', 'lt .f .i', 'le .f 5.0', 'le .i 4', 'gt .g 2.0', 'gt .s .t',
  'ge .j 7', 'ge .s "abc"', 'lt .n 1', 'lt .m .m', 'eq .when .when', 'eq 1 1', 'eq 1.5 1.5', 'eq "a" "a" "b"',
  'eq .missing 1', 'lt 1 2.0', 'eq (len .l) 1', 'gt (len .s) 2', 'eq \'a\' 97', 'eq .b false true', 'eq .f 1.0 2.0 5.0',
];
for (const c of comparisons) add('compare', `{{ ${c} }}`, cmpData);

// ---------- builtins ----------
const bData = { l: ['a', 'b', 'c'], m: { k: 'v', n: null, deep: { x: [10, 20] } }, s: 'héllo', n: null, i: int(1), f: 1, nums: [1, 2, 3, 4, 5] };
const builtins = [
  'len .l', 'len .m', 'len .s', 'len .n', 'len 5', 'len .missing',
  'index .l 0', 'index .l 2', 'index .l 3', 'index .l -1', 'index .l .i', 'index .l .f', 'index .m "k"', 'index .m "nope"',
  'index .m "n"', 'index .m "deep" "x" 1', 'index .s 1', 'index .n 0', 'index nil 0', 'index .m 1', 'index .l "a"', 'index .l',
  'slice .l 1', 'slice .l 1 2', 'slice .l', 'slice .l 2 1', 'slice .s 0 2', 'slice .s 1 3', 'slice .l 0 5', 'slice .m 1',
  'slice .l 1 2 3', 'slice .s 1 2 3', 'slice .nums 1 3', 'slice .n 1',
  'html "<a href=\\"x\\">&\'</a>"', 'html 1 "a" 2', 'js "it\'s <b> \\"q\\" & \\n"', 'js 5', 'urlquery "a b&c=d/é"', 'urlquery "x" 1',
  'call .l', 'call .n', 'call .missing', 'print (index .m "deep").x', '(index .m "deep").x', '(index .m "k").x', '(.m).k',
  'len (slice .l 1)', 'not 0', 'not "a"', 'and', 'not 1 2', 'index .m.deep.x 0', 'len .m.deep',
];
for (const b of builtins) add('builtin', `{{ ${b} }}`, bData);

// ---------- adapter functions ----------
const fData = {
  s: '  Hello World  ',
  id: 'ABC-123',
  mixed: 'hello wORLD foo_bar x-y o\'neil 3rd',
  e: '',
  n: null,
  z: 0,
  fstr: '3.75',
  istr: '42',
  bad: 'x12',
  f: 3.99,
  fneg: -3.99,
  big: 1e20,
  i: int(17),
  b: true,
  when: time('2026-07-08T09:10:11.123Z'),
  list: [1, 2],
  map: { a: 1 },
  unicode: 'ÉCOLE straße İstanbul',
};
const adapterFuncs = [
  'lower .id', 'upper .s', '.id | lower', 'title .mixed', 'title "hello"', 'title .unicode', 'lower .unicode', 'upper .unicode',
  'trim .s', 'trim "\\t\\n x \\u00a0"', 'trimPrefix "ABC-" .id', '.id | trimPrefix "ABC-"', 'trimSuffix .id "-123"',
  'trimSuffix "-123" .id', 'replace .id "-" "_"', '.id | replace "-" "_"', 'replace "aaa" "a" "b"', 'replace "abc" "" "-"',
  'contains .id "BC"', 'contains "BC" .id', '.id | contains "BC"', 'hasPrefix .id "ABC"', 'hasSuffix .id "23"',
  'quote .s', 'quote "a\\"b\\\\c\\n\\u00e9\\x01"', 'quote 5', 'quote .n', 'lower .n', 'lower 5', 'lower .missing',
  'default "d" .e', 'default "d" .n', 'default "d" .z', 'default "d" .s', 'default "d" .missing', '.e | default "fallback"',
  'default .list .e', 'default nil .n', 'default 5 .b',
  'int .fstr', 'int .istr', 'int .bad', 'int .f', 'int .fneg', 'int .i', 'int .b', 'int .n', 'int 7', 'int 7.9', 'int .big',
  'int64 .istr', 'int64 .f', 'int64 "-9223372036854775808"', 'int64 "99999999999999999999"', 'int "1e3"', 'int " 4"',
  'float .fstr', 'float .istr', 'float .bad', 'float .i', 'float 2', 'float .b', 'float "1e3"', 'float "inf"', 'float64 "0x1p3"',
  'float64 .f', 'float "1_000.5"', 'float ".5"',
  'string .f', 'string .i', 'string .b', 'string .n', 'string .list', 'string .map', 'string .when', 'string "s"', 'string 3',
  'printf "%T" (int .istr)', 'printf "%T" (int64 .istr)', 'printf "%T" (float .istr)', 'add 1 2',
  'now', 'now | date "2006-01-02"', 'date "2006-01-02T15:04:05Z07:00" now', 'date "Jan 2, 2006 at 3:04pm (MST)" .when',
  'date "Monday January 02 15:04:05.000 -0700" .when', 'date "06/1/2 03:04:05.999 PM Mon" .when', 'date "2006-01-02T15:04:05.999999999Z07:00" .when',
  'date "_2 __2 002 .00 ,9 -07 -07:00:00 Z0700" .when', 'dateFormat "2006" .when', 'date "2006" .s', 'date "2006" .n',
  'date "2006" .missing', 'date .when "2006"', '.when | date "15:04"', 'date "Jan January Mon Monday MST" .when', 'now.Year',
  'date "20060102150405" .when', 'now | printf "%v"',
];
for (const f of adapterFuncs) add('func', `{{ ${f} }}`, fData);
add('func', '{{ now }}', {}, '2025-12-31T23:59:59.5Z');
add('func', '{{ now | date "2006-01-02T15:04:05Z07:00" }}', {}, '2024-02-29T12:00:00Z');

// ---------- sprig helpers ----------
const hData = { m: { b: [1, 'x<y>&'], a: null, c: { d: 1.5, e: int(9) } }, s: 'hello, world', enc: 'aGVsbG8=', n: null, e: '', f: 1e21, g: 1e-7, h: 0.1, when: time('2026-01-01T00:00:00.5Z') };
const helpers = [
  'toJson .m', 'toJson .s', 'toJson .n', 'toJson .f', 'toJson .g', 'toJson .h', 'toJson .when', 'toJson 5', 'toJson (int 5)',
  'b64enc .s', 'b64dec .enc', 'b64dec "not base64!"', 'b64dec "aGVsbG8"', 'b64enc "é"', 'sha256sum .s', 'sha256sum ""',
  'required "need it" .s', 'required "need it" .e', 'required "need it" .n', 'required "need it" .missing', '.s | required "x"',
];
for (const h of helpers) add('helper', `{{ ${h} }}`, hData);

// ---------- whitespace trimming, comments, raw text ----------
const trims = [
  'a  {{- "b" -}}  c', 'a {{- "b" }} c', 'a {{ "b" -}} c', 'a\n\t {{- "b" -}} \n\tc', 'x {{- /* comment */ -}} y',
  'x {{/* comment */}} y', '{{- /* only */ -}}', 'a {{-3}} b', 'a {{- 3 -}} b', '{{ if true -}}\n  yes\n{{- end }}',
  'line1\n{{- range .l }}\n  - {{ . }}\n{{- end }}\n', '{{/* a */ }}', '{{ /* a */}}', '{{- -}}', 'a {{-- 3}}',
  'plain text only', '', '}} not an action {{"{{"}}', 'a {{ "b" }}{{ "c" }} d',
];
for (const t of trims) add('trim', t, { l: [1, 2] });

// ---------- define / template / block ----------
const defs = [
  '{{ define "x" }}X{{ . }}{{ end }}{{ template "x" .a }}',
  '{{ define "x" }}[{{ .name }}]{{ end }}{{ range .items }}{{ template "x" . }}{{ end }}',
  '{{ template "nope" }}',
  '{{ block "b" .a }}B{{ . }}{{ end }}',
  '{{ define "x" }}{{ $ }}{{ end }}{{ template "x" }}',
  '{{ define "x" }}{{ .missing }}{{ end }}{{ template "x" . }}',
  '{{ define "r" }}{{ if . }}{{ . }}{{ template "r" (slice . 1) }}{{ end }}{{ end }}{{ template "r" .l }}',
  '{{ define "x" }}a{{ end }}{{ define "x" }}b{{ end }}',
  '{{ define "x" }}{{ $v }}{{ end }}',
  '{{ define "inf" }}{{ template "inf" }}{{ end }}{{ template "inf" }}',
  '{{ template "x" }}{{ define "x" }}late{{ end }}',
  'before{{ define "x" }}d{{ end }}after',
];
for (const t of defs) add('define', t, { a: 'A', items: [{ name: 'i1' }, { name: 'i2' }], l: [1, 2, 3] });

// ---------- nested template calls up to Go's limit (maxExecDepth 100,000) ----------
const descend = '{{ define "r" }}{{ if . }}x{{ template "r" (slice . 1) }}{{ end }}{{ end }}{{ template "r" .s }}';
for (const n of [99_998, 99_999, 100_000]) add('depth', descend, { s: 'a'.repeat(n) });
add(
  'depth',
  '{{ define "r" }}{{ range $i, $e := .l }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ if eq $i 3 }}{{ break }}{{ end }}' +
    '{{ $e }}{{ end }}{{ with .n }}({{ template "r" . }}){{ else }}.{{ end }}{{ end }}{{ template "r" . }}',
  { l: [1, 2, 3, 4], n: { l: [5, 6, 7, 8], n: { l: [9], n: null } } },
);
add(
  'depth',
  '{{ define "r" }}{{ $d := . }}{{ range .l }}{{ template "leaf" . }}{{ end }}{{ $d.k }}{{ end }}' +
    '{{ define "leaf" }}<{{ . }}>{{ end }}{{ range $x := .items }}{{ template "r" $x }}{{ else }}none{{ end }}',
  { items: [{ l: ['a', 'b'], k: 1 }, { l: [], k: 2 }] },
);

// ---------- missingkey=error and field access ----------
const fieldData = { a: { b: { c: 'deep' } }, n: null, l: [{ x: 1 }], s: 'str', num: 1, m: { 'key-with-dash': 1, Upper: 2 } };
const fields = [
  '.a.b.c', '.a.b.x', '.a.x.c', '.x', '.n.x', '.s.x', '.num.x', '.l.x', '.m.Upper', '.m.upper', '.a.b.c.d', '(.a).b.c',
  '(.n).x', '.a.b 1', 'print .a.b.c', '. 1', '.a | .b', 'nil', 'nil.x', '.a.b.c | printf "%s!"', '"x" | printf "%s%s" "y"',
];
for (const f of fields) add('field', `{{ ${f} }}`, fieldData);
add('field', '{{ .x }}', null);
add('field', '{{ . }}', null);
add('field', '{{ .x }}', ['a']);
add('field', '{{ .x }}', 'str');
add('field', 'static {{ "only" }}', null);

// ---------- parse errors ----------
const parseErrors = [
  '{{', '{{ .x', '{{ .x }', '{{ if .x }}', '{{ end }}', '{{ else }}', '{{ if .x }}{{ else }}{{ else }}{{ end }}',
  '{{ nosuchfunc }}', '{{ .x | }}', '{{ | .x }}', '{{ "unterminated }}', '{{ `raw }}', '{{ \'ab\' }}', '{{ 1x }}',
  '{{ .x.  }}', '{{ $x }}', '{{ ( .x }}', '{{ .x ) }}', '{{ # }}', '{{ .x ;}}', '{{ range }}{{ end }}', '{{ if }}{{ end }}',
  '{{ with }}{{ end }}', '{{ break }}', '{{ continue }}', '{{ define "x" }}', '{{ template }}', '{{ template .x }}',
  '{{ "\\q" }}', '{{ 1 | 2 }}', '{{ .x | "s" }}', '{{ 99999999999999999999 }}', '{{ 3.x }}', '{{ true.x }}', '{{ /* x */ y }}',
  '{{ /* unclosed }}', 'a\nb\n{{ .x\n', 'line1\n{{ if .x }}\nline3', '{{ $x := 1 }}{{ $x := }}', '{{ := 1 }}', '{{ .x = 1 }}',
  '{{ $x = 1 }}', '{{ range $i, $v := }}{{ end }}', '{{ range .x }}{{ else if .y }}{{ end }}', '{{ if .a }}{{ else with .b }}{{ end }}',
  '{{ .x \u00e9 }}', '{{ printf "%d" 1 2}', '{{ 1.2.3 }}', '{{ 0x }}', '{{ "a" "b" }}', '{{ (1) }}', '{{ () }}',
  '{{ nil }}', '{{ .a b }}', '{{ if 1 }}x{{ end }}{{ end }}', '{{ block "b" }}{{ end }}', '{{ 1e400 }}', '{{ \'\\400\' }}',
];
for (const p of parseErrors) add('parse', p, { x: 1, a: 1, b: 2 });

// ---------- exec error positions across lines ----------
add('errpos', 'line one\nline two {{ .ok }}\n  then {{ .missing.x }} end', { ok: 'fine' });
add('errpos', 'é€ multi-byte {{ .nope }}', {});
add('errpos', '{{ if .ok }}\n\t{{ index .l 5 }}\n{{ end }}', { ok: true, l: [1] });
add('errpos', '{{ range .l }}\n{{ .x }}{{ end }}', { l: [{ x: 1 }, { y: 2 }] });
add('errpos', '{{ lower (upper .a.b) }}', { a: {} });
add('errpos', '{{ printf "%s" (lower .n) }}', { n: 5 });
add('errpos', '{{ with .a }}{{ .b }}{{ end }}', { a: { c: 1 } });

// ---------- regressions found by differential fuzzing against the oracle ----------
const fuzzData = { y1: time('0001-03-01T00:00:00Z'), n: null, s: 'héllo', m: { i: int(1), n: null }, l: [1, 2, 3], f: 3.14159, z: 0, nz: { $float: '-0' }, i: int(0) };
const regressions = [
  '{{ html .n }}', '{{ html 1 .n "x" }}', '{{ js .m.n }}', '{{ urlquery .n .n }}', '{{ slice .l .m.i }}', '{{ slice .l 1 }}',
  '{{ $i := .m.i }}{{ slice .l $i }}', '{{ range .l }}{{ slice "abcd" . }}{{ end }}', '{{ printf "%*.*f|%.*s" 5 2 1 3 .s }}',
  '{{ printf "%5.1z" .s }}', '{{ printf "%.2t" 1 }}', '{{ printf "%#g|%#.3g|%#e|%#f|%#v" 1.0 2.0 3.0 4.0 5.0 }}',
  '{{ printf "%#.4U|%#U|%.6U" 233 10 65 }}', '{{ printf "%05O|%#08x|%#o|%#12.10o" 255 255 8 .i }}',
  '{{ printf "%x|%X|%.2x|%#X|%.0x" .f .f .f .nz 1.5 }}', '{{ printf "%b|%b" .f 5e-324 }}', '{{ printf "%+q|%q|%+q" 255 233 "é" }}',
  '{{ printf "%+v|%+d|% d" 1.5 3 4 }}', '{{ printf "%5.1T|%-8T|" .f .s }}', '{{ printf "%012.1F" .l }}', '{{ printf "%+1.d" .i }}',
  '{{ printf "%x" .z }}', '{{ range printf "%x" .z }}x{{ end }}', '{{ \u00a0 }}', '{{ .s\u0000 }}', '{{ 0_ }}', '{{ 1__0 }}',
  '{{ 0x_1F }}', '{{ 1_000.5 }}', '{{ float "0x10" }}', '{{ float "0x1p-2" }}', '{{ float "1e400" }}', '{{ float "-infinity" }}',
  '{{ float "1_000" }}', '{{ float "_1" }}', '{{ int "+5" }}', '{{ int "0x10" }}', '{{ int "9223372036854775808" }}',
  '{{ printf "%*d|" 1000001 1 }}', '{{ printf "%.*d|" 1000001 1 }}', '{{ printf "%10000000d|%d" 1 2 3 }}',
  '{{ printf "%1000000d|" 1 | len }}', '{{ date "002 __2 Jan _2 2006" .y1 }}', '{{ .y1 }}',
  '{{ printf "%[2, %[1=s" "a" "b" }}', '{{ printf "%[x]d %[3]d %[1]d" 1 2 }}', '{{ printf "%# .0v|%# v" .l .m }}',
  '{{ printf "%5.w|" .f }}',
];
for (const r of regressions) add('regress', r, fuzzData);

writeFileSync(join(here, 'vectors.json'), `${JSON.stringify(vectors, null, 1)}\n`);
console.log(`wrote ${vectors.length} vectors`);
