/**
 * A nodepool's life on the real HyperFleet API and Sentinel. Three adapters, each with its own
 * subscription to Sentinel's exchanges as each would have its own Trigger:
 * - e2e-cl-namespace as the API's required adapter: makes the cluster's namespace, reconciles
 *   and finalizes the cluster;
 * - e2e-np-configmap as the API's required nodepool adapter: a ConfigMap in the cluster's
 *   namespace per nodepool, reached through Sentinel's `owner_references`.
 * The nodepool example's precondition reads the cluster status of an adapter named
 * `cl-namespace` (not the required name here): once the cluster is reconciled, that status is
 * PUT to the real API with the required adapter's own report data, as a second cluster adapter
 * would (a second function consuming cluster events would race the first: once Reconciled is
 * True its precondition fails and it reports the namespace as ""). Then a nodepool generation bump, and the cluster's delete cascading to the nodepool, both to
 * hard delete.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type E2eFunction, kubeGet } from '../support/harness.ts';
import {
  clusterPath,
  compatAs,
  conditionOf,
  hyperfleetPeers,
  nodepoolPath,
  RealApi,
  requiredAdapter,
  SentinelBridge,
  startRealApiFunction,
  waitHardDeleted,
  waitReconciled,
} from '../support/real-api.ts';

const stack = inject('stack');
const peers = hyperfleetPeers(stack);
const ADAPTER = requiredAdapter(stack);
const api = new RealApi(peers.api);
const mine = new Set<string>();
const suffix = Date.now().toString(36).slice(-6);

const started: { fn: E2eFunction; bridge: SentinelBridge }[] = [];
let clusterId = '';
let nodepoolId = '';
let npBridge: SentinelBridge;
let npFn: E2eFunction;

const dataOf = (e: Record<string, unknown>) => (e['data'] ?? {}) as Record<string, unknown>;
const ownerOf = (e: Record<string, unknown>) =>
  (dataOf(e)['owner_references'] ?? {}) as Record<string, unknown>;

async function adapter(
  files: Record<string, string>,
  sentinel: 'clusters' | 'nodepools',
): Promise<{ fn: E2eFunction; bridge: SentinelBridge }> {
  const fn = await startRealApiFunction(stack, files);
  const bridge = await new SentinelBridge({
    rabbitmq: peers.rabbitmq,
    sentinel: peers[sentinel],
    target: fn.fn.url,
    accept: (e) =>
      sentinel === 'clusters' ? mine.has(String(dataOf(e)['id'])) : mine.has(String(ownerOf(e)['id'])),
  }).start();
  const a = { fn, bridge };
  started.push(a);
  return a;
}

type ConfigMap = {
  metadata: { annotations?: Record<string, string>; labels?: Record<string, string> };
  data?: Record<string, string>;
};
const configMap = async () =>
  (await kubeGet(stack, `/api/v1/namespaces/${clusterId}/configmaps/nodepool-config-${nodepoolId}`)) as
    | ConfigMap
    | undefined;

beforeAll(async () => {
  clusterId = (await api.createCluster(`e2e-np-${suffix}`, { platform: { type: 'gcp' } })).id;
  mine.add(clusterId);
  nodepoolId = (await api.createNodepool(clusterId, `np-${suffix}`, { replicas: 1 })).id;
  await adapter(compatAs('e2e-cl-namespace', ADAPTER), 'clusters');
  ({ fn: npFn, bridge: npBridge } = await adapter(compatAs('e2e-np-configmap', ADAPTER), 'nodepools'));
});

afterAll(async () => {
  for (const a of started) {
    await a.bridge.stop();
    await a.fn.close();
  }
});

describe('e2e-np-configmap on the real HyperFleet API and Sentinel', () => {
  it('the nodepool carries owner_references to its cluster, and so do Sentinel events', async () => {
    const np = await api.get(nodepoolPath(clusterId, nodepoolId));
    expect(np?.owner_references).toMatchObject({ id: clusterId, kind: 'Cluster' });
    const d = await npBridge.next('a nodepool event', (x) => x.resourceId === nodepoolId, 120_000);
    const event = JSON.parse(d.body) as Record<string, unknown>;
    expect(event['type']).toBe('com.redhat.hyperfleet.nodepool.reconcile');
    expect(ownerOf(event)).toMatchObject({
      id: clusterId,
      kind: 'Cluster',
      href: `/api/hyperfleet/v1${clusterPath(clusterId)}`,
    });
  });

  it('precondition not met: no cl-namespace status on the cluster yet, nothing applied', async () => {
    const skipped = await npBridge.next(
      'a nodepool event answered as skipped',
      (x) =>
        x.resourceId === nodepoolId && x.outcome === 'handled' && x.answer?.includes('"skipped"') === true,
      120_000,
    );
    expect(JSON.parse(skipped.answer ?? '{}')).toMatchObject({
      resourcesSkipped: true,
      statusReported: true,
    });
    const s = await api.statusOf(nodepoolPath(clusterId, nodepoolId), ADAPTER);
    expect(conditionOf(s, 'Health')).toMatchObject({ status: 'False', reason: 'ResourcesSkipped' });
    expect(conditionOf(s, 'Available')?.status).toBe('False');
    expect(await configMap()).toBeUndefined();
    const np = await api.get(nodepoolPath(clusterId, nodepoolId));
    expect(conditionOf(np?.status, 'Reconciled')?.status).toBe('False');
  });

  it('create: once cl-namespace reports the namespace Active, the ConfigMap is applied and Reconciled True', async () => {
    const cluster = await waitReconciled(api, clusterPath(clusterId), ADAPTER, 1);
    expect(cluster.status.data).toEqual({ namespace: { name: clusterId, status: 'Active' } });
    const put = await api.call('PUT', `${clusterPath(clusterId)}/statuses`, {
      adapter: 'cl-namespace',
      observed_generation: 1,
      observed_time: new Date().toISOString(),
      conditions: ['Applied', 'Available', 'Health'].map((type) => ({
        type,
        status: 'True',
        reason: 'NamespaceReady',
        message: 'the cluster namespace is Active',
      })),
      data: cluster.status.data,
    });
    expect(put.status, put.text).toBe(201);
    const { status } = await waitReconciled(api, nodepoolPath(clusterId, nodepoolId), ADAPTER, 1);
    expect(conditionOf(status, 'Applied')).toMatchObject({ status: 'True', reason: 'ConfigMapApplied' });
    const cm = await configMap();
    expect(cm?.data).toMatchObject({ 'nodepool.id': nodepoolId, 'cluster.id': clusterId });
    expect(cm?.metadata.annotations?.['hyperfleet.io/generation']).toBe('1');
  });

  it('generation bump: a PATCH of the nodepool spec is re-applied and reconciled at generation 2', async () => {
    const res = await api.call('PATCH', nodepoolPath(clusterId, nodepoolId), { spec: { replicas: 3 } });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ generation: 2 });
    await waitReconciled(api, nodepoolPath(clusterId, nodepoolId), ADAPTER, 2);
    expect((await configMap())?.metadata.annotations?.['hyperfleet.io/generation']).toBe('2');
  });

  it('delete the cluster: 202, cascade to the nodepool, both finalized and hard-deleted', async () => {
    const res = await api.call('DELETE', clusterPath(clusterId));
    expect(res.status, res.text).toBe(202);
    const np = await api.get(nodepoolPath(clusterId, nodepoolId));
    expect(np?.deleted_time, 'the nodepool is soft-deleted with its cluster').toEqual(expect.any(String));
    await waitHardDeleted(api, nodepoolPath(clusterId, nodepoolId), ADAPTER);
    await waitHardDeleted(api, clusterPath(clusterId), ADAPTER);
    expect(await configMap()).toBeUndefined();
    for (const a of started) await a.bridge.drain();
    const figures = started.map((a) => a.bridge.counts());
    for (const a of started) {
      const dead = a.bridge.deliveries.filter((d) => d.outcome !== 'handled');
      expect(
        dead.map((d) => `${d.resourceId} gen ${d.generation}: ${d.statuses.join(',')} ${d.answer}`),
      ).toEqual([]);
    }
    console.log(`nodepool-lifecycle: per adapter ${JSON.stringify(figures)}`);
    expect(npFn.fn.logs().filter((l) => l.level === 'error' || l.level === 50)).toEqual([]);
  });
});
