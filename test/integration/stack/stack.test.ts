import { describe, expect, inject, it } from 'vitest';
import { getConfigMap, getResourceBundle, workId } from '../../stack/canary.ts';
import { checkStack } from '../../stack/health.ts';
import { http } from '../../stack/http.ts';
import { currentPids } from '../../stack/pids.ts';
import { isAlive, waitFor } from '../../stack/proc.ts';

const stack = inject('stack');

interface Bundle {
  consumer_name: string;
  metadata: { name: string };
  status: {
    conditions: { type: string; status: string }[];
    resourceStatus: {
      resourceMeta: { kind: string; name: string; namespace: string };
      statusFeedback: { values: { name: string; fieldValue: { type: string; jsonRaw?: string } }[] };
    }[];
  };
}

describe('test stack', () => {
  it('has every peer running and answering its health endpoint', async () => {
    const health = await checkStack(stack);
    const roles = health.map((h) => h.role).sort();
    expect(roles).toEqual(
      expect.arrayContaining([
        'postgres',
        'etcd',
        'kube-apiserver',
        'kube-controller-manager',
        'maestro',
        ...stack.maestro.consumers.map((c) => `agent-${c}`),
        ...(stack.hyperfleetApi === undefined
          ? []
          : ['rabbitmq', 'epmd', 'hyperfleet-api', 'sentinel-clusters', 'sentinel-nodepools']),
      ]),
    );
    for (const h of health)
      expect({ role: h.role, healthy: h.healthy, detail: h.detail }).toMatchObject({ healthy: true });
  });

  it('listens on distinct loopback ports and records a live pid per peer', () => {
    const ports = Object.values(stack.ports ?? {});
    expect(ports.length).toBeGreaterThanOrEqual(12);
    expect(new Set(ports).size).toBe(ports.length);
    for (const pid of Object.values(currentPids(stack))) expect(isAlive(pid)).toBe(true);
  });

  it('serves the admin identity through the kube-apiserver with RBAC on', async () => {
    const review = await http(`${stack.kube.server}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`, {
      method: 'POST',
      caFile: stack.kube.caFile,
      token: stack.kube.adminToken,
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb: 'create', resource: 'namespaces' } },
      },
    });
    expect(review.status).toBe(201);
    expect((review.json as { status: { allowed: boolean } }).status.allowed).toBe(true);
    const anonymous = await http(`${stack.kube.server}/api/v1/namespaces`, { caFile: stack.kube.caFile });
    expect([401, 403]).toContain(anonymous.status);
  });

  it('has the AppliedManifestWork CRD served', async () => {
    const res = await http(
      `${stack.kube.server}/apis/work.open-cluster-management.io/v1/appliedmanifestworks`,
      {
        caFile: stack.kube.caFile,
        token: stack.kube.adminToken,
      },
    );
    expect(res.status).toBe(200);
    // Each agent names its AppliedManifestWorks after a hash of its broker URL; distinct
    // spellings of the URL keep two agents on one cluster from fighting over them.
    const items = (res.json as { items: { spec: { hubHash: string; manifestWorkName: string } }[] }).items;
    const canaryIds = (stack.canary?.works ?? []).map((w) => w.resourceId);
    const canaries = items.filter((i) => canaryIds.includes(i.spec.manifestWorkName));
    expect(canaries.length).toBe(stack.maestro.consumers.length);
    expect(new Set(canaries.map((i) => i.spec.hubHash)).size).toBe(stack.maestro.consumers.length);
  });

  it('applied each canary ConfigMap, visible through the kube-apiserver', async () => {
    expect(stack.canary?.works.map((w) => w.consumer).sort()).toEqual([...stack.maestro.consumers].sort());
    for (const work of stack.canary?.works ?? []) {
      const cm = await getConfigMap(stack.kube, work.configMap);
      expect(cm?.data).toEqual({ runId: stack.runId, consumer: work.consumer });
    }
  });

  it('reports each canary Applied and Available with feedback over Maestro REST', async () => {
    for (const work of stack.canary?.works ?? []) {
      const bundle = (await getResourceBundle(stack.maestro.httpUrl, work.resourceId)) as Bundle;
      expect(bundle.consumer_name).toBe(work.consumer);
      expect(bundle.metadata.name).toBe(work.workName);
      const conditions = Object.fromEntries(bundle.status.conditions.map((c) => [c.type, c.status]));
      expect(conditions).toMatchObject({ Applied: 'True', Available: 'True' });
      const manifest = bundle.status.resourceStatus[0];
      expect(manifest?.resourceMeta).toMatchObject({ kind: 'ConfigMap', name: work.configMap.name });
      const data = manifest?.statusFeedback.values.find((v) => v.name === 'data');
      expect(data?.fieldValue.type).toBe('JsonRaw');
      expect(JSON.parse(data?.fieldValue.jsonRaw ?? 'null')).toEqual({
        runId: stack.runId,
        consumer: work.consumer,
      });
    }
  });

  it('addresses works by the UUID v5 Maestro derives from source, consumer and name', () => {
    expect(workId('hyperfleet-adapter', 'cluster1', 'w1')).toBe('a65f19da-5468-5a45-8506-2dfe4c51fbda');
    for (const work of stack.canary?.works ?? []) {
      expect(work.resourceId).toBe(workId(stack.canary?.source ?? '', work.consumer, work.workName));
    }
  });

  it('finishes namespace deletion and garbage-collects dependants (controller-manager at work)', async () => {
    const kube = (method: string, path: string, body?: unknown) =>
      http(`${stack.kube.server}${path}`, {
        method,
        body,
        caFile: stack.kube.caFile,
        token: stack.kube.adminToken,
      });
    const ns = `stack-gc-${Math.random().toString(36).slice(2, 8)}`;
    expect((await kube('POST', '/api/v1/namespaces', { metadata: { name: ns } })).status).toBe(201);
    const owner = await kube('POST', `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'owner' } });
    const uid = (owner.json as { metadata: { uid: string } }).metadata.uid;
    const dependant = {
      metadata: {
        name: 'dependant',
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid }],
      },
    };
    expect((await kube('POST', `/api/v1/namespaces/${ns}/configmaps`, dependant)).status).toBe(201);
    expect((await kube('DELETE', `/api/v1/namespaces/${ns}/configmaps/owner`)).status).toBe(200);
    await waitFor(
      async () =>
        (await kube('GET', `/api/v1/namespaces/${ns}/configmaps/dependant`)).status === 404
          ? true
          : undefined,
      { what: 'garbage collection of the dependant', timeoutMs: 30_000 },
    );
    expect((await kube('DELETE', `/api/v1/namespaces/${ns}`)).status).toBe(200);
    await waitFor(
      async () => ((await kube('GET', `/api/v1/namespaces/${ns}`)).status === 404 ? true : undefined),
      { what: `namespace ${ns} deletion`, timeoutMs: 30_000 },
    );
  });

  it('registers every consumer in Maestro', async () => {
    const res = await http(`${stack.maestro.httpUrl}/api/maestro/v1/consumers`);
    const names = (res.json as { items: { name: string }[] }).items.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(stack.maestro.consumers));
  });
});
