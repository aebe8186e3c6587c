/**
 * A cluster's life on the real HyperFleet API, driven by the real Sentinel's events: the
 * e2e-cl-namespace example (Direct transport to the stack's kube-apiserver) runs as the API's
 * required adapter in the function process; Sentinel's messages reach it from RabbitMQ through
 * the Trigger-like bridge. Create, a precondition not met, a generation bump, delete to hard delete.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '../../support/eventually.ts';
import { type E2eFunction, kubeGet } from '../support/harness.ts';
import {
  clusterPath,
  compatAs,
  conditionOf,
  hyperfleetPeers,
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
const SPEC = { platform: { type: 'gcp', gcp: { region: 'us-east1' } } };

let f: E2eFunction;
let bridge: SentinelBridge;
let clusterId = '';

type Namespace = {
  metadata: {
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    resourceVersion?: string;
  };
};
const namespace = async () =>
  (await kubeGet(stack, `/api/v1/namespaces/${clusterId}`)) as Namespace | undefined;

beforeAll(async () => {
  f = await startRealApiFunction(stack, compatAs('e2e-cl-namespace', ADAPTER));
  bridge = await new SentinelBridge({
    rabbitmq: peers.rabbitmq,
    sentinel: peers.clusters,
    target: f.fn.url,
    accept: (e) => mine.has(String((e['data'] as Record<string, unknown> | undefined)?.['id'])),
  }).start();
  const created = await api.createCluster(`e2e-direct-${Date.now().toString(36)}`, SPEC);
  clusterId = created.id;
  mine.add(clusterId);
});

afterAll(async () => {
  await bridge?.stop();
  await f?.close();
});

describe('e2e-cl-namespace on the real HyperFleet API and Sentinel', () => {
  it('create: Sentinel publishes, the namespace is applied, Reconciled reaches True at generation 1', async () => {
    const created = await api.get(clusterPath(clusterId));
    expect(created).toMatchObject({ generation: 1, kind: 'Cluster' });
    // The API gives a new cluster a Reconciled=False condition at once.
    expect(conditionOf(created?.status, 'Reconciled')?.status).toBe('False');
    const { status } = await waitReconciled(api, clusterPath(clusterId), ADAPTER, 1);
    expect(conditionOf(status, 'Applied')).toMatchObject({ status: 'True', reason: 'NamespaceCreated' });
    expect(conditionOf(status, 'Health')).toMatchObject({ status: 'True', reason: 'Healthy' });
    expect(status.data).toEqual({ namespace: { name: clusterId, status: 'Active' } });
    const ns = await namespace();
    expect(ns?.metadata.annotations?.['hyperfleet.io/generation']).toBe('1');
    expect(ns?.metadata.labels?.['hyperfleet.io/cluster-id']).toBe(clusterId);
    const delivered = bridge.for(clusterId);
    expect(delivered.length).toBeGreaterThan(0);
    // Every event id is Sentinel's own, never the cluster id.
    expect(delivered.every((d) => d.eventId !== clusterId)).toBe(true);
    await bridge.drain();
    expect(bridge.counts()).toMatchObject({ deadLettered: 0, inFlight: 0 });
  });

  it('precondition not met: a repeated event once Reconciled is True applies nothing', async () => {
    const last = bridge.for(clusterId).at(-1);
    if (last === undefined) throw new Error('no Sentinel event delivered for the cluster');
    const before = await namespace();
    // The API discards (204) a report at the same generation whose observed_time is not newer
    // than the stored one, and the example writes observed_time to the second: the repeat goes
    // out once the clock has passed the second of the last report.
    const lastReport = Date.parse(
      (await api.statusOf(clusterPath(clusterId), ADAPTER))?.last_report_time ?? '',
    );
    expect(Number.isNaN(lastReport)).toBe(false);
    await eventually(
      'a new second after the last report',
      async () => (Math.floor(Date.now() / 1000) > Math.floor(lastReport / 1000) ? true : undefined),
      5_000,
      50,
    );
    const answer = await f.fn.post({ 'content-type': 'application/cloudevents+json' }, last.body);
    expect(answer.status, answer.body).toBe(200);
    expect(answer.json).toMatchObject({ outcome: 'handled', status: 'skipped', resourcesSkipped: true });
    const status = await api.statusOf(clusterPath(clusterId), ADAPTER);
    expect(conditionOf(status, 'Health')).toMatchObject({ status: 'False', reason: 'ResourcesSkipped' });
    const after = await namespace();
    expect(after?.metadata).toMatchObject({
      resourceVersion: before?.metadata.resourceVersion ?? 'absent',
    });
  });

  it('generation bump: a PATCH of the spec is applied and reconciled at generation 2', async () => {
    const patched = await api.call('PATCH', clusterPath(clusterId), {
      spec: { ...SPEC, platform: { ...SPEC.platform, gcp: { region: 'us-west1' } } },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json).toMatchObject({ generation: 2 });
    await waitReconciled(api, clusterPath(clusterId), ADAPTER, 2);
    expect((await namespace())?.metadata.annotations?.['hyperfleet.io/generation']).toBe('2');
    expect(bridge.for(clusterId).some((d) => d.generation === 2 && d.outcome === 'handled')).toBe(true);
  });

  it('delete: 202 with deleted_time, the namespace removed, Finalized reported, then the hard delete', async () => {
    const deletedAt = Date.now();
    const res = await api.call('DELETE', clusterPath(clusterId));
    expect(res.status, res.text).toBe(202);
    expect((res.json as { deleted_time?: string }).deleted_time).toEqual(expect.any(String));
    // Soft-deleted: still readable, with deleted_time, until every required adapter finalized.
    const soft = await api.get(clusterPath(clusterId));
    expect(soft?.deleted_time).toEqual(expect.any(String));
    let finalized: unknown;
    await eventually(
      'a Finalized=True report or the hard delete',
      async () => {
        const s = await api.statusOf(clusterPath(clusterId), ADAPTER);
        const fin = conditionOf(s, 'Finalized');
        if (fin?.status === 'True') finalized = fin;
        return finalized !== undefined || (await api.get(clusterPath(clusterId))) === undefined
          ? true
          : undefined;
      },
      180_000,
      250,
    );
    await waitHardDeleted(api, clusterPath(clusterId), ADAPTER);
    expect(await namespace()).toBeUndefined();
    // The API hard-deletes inside the status PUT that carries Finalized=True, so a GET may never
    // see that report; what must hold is an event after the DELETE that the function handled
    // and reported on. When a GET did catch Finalized=True, it is the cleanup-confirmed one.
    const afterDelete = bridge
      .for(clusterId)
      .filter((d) => d.receivedAt >= deletedAt && d.outcome === 'handled')
      .map((d) => JSON.parse(d.answer ?? '{}') as { statusReported?: boolean; status?: string });
    expect(afterDelete.some((a) => a.statusReported === true && a.status === 'success')).toBe(true);
    if (finalized !== undefined)
      expect(finalized).toMatchObject({ status: 'True', reason: 'CleanupConfirmed' });
    console.log(
      `cluster-direct: Finalized=True seen by a GET before the hard delete: ${finalized !== undefined}`,
    );
    expect((await api.call('GET', `${clusterPath(clusterId)}/statuses`)).status).toBe(404);
    await bridge.drain();
    const counts = bridge.counts();
    expect(counts).toMatchObject({ deadLettered: 0, inFlight: 0 });
    console.log(
      `cluster-direct: Sentinel events delivered ${JSON.stringify(counts)}, foreign ${bridge.foreign}`,
    );
  });
});
