/**
 * Writes vectors.json for the inline-manifest suite: each vector is a manifest as written in
 * a task config (YAML text, under `manifest:`) and the params it is rendered with. The Go
 * oracle (tools/oracle/cmd/yaml) decodes it with yaml.v3, marshals it back to text, renders
 * that text as a Go template and parses the result, as the Go adapter does.
 *
 * Run: npx node test/conformance/yaml/generate.ts [path/to/shared]
 * then `npm run conformance -- yaml` to regenerate expected.json with the oracle.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isPair, isScalar, parseDocument } from 'yaml';

interface Vector {
  id: string;
  manifest: string;
  data: unknown;
}

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = resolve(process.argv[2] ?? join(here, '../../../../shared'));
const vectors: Vector[] = [];
const add = (prefix: string, manifest: string, data: unknown = {}): void => {
  const n = vectors.filter((v) => v.id.startsWith(`${prefix}-`)).length + 1;
  vectors.push({ id: `${prefix}-${String(n).padStart(3, '0')}`, manifest, data });
};
const int = (n: number | string): { $int: string } => ({ $int: String(n) });
const q = (s: string): string => JSON.stringify(s);
const configMap = (data: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n${data
    .split('\n')
    .map((l) => (l === '' ? l : `  ${l}`))
    .join('\n')}\n`;

// ---------- strings that are sensitive to YAML quoting, as values and as keys ----------
const tricky = [
  'plain',
  'two words',
  "it's",
  "'single'",
  '"double"',
  'say "hi"',
  "mixed ' and \"",
  'a: b',
  'a:b',
  'key:',
  ':lead',
  ': lead',
  'a #b',
  'a#b',
  '#lead',
  '* star',
  '*star',
  '& amp',
  '&amp',
  '!bang',
  '! bang',
  '%pct',
  '@at',
  '{brace',
  '{a: 1}',
  '[bracket',
  '[1, 2]',
  '}close',
  ']close',
  '|pipe',
  '>gt',
  '- dash',
  '-dash',
  '-',
  '--',
  '---',
  '...',
  '?q',
  '? q',
  ',comma',
  'a, b',
  '`tick',
  'mid`tick',
  'trailing ',
  ' leading',
  ' ',
  '  ',
  'tab\there',
  '\tleadtab',
  'line1\nline2',
  'line1\nline2\n',
  'line1\nline2\n\n',
  '\nleading newline',
  'trailing space \nnext',
  'line\n next indented',
  'a\n\nb',
  '\n',
  '\n\n',
  'crlf\r\nline',
  'cr\ronly',
  'unicode é ñ ü',
  '日本語',
  'emoji 😀',
  'nbsp\u00a0here',
  'zero\u200bwidth',
  'bom\ufeff',
  'nel\u0085line',
  'ls\u2028line',
  'bell\u0007',
  'esc\u001b[0m',
  'del\u007f',
  'c1\u0090',
  'back\\slash',
  '123',
  '-123',
  '+123',
  '1.5',
  '1e6',
  '1_000',
  '0x1F',
  '0o17',
  '017',
  '08',
  '0b101',
  '.5',
  '.inf',
  '-.inf',
  '.nan',
  'NaN',
  'Infinity',
  'true',
  'True',
  'TRUE',
  'tRUE',
  'false',
  'yes',
  'Yes',
  'no',
  'NO',
  'on',
  'On',
  'off',
  'y',
  'Y',
  'n',
  'N',
  'null',
  'Null',
  'NULL',
  '~',
  '',
  '<<',
  '=',
  '2024-01-01',
  '2024-01-01T10:00:00Z',
  '2024-1-2',
  '12:30',
  '12:30:45',
  '1:2',
  '190:20:30.15',
  'v1.2.3',
  '10.0.0.0/24',
  'http://example.com/a?b=c#frag',
  'a\\nb',
  '{{ .x }}',
  '{{ .x | quote }}',
  "'{{ .x }}'",
  '"{{ .x }}"',
  'prefix-{{ .x }}-suffix',
  '{{ .x }}: y',
  `${'long '.repeat(30)}end`,
  `${'x'.repeat(200)}`,
  `${'word '.repeat(40)}\n${'more '.repeat(40)}`,
];
for (const s of tricky) add('value', configMap(`k: ${q(s)}`));
for (const s of tricky) {
  if (s === '' || s === '<<') continue;
  add('key', configMap(`${q(s)}: v`));
}
add('key', configMap(`${q('k'.repeat(128))}: v`));
add('key', configMap(`${q('k'.repeat(129))}: v`));
add('key', configMap(`${q('é'.repeat(64))}: v`));
add('key', configMap(`${q('é'.repeat(65))}: v`));
add('key', configMap(`"": empty key`));
add('key', configMap(`${q('multi\nline key')}:\n  nested: v`));

// ---------- scalars as written (plain) in the task config ----------
const plain = [
  '1',
  '0',
  '-1',
  '+1',
  '-0',
  '007',
  '0644',
  '08',
  '09.5',
  '1_000',
  '0x1F',
  '0X1F',
  '0o17',
  '-0o17',
  '0b101',
  '-0b101',
  '9007199254740993',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775808',
  '18446744073709551615',
  '18446744073709551616',
  '1.0',
  '1.5',
  '-1.5',
  '0.1',
  '.5',
  '1.',
  '1e6',
  '1e+6',
  '1E6',
  '1.5e-7',
  '1e21',
  '1e300',
  '123456789.0',
  '1000000.0',
  '100000.0',
  '0.000001',
  '0.0000001',
  '-0.0',
  '.inf',
  '-.inf',
  '+.inf',
  '.Inf',
  '.nan',
  '.NaN',
  'true',
  'True',
  'TRUE',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'null',
  'Null',
  '~',
  '',
  '2024-01-01',
  '2024-1-2',
  '2024-01-01T10:20:30Z',
  '2024-01-01T10:20:30.123456789Z',
  '2024-01-01T10:20:30+02:00',
  '2024-01-01 10:20:30',
  '2024-01-01t10:20:30Z',
  '2024-13-01',
  '2024-02-30',
  '12:30:45',
  '1:20',
  'NaN',
  '!!str 123',
  '!!int "42"',
  '!!float 3',
  "'quoted single'",
  '"quoted double"',
  'plain text here',
  'a: b',
];
for (const p of plain) {
  if (p === 'a: b') {
    add('plain', configMap(`k:\n  ${p}`));
    continue;
  }
  add('plain', `apiVersion: v1\nkind: Thing\nmetadata:\n  name: x\nspec:\n  v: ${p}\n  list:\n    - ${p}\n`);
}
for (const p of ['1', '-1', '1.5', 'true', 'false', 'null', '~', '2024-01-01', '0x10', '1e3']) {
  add('plainkey', `apiVersion: v1\nkind: Thing\nmetadata:\n  name: x\nspec:\n  ${p}: v\n  other: w\n`);
  add('plainkey', `apiVersion: v1\nkind: Thing\n${p}: top\nmetadata:\n  name: x\n`);
}

// ---------- key order ----------
const keySets = [
  ['b', 'a', 'c'],
  ['a10', 'a9', 'a1', 'a2'],
  ['item1', 'item01', 'item001', 'item10'],
  ['B', 'a', 'A', 'b'],
  ['_x', 'x', '-x', '.x', '1x', 'X'],
  ['x-1', 'x_1', 'x.1', 'x1', 'x'],
  ['é', 'e', 'z', 'ß', 'a'],
  ['v1beta1', 'v1', 'v1alpha2', 'v2', 'v10'],
  ['10', '9', '100', '1'],
  ['a0b', 'a00b', 'a0c', 'a1'],
  ['abc', 'ab', 'abcd', 'a'],
  ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app', 'hyperfleet.io/generation'],
  ['z9z', 'z10a', 'z09', 'z9'],
  ['日本', '中国', 'abc', '123'],
  ['x😀', 'x😁', 'xa', 'x1'],
];
for (const keys of keySets) add('order', configMap(keys.map((k) => `${q(k)}: v`).join('\n')));

// ---------- structures ----------
add('struct', configMap('a: {}\nb: []\nc: null\nd: ""'));
add('struct', `apiVersion: v1\nkind: List\nitems: []\nmetadata: {}\n`);
add(
  'struct',
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: nginx\n      args: ["--x", "-y", "z: 1"]\n      env:\n        - name: E\n          value: "1"\n        - name: F\n          valueFrom:\n            secretKeyRef: {name: s, key: k}\n      ports:\n        - containerPort: 80\n          protocol: TCP\n`,
);
add('struct', `apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  matrix:\n    - - 1\n      - 2\n    - - a\n      - - deep\n    - []\n    - {}\n    - - {}\n`);
add('struct', `apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  list:\n    - a: 1\n      b:\n        - c: 2\n          d: [3, 4]\n    - e: {f: {g: h}}\n`);
add('struct', `apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  - a\n  - b\n`);
add(
  'struct',
  `apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  script: |\n    #!/bin/sh\n    echo "hello"\n      indented\n    done\n  folded: >\n    one\n    two\n\n    three\n  keep: |+\n    kept\n\n  strip: |-\n    stripped\n`,
);
add('struct', `apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  list:\n    - |\n      in a list\n      two\n    - "  leading\\n  spaces\\n"\n    - "trailing \\n"\n`);
add(
  'struct',
  `apiVersion: v1\nkind: X\nmetadata:\n  name: x\nbase: &b\n  x: 1\n  y: two\nspec:\n  copy: *b\n  merged:\n    <<: *b\n    y: override\n    z: 3\n`,
);
add('struct', `apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  a:\n    b:\n      c:\n        d:\n          e:\n            f: deep\n`);
add('struct', `apiVersion: v1\nkind: X\nmetadata:\n  name: x\n  labels:\n  annotations:\nspec: ~\n`);
add('struct', `apiVersion: v1\nkind: X\nmetadata: {name: flow, labels: {a: "1", b: yes}}\nspec: [1, "two", 3.0, true, null]\n`);
add('struct', `apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  ? complex\n  : value\n  "quoted key": 1\n  'single key': 2\n`);
add('struct', `kind: X\n`);
add('struct', `{}\n`);
add('struct', `apiVersion: v1\nkind: X\nmetadata:\n  name: x\n1: one\ntrue: yes\n`);
add('struct', `apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  1: one\n  2: two\n`);
add('struct', `apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  list:\n  - unindented\n  - list\n`);

add(
  'struct',
  `apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  - - - deep: |\n          two\n          lines\n        other: [a]\n      - "${'k'.repeat(130)}": long key in a list\n        ? "multi\\nline"\n        : v\n  - "": empty key\n    n: ~\n  - {}\n`,
);
add(
  'struct',
  `apiVersion: v1\nkind: X\nmetadata:\n  name: x\nlist:\n  - a: &anchor\n      x: 1\n    b:\n      <<: [*anchor, {x: 2, y: 3}]\n  - *anchor\n`,
);
add('struct', `apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  times:\n    2024-01-01: date key\n    plain: value\n`);
add('struct', `apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  script: "#!/bin/sh\\n  echo 'a: b' # c\\n\\tdone\\n"\n  trailing: "x  \\n  "\n`);
add('struct', `apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  values:\n    - "line\\n"\n    - " "\n    - ""\n    - "\\n\\n"\n    - "a\\u2029b"\n`);
add('struct', `apiVersion: v1\nkind: X\nmetadata:\n  name: x\n  labels:\n    app.kubernetes.io/name: "{{ .name }}"\n    hyperfleet.io/generation: "{{ .generation }}"\nspec:\n  replicas: 3\n  ratio: 0.25\n  defaultMode: 0644\n`);

// ---------- templated values: the text around a template decides what parses ----------
const shapes = [
  (t: string) => `v: ${t}`,
  (t: string) => `v: ${q(t)}`,
  (t: string) => `v: ${q(`pre-${t}`)}`,
  (t: string) => `v: ${q(`'${t}'`)}`,
  (t: string) => `v: ${q(`"${t}"`)}`,
  (t: string) => `v: ${q(`${t} # not a comment?`)}`,
  (t: string) => `${q(t)}: key`,
  (t: string) => `v: ${q(`line one\n${t}\nline three`)}`,
];
const templates = ['{{ .x }}', '{{ .x | quote }}', '{{ .x | lower }}', '{{ printf "%v" .x }}'];
const xs: unknown[] = [
  'abc123',
  "it's",
  'say "hi"',
  'a: b',
  'a #b',
  '*star',
  '&amp',
  '!bang',
  '%pct',
  '@at',
  '{a: 1}',
  '[1]',
  '|',
  '> x',
  '- x',
  'line1\nline2',
  '123',
  'true',
  'yes',
  'null',
  '',
  ' padded ',
  'é日本',
  'tab\tx',
  int(42),
  1.5,
  true,
  null,
];
let shapeIndex = 0;
for (const x of xs) {
  for (const t of templates) {
    // every template against every value would be 900 vectors; rotate through the shapes
    const shape = shapes[shapeIndex++ % shapes.length]!;
    add('tmpl', configMap(shape(t)), { x });
  }
}
for (const shape of shapes) add('tmpl', configMap(shape('{{ .x }}')), { x: 'plain' });
add('tmpl', configMap(`v: ${q('{{ .missing }}')}`), { x: 1 });
add('tmpl', configMap(`v: ${q('{{ .x')}`), { x: 1 });
add('tmpl', configMap(`v: ${q('{{ if .x }}yes{{ else }}no{{ end }}')}`), { x: true });
add('tmpl', configMap(`v: ${q('{{ range .xs }}- {{ . }}\n{{ end }}')}`), { xs: ['a', 'b'] });
add('tmpl', configMap(`${q('{{ .k }}')}: ${q('{{ .v }}')}`), { k: 'dyn', v: 'val' });
add('tmpl', configMap(`${q('{{ .k }}')}: ${q('{{ .v }}')}`), { k: 'a: b', v: 'val' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}\nw: ${q('{{ .x }}')}`), { x: 'line1\nline2' });
add('tmpl', configMap(`v: ${q('{{ .x | quote }}')}`), { x: 'a\nb' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '   ' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: 'a\u00a0b' });
add('tmpl', configMap(`v: ${q('{{ now | date "2006-01-02T15:04:05Z07:00" }}')}`), {});
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: { $time: '2026-03-04T05:06:07Z' } });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: { a: 1 } });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: [1, 'two'] });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: 1e21 });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: int('9007199254740993') });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '0644' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '2024-01-01' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '.inf' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '1_000' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: 'a\n  b: c' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '1: x' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '{}' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '[]' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '{1: a}' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '!!binary aGVsbG8=' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '!custom tag' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '&a x' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}\nw: ${q('{{ .y }}')}`), { x: '&a x', y: '*a' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}\nv2: ${q('{{ .x }}')}`), { x: 'dup' });
add('tmpl', configMap(`${q('{{ .k }}')}: a\n${q('{{ .k }}x')}: b`), { k: 'same' });
add('tmpl', configMap(`${q('{{ .k }}')}: a\nsame: b`), { k: 'same' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: 'a\tb: c' });
add('tmpl', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${q('{{ .name }}')}\n`, { name: '' });
add('tmpl', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${q('{{ .name }}')}\n`, { name: 'x\n---\ny: z' });
add('tmpl', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${q('{{ .name }}')}\n`, { name: 'x\n...' });
add('tmpl', `apiVersion: ${q('{{ .v }}')}\nkind: ConfigMap\n`, { v: '' });
add('tmpl', `x: ${q('{{ .v }}')}\n`, { v: '' });
add('tmpl', `x: ${q('{{ .v }}')}\n`, { v: '\n' });
add('tmpl', `x: ${q('{{ if false }}never{{ end }}')}\n`, {});
add('tmpl', `x: ${q('{{ .v }}')}\n`, { v: 'nan: .nan' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '.nan' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '-0.0' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '1e400' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '100000000000000000000000' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '0.1e-6' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: '<b>&amp;</b>' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: 'u2028\u2028x' });
// A lone quote in a single-quoted scalar escapes the closing quote: the scalar runs on into
// the following lines (to the end of the text, or to the next quote with text after it).
add('tmpl', configMap(`v: ${q('{{ .x }}')}`), { x: "'" });
add('tmpl', configMap(`v: ${q('{{ .x }}')}\nw: ${q('{{ .y }}')}`), { x: "'", y: '0123' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}\nw: ${q('{{ .y }}')}`), { x: "'", y: '' });
add('tmpl', configMap(`v: ${q('{{ .x }}')}\nw: ${q('{{ .y }}')}`), { x: "a'", y: "'" });

// ---------- integers beyond 2^53, in every notation yaml.v3 resolves, written and rendered ----------
for (const n of [
  '9007199254740992',
  '9007199254740993',
  '-9007199254740993',
  '1152921504606846976',
  '0x7FFFFFFFFFFFFFFF',
  '-0x8000000000000000',
  '0xFFFFFFFFFFFFFFFF',
  '0o777777777777777777777',
  '0b1111111111111111111111111111111111111111111111111111111111111111',
  '9_223_372_036_854_775_807',
  '+9223372036854775807',
  '07777777777777777777777',
  '18446744073709551616',
  '-9223372036854775809',
]) {
  add('bigint', `apiVersion: v1\nkind: Thing\nmetadata:\n  name: x\nspec:\n  v: ${n}\n  m:\n    k: [${n}, 1]\n`);
  add('bigint', `apiVersion: v1\nkind: Thing\nmetadata:\n  name: x\nspec:\n  v: {{ .n }}\n`.replace('{{ .n }}', q('{{ .n }}')), {
    n: n,
  });
}
add('bigint', `apiVersion: v1\nkind: Thing\nmetadata:\n  name: x\nspec:\n  v: ${q('{{ .n }}')}\n`, {
  n: int('-9223372036854775808'),
});

// ---------- libyaml's other line breaks (NEL, LS, PS) and a lone CR, rendered into each scalar style ----------
const breakValues = [
  'a\u2028b',
  'a\u2029b',
  'a\u2028  b',
  'a \u2029 b',
  'a\u2028\u2028b',
  'a\u2028\u2029b',
  'a\u2028\n b',
  'a\n\u2028 b',
  'a\n\n\u2029 b',
  'a\u2028',
  '\u2029a',
  'a\u0085b',
  'a\u0085\u0085b',
  'a\u0085 \u2028b',
  'a\rb',
  'a\r\u0085b',
  'a\r\nb',
];
for (const x of breakValues) {
  // single-quoted, as yaml.v3 writes a value holding `{{`
  add('breaks', configMap(`v: ${q('{{ .x }}')}`), { x });
  // double-quoted (the bell makes yaml.v3 write the value double-quoted)
  add('breaks', configMap(`v: ${q('{{ .x }}\u0007')}`), { x });
  // plain, the break inside a multi-line plain scalar
  add('breaks', configMap('v: p{{ .x }}'), { x: x.replace(/[\u2028\u2029\u0085\r\n]/g, (c) => `${c}      `) });
  // literal block
  add('breaks', configMap(`v: ${q('{{ .x }}\nend\n')}`), { x: x.replace(/[\u2028\u2029\u0085\r\n]/g, (c) => `${c}      `) });
}
add('breaks', configMap(`${q('{{ .x }}')}: v`), { x: 'k\u2028ey' });
add('breaks', configMap(`v: ${q('{{ .x }}')}`), { x: 'a\u2028b: c' });
add('breaks', configMap('v: p{{ .x }}'), { x: '\u2028w: q' });
add('breaks', configMap('v: p{{ .x }}'), { x: '\u0085w: q' });
add('breaks', configMap(`v: ${q('{{ .x }}\nend\n')}`), { x: 'a\u2028b' });
add('breaks', configMap(`v: ${q('{{ .x }}\nend\n')}`), { x: 'a\u2029\u2029      b' });
add('breaks', configMap(`v: |-\n  {{ .x }}`), { x: 'a\u2028      b\u2029' });
add('breaks', configMap('v: ok # {{ .x }}\nw: p'), { x: 'c\u2028omment' });

// ---------- the inline manifests of the compat examples and of the Go adapter's fixtures ----------
const baseData = {
  clusterId: '2k4pq7rb1m9g0a6x',
  clusterName: 'prod-east',
  generation: int(3),
  generationSpec: int(7),
  adapter: { name: 'cl-maestro', executionStatus: 'success', resourcesSkipped: false },
  adapterName: 'cl-maestro',
  placementClusterName: 'cluster1',
  nodepoolId: 'np-1x9',
  nodepoolName: 'workers',
  region: 'us-east-1',
  runId: 'run-8841',
  ci: 'true',
  timestamp: '2026-01-01T12:00:00Z',
  statusPayload: '{"a":1}',
  clusterStatusPayload: '{"a":1}',
  skippedStatusPayload: '{"a":1}',
  nodepoolStatusPayload: '{"a":1}',
  namespace: 'ns-1',
  projectId: 'proj-1',
};
function inlineManifests(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const doc of [parseDocument(text)]) {
    const visit = (node: unknown): void => {
      if (isMap(node)) {
        for (const pair of node.items) {
          if (!isPair(pair)) continue;
          if (isScalar(pair.key) && pair.key.value === 'manifest' && isMap(pair.value)) {
            const hasRef = pair.value.items.some((p) => isPair(p) && isScalar(p.key) && p.key.value === 'ref');
            if (!hasRef && pair.value.range) out.push(sliceBlock(text, pair.value.range[0], pair.value.range[1]));
          } else visit(pair.value);
        }
      } else if (node && typeof node === 'object' && 'items' in node) {
        for (const item of (node as { items: unknown[] }).items) visit(item);
      }
    };
    visit(doc.contents);
  }
  return out;
}
function sliceBlock(text: string, start: number, end: number): string {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const column = start - lineStart;
  return `${text
    .slice(lineStart, end)
    .split('\n')
    .map((l) => l.slice(Math.min(column, l.length - l.trimStart().length)))
    .join('\n')
    .trimEnd()}\n`;
}
function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /\.ya?ml$/.test(d.name))
    .map((d) => join(d.parentPath, d.name))
    .sort();
}
const sources = [
  ...yamlFiles(join(sharedDir, 'compat/examples')),
  ...yamlFiles(join(sharedDir, 'peers/hyperfleet-adapter/test/testdata/dryrun')),
  ...yamlFiles(join(sharedDir, 'peers/hyperfleet-adapter/charts/examples')),
];
const seen = new Set<string>();
for (const file of sources) {
  for (const m of inlineManifests(file)) {
    if (seen.has(m)) continue;
    seen.add(m);
    add('example', m, baseData);
  }
}

writeFileSync(join(here, 'vectors.json'), `${JSON.stringify(vectors, null, 2)}\n`);
console.log(`yaml vectors: ${vectors.length} -> ${join(here, 'vectors.json')}`);
