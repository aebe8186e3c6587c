import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LoadedConfigPair, loadConfigPair } from '../../../lib/config/index.ts';

const EXAMPLES = '/work/shared/compat/examples';
const NAMES = [
  'chart-kubernetes',
  'chart-maestro',
  'chart-maestro-two-resources',
  'e2e-cl-deployment',
  'e2e-cl-job',
  'e2e-cl-maestro',
  'e2e-cl-namespace',
  'e2e-np-configmap',
];

/** As mounted in the pod: the ConfigMap at /etc/adapter, NAMESPACE and RUN_ID set by the deployment. */
function load(name: string): Promise<LoadedConfigPair> {
  const dir = path.join(EXAMPLES, name);
  return loadConfigPair({
    configFile: path.join(dir, 'adapter-config.yaml'),
    taskConfigFile: path.join(dir, 'task-config.yaml'),
    mounts: { '/etc/adapter': dir },
    env: { NAMESPACE: 'hyperfleet-e2e', RUN_ID: 'run-42' },
  });
}

describe('compat examples load unchanged', () => {
  for (const name of NAMES) {
    it(name, async () => {
      const { adapter, task } = await load(name);
      expect(adapter.adapter.name).toMatch(/\S/);
      expect(task.resources.length).toBeGreaterThan(0);
      for (const r of task.resources) {
        if (r.manifest.kind === 'ref') {
          expect(r.manifest.path.startsWith(path.join(EXAMPLES, name))).toBe(true);
          expect(r.manifest.text).toContain('kind:');
        }
      }
    });
  }

  it('without RUN_ID the e2e examples fail on their required env param, as the Go adapter does', async () => {
    const dir = path.join(EXAMPLES, 'e2e-cl-job');
    await expect(
      loadConfigPair({
        configFile: path.join(dir, 'adapter-config.yaml'),
        taskConfigFile: path.join(dir, 'task-config.yaml'),
        mounts: { '/etc/adapter': dir },
        env: {},
      }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      problems: [
        expect.objectContaining({ path: 'params[1].source', message: expect.stringContaining('RUN_ID') }),
      ],
    });
  });
});

describe('chart-kubernetes, normalized', () => {
  it('adapter config: file values, Go defaults for the rest, durations in ms', async () => {
    const { adapter } = await load('chart-kubernetes');
    expect(adapter).toEqual({
      adapter: { name: 'kubernetes-example', version: '0.2.0' },
      debug_config: false,
      log: { level: 'info' },
      clients: {
        hyperfleet_api: {
          base_url: 'http://hyperfleet-api:8000',
          version: 'v1',
          timeout_ms: 2000,
          retry_attempts: 3,
          retry_backoff: 'exponential',
          base_delay_ms: 1000,
          max_delay_ms: 30000,
          default_headers: {},
        },
        broker: { subscription_id: 'CHANGE_ME', topic: 'CHANGE_ME' },
        kubernetes: { api_version: 'v1' },
      },
    });
  });

  it('params: path, api_call and expression sources', async () => {
    const { task } = await load('chart-kubernetes');
    expect(task.params).toEqual([
      { name: 'clusterId', source: { kind: 'path', path: 'event.id' }, type: 'string', required: true },
      {
        name: 'checkClusterState',
        source: {
          kind: 'api_call',
          api_call: { method: 'GET', url: '/clusters/{{ .clusterId }}', headers: [], timeout_ms: 10000 },
        },
        required: false,
      },
      { name: 'generation', source: { kind: 'path', path: 'checkClusterState.generation' }, required: false },
      { name: 'clusterName', source: { kind: 'path', path: 'checkClusterState.name' }, required: false },
      {
        name: 'is_deleting',
        source: { kind: 'expression', expression: 'checkClusterState.?deleted_time.hasValue()' },
        required: false,
      },
    ]);
    expect(task.preconditions).toEqual([]);
  });

  it('resources: an inline manifest and a ref read through the /etc/adapter mount', async () => {
    const { task } = await load('chart-kubernetes');
    const [namespace, job] = task.resources;
    expect(namespace).toMatchObject({
      name: 'namespace',
      transport: { client: 'kubernetes' },
      discovery: { by_name: '{{ .clusterId }}-k8s' },
      nested_discoveries: [],
      recreate_on_change: false,
      lifecycle: { delete: { propagationPolicy: 'Background', when: { expression: 'is_deleting' } } },
    });
    expect(namespace?.manifest).toMatchObject({
      kind: 'inline',
      value: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: '{{ .clusterId }}-k8s' } },
    });
    expect(job).toMatchObject({
      name: 'helloWorldJob',
      discovery: {
        namespace: '{{ .clusterId }}-k8s',
        by_selectors: {
          label_selector: {
            'hyperfleet.io/resource-type': 'job',
            'hyperfleet.io/cluster-id': '{{ .clusterId }}',
          },
        },
      },
    });
    expect(job?.manifest.kind).toBe('ref');
    if (job?.manifest.kind === 'ref') {
      expect(job.manifest.ref).toBe('/etc/adapter/job.yaml');
      expect(job.manifest.path).toBe(path.join(EXAMPLES, 'chart-kubernetes', 'job.yaml'));
      expect(job.manifest.text).toContain('name: hello-world-job');
    }
  });

  it('post: payload build trees classified, post actions with headers and when', async () => {
    const { task } = await load('chart-kubernetes');
    const [ok, skipped] = task.post.payloads;
    expect(ok?.name).toBe('clusterStatusPayload');
    expect(ok?.when).toEqual({ expression: '!adapter.resourcesSkipped' });
    expect(ok?.build.kind).toBe('map');
    if (ok?.build.kind !== 'map') return;
    expect(ok.build.entries['adapter']).toEqual({ kind: 'template', template: '{{ .adapter.name }}' });
    expect(ok.build.entries['observed_generation']).toEqual({ kind: 'expression', expression: 'generation' });
    const conditions = ok.build.entries['conditions'];
    expect(conditions?.kind).toBe('list');
    if (conditions?.kind !== 'list') return;
    expect(conditions.items).toHaveLength(4);
    expect(conditions.items[0]).toMatchObject({
      kind: 'map',
      entries: {
        type: { kind: 'template', template: 'Applied' },
        status: { kind: 'expression', expression: 'has(resources.helloWorldJob) ? "True" : "False"\n' },
      },
    });
    expect(skipped?.build).toMatchObject({
      kind: 'map',
      entries: { conditions: { kind: 'list', items: expect.any(Array) } },
    });
    expect(task.post.post_actions).toEqual([
      {
        name: 'reportClusterStatus',
        when: { expression: '!adapter.resourcesSkipped' },
        api_call: {
          method: 'PUT',
          url: '/clusters/{{ .clusterId }}/statuses',
          headers: [{ name: 'Content-Type', value: 'application/json' }],
          body: '{{ .clusterStatusPayload }}',
        },
      },
      {
        name: 'reportClusterStatusSkipped',
        when: { expression: 'adapter.resourcesSkipped' },
        api_call: {
          method: 'PUT',
          url: '/clusters/{{ .clusterId }}/statuses',
          headers: [{ name: 'Content-Type', value: 'application/json' }],
          body: '{{ .skippedStatusPayload }}',
        },
      },
    ]);
  });
});

describe('e2e-cl-maestro, normalized', () => {
  it('maestro client: defaults filled, client_id kept', async () => {
    const { adapter } = await load('e2e-cl-maestro');
    expect(adapter.debug_config).toBe(true);
    expect(adapter.log).toEqual({ level: 'debug' });
    expect(adapter.clients.maestro).toEqual({
      grpc_server_address: 'maestro-grpc.maestro.svc.cluster.local:8090',
      http_server_address: 'http://maestro.maestro.svc.cluster.local:8000',
      source_id: 'cl-maestro',
      client_id: 'cl-maestro-client',
      insecure: true,
      timeout_ms: 10000,
      server_healthiness_timeout_ms: 20000,
    });
  });

  it('the repeated `generation` param loads, with a warning naming both places', async () => {
    const { task, warnings } = await load('e2e-cl-maestro');
    expect(task.params.map((p) => p.name)).toEqual([
      'clusterId',
      'generation',
      'namespace',
      'runId',
      'clusterStatus',
      'clusterName',
      'generation',
      'timestamp',
      'is_deleting',
      'reconciledConditionStatus',
      'placementClusterName',
      'platformType',
      'subnets',
    ]);
    expect(task.params[1]).toEqual({
      name: 'generation',
      source: { kind: 'path', path: 'event.generation' },
      type: 'int',
      required: true,
    });
    // In file order: adapter config first.
    expect(warnings).toEqual([
      // The example ships base_url CHANGE_ME, replaced by HYPERFLEET_API_BASE_URL at deploy time.
      expect.objectContaining({
        path: 'clients.hyperfleet_api.base_url',
        message: expect.stringContaining('CHANGE_ME'),
      }),
      expect.objectContaining({
        path: 'params[6].name',
        line: 37,
        message: expect.stringContaining('first at params[1]'),
      }),
    ]);
  });

  it('a maestro resource with a ref manifest (a Go template with if/range) and nested discoveries', async () => {
    const { task } = await load('e2e-cl-maestro');
    expect(task.resources).toHaveLength(1);
    const [work] = task.resources;
    expect(work).toMatchObject({
      name: 'resource0',
      transport: { client: 'maestro', maestro: { target_cluster: '{{ .placementClusterName }}' } },
      discovery: { by_name: '{{ .clusterId }}-{{ .adapter.name }}' },
      nested_discoveries: [
        {
          name: 'namespace0',
          discovery: { by_name: '{{ .clusterId | lower }}-{{ .adapter.name }}-namespace' },
        },
        {
          name: 'configmap0',
          discovery: { by_name: '{{ .clusterId | lower }}-{{ .adapter.name }}-configmap' },
        },
      ],
      lifecycle: { delete: { propagationPolicy: 'Background', when: { expression: 'is_deleting' } } },
    });
    expect(work?.manifest).toMatchObject({ kind: 'ref', ref: '/etc/adapter/manifestwork.yaml' });
    if (work?.manifest.kind === 'ref')
      expect(work.manifest.text).toContain('{{ range $i, $subnet := .subnets }}');
    expect(task.preconditions).toEqual([
      {
        name: 'validationCheck',
        capture: [],
        conditions: [],
        expression: 'is_deleting || reconciledConditionStatus == "False"',
      },
    ]);
    const payload = task.post.payloads[0];
    expect(payload?.name).toBe('statusPayload');
    expect(payload?.build).toMatchObject({
      kind: 'map',
      entries: {
        data: {
          kind: 'map',
          entries: { manifestwork: { kind: 'map', entries: { name: { kind: 'expression' } } } },
        },
      },
    });
  });
});

describe('chart-maestro-two-resources, normalized', () => {
  it('preconditions: structured conditions and an expression; two maestro resources', async () => {
    const { task } = await load('chart-maestro-two-resources');
    expect(task.preconditions).toEqual([
      {
        name: 'clusterStatus',
        capture: [],
        conditions: [{ field: 'reconciledConditionStatus', operator: 'equals', value: 'False' }],
      },
      {
        name: 'validationCheck',
        capture: [],
        conditions: [],
        expression: 'reconciledConditionStatus == "False"',
      },
    ]);
    expect(task.resources.map((r) => [r.name, r.transport.client, r.manifest.kind])).toEqual([
      ['configMapManifestWork', 'maestro', 'ref'],
      ['namespaceManifestWork', 'maestro', 'ref'],
    ]);
    expect(task.resources[1]?.lifecycle?.delete?.when.expression).toBe(
      'is_deleting && !resources.?configMapManifestWork.hasValue()',
    );
  });
});
