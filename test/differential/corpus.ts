/**
 * The generated corpus: task configs built from a fixed seed at run time into the temp dir
 * (never committed), each with its own event, canned API answers, discovery overrides and
 * environment. Every case draws from the same dimensions:
 *
 * - values that are YAML-sensitive once rendered into a manifest: quotes, `: `, ` #`, a
 *   leading `* & ! % @ { [ - > |`, multi-line, numbers in every spelling, booleans, null,
 *   yes/no/on/off, empty, padding, unicode;
 * - where a value lands: inline manifests (marshalled, then rendered) and `ref` manifests
 *   (raw text), quoted three ways or bare, through template functions, in labels, keys and
 *   block scalars, in a ManifestWork for Maestro;
 * - params of every type (none, string, int, float, bool) from the event, the API answer,
 *   the environment (set or not, with defaults) and CEL (strings, numbers, lists, maps, null);
 * - preconditions met, not met, erroring; discovery found (override, applied) or missing;
 *   the API answering 200, 404 or 500, for params, preconditions and the status PUT.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Input } from './inputs.ts';

export const CORPUS_SEED = 20261203;

/** mulberry32: small, fast, and the same sequence everywhere. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const YAML_SENSITIVE: readonly string[] = [
  'plain',
  "it's",
  'say "hi"',
  'a: b',
  'key: value: x',
  'x #comment',
  '# lead',
  '* star',
  '& amp',
  '! bang',
  '% pct',
  '@ at',
  '{ brace',
  '[ bracket',
  '- dash',
  '> gt',
  '| pipe',
  'multi\nline',
  'trailing\n',
  '  padded  ',
  '123',
  '0123',
  '-7',
  '3.14',
  '1e3',
  '0x1F',
  '.inf',
  'true',
  'false',
  'True',
  'null',
  '~',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  '',
  ' ',
  'tab\tsep',
  'unicode é ✓',
  '2026-01-01',
  "'",
  '"',
  '\\back',
  '{{ not a template }}',
];

type ParamType = 'string' | 'int' | 'float' | 'bool' | undefined;
const TYPES: ParamType[] = [undefined, 'string', 'int', 'float', 'bool'];

const CEL_PARAMS: readonly string[] = [
  '"id-" + clusterId',
  'size(clusterId)',
  '[clusterId, "b", "c"]',
  'null',
  'has(event.nothing) ? 1 : null',
  '1.5 * 2.0',
  'true && !false',
  'int(generation) + 1',
  'event.count',
  'event.count * 2.0',
  'string(event.flag)',
  'event.nothing',
  'event.value',
  'event.labels',
  'clusterId.upperAscii()',
  '"a,b,c".split(",")',
  'dyn(3)',
];

interface Templ {
  /** Template text for a value of param `p`. */
  text: (p: string) => string;
}

const TEMPLATES: readonly Templ[] = [
  { text: (p) => `{{ .${p} }}` },
  { text: (p) => `{{ .${p} | quote }}` },
  { text: (p) => `{{ .${p} | upper }}` },
  { text: (p) => `{{ printf "%v" .${p} }}` },
  { text: (p) => `{{ .${p} | default "dflt" }}` },
  { text: (p) => `{{ string .${p} }}` },
  { text: (p) => `pre-{{ .${p} }}-post` },
  { text: (p) => `{{ if .${p} }}yes-branch{{ else }}no-branch{{ end }}` },
];

interface Case {
  dir: string;
  rand: () => number;
}

function pick<T>(c: Case, list: readonly T[]): T {
  return list[Math.floor(c.rand() * list.length)] as T;
}

function chance(c: Case, p: number): boolean {
  return c.rand() < p;
}

/** Generate `count` cases under `dir`; ids `corpus/0000` ... */
export function corpusInputs(tmp: string, count: number, seed: number = CORPUS_SEED): Input[] {
  const rand = rng(seed);
  const inputs: Input[] = [];
  for (let i = 0; i < count; i++) {
    const dir = join(tmp, 'corpus', String(i).padStart(4, '0'));
    mkdirSync(dir, { recursive: true });
    inputs.push(generate({ dir, rand }, i));
  }
  return inputs;
}

function generate(c: Case, i: number): Input {
  const tags: string[] = [];
  const id = `cl-${i.toString(36)}${Math.floor(c.rand() * 1e6).toString(36)}`;
  const generation = 1 + Math.floor(c.rand() * 9);
  const maestro = chance(c, 0.3);
  const valueEvent = pick(c, YAML_SENSITIVE);
  const valueApi = pick(c, YAML_SENSITIVE);
  const valueEnv = pick(c, YAML_SENSITIVE);
  const count = pick(c, [0, 1, 3, 2.5, -4, 1e6, 12345678901]);
  const flag = chance(c, 0.5);
  const withSecret = chance(c, 0.1);
  const withList = chance(c, 0.03);

  // --- event ---
  const event = {
    specversion: '1.0',
    id: `evt-${i}`,
    type: 'com.redhat.hyperfleet.cluster.reconcile',
    source: '/api/hyperfleet/v1/clusters',
    time: '2026-11-26T10:00:00Z',
    datacontenttype: 'application/json',
    data: {
      id,
      kind: 'Cluster',
      href: `/api/hyperfleet/v1/clusters/${id}`,
      generation,
      value: valueEvent,
      count,
      flag,
      nothing: null,
      labels: { tier: pick(c, YAML_SENSITIVE), team: 'core' },
    },
  };

  // --- params ---
  const params: Record<string, unknown>[] = [
    { name: 'clusterId', source: 'event.id', type: 'string', required: true },
    { name: 'generation', source: 'event.generation', type: 'int', required: true },
  ];
  const valueParams: string[] = [];
  const addParam = (p: Record<string, unknown>) => {
    params.push(p);
    valueParams.push(p['name'] as string);
  };
  const typed = (p: Record<string, unknown>, t: ParamType) => (t ? { ...p, type: t } : p);
  addParam(
    typed(
      { name: 'pEvent', source: pick(c, ['event.value', 'event.count', 'event.flag', 'event.labels.tier']) },
      pick(c, TYPES),
    ),
  );
  const envSet = chance(c, 0.7);
  addParam({
    ...typed({ name: 'pEnv', source: 'env.GEN_VALUE' }, pick(c, TYPES)),
    ...(chance(c, 0.5) ? { default: pick(c, ['env-default', 7, true]) } : {}),
    ...(!envSet && chance(c, 0.15) ? { required: true } : {}),
  });
  const apiParam = chance(c, 0.4);
  const apiStatus = pick(c, [200, 200, 200, 200, 200, 200, 404, 500]);
  const apiRequired = chance(c, 0.3);
  if (apiParam) {
    params.push({
      name: 'clusterFetch',
      source: {
        api_call: { method: 'GET', url: '/api/hyperfleet/v1/clusters/{{ .clusterId }}', timeout: '10s' },
      },
      ...(apiRequired ? { required: true } : {}),
    });
    addParam(
      typed(
        {
          name: 'pApi',
          source: pick(c, ['clusterFetch.spec.value', 'clusterFetch.spec.replicas', 'clusterFetch.name']),
        },
        pick(c, TYPES),
      ),
    );
  }
  addParam({ name: 'pCel', source: { expression: pick(c, CEL_PARAMS) } });
  if (chance(c, 0.3)) addParam({ name: 'pCel2', source: { expression: pick(c, CEL_PARAMS) } });
  // An element of a list CEL built, through a template function (tagged cel-list-index).
  if (withList) {
    params.push({ name: 'pList', source: { expression: '[clusterId, "second", "third"]' } });
    tags.push('cel-list-index');
  }
  // A map built by CEL: rare, it takes the Go dry run's whole JSON trace down (tagged cel-map).
  if (chance(c, 0.03)) {
    addParam({ name: 'pCelMap', source: { expression: '{"k": clusterId, "n": 1}' } });
    tags.push('cel-map');
  }
  for (const p of params) {
    const e = (p['source'] as { expression?: string }).expression;
    if (e?.includes(': null') && !tags.includes('cel-null-ternary')) tags.push('cel-null-ternary');
    else if ((e === 'null' || e === 'event.nothing') && !tags.includes('cel-null')) tags.push('cel-null');
  }
  if (maestro) params.push({ name: 'target', source: 'env.TARGET_CLUSTER', default: 'cluster1' });

  // --- preconditions ---
  const preconditions: Record<string, unknown>[] = [];
  const precondApi = chance(c, 0.6);
  const precondStatus = pick(c, [200, 200, 200, 200, 200, 404, 500]);
  const phase = pick(c, ['Ready', 'Ready', 'Pending']);
  if (precondApi) {
    const pre: Record<string, unknown> = {
      name: 'clusterCheck',
      api_call: { method: 'GET', url: '/api/hyperfleet/v1/clusters/{{ .clusterId }}/check', timeout: '5s' },
      capture: [
        { name: 'checkName', field: 'name' },
        { name: 'checkPhase', field: 'status.phase' },
        ...(chance(c, 0.3) ? [{ name: 'checkReplicas', expression: 'clusterCheck.spec.replicas * 2' }] : []),
      ],
    };
    if (chance(c, 0.5)) pre['conditions'] = [{ field: 'checkPhase', operator: 'equals', value: 'Ready' }];
    else
      pre['expression'] = pick(c, [
        'checkPhase == "Ready"',
        'clusterCheck.spec.replicas > 2',
        'checkPhase in ["Ready", "Pending"]',
      ]);
    preconditions.push(pre);
  }
  if (chance(c, 0.25)) {
    preconditions.push({
      name: 'flagGate',
      expression: pick(c, ['event.flag', '!event.flag', 'size(clusterId) > 3', 'pCel != null']),
    });
  }

  // --- resources ---
  const cmName = `${id}-cm`;
  const data: Record<string, string> = {};
  const refLines: string[] = [];
  const keys = 2 + Math.floor(c.rand() * 3);
  for (let k = 0; k < keys; k++) {
    const p = pick(c, valueParams);
    const t = pick(c, TEMPLATES).text(p);
    data[`k${k}`] = t;
    let quoting = pick(c, ['bare', 'double', 'single', 'block']);
    // A ref file is template text first: a `\"` would reach the template parser, not YAML.
    if (quoting === 'double' && t.includes('"')) quoting = 'single';
    if (quoting === 'bare') refLines.push(`  k${k}: ${t}`);
    else if (quoting === 'double') refLines.push(`  k${k}: "${t}"`);
    else if (quoting === 'single') refLines.push(`  k${k}: '${t.replace(/'/g, "''")}'`);
    else refLines.push(`  k${k}: |`, `    ${t}`);
  }
  if (withList) data['listed'] = '{{ index .pList 1 | upper }}';
  if (chance(c, 0.3))
    data['script'] = `line one\n${pick(c, TEMPLATES).text(pick(c, valueParams))}\nline three\n`;
  if (chance(c, 0.2)) data[`{{ .clusterId }}-key`] = 'keyed';
  const useRef = chance(c, 0.35);
  const labelValue = chance(c, 0.3) ? pick(c, TEMPLATES).text(pick(c, valueParams)) : 'static';
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `{{ .clusterId }}-cm`,
      namespace: 'gen-ns',
      labels: { 'hyperfleet.io/cluster-id': '{{ .clusterId }}', gen: labelValue },
      annotations: { 'hyperfleet.io/generation': '{{ .generation }}' },
    },
    data,
  };
  let manifest: unknown;
  const discoveryFound = chance(c, 0.85);
  const discovery: Record<string, unknown> = chance(c, 0.7)
    ? {
        ...(maestro ? {} : { namespace: 'gen-ns' }),
        by_name: discoveryFound ? `{{ .clusterId }}-${maestro ? 'work' : 'cm'}` : '{{ .clusterId }}-missing',
      }
    : {
        ...(maestro ? {} : { namespace: 'gen-ns' }),
        by_selectors: {
          label_selector: { 'hyperfleet.io/cluster-id': discoveryFound ? '{{ .clusterId }}' : 'nobody' },
        },
      };
  if (maestro) {
    const work = {
      apiVersion: 'work.open-cluster-management.io/v1',
      kind: 'ManifestWork',
      metadata: {
        name: '{{ .clusterId }}-work',
        labels: { 'hyperfleet.io/cluster-id': '{{ .clusterId }}' },
        annotations: { 'hyperfleet.io/generation': '{{ .generation }}' },
      },
      spec: { workload: { manifests: [configMap] } },
    };
    manifest = work;
  } else {
    manifest = configMap;
  }
  if (useRef) {
    const refText = maestro
      ? [
          'apiVersion: work.open-cluster-management.io/v1',
          'kind: ManifestWork',
          'metadata:',
          '  name: "{{ .clusterId }}-work"',
          '  labels:',
          '    hyperfleet.io/cluster-id: "{{ .clusterId }}"',
          '  annotations:',
          '    hyperfleet.io/generation: "{{ .generation }}"',
          'spec:',
          '  workload:',
          '    manifests:',
          '      - apiVersion: v1',
          '        kind: ConfigMap',
          '        metadata:',
          '          name: "{{ .clusterId }}-cm"',
          '          namespace: gen-ns',
          '          annotations:',
          '            hyperfleet.io/generation: "{{ .generation }}"',
          '        data:',
          ...refLines.map((l) => `        ${l}`),
        ]
      : [
          'apiVersion: v1',
          'kind: ConfigMap',
          'metadata:',
          '  name: "{{ .clusterId }}-cm"',
          '  namespace: gen-ns',
          '  labels:',
          '    hyperfleet.io/cluster-id: "{{ .clusterId }}"',
          '  annotations:',
          '    hyperfleet.io/generation: "{{ .generation }}"',
          'data:',
          ...refLines,
        ];
    writeFileSync(join(c.dir, 'manifest.yaml'), `${refText.join('\n')}\n`);
    manifest = { ref: 'manifest.yaml' };
  }
  const resource: Record<string, unknown> = {
    name: 'cm',
    transport: maestro
      ? { client: 'maestro', maestro: { target_cluster: '{{ .target }}' } }
      : { client: 'kubernetes' },
    manifest,
    discovery,
  };
  if (chance(c, 0.12))
    resource['lifecycle'] = { create: { when: { expression: pick(c, ['event.flag', '!event.flag']) } } };
  if (maestro && chance(c, 0.4)) {
    resource['nested_discoveries'] = [{ name: 'innerCm', discovery: { by_name: '{{ .clusterId }}-cm' } }];
  }

  // --- post ---
  const dataFields: Record<string, unknown> = {};
  for (const p of valueParams) {
    if (chance(c, 0.5))
      dataFields[`${p}Cel`] = { expression: chance(c, 0.5) ? p : `${p} == null ? "none" : ${p}` };
    if (chance(c, 0.4)) dataFields[`${p}Tmpl`] = `{{ .${p} }}`;
  }
  dataFields['cmData0'] = { expression: 'resources.?cm.?data.?k0.orValue("")' };
  if (maestro) dataFields['workConditions'] = { expression: 'resources.?cm.?status.?conditions.orValue([])' };
  const payload = {
    adapter: '{{ .adapter.name }}',
    observed_generation: { expression: 'generation' },
    observed_time: '{{ now | date "2006-01-02T15:04:05Z07:00" }}',
    conditions: [
      {
        type: 'Applied',
        status: { expression: 'resources.?cm.hasValue() ? "True" : "False"' },
        reason: { expression: 'resources.?cm.hasValue() ? "Applied" : "NotApplied"' },
        message: { expression: 'resources.?cm.?metadata.?name.orValue("none")' },
      },
      {
        type: 'Health',
        status: {
          expression:
            'adapter.?executionStatus.orValue("") == "success" && !adapter.?resourcesSkipped.orValue(false) ? "True" : "False"',
        },
        reason: {
          expression:
            'adapter.?executionStatus.orValue("") != "success" ? "ExecutionFailed:" + adapter.?executionError.?phase.orValue("unknown") : adapter.?resourcesSkipped.orValue(false) ? "ResourcesSkipped" : "Healthy"',
        },
        message: {
          expression:
            'adapter.?executionStatus.orValue("") != "success" ? "Adapter failed at phase [" + adapter.?executionError.?phase.orValue("unknown") + "] step [" + adapter.?executionError.?step.orValue("unknown") + "]" : adapter.?resourcesSkipped.orValue(false) ? "Resources skipped" : "ok"',
        },
      },
    ],
    data: dataFields,
  };
  const postAction: Record<string, unknown> = {
    name: 'reportStatus',
    api_call: {
      method: 'PUT',
      url: '/api/hyperfleet/v1/clusters/{{ .clusterId }}/statuses',
      body: '{{ .statusPayload }}',
    },
  };
  if (chance(c, 0.3)) postAction['when'] = { expression: '!adapter.resourcesSkipped' };
  const task = {
    params,
    ...(preconditions.length > 0 ? { preconditions } : {}),
    resources: [resource],
    post: { payloads: [{ name: 'statusPayload', build: payload }], post_actions: [postAction] },
  };

  // --- canned API answers ---
  const clusterBody = {
    id,
    name: pick(c, ['gen-cluster', ...YAML_SENSITIVE]),
    generation,
    spec: { value: valueApi, replicas: pick(c, [1, 3, 5]) },
    status: { phase },
  };
  const bare404 = chance(c, 0.2);
  const problem = (status: number) =>
    status === 404 && bare404
      ? { statusCode: 404, body: { message: 'not found' } }
      : {
          statusCode: status,
          headers: { 'Content-Type': 'application/problem+json' },
          body: {
            type: `https://api.hyperfleet.io/errors/${status === 404 ? 'resource-not-found' : 'internal'}`,
            title: status === 404 ? 'Resource Not Found' : 'Internal Server Error',
            status,
            detail: status === 404 ? `Cluster with id='${id}' not found` : 'canned failure',
            code: status === 404 ? 'HYPERFLEET-NTF-002' : 'HYPERFLEET-INT-001',
          },
        };
  const answer = (status: number) =>
    status === 200 ? { statusCode: 200, body: clusterBody } : problem(status);
  const putStatus = pick(c, [201, 201, 201, 201, 200, 500, 404]);
  const responses = {
    responses: [
      {
        match: { method: 'GET', urlPattern: '/api/hyperfleet/v1/clusters/[^/]+/check$' },
        responses: [answer(precondStatus)],
      },
      {
        match: { method: 'GET', urlPattern: '/api/hyperfleet/v1/clusters/[^/]+$' },
        responses: [answer(apiStatus)],
      },
      {
        match: { method: 'PUT', urlPattern: '/api/hyperfleet/v1/clusters/.*/statuses' },
        responses: [
          putStatus < 300 ? { statusCode: putStatus, body: { adapter: 'gen-adapter' } } : problem(putStatus),
        ],
      },
    ],
  };

  // --- discovery overrides (what the cluster already holds or reports) ---
  let discoveryFile: string | undefined;
  if (chance(c, 0.35)) {
    const name = maestro ? `${id}-work` : cmName;
    const sameGen = chance(c, 0.5);
    const obj: Record<string, unknown> = maestro
      ? {
          apiVersion: 'work.open-cluster-management.io/v1',
          kind: 'ManifestWork',
          metadata: {
            name,
            namespace: 'cluster1',
            labels: { 'hyperfleet.io/cluster-id': id },
            annotations: { 'hyperfleet.io/generation': String(sameGen ? generation : generation - 1) },
          },
          status: {
            conditions: [{ type: 'Applied', status: 'True', reason: 'AppliedManifestWorkComplete' }],
          },
        }
      : {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name,
            namespace: 'gen-ns',
            labels: { 'hyperfleet.io/cluster-id': id },
            annotations: { 'hyperfleet.io/generation': String(sameGen ? generation : generation - 1) },
          },
          data: { existing: pick(c, YAML_SENSITIVE) },
        };
    discoveryFile = join(c.dir, 'discovery.json');
    writeFileSync(discoveryFile, `${JSON.stringify({ [name]: obj }, null, 2)}\n`);
  }

  const adapterConfig = {
    adapter: { name: 'gen-adapter', version: '0.1.0' },
    clients: {
      hyperfleet_api: {
        base_url: 'http://hyperfleet-api.gen:8000',
        version: 'v1',
        timeout: '10s',
        retry_attempts: 1,
      },
      broker: { subscription_id: 'gen-sub', topic: 'gen-topic' },
      ...(maestro
        ? {
            maestro: {
              grpc_server_address: 'maestro.gen:8090',
              http_server_address: 'http://maestro.gen:8000',
              source_id: 'gen-adapter',
              insecure: true,
            },
          }
        : { kubernetes: { api_version: 'v1' } }),
    },
  };
  writeFileSync(join(c.dir, 'adapter-config.yaml'), stringify(adapterConfig));
  writeFileSync(join(c.dir, 'task-config.yaml'), stringify(task, { lineWidth: 0 }));
  writeFileSync(join(c.dir, 'event.json'), `${JSON.stringify(event, null, 2)}\n`);
  writeFileSync(join(c.dir, 'api-responses.json'), `${JSON.stringify(responses, null, 2)}\n`);
  const env: Record<string, string> = {};
  if (envSet) env['GEN_VALUE'] = valueEnv;
  if (maestro && chance(c, 0.5)) env['TARGET_CLUSTER'] = pick(c, ['cluster1', 'cluster-b']);
  // A variable the config does not declare: only what is declared may reach templates and CEL.
  if (withSecret) env['HYPERFLEET_API_TOKEN'] = 'not-for-templates';
  tags.unshift(maestro ? 'maestro' : 'k8s', useRef ? 'ref' : 'inline');
  if (withSecret) tags.push('env-undeclared');
  if (apiParam && apiStatus !== 200) tags.push(`api-${apiStatus}${apiRequired ? '-required' : ''}`);
  if (maestro && discoveryFile) tags.push('override');
  if (precondApi && precondStatus !== 200) tags.push(`pre-${precondStatus}`);
  if (putStatus >= 300) tags.push(`put-${putStatus}`);
  if (bare404 && [apiParam && apiStatus, precondApi && precondStatus, putStatus].includes(404))
    tags.push('bare-404');
  return {
    id: `corpus/${String(i).padStart(4, '0')}/${tags.join('/')}`,
    cwd: c.dir,
    config: join(c.dir, 'adapter-config.yaml'),
    taskConfig: join(c.dir, 'task-config.yaml'),
    event: join(c.dir, 'event.json'),
    apiResponses: join(c.dir, 'api-responses.json'),
    ...(discoveryFile ? { discovery: discoveryFile } : {}),
    env,
  };
}
