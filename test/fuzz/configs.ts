/**
 * Generated configuration inputs: each one an adapter config, a task config, an event and
 * canned API answers that `validate` and the dry run get. Four families: the compat
 * examples mutated (text and structure), generated Go templates and generated CEL in a status
 * payload, and the targeted shapes that once crashed or hung an instance (template fan-out,
 * nested comprehensions, backtracking regexes, special files, durations beyond a timer,
 * prototype names, hostile ids), since random mutation alone never found those.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { compatExamplesDir } from '../differential/inputs.ts';
import { HOSTILE_IDS } from './events.ts';
import type { Random } from './random.ts';

/** In every credential a config holds; a finding whenever it appears in any output. */
export const MARK = 'fz8q2w6e4r1t';
export const API_KEY = `${MARK}-api-key`;

export interface ConfigInput {
  id: string;
  /** A compat example (copied once by the worker) the files are laid over, or none. */
  base?: string;
  /** Relative path -> content, written into the input's folder. */
  files: Record<string, string>;
  /** Special files made in the input's folder before the run. */
  special?: { kind: 'fifo' | 'symlink' | 'dir'; name: string; target?: string }[];
  env: Record<string, string>;
  strict?: boolean;
}

const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures', 'compat');

interface Seed {
  name: string;
  adapter: string;
  task: string;
  scenarios: { event: string; api: string }[];
}

function loadSeeds(): Seed[] {
  const examples = compatExamplesDir();
  return readdirSync(examples)
    .filter((name) => readdirSync(path.join(FIXTURES, name), { withFileTypes: true }).length > 0)
    .map((name) => ({
      name,
      adapter: withMarkedHeader(readFileSync(path.join(examples, name, 'adapter-config.yaml'), 'utf8')),
      task: readFileSync(path.join(examples, name, 'task-config.yaml'), 'utf8'),
      scenarios: readdirSync(path.join(FIXTURES, name)).map((s) => ({
        event: readFileSync(path.join(FIXTURES, name, s, 'event.json'), 'utf8'),
        api: readFileSync(path.join(FIXTURES, name, s, 'api-responses.json'), 'utf8'),
      })),
    }));
}

/** The adapter config with the marked API key as a default header (a credential to guard). */
function withMarkedHeader(text: string): string {
  const doc = parse(text) as Record<string, unknown>;
  const spec = (doc['spec'] ?? doc) as Record<string, unknown>;
  spec['clients'] ??= {};
  const clients = spec['clients'] as Record<string, unknown>;
  clients['hyperfleet_api'] ??= {};
  const api = clients['hyperfleet_api'] as Record<string, unknown>;
  api['default_headers'] = { ...(api['default_headers'] as object), 'x-api-key': API_KEY };
  return stringify(doc);
}

export const SYNTHETIC_ADAPTER = `adapter:
  name: fuzz-adapter
  version: "0.1.0"
clients:
  hyperfleet_api:
    base_url: http://hyperfleet-api.fuzz.invalid
    version: v1
    timeout: 2s
    retry_attempts: 1
    default_headers:
      x-api-key: "${API_KEY}"
`;

const SYNTHETIC_API = JSON.stringify({
  responses: [
    {
      match: { method: 'GET', urlPattern: '/clusters/[^/]+$' },
      responses: [
        {
          statusCode: 200,
          body: {
            id: 'c1',
            name: 'fuzz-cluster',
            generation: 3,
            spec: { ready: true, region: 'eu', labels: { a: 'b' } },
            items: [1, 2, 3],
          },
        },
      ],
    },
    { match: { method: 'PUT', urlPattern: '/statuses$' }, responses: [{ statusCode: 201, body: {} }] },
  ],
});

function event(id: unknown): string {
  return JSON.stringify({
    specversion: '1.0',
    id: 'evt-1',
    source: 'hyperfleet-sentinel',
    type: 'com.redhat.hyperfleet.cluster.reconcile',
    data: { id, kind: 'Cluster', href: '/api/hyperfleet/v1/clusters/x', generation: 3 },
  });
}

/** A task config around a status payload whose fields are the generated text. */
function syntheticTask(options: {
  fields?: string;
  precondition?: string;
  params?: string;
  defines?: string;
}): string {
  return `params:
  - name: clusterId
    source: event.id
    required: true
  - name: cluster
    source:
      api_call:
        method: GET
        url: /clusters/{{ .clusterId }}
  - name: generation
    source: cluster.generation
    type: int
${options.params ?? ''}preconditions:
  - name: ready
    expression: ${JSON.stringify(options.precondition ?? 'true')}
post:
  payloads:
    - name: statusPayload
      build:
        adapter: "{{ .adapter.name }}"
${options.fields ?? ''}  post_actions:
    - name: report
      api_call:
        method: PUT
        url: /clusters/{{ .clusterId }}/statuses
        body: "{{ .statusPayload }}"
`;
}

function synthetic(
  id: string,
  task: string,
  extra: Partial<ConfigInput> = {},
  eventId: unknown = 'c1',
): ConfigInput {
  return {
    id,
    files: {
      'adapter-config.yaml': SYNTHETIC_ADAPTER,
      'task-config.yaml': task,
      'event.json': event(eventId),
      'api-responses.json': SYNTHETIC_API,
      ...extra.files,
    },
    env: extra.env ?? {},
    ...(extra.special ? { special: extra.special } : {}),
    ...(extra.strict ? { strict: true } : {}),
  };
}

// --- templates ---------------------------------------------------------------------------

const TEMPLATE_OPERANDS = [
  '.clusterId',
  '.cluster.name',
  '.cluster.spec',
  '.cluster.spec.labels',
  '.cluster.items',
  '.generation',
  '.adapter',
  '.nope',
  '.cluster.nope.deeper',
  '.',
  '$',
  '"str"',
  '"a\\"b"',
  '`raw`',
  '123',
  '-1',
  '1.5e3',
  '0x1F',
  "'c'",
  'true',
  'nil',
  '.config.clients.hyperfleet_api.default_headers',
];
const TEMPLATE_FUNCS: readonly [string, number][] = [
  ['quote', 0],
  ['upper', 0],
  ['lower', 0],
  ['title', 0],
  ['trim', 0],
  ['toJson', 0],
  ['toYaml', 0],
  ['b64enc', 0],
  ['b64dec', 0],
  ['sha256sum', 0],
  ['len', 0],
  ['int', 0],
  ['float64', 0],
  ['string', 0],
  ['html', 0],
  ['js', 0],
  ['urlquery', 0],
  ['default "d"', 0],
  ['replace "a" "b"', 0],
  ['trimPrefix "f"', 0],
  ['hasPrefix "f"', 0],
  ['contains "u"', 0],
  ['printf "%v-%d-%q"', 0],
  ['print', 0],
  ['date "2006-01-02"', 0],
  ['index', 1],
  ['slice', 1],
  ['eq', 1],
  ['ne', 1],
  ['lt', 1],
  ['and', 1],
  ['or', 1],
  ['not', 0],
  ['required "needed"', 0],
  ['nosuchfunc', 0],
];

export function genTemplate(r: Random, depth = 0): string {
  const pipeline = (): string => {
    let p = r.chance(0.15) && depth < 3 ? `(${pipelineInner()})` : r.pick(TEMPLATE_OPERANDS);
    for (let i = r.int(0, 3); i > 0; i--) {
      const [fn, args] = r.pick(TEMPLATE_FUNCS);
      const extra = args > 0 ? ` ${r.pick(TEMPLATE_OPERANDS)}` : '';
      p = r.chance(0.5) ? `${p} | ${fn}${extra}` : `${fn}${extra} ${p}`;
    }
    return p;
  };
  const pipelineInner = (): string =>
    r.pick(TEMPLATE_OPERANDS) + (r.chance(0.5) ? ` | ${r.pick(TEMPLATE_FUNCS)[0]}` : '');
  const parts: string[] = [];
  for (let n = r.int(1, 4); n > 0; n--) {
    const kind = r.int(0, depth > 2 ? 2 : 9);
    const ws = () => (r.chance(0.2) ? '- ' : ' ');
    const wsEnd = () => (r.chance(0.2) ? ' -' : ' ');
    if (kind <= 1) parts.push(r.chance(0.7) ? r.string(r.int(0, 6), 'abc xyz:-') : r.wild(r.int(0, 4)));
    else if (kind <= 4) parts.push(`{{${ws()}${pipeline()}${wsEnd()}}}`);
    else if (kind === 5)
      parts.push(
        `{{ if ${pipeline()} }}${genTemplate(r, depth + 1)}{{ else }}${genTemplate(r, depth + 1)}{{ end }}`,
      );
    else if (kind === 6) parts.push(`{{ range $i, $v := ${pipeline()} }}{{ $i }}={{ $v }}{{ end }}`);
    else if (kind === 7) parts.push(`{{ with ${pipeline()} }}${genTemplate(r, depth + 1)}{{ end }}`);
    else if (kind === 8) parts.push(`{{ $x := ${pipeline()} }}{{ $x }}`);
    else
      parts.push(
        r.pick(['{{', '}}', '{{ end }}', '{{ else }}', '{{/* c */}}', '{{ .a.b.c.d', '{{ break }}']),
      );
  }
  return parts.join('');
}

// --- CEL ---------------------------------------------------------------------------------

const CEL_ATOMS = [
  'clusterId',
  'cluster',
  'cluster.name',
  'cluster.spec',
  'cluster.spec.labels',
  'cluster.items',
  'generation',
  'cluster.?spec.?ready.orValue(false)',
  'cluster.?nope.orValue("x")',
  'adapter',
  'nope',
  '1',
  '-9223372036854775808',
  '9223372036854775807',
  '18446744073709551615u',
  '1u',
  '2.5',
  '1e308',
  '"str"',
  "'q\\'s'",
  '"\\u00e9\\U0001F600"',
  'b"\\xff"',
  'null',
  'true',
  '[]',
  '[1, "a", null]',
  '{"k": 1}',
  '{1: 2}',
  'duration("1h")',
  'timestamp("2026-01-01T00:00:00Z")',
  'config.clients.hyperfleet_api.default_headers',
];
const CEL_BINARY = ['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '&&', '||', 'in'];
const CEL_CALLS = [
  '.size()',
  '.startsWith("c")',
  '.endsWith("1")',
  '.contains("u")',
  '.matches("^[a-z0-9]+$")',
  '.matches("(a+)+$")',
  '.matches("[")',
  '.lowerAscii()',
  '.upperAscii()',
  '.split("-")',
  '.join(",")',
  '.indexOf("s")',
  '.substring(1, 3)',
  '.replace("a", "b")',
  '.trim()',
  '.reverse()',
  '.map(v, v)',
  '.filter(v, v != null)',
  '.exists(v, v == 1)',
  '.all(v, true)',
  '.exists_one(v, false)',
  '.getSeconds()',
  '[0]',
  '["k"]',
];
const CEL_FUNCS = [
  'size',
  'string',
  'int',
  'uint',
  'double',
  'bytes',
  'type',
  'dyn',
  'has',
  'bool',
  'duration',
  'timestamp',
];

export function genCel(r: Random, depth = 0): string {
  const kind = r.int(0, depth > 3 ? 1 : 9);
  if (kind <= 1) return r.pick(CEL_ATOMS);
  if (kind <= 3) return `${genCel(r, depth + 1)} ${r.pick(CEL_BINARY)} ${genCel(r, depth + 1)}`;
  if (kind === 4) return `${genCel(r, depth + 1)}${r.pick(CEL_CALLS)}`;
  if (kind === 5) {
    const fn = r.pick(CEL_FUNCS);
    return fn === 'has'
      ? `has(${r.pick(['cluster.spec', 'cluster.nope', 'cluster.spec.ready', 'nope.x'])})`
      : `${fn}(${genCel(r, depth + 1)})`;
  }
  if (kind === 6) return `${genCel(r, depth + 1)} ? ${genCel(r, depth + 1)} : ${genCel(r, depth + 1)}`;
  if (kind === 7) return `[${genCel(r, depth + 1)}, ${genCel(r, depth + 1)}]${r.pick(CEL_CALLS)}`;
  if (kind === 8) return `(${genCel(r, depth + 1)})`;
  return r.pick(['!', '-']) + genCel(r, depth + 1);
}

// --- mutation of the compat examples ------------------------------------------------------

const HOSTILE_SCALARS = [
  '{{',
  '{{ .nope }}',
  '{{ template "x" }}',
  "'",
  '"',
  '\n',
  ': ',
  '- ',
  '&a',
  '*a',
  '!!binary AAAA',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style reference, as text
  '${HOME}',
  '../../../../etc/passwd',
  '/dev/zero',
  '600h',
  '-1s',
  '__proto__',
  'constructor',
  '1e309',
  '0x',
  '\u0000',
  '\u2028',
  'x'.repeat(5000),
  'GTE',
  'exists',
  'a ? b :',
];

function mutateText(r: Random, text: string): string {
  let out = text;
  for (let n = r.int(1, 3); n > 0; n--) {
    const at = r.int(0, out.length);
    const op = r.int(0, 4);
    if (op === 0) out = out.slice(0, at);
    else if (op === 1) out = out.slice(0, at) + r.pick(HOSTILE_SCALARS) + out.slice(at);
    else if (op === 2) out = out.slice(0, at) + r.wild(r.int(1, 5)) + out.slice(at);
    else {
      const lines = out.split('\n');
      const i = r.int(0, lines.length - 1);
      if (op === 3) lines.splice(i, 1);
      else lines[i] = ` ${lines[i]}`;
      out = lines.join('\n');
    }
  }
  return out;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function mutateStructure(r: Random, text: string): string {
  let doc: Json;
  try {
    doc = parse(text) as Json;
  } catch {
    return text;
  }
  const slots: [Record<string, Json> | Json[], string | number][] = [];
  const visit = (v: Json, depth: number) => {
    if (depth > 30 || v === null || typeof v !== 'object') return;
    for (const [k, c] of Array.isArray(v) ? v.map((c, i) => [i, c] as const) : Object.entries(v)) {
      slots.push([v, k]);
      visit(c, depth + 1);
    }
  };
  visit(doc, 0);
  for (let n = r.int(1, 3); n > 0 && slots.length > 0; n--) {
    const [container, key] = r.pick(slots);
    const value = r.weighted<Json>([
      [4, r.pick(HOSTILE_SCALARS)],
      [1, r.int(-5, 1e6)],
      [1, null],
      [1, [r.pick(HOSTILE_SCALARS)]],
      [1, { [r.pick(['name', 'ref', '__proto__', 'by_name', 'expression'])]: r.pick(HOSTILE_SCALARS) }],
      [2, genTemplate(r)],
      [2, genCel(r)],
    ]);
    if (Array.isArray(container)) container[key as number] = value;
    else if (r.chance(0.2)) delete container[key as string];
    else container[key as string] = value;
  }
  return r.chance(0.5) ? stringify(doc) : JSON.stringify(doc);
}

// --- the targeted shapes -----------------------------------------------------------------

function fanOut(r: Random): string {
  const defines = r.int(20, 45);
  const calls = r.int(2, 3);
  let text = '';
  for (let i = 0; i < defines; i++) {
    const next = i + 1 < defines ? `{{ template "d${i + 1}" . }}`.repeat(calls) : 'x';
    text += `{{ define "d${i}" }}${next}{{ end }}`;
  }
  return `${text}{{ template "d0" . }}`;
}

const TARGETED: ((r: Random, i: number) => ConfigInput)[] = [
  (r, i) =>
    synthetic(
      `targeted/template-fan-out/${i}`,
      syntheticTask({ fields: `        t: ${JSON.stringify(fanOut(r))}\n` }),
    ),
  (r, i) => {
    const n = r.pick([1000, 100000, 1000000]);
    const e = r.pick([
      `lists.range(${n}).map(a, lists.range(${n}).map(b, a))`,
      `lists.range(${n}).filter(a, lists.range(${n}).exists(b, b == a + 1)).size()`,
      `lists.range(${n}).map(a, "xxxxxxxxxxxxxxxx").join("")`,
      `[1,2,3,4,5,6,7,8].map(a, [1,2,3,4,5,6,7,8].map(b, [1,2,3,4,5,6,7,8].map(c, [1,2,3,4,5,6,7,8].map(d, [1,2,3,4,5,6,7,8].map(e, [1,2,3,4,5,6,7,8].map(f, a+b+c+d+e+f))))))`,
    ]);
    return synthetic(
      `targeted/nested-comprehension/${i}`,
      syntheticTask({ fields: `        n:\n          expression: ${JSON.stringify(e)}\n` }),
    );
  },
  (r, i) =>
    synthetic(
      `targeted/redos/${i}`,
      syntheticTask({
        precondition: r.pick([
          'clusterId.matches("^([a-z0-9]+-?)+$")',
          'clusterId.matches("(a|aa)+$")',
          'clusterId.matches("^(a+)+b$")',
          'clusterId.matches("(x+x+)+y")',
        ]),
      }),
      {},
      `${'a'.repeat(r.pick([32, 1000, 5001]))}!`,
    ),
  (r, i) => {
    const kind = r.pick([
      'dev-zero',
      'dev-urandom',
      'fifo',
      'dir',
      'proc-environ',
      'symlink-out',
      'etc-passwd',
      'missing',
    ]);
    const inDir = (name: string) => `__DIR__/${name}`;
    const filePath = {
      'dev-zero': '/dev/zero',
      'dev-urandom': '/dev/urandom',
      fifo: inDir('pipe'),
      dir: inDir('folder'),
      'proc-environ': '/proc/self/environ',
      'symlink-out': inDir('link'),
      'etc-passwd': '/etc/passwd',
      missing: inDir('absent'),
    }[kind];
    const special: ConfigInput['special'] = [];
    if (kind === 'fifo') special.push({ kind: 'fifo', name: 'pipe' });
    if (kind === 'dir') special.push({ kind: 'dir', name: 'folder' });
    if (kind === 'symlink-out') special.push({ kind: 'symlink', name: 'link', target: '/etc/hostname' });
    const allowAll = r.chance(0.5) && kind !== 'proc-environ';
    return synthetic(
      `targeted/special-file/${kind}/${allowAll ? 'roots-all' : 'roots-default'}/${i}`,
      syntheticTask({
        params: `  - name: fromFile\n    source:\n      file:\n        path: ${JSON.stringify(filePath)}\n        trim: true\n    required: ${r.chance(0.5)}\n`,
        fields: '        f: "{{ .fromFile }}"\n',
      }),
      { special, env: allowAll ? { HYPERFLEET_FILE_PARAM_ROOTS: '/' } : {} },
    );
  },
  (r, i) => {
    const d = r.pick([
      '600h',
      '1000000h',
      '9223372036854775807ns',
      '2562047h47m16.854775807s',
      '-5s',
      '0s',
      '1e3s',
      '1.5h',
    ]);
    const where = r.pick(['timeout', 'base_delay', 'max_delay']);
    const adapter = SYNTHETIC_ADAPTER.replace(
      '    timeout: 2s\n',
      `    ${where === 'timeout' ? '' : 'timeout: 2s\n    '}${where}: ${JSON.stringify(d)}\n`,
    );
    return synthetic(`targeted/duration/${where}/${i}`, syntheticTask({}), {
      files: { 'adapter-config.yaml': adapter },
      env: r.chance(0.3) ? { HYPERFLEET_API_TIMEOUT: d } : {},
    });
  },
  (r, i) => {
    const name = r.pick([
      '__proto__',
      'constructor',
      'prototype',
      'hasOwnProperty',
      'toString',
      '__defineGetter__',
    ]);
    return synthetic(
      `targeted/prototype-name/${name}/${i}`,
      syntheticTask({
        params: `  - name: ${name}\n    source: event.kind\n`,
        fields: `        p: "{{ .${name} }}"\n        q: "{{ index . ${JSON.stringify(name)} }}"\n`,
      }),
    );
  },
  (r, i) =>
    synthetic(
      `targeted/hostile-id/${i}`,
      syntheticTask({ fields: '        id: "{{ .clusterId }}"\n' }),
      {},
      r.pick(HOSTILE_IDS),
    ),
  (r, i) =>
    synthetic(
      `targeted/secret-exfiltration/${i}`,
      syntheticTask({
        fields: r.pick([
          '        h: "{{ .config.clients.hyperfleet_api.default_headers }}"\n',
          '        h:\n          expression: string(config.clients.hyperfleet_api.default_headers)\n',
          '        h: "{{ toJson .config }}"\n',
          '        h:\n          expression: config\n',
        ]),
      }),
    ),
  (r, i) => {
    const deep = r.int(50, 3000);
    return synthetic(
      `targeted/deep-nesting/${i}`,
      syntheticTask({
        fields: r.chance(0.5)
          ? `        d: ${JSON.stringify(`${'{{ if true }}'.repeat(deep)}x${'{{ end }}'.repeat(deep)}`)}\n`
          : `        d:\n          expression: ${JSON.stringify(`${'['.repeat(deep)}1${']'.repeat(deep)}`)}\n`,
      }),
    );
  },
];

// --- the generator -----------------------------------------------------------------------

export class ConfigGenerator {
  private readonly seeds = loadSeeds();

  seedNames(): string[] {
    return this.seeds.map((s) => s.name);
  }

  next(r: Random, i: number): ConfigInput {
    const family = r.weighted<'mutate' | 'template' | 'cel' | 'targeted'>([
      [3, 'mutate'],
      [2.5, 'template'],
      [2.5, 'cel'],
      [2, 'targeted'],
    ]);
    if (family === 'template') {
      const fields = Array.from(
        { length: r.int(1, 3) },
        (_, k) => `        t${k}: ${JSON.stringify(genTemplate(r))}\n`,
      ).join('');
      return synthetic(`template/${i}`, syntheticTask({ fields }));
    }
    if (family === 'cel') {
      const fields = Array.from(
        { length: r.int(1, 3) },
        (_, k) => `        c${k}:\n          expression: ${JSON.stringify(genCel(r))}\n`,
      ).join('');
      return synthetic(
        `cel/${i}`,
        syntheticTask({ fields, precondition: r.chance(0.3) ? genCel(r) : 'true' }),
        {
          strict: r.chance(0.1),
        },
      );
    }
    if (family === 'targeted') return r.pick(TARGETED)(r, i);
    const seed = r.pick(this.seeds);
    const scenario = r.pick(seed.scenarios);
    const task = r.chance(0.5) ? mutateText(r, seed.task) : mutateStructure(r, seed.task);
    const eventText = r.chance(0.15) ? event(r.pick(HOSTILE_IDS)) : scenario.event;
    return {
      id: `mutate/${seed.name}/${i}`,
      base: seed.name,
      files: {
        'adapter-config.yaml': r.chance(0.1) ? mutateText(r, seed.adapter) : seed.adapter,
        'task-config.yaml': task,
        'event.json': eventText,
        'api-responses.json': scenario.api,
      },
      env: { NAMESPACE: 'hyperfleet-fuzz', RUN_ID: 'run-1', CI: 'true' },
    };
  }
}
