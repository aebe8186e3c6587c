import { describe, expect, it } from 'vitest';
import { createMetrics, deletionMetrics } from '../../../lib/observability/metrics.ts';
import { metricValue } from '../../support/function-harness.ts';
import { ADAPTER, loadConfig, memoryCluster, notFound, run, ScriptedApi } from './helpers.ts';

const CLUSTER_GET = /\/clusters\/c1$/;

function cluster(generation: number, extra: Record<string, unknown> = {}) {
  return { status: 200, body: { kind: 'Cluster', id: 'c1', name: 'one', generation, ...extra } };
}

const STATUS_POST = `
post:
  payloads:
    - name: statusPayload
      build:
        adapter: "{{ .adapter.name }}"
        observed_generation:
          expression: generation
        observed_time: "{{ now | date \\"2006-01-02T15:04:05Z07:00\\" }}"
        conditions:
          - type: Applied
            status:
              expression: 'resources.?cm.hasValue() ? "True" : "False"'
            reason: Applied
            message: applied
          - type: Health
            status:
              expression: 'adapter.executionStatus == "success" ? "True" : "False"'
            reason:
              expression: 'adapter.executionStatus == "success" ? "Healthy" : "ExecutionFailed:" + adapter.?executionError.?phase.orValue("unknown")'
            message:
              expression: 'adapter.?errorMessage.orValue("")'
          - type: Finalized
            status:
              expression: 'is_deleting && !resources.?cm.hasValue() ? "True" : "False"'
            reason: Cleanup
            message: cleanup
        data:
          skipped:
            expression: adapter.resourcesSkipped
          skipReason:
            expression: adapter.skipReason
  post_actions:
    - name: report
      api_call:
        method: PUT
        url: /clusters/{{ .clusterId }}/statuses
        body: "{{ .statusPayload }}"
`;

const PARAMS = `
params:
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
  - name: is_deleting
    source:
      expression: cluster.?deleted_time.hasValue()
`;

function configMapTask(options: { recreate?: boolean; annotation?: boolean } = {}) {
  const annotation =
    options.annotation === false
      ? ''
      : `\n        annotations:\n          hyperfleet.io/generation: "{{ .generation }}"`;
  return `${PARAMS}
resources:
  - name: cm
    recreate_on_change: ${options.recreate ? 'true' : 'false'}
    manifest:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: "cm-{{ .clusterId }}"
        namespace: ns1${annotation}
      data:
        generation: "{{ .generation }}"
    discovery:
      namespace: ns1
      by_name: "cm-{{ .clusterId }}"
    lifecycle:
      delete:
        when:
          expression: is_deleting
${STATUS_POST}`;
}

describe('executor: generation rules', () => {
  it('creates when absent, skips the same generation, updates a new one', async () => {
    const config = await loadConfig(ADAPTER, configMapTask());
    const k8s = memoryCluster();
    let gen = 1;
    const api = new ScriptedApi()
      .on('GET', CLUSTER_GET, () => cluster(gen))
      .on('PUT', /statuses$/, { status: 201 });

    const first = await run(config, { id: 'c1', generation: 1 }, api, k8s);
    expect(first.status).toBe('success');
    expect(first.resources[0]).toMatchObject({
      name: 'cm',
      operation: 'create',
      kind: 'ConfigMap',
      resourceName: 'cm-c1',
    });

    const again = await run(config, { id: 'c1', generation: 1 }, api, k8s);
    expect(again.resources[0]).toMatchObject({ operation: 'skip', reason: 'generation 1 unchanged' });

    gen = 2;
    const bumped = await run(config, { id: 'c1', generation: 2 }, api, k8s);
    expect(bumped.resources[0]).toMatchObject({ operation: 'update', reason: 'generation changed 1->2' });
    const stored = k8s.transports.kubernetes.all();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.['data']).toEqual({ generation: '2' });
    expect(stored[0]?.metadata.annotations?.['hyperfleet.io/generation']).toBe('2');

    const statuses = api.statusBodies();
    expect(statuses).toHaveLength(3);
    expect(statuses.map((s) => s['observed_generation'])).toEqual([1, 1, 2]);
    expect(statuses[2]?.['conditions']).toContainEqual({
      type: 'Applied',
      status: 'True',
      reason: 'Applied',
      message: 'applied',
    });
  });

  it('stamps the event generation on a manifest without the annotation, so a repeat event skips instead of re-applying forever', async () => {
    const config = await loadConfig(ADAPTER, configMapTask({ annotation: false }));
    const k8s = memoryCluster();
    const api = new ScriptedApi().on('GET', CLUSTER_GET, cluster(7)).on('PUT', /statuses$/, { status: 201 });
    await run(config, { id: 'c1', generation: 7 }, api, k8s);
    expect(k8s.transports.kubernetes.all()[0]?.metadata.annotations).toEqual({
      'hyperfleet.io/generation': '7',
    });
    const again = await run(config, { id: 'c1', generation: 7 }, api, k8s);
    expect(again.resources[0]?.operation).toBe('skip');
    const next = await run(config, { id: 'c1', generation: 8 }, api, k8s);
    expect(next.resources[0]?.operation).toBe('update');
  });

  it('recreate_on_change deletes then creates when the old object goes at once', async () => {
    const config = await loadConfig(ADAPTER, configMapTask({ recreate: true }));
    const k8s = memoryCluster();
    let gen = 1;
    const api = new ScriptedApi()
      .on('GET', CLUSTER_GET, () => cluster(gen))
      .on('PUT', /statuses$/, { status: 201 });
    await run(config, { id: 'c1' }, api, k8s);
    gen = 2;
    const result = await run(config, { id: 'c1' }, api, k8s);
    expect(result.resources[0]).toMatchObject({ operation: 'recreate' });
    const ops = k8s.records
      .filter((r) => r.operation === 'delete' || r.operation === 'apply')
      .map((r) => `${r.operation}:${r.outcome}`);
    expect(ops).toEqual(['apply:created', 'delete:gone', 'apply:created']);
  });

  it('recreate_on_change answers "in progress" when the old object lingers, and finishes on a later event', async () => {
    const config = await loadConfig(ADAPTER, configMapTask({ recreate: true }));
    const k8s = memoryCluster({ kubeSoftDelete: true });
    let gen = 1;
    const api = new ScriptedApi()
      .on('GET', CLUSTER_GET, () => cluster(gen))
      .on('PUT', /statuses$/, { status: 201 });
    await run(config, { id: 'c1' }, api, k8s);
    gen = 2;
    const started = Date.now();
    const pending = await run(config, { id: 'c1' }, api, k8s, { recreateWaitMs: 300 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(pending.status).toBe('success');
    expect(pending.resources[0]?.operation).toBe('recreate_pending');
    expect(pending.resources[0]?.reason).toContain('deletion in progress');
    // The old object is finally removed (e.g. its finalizer released): the next event creates.
    const old = k8s.transports.kubernetes.all()[0];
    if (!old) throw new Error('expected the old object');
    await k8s.transports.kubernetes.delete(
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm-c1', namespace: 'ns1' },
      { signal: AbortSignal.timeout(1000) },
    );
    (k8s.transports.kubernetes as unknown as { options: { softDelete: boolean } }).options.softDelete = false;
    await k8s.transports.kubernetes.delete(
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm-c1', namespace: 'ns1' },
      { signal: AbortSignal.timeout(1000) },
    );
    const done = await run(config, { id: 'c1' }, api, k8s);
    expect(done.resources[0]?.operation).toBe('create');
  });
});

describe('executor: deletion', () => {
  it('is measured as the Go adapter measures it: by kind and outcome, timed, none left in progress', async () => {
    const config = await loadConfig(ADAPTER, configMapTask());
    const k8s = memoryCluster();
    const metrics = createMetrics();
    const deletions = deletionMetrics(metrics);
    let body = cluster(1);
    const api = new ScriptedApi().on('GET', CLUSTER_GET, () => body).on('PUT', /statuses$/, { status: 201 });
    await run(config, { id: 'c1' }, api, k8s, { deletions });
    body = cluster(2, { deleted_time: '2026-11-26T09:00:00Z' });
    // Deleted, then already gone: both successes.
    await run(config, { id: 'c1' }, api, k8s, { deletions });
    await run(config, { id: 'c1' }, api, k8s, { deletions });
    // A transport that cannot delete: an error.
    const failing = memoryCluster();
    await run(
      config,
      { id: 'c1' },
      new ScriptedApi().on('GET', CLUSTER_GET, () => cluster(1)),
      failing,
    );
    failing.transports.kubernetes.delete = async () => {
      throw new Error('the API server is down');
    };
    const failed = await run(config, { id: 'c1' }, api, failing, { deletions });
    expect(failed.status).toBe('failed');
    const text = await metrics.registry.metrics();
    const deleted = (status: string) =>
      metricValue(text, 'hyperfleet_adapter_resources_deleted_total', { resource_type: 'ConfigMap', status });
    expect(deleted('success')).toBe(2);
    expect(deleted('error')).toBe(1);
    expect(
      metricValue(text, 'hyperfleet_adapter_resource_deletion_duration_seconds_count', {
        resource_type: 'ConfigMap',
      }),
    ).toBe(3);
    expect(
      metricValue(text, 'hyperfleet_adapter_resource_deletions_in_progress', { resource_type: 'ConfigMap' }),
    ).toBe(0);
  });

  it('deletes when deleted_time is set; gone => the resource is absent to CEL and Finalized is True', async () => {
    const config = await loadConfig(ADAPTER, configMapTask());
    const k8s = memoryCluster();
    let body = cluster(1);
    const api = new ScriptedApi().on('GET', CLUSTER_GET, () => body).on('PUT', /statuses$/, { status: 201 });
    await run(config, { id: 'c1' }, api, k8s);
    body = cluster(2, { deleted_time: '2026-11-26T09:00:00Z' });
    const result = await run(config, { id: 'c1' }, api, k8s);
    expect(result.resources[0]).toMatchObject({
      operation: 'delete',
      reason: 'lifecycle.delete.when evaluated to true',
    });
    expect(k8s.transports.kubernetes.all()).toHaveLength(0);
    const last = api.statusBodies().at(-1);
    expect(last?.['conditions']).toContainEqual({
      type: 'Finalized',
      status: 'True',
      reason: 'Cleanup',
      message: 'cleanup',
    });
    expect(last?.['conditions']).toContainEqual({
      type: 'Applied',
      status: 'False',
      reason: 'Applied',
      message: 'applied',
    });
  });

  it('a soft delete (Maestro) keeps the work visible: Finalized stays False until it is gone', async () => {
    const task = `${PARAMS}
resources:
  - name: cm
    transport:
      client: maestro
      maestro:
        target_cluster: cluster1
    manifest:
      apiVersion: work.open-cluster-management.io/v1
      kind: ManifestWork
      metadata:
        name: "w-{{ .clusterId }}"
        annotations:
          hyperfleet.io/generation: "{{ .generation }}"
      spec:
        workload:
          manifests:
            - apiVersion: v1
              kind: ConfigMap
              metadata:
                name: inner
                namespace: default
    discovery:
      by_name: "w-{{ .clusterId }}"
    lifecycle:
      delete:
        when:
          expression: is_deleting
${STATUS_POST}`;
    const config = await loadConfig(ADAPTER, task);
    const k8s = memoryCluster();
    let body = cluster(1);
    const api = new ScriptedApi().on('GET', CLUSTER_GET, () => body).on('PUT', /statuses$/, { status: 201 });
    const created = await run(config, { id: 'c1' }, api, k8s);
    expect(created.resources[0]).toMatchObject({
      operation: 'create',
      target: 'cluster1',
      transport: 'maestro',
    });
    body = cluster(2, { deleted_time: '2026-11-26T09:00:00Z' });
    await run(config, { id: 'c1' }, api, k8s);
    const work = k8s.transports.maestro.all()[0];
    expect(work?.metadata['deletionTimestamp']).toBeDefined();
    expect(api.statusBodies().at(-1)?.['conditions']).toContainEqual({
      type: 'Finalized',
      status: 'False',
      reason: 'Cleanup',
      message: 'cleanup',
    });
  });
});

describe('executor: preconditions and post', () => {
  const task = `${PARAMS}
preconditions:
  - name: ready
    conditions:
      - field: cluster.name
        operator: equals
        value: ready-cluster
resources:
  - name: cm
    manifest:
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: cm
        namespace: ns1
    discovery:
      namespace: ns1
      by_name: cm
${STATUS_POST}`;

  it('a precondition not met skips resources and still reports status with the reason', async () => {
    const config = await loadConfig(ADAPTER, task);
    const k8s = memoryCluster();
    const api = new ScriptedApi().on('GET', CLUSTER_GET, cluster(3)).on('PUT', /statuses$/, { status: 201 });
    const result = await run(config, { id: 'c1' }, api, k8s);
    expect(result.status).toBe('success');
    expect(result.resourcesSkipped).toBe(true);
    expect(result.resources).toHaveLength(0);
    expect(k8s.records).toHaveLength(0);
    expect(result.statusReported).toBe(true);
    const body = api.statusBodies()[0];
    expect(body?.['data']).toEqual({
      skipped: true,
      skipReason: "precondition 'ready' not met: cluster.name equals ready-cluster (actual: one)",
    });
  });

  it('a precondition API call answered 404 ends quietly without a status (the resource is gone)', async () => {
    const t = `${PARAMS.replace(/ {2}- name: cluster\n[\s\S]*?url: \/clusters\/\{\{ \.clusterId \}\}\n/, '')}
preconditions:
  - name: clusterCheck
    api_call:
      method: GET
      url: /clusters/{{ .clusterId }}
${STATUS_POST}`.replace('source: cluster.generation', 'source: event.generation');
    const config = await loadConfig(ADAPTER, t.replace('cluster.?deleted_time.hasValue()', '"false"'));
    const api = new ScriptedApi().on('GET', CLUSTER_GET, notFound()).on('PUT', /statuses$/, { status: 201 });
    const result = await run(config, { id: 'c1', generation: 1 }, api, memoryCluster());
    expect(result.status).toBe('success');
    expect(result.skipReason).toBe('ResourceNotFound');
    expect(api.statusBodies()).toHaveLength(0);
  });

  it('a status PUT answered 404 (hard-deleted) is skipped, not a failure', async () => {
    const config = await loadConfig(ADAPTER, configMapTask());
    const api = new ScriptedApi()
      .on('GET', CLUSTER_GET, cluster(1))
      .on('PUT', /statuses$/, () => notFound('/clusters/c1/statuses'));
    const result = await run(config, { id: 'c1' }, api, memoryCluster());
    expect(result.status).toBe('success');
    expect(result.postActions[0]).toMatchObject({ status: 'skipped', skipReason: 'ResourceNotFound' });
    expect(result.adapter.skipReason).toBe('ResourceNotFound');
  });

  it('a payload whose `when` is false skips the post action that sends it', async () => {
    const t = configMapTask().replace(
      '    - name: statusPayload\n',
      '    - name: statusPayload\n      when:\n        expression: "false"\n',
    );
    const config = await loadConfig(ADAPTER, t);
    const api = new ScriptedApi().on('GET', CLUSTER_GET, cluster(1)).on('PUT', /statuses$/, { status: 201 });
    const result = await run(config, { id: 'c1' }, api, memoryCluster());
    expect(result.postActions[0]).toMatchObject({
      status: 'skipped',
      skipReason: "referenced payload 'statusPayload' was skipped",
    });
    expect(api.statusBodies()).toHaveLength(0);
  });

  it('a resource failure is reported in the status with the phase and step', async () => {
    const config = await loadConfig(ADAPTER, configMapTask());
    const k8s = memoryCluster();
    k8s.transports.kubernetes.apply = async () => {
      throw new Error('admission webhook denied the request');
    };
    const api = new ScriptedApi().on('GET', CLUSTER_GET, cluster(1)).on('PUT', /statuses$/, { status: 201 });
    const result = await run(config, { id: 'c1' }, api, k8s);
    expect(result.status).toBe('failed');
    expect(result.errors.resources?.message).toContain('admission webhook denied the request');
    expect(result.statusReported).toBe(true);
    expect(result.retryable).toBe(false);
    const health = ((api.statusBodies()[0]?.['conditions'] ?? []) as { type: string }[]).find(
      (c) => c.type === 'Health',
    );
    expect(health).toMatchObject({ status: 'False', reason: 'ExecutionFailed:resources' });
  });
});

describe('executor: params', () => {
  it('converts declared types (int -> Go int64), keeps JSON numbers as float64, and uses defaults for optional failures', async () => {
    const t = `
params:
  - name: clusterId
    source: event.id
    required: true
  - name: genText
    source: event.generation
    type: string
  - name: genInt
    source: event.generation
    type: int
  - name: ratio
    source: event.ratio
  - name: missing
    source: event.nope
    default: fallback
  - name: ns
    source: env.NAMESPACE
post:
  payloads:
    - name: p
      build:
        text: "{{ .genText }}|{{ .genInt }}|{{ .ratio }}|{{ .missing }}|{{ .ns }}|{{ .env.NAMESPACE }}"
        isInt:
          expression: type(genInt) == int
        isDouble:
          expression: type(ratio) == double
        envKeys:
          expression: env.size()
  post_actions:
    - name: send
      api_call:
        method: POST
        url: /echo
        body: "{{ .p }}"
`;
    const config = await loadConfig(ADAPTER, t, {}, { NAMESPACE: 'hf' });
    const api = new ScriptedApi().on('POST', /echo$/, { status: 200, body: {} });
    const result = await run(config, { id: 'c1', generation: 3, ratio: 1000000 }, api, memoryCluster(), {
      env: { NAMESPACE: 'hf', SECRET_TOKEN: 'must-not-leak' },
    });
    expect(result.status).toBe('success');
    const body = JSON.parse(api.requests[0]?.body ?? '{}');
    expect(body).toEqual({ text: '3|3|1e+06|fallback|hf|hf', isInt: true, isDouble: true, envKeys: 1 });
    expect(JSON.stringify(result.params, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(
      'must-not-leak',
    );
  });

  it('a missing required param fails the execution without reporting a status', async () => {
    const config = await loadConfig(ADAPTER, configMapTask());
    const api = new ScriptedApi();
    const result = await run(config, { kind: 'Cluster' }, api, memoryCluster());
    expect(result.status).toBe('failed');
    expect(result.errors.param_extraction?.message).toContain(
      "failed to extract required parameter 'clusterId'",
    );
    expect(result.adapter.errorReason).toBe('ParameterExtractionFailed');
    expect(api.requests).toHaveLength(0);
  });

  it('an API that is down makes the result retryable', async () => {
    const { HyperfleetApiUnavailableError } = await import('../../../lib/hyperfleet-api/index.ts');
    const config = await loadConfig(
      ADAPTER,
      configMapTask().replace('url: /clusters/{{ .clusterId }}\n', 'url: /clusters/{{ .clusterId }}\n'),
    );
    const api = new ScriptedApi()
      .on('GET', CLUSTER_GET, cluster(1))
      .on(
        'PUT',
        /statuses$/,
        () => new HyperfleetApiUnavailableError({ method: 'PUT', url: '/x', attempts: 3, lastStatus: 503 }),
      );
    const result = await run(config, { id: 'c1' }, api, memoryCluster());
    expect(result.status).toBe('failed');
    expect(result.retryable).toBe(true);
    expect(result.statusReported).toBe(false);
  });
});

describe('executor: nested discoveries', () => {
  it('finds manifests inside a discovered ManifestWork and enriches them with the agent status', async () => {
    const work = `apiVersion: work.open-cluster-management.io/v1
kind: ManifestWork
metadata:
  name: "w-{{ .clusterId }}"
  annotations:
    hyperfleet.io/generation: "{{ .generation }}"
spec:
  workload:
    manifests:
      - apiVersion: v1
        kind: Namespace
        metadata:
          name: "ns-{{ .clusterId }}"
          labels:
            role: main
      - apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cfg
          namespace: "ns-{{ .clusterId }}"
`;
    const t = `${PARAMS}
resources:
  - name: work
    transport:
      client: maestro
      maestro:
        target_cluster: cluster1
    manifest:
      ref: /etc/adapter/work.yaml
    discovery:
      by_name: "w-{{ .clusterId }}"
    nested_discoveries:
      - name: nsByLabel
        discovery:
          by_selectors:
            label_selector:
              role: main
      - name: cfgByName
        discovery:
          namespace: "ns-{{ .clusterId }}"
          by_name: cfg
post:
  payloads:
    - name: s
      build:
        nsPhase:
          expression: 'statusFeedbackValue(resources.nsByLabel.statusFeedback, "phase")'
        cfgAvailable:
          expression: 'conditionStatus(resources.cfgByName.conditions, "Available")'
        nsName:
          expression: resources.nsByLabel.metadata.name
  post_actions:
    - name: send
      api_call:
        method: POST
        url: /echo
        body: "{{ .s }}"
`;
    const config = await loadConfig(ADAPTER, t, { 'work.yaml': work });
    const k8s = memoryCluster();
    const api = new ScriptedApi()
      .on('GET', CLUSTER_GET, cluster(1))
      .on('POST', /echo$/, { status: 200, body: {} });
    await run(config, { id: 'c1' }, api, k8s);
    // The agent reports status on the work.
    const stored = k8s.transports.maestro.all()[0];
    if (!stored) throw new Error('work not applied');
    stored['status'] = {
      resourceStatus: {
        manifests: [
          {
            resourceMeta: { kind: 'Namespace', name: 'ns-c1', namespace: '' },
            statusFeedback: { values: [{ name: 'phase', fieldValue: { type: 'String', string: 'Active' } }] },
            conditions: [{ type: 'Available', status: 'True' }],
          },
          {
            resourceMeta: { kind: 'ConfigMap', name: 'cfg', namespace: 'ns-c1' },
            conditions: [{ type: 'Available', status: 'True' }],
          },
        ],
      },
    };
    k8s.transports.maestro.seed(stored, 'cluster1');
    const result = await run(config, { id: 'c1' }, api, k8s);
    expect(result.resources[0]?.operation).toBe('skip');
    expect(JSON.parse(api.requests.at(-1)?.body ?? '{}')).toEqual({
      nsPhase: 'Active',
      cfgAvailable: 'True',
      nsName: 'ns-c1',
    });
  });
});

describe('executor: deadline', () => {
  it('an expired deadline makes the result retryable', async () => {
    const config = await loadConfig(ADAPTER, configMapTask());
    const controller = new AbortController();
    const api = new ScriptedApi().on('GET', CLUSTER_GET, () => {
      controller.abort(new Error('deadline'));
      return cluster(1);
    });
    const result = await run(config, { id: 'c1' }, api, memoryCluster(), { signal: controller.signal });
    expect(result.status).toBe('failed');
    expect(result.retryable).toBe(true);
  });
});

describe('executor: the resource is gone', () => {
  it('a required param GET answered 404 (hard-deleted resource) ends quietly: nothing applied, nothing reported', async () => {
    const task = configMapTask().replace(
      '  - name: cluster\n    source:',
      '  - name: cluster\n    required: true\n    source:',
    );
    expect(task).toContain('required: true\n    source:\n      api_call');
    const config = await loadConfig(ADAPTER, task);
    const k8s = memoryCluster();
    const api = new ScriptedApi()
      .on('GET', CLUSTER_GET, () => notFound())
      .on('PUT', /statuses$/, { status: 201 });
    const result = await run(config, { id: 'c1' }, api, k8s);
    expect(result.status).toBe('success');
    expect(result.skipReason).toBe('ResourceNotFound');
    expect(k8s.records).toHaveLength(0);
    expect(api.statusBodies()).toHaveLength(0);
  });

  it('an optional param GET answered 404 leaves the param out and goes on to report, as the Go adapter does', async () => {
    const config = await loadConfig(ADAPTER, configMapTask());
    const api = new ScriptedApi()
      .on('GET', CLUSTER_GET, () => notFound())
      .on('PUT', /statuses$/, { status: 201 });
    const result = await run(config, { id: 'c1' }, api, memoryCluster());
    expect(result.params['cluster']).toBeUndefined();
    expect(result.skipReason).not.toBe('ResourceNotFound');
    expect(api.statusBodies()).toHaveLength(1);
    expect(result.statusReported).toBe(true);
  });

  it('an applied object that its own discovery cannot find fails the resource, as in the Go adapter', async () => {
    const t = configMapTask().replace(
      '      by_name: "cm-{{ .clusterId }}"',
      '      by_name: "someone-else"',
    );
    const config = await loadConfig(ADAPTER, t);
    const api = new ScriptedApi().on('GET', CLUSTER_GET, cluster(1)).on('PUT', /statuses$/, { status: 201 });
    const result = await run(config, { id: 'c1' }, api, memoryCluster());
    expect(result.status).toBe('failed');
    expect(result.errors.resources?.message).toContain('failed to discover resource after apply');
    expect(result.statusReported).toBe(true);
  });
});
