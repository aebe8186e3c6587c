/**
 * The e2e-cl-maestro example on the real HyperFleet API and Sentinel: the function, as the API's
 * required adapter, publishes a ManifestWork through the stack's Maestro to consumer `cluster1`,
 * whose agent applies it to the kube-apiserver; its feedback makes the report Available, and
 * the API's Reconciled follows. Then a generation bump and delete to hard delete.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '../../support/eventually.ts';
import { bundleOf, type E2eFunction, kubeGet } from '../support/harness.ts';
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
// The example's maestro.source_id and the consumer its placement param names.
const SOURCE = 'cl-maestro';
const CONSUMER = 'cluster1';
const api = new RealApi(peers.api);
const mine = new Set<string>();
const spec = (cidr: string) => ({
  platform: { type: 'gcp', gcp: { subnets: [{ id: 's1', name: 'workers', cidr, role: 'worker' }] } },
});

let f: E2eFunction;
let bridge: SentinelBridge;
let clusterId = '';
const bundle = () => bundleOf(stack, SOURCE, CONSUMER, `${clusterId}-${ADAPTER}`);
const nsName = () => `${clusterId}-${ADAPTER}-namespace`;

beforeAll(async () => {
  if (!stack.maestro.consumers.includes(CONSUMER))
    throw new Error(`stack has no Maestro consumer ${CONSUMER}`);
  f = await startRealApiFunction(stack, compatAs('e2e-cl-maestro', ADAPTER));
  bridge = await new SentinelBridge({
    rabbitmq: peers.rabbitmq,
    sentinel: peers.clusters,
    target: f.fn.url,
    accept: (e) => mine.has(String((e['data'] as Record<string, unknown> | undefined)?.['id'])),
  }).start();
  clusterId = (await api.createCluster(`e2e-maestro-${Date.now().toString(36)}`, spec('10.0.1.0/24'))).id;
  mine.add(clusterId);
});

afterAll(async () => {
  await bridge?.stop();
  await f?.close();
});

describe('e2e-cl-maestro on the real HyperFleet API and Sentinel', () => {
  it('create: the ManifestWork applied through Maestro, Reconciled True at generation 1', async () => {
    const { status } = await waitReconciled(api, clusterPath(clusterId), ADAPTER, 1);
    expect(conditionOf(status, 'Applied')).toMatchObject({ reason: 'AppliedManifestWorkComplete' });
    expect(conditionOf(status, 'Available')).toMatchObject({ reason: 'AllResourcesAvailable' });
    expect(conditionOf(status, 'Health')).toMatchObject({ reason: 'Healthy' });
    const b = await bundle();
    expect(b?.consumer_name).toBe(CONSUMER);
    expect(b?.metadata.labels?.['hyperfleet.io/generation']).toBe('1');
    expect(await kubeGet(stack, `/api/v1/namespaces/${nsName()}`)).toBeDefined();
    await bridge.drain();
    expect(bridge.counts()).toMatchObject({ deadLettered: 0, inFlight: 0 });
  });

  it('precondition not met: a repeated event once Reconciled is True leaves the work as it is', async () => {
    const last = bridge.for(clusterId).at(-1);
    if (last === undefined) throw new Error('no Sentinel event delivered for the cluster');
    const before = await bundle();
    const answer = await f.fn.post({ 'content-type': 'application/cloudevents+json' }, last.body);
    expect(answer.status, answer.body).toBe(200);
    expect(answer.json).toMatchObject({ outcome: 'handled', status: 'skipped', resourcesSkipped: true });
    expect((await bundle())?.version).toBe(before?.version);
  });

  it('generation bump: the work updated in place and reconciled at generation 2', async () => {
    const before = (await bundle())?.version ?? 0;
    const patched = await api.call('PATCH', clusterPath(clusterId), { spec: spec('10.0.2.0/24') });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json).toMatchObject({ generation: 2 });
    await waitReconciled(api, clusterPath(clusterId), ADAPTER, 2);
    const b = await bundle();
    expect(b?.version).toBe(before + 1);
    expect(b?.metadata.labels?.['hyperfleet.io/generation']).toBe('2');
  });

  it('delete: 202, the work and its namespace removed, then the hard delete', async () => {
    const res = await api.call('DELETE', clusterPath(clusterId));
    expect(res.status, res.text).toBe(202);
    expect((res.json as { deleted_time?: string }).deleted_time).toEqual(expect.any(String));
    await waitHardDeleted(api, clusterPath(clusterId), ADAPTER);
    expect(await bundle()).toBeUndefined();
    await eventually(
      'the work namespace gone from the cluster',
      async () => ((await kubeGet(stack, `/api/v1/namespaces/${nsName()}`)) ? undefined : true),
      120_000,
      1_000,
    );
    await bridge.drain();
    const counts = bridge.counts();
    expect(counts).toMatchObject({ deadLettered: 0, inFlight: 0 });
    console.log(
      `cluster-maestro: Sentinel events delivered ${JSON.stringify(counts)}, foreign ${bridge.foreign}`,
    );
  });
});
