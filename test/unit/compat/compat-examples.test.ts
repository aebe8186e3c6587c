/**
 * The eight compat examples, unchanged, through the real executor via the dry run: for each
 * scenario input, the status PUT (URL, body), the HyperFleet API calls, the resource
 * operations and the objects applied must be what the example's own CEL and templates
 * compute (expected values are written by hand in expected-*.ts), and every status body must
 * be one the HyperFleet API accepts.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHyperfleetApiDouble } from '../../support/hyperfleet-api-double.ts';
import { OBSERVED_TIME, type ScenarioExpectation } from './expectations.ts';
import { CHART_KUBERNETES } from './expected-chart-kubernetes.ts';
import { E2E_KUBERNETES } from './expected-e2e-kubernetes.ts';
import { MAESTRO, MAESTRO_CM, MAESTRO_ID, MAESTRO_NS, MAESTRO_WORK } from './expected-maestro.ts';
import {
  apiCalls,
  applied,
  EXAMPLES_DIR,
  FIXTURES_DIR,
  mutations,
  NOW,
  requireExamples,
  resourceLines,
  runScenario,
  statusPuts,
} from './harness.ts';

requireExamples();

const ALL: ScenarioExpectation[] = [...E2E_KUBERNETES, ...MAESTRO, ...CHART_KUBERNETES];
const examples = [...new Set(ALL.map((e) => e.example))];

describe('compat corpus coverage', () => {
  it('has expectations for every example in the corpus and a fixture for every scenario', () => {
    expect(examples.sort()).toEqual(readdirSync(EXAMPLES_DIR).sort());
    for (const e of ALL) {
      expect(
        existsSync(join(FIXTURES_DIR, e.example, e.scenario, 'event.json')),
        `${e.example}/${e.scenario}`,
      ).toBe(true);
    }
  });
});

for (const example of examples) {
  describe(example, () => {
    for (const exp of ALL.filter((e) => e.example === example)) {
      it(`${exp.scenario}: ${exp.summary}`, async () => {
        const { report, result } = await runScenario(exp.example, exp.scenario, exp.discovery);

        expect(result.status).toBe('success');
        expect(result.errors).toEqual({});
        expect(report.adapter).toBe(exp.adapter);
        expect(report.event.type).toBe(
          exp.resource.kind === 'Cluster'
            ? 'com.redhat.hyperfleet.cluster.reconcile'
            : 'com.redhat.hyperfleet.nodepool.reconcile',
        );
        expect(apiCalls(report)).toEqual(exp.apiCalls);
        expect(result.resourcesSkipped).toBe(exp.skipReason !== undefined);
        if (exp.skipReason !== undefined) expect(result.adapter.skipReason).toBe(exp.skipReason);
        expect(resourceLines(result)).toEqual(exp.resources);
        expect(mutations(report)).toEqual(exp.mutations);

        const objects = applied(report);
        expect(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual(
          exp.applied.map((a) => `${a.kind} ${a.namespace ?? ''}/${a.name}`),
        );
        exp.applied.forEach((a, i) => {
          const meta = objects[i]?.metadata;
          if (a.labels) expect(meta?.labels).toMatchObject(a.labels);
          if (a.annotations) expect(meta?.annotations).toMatchObject(a.annotations);
        });

        if (exp.postActions) {
          expect(result.postActions.map((p) => `${p.name}: ${p.status}`)).toEqual(exp.postActions);
        }

        const puts = statusPuts(result);
        if (exp.put === null) {
          expect(puts).toEqual([]);
          expect(report.apiRequests.filter((r) => r.method === 'PUT')).toEqual([]);
          return;
        }
        expect(puts).toHaveLength(1);
        const put = puts[0]!;
        expect(put.url).toBe(exp.put.url);
        expect(put.body).toEqual({
          adapter: exp.adapter,
          observed_generation: exp.put.observedGeneration,
          observed_time: OBSERVED_TIME,
          conditions: exp.put.conditions,
          ...(exp.put.data === undefined ? {} : { data: exp.put.data }),
        });
        // Go's json.Marshal writes map keys sorted; the body is the payload as Go would send it.
        const keys = Object.keys(put.body);
        expect(keys).toEqual([...keys].sort());
        // What reached the API is exactly what the post action built.
        const sent = report.apiRequests.filter((r) => r.method === 'PUT');
        expect(sent).toHaveLength(1);
        expect(sent[0]?.body).toBe(put.raw);
        expect(sent[0]?.headers['content-type']).toBe('application/json');
        expect(sent[0]?.status).toBe(201);
        expect(result.statusReported).toBe(true);
      });
    }
  });
}

describe('e2e-cl-maestro against what the e2e suite checks', () => {
  it('creates {clusterId}-cl-maestro on cluster1 with the namespace and configmap the templates render', async () => {
    const { report } = await runScenario('e2e-cl-maestro', 'create', undefined);
    const [work] = applied(report);
    const op = report.transportOperations.find((r) => r.operation === 'apply');
    expect(op?.target).toBe('cluster1');
    expect(work?.metadata.name).toBe(MAESTRO_WORK);
    const manifests = (work as unknown as { spec: { workload: { manifests: Record<string, unknown>[] } } })
      .spec.workload.manifests;
    expect(manifests.map((m) => `${m['kind']} ${(m['metadata'] as { name: string }).name}`)).toEqual([
      `Namespace ${MAESTRO_NS}`,
      `ConfigMap ${MAESTRO_CM}`,
    ]);
    for (const m of manifests) {
      expect((m['metadata'] as { annotations: Record<string, string> }).annotations).toEqual({
        'hyperfleet.io/generation': '1',
      });
    }
    // {{ if eq .platformType "gcp" }} and {{ range .subnets }} over the cluster's spec.
    expect(manifests[1]?.['data']).toEqual({
      cluster_id: MAESTRO_ID,
      cluster_name: 'e2e-maestro-cluster',
      platform_tier: 'cloud',
      subnet_s1_name: 'e2e-control-plane',
      subnet_s1_cidr: '10.0.0.0/24',
      subnet_s1_role: 'control-plane',
      subnet_s2_name: 'e2e-workers',
      subnet_s2_cidr: '10.0.1.0/24',
      subnet_s2_role: 'worker',
    });
  });

  it('renders the onprem branch and no subnets when the spec has none', async () => {
    const { report } = await runScenario('e2e-cl-maestro', 'stale-event', undefined);
    const manifests = (
      applied(report)[0] as unknown as { spec: { workload: { manifests: Record<string, unknown>[] } } }
    ).spec.workload.manifests;
    expect(manifests[1]?.['data']).toEqual({
      cluster_id: MAESTRO_ID,
      cluster_name: 'e2e-maestro-cluster',
      platform_tier: 'onprem',
    });
  });

  it('leaves the resource bundle alone on a repeated event of the same generation', async () => {
    const { report, result } = await runScenario('e2e-cl-maestro', 'applied', 'scenario');
    expect(result.resources.map((r) => r.operation)).toEqual(['skip']);
    expect(report.transportOperations.filter((r) => r.operation !== 'get')).toEqual([]);
    const body = statusPuts(result)[0]?.body as { conditions: { type: string; reason: string }[] };
    expect(body.conditions.map((c) => `${c.type}=${c.reason}`)).toEqual([
      'Applied=AppliedManifestWorkComplete',
      'Available=AllResourcesAvailable',
      'Health=Healthy',
      'Finalized=NotDeleting',
    ]);
  });
});

describe('status payloads against the HyperFleet API contract double', () => {
  for (const exp of ALL.filter((e) => e.put !== null)) {
    it(`${exp.example}/${exp.scenario}: accepted with 201`, async () => {
      const { result } = await runScenario(exp.example, exp.scenario, exp.discovery);
      const [put] = statusPuts(result);
      expect(put).toBeDefined();
      const generation = exp.put?.observedGeneration ?? 0;
      const api = await startHyperfleetApiDouble({
        requiredAdapters: [exp.adapter],
        now: () => NOW.getTime(),
      });
      try {
        // A soft delete bumps the generation: seed one below and delete, as the API would have.
        const seeded = exp.deleting ? generation - 1 : generation;
        const r = exp.resource;
        if (r.kind === 'Cluster') {
          api.putCluster({ id: r.id, name: 'compat', generation: seeded });
          if (exp.deleting) api.markDeleted('Cluster', r.id);
        } else {
          api.putCluster({ id: r.clusterId, name: 'compat', generation: 1 });
          api.putNodepool(r.clusterId, { id: r.id, name: 'compat-np', generation: seeded });
          if (exp.deleting) api.markDeleted('NodePool', r.id);
        }
        expect(api.resource(r.kind, r.id)?.generation).toBe(generation);
        const res = await fetch(`${api.url}${put!.path}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: put!.raw,
        });
        const text = await res.text();
        expect(res.status, text).toBe(201);
        expect((JSON.parse(text) as { adapter: string }).adapter).toBe(exp.adapter);
      } finally {
        await api.close();
      }
    });
  }
});
