/**
 * A nodepool's life through e2e-np-configmap (Direct transport to the kube-apiserver): the
 * event carries `owner_references` (the cluster), the precondition needs the cluster's
 * cl-namespace report to say Active, and the ConfigMap lands in the cluster's namespace.
 * Until cl-namespace reports, every event is reported as skipped, with the reason.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiDouble, startHyperfleetApiDouble } from '../support/hyperfleet-api-double.ts';
import {
  compatFiles,
  type E2eFunction,
  kubeCreate,
  kubeGet,
  putStatus,
  stackEnv,
  startE2eFunction,
  until,
} from './support/harness.ts';
import { SentinelDriver } from './support/sentinel.ts';
import { conditionIn, describeReport, reconciledAt, reportOf } from './support/status.ts';

const stack = inject('stack');
const ADAPTER = 'np-configmap';
const stamp = Date.now().toString(36);
const clusterId = `e2enpc${stamp}`;
const nodepoolId = `e2enp${stamp}`;
const cmPath = `/api/v1/namespaces/${clusterId}/configmaps/nodepool-config-${nodepoolId}`;

let api: ApiDouble;
let f: E2eFunction;
let sentinel: SentinelDriver;

const report = () => reportOf(api, 'NodePool', nodepoolId, ADAPTER);

beforeAll(async () => {
  api = await startHyperfleetApiDouble({
    requiredAdapters: { Cluster: ['cl-namespace'], NodePool: [ADAPTER] },
  });
  const files = compatFiles('e2e-np-configmap');
  f = await startE2eFunction(files, stackEnv(stack, api, files));
  sentinel = new SentinelDriver({ api, target: f.fn.url, pollMs: 200, notReadyAgeMs: 1_000 });
  api.putCluster({ id: clusterId, name: `name-${clusterId}`, generation: 1, spec: {} });
  api.putNodepool(clusterId, { id: nodepoolId, name: `pool-${nodepoolId}`, generation: 1, spec: {} });
  sentinel.watch('NodePool', nodepoolId, clusterId);
  sentinel.start();
});

afterAll(async () => {
  sentinel?.stop();
  await sentinel?.drain(30_000);
  await f?.close();
  await api?.close();
});

describe('e2e-np-configmap: precondition, create, delete', () => {
  it('precondition not met (cluster namespace not Active): reported as skipped, with the reason, nothing applied', async () => {
    await until('a skipped report', () => (report() ? true : undefined), 30_000);
    const r = report();
    expect(r?.observed_generation).toBe(1);
    expect(conditionIn(r, 'Applied')).toMatchObject({ status: 'False', reason: 'ConfigMapPending' });
    expect(conditionIn(r, 'Health')).toMatchObject({ status: 'False', reason: 'ResourcesSkipped' });
    expect(conditionIn(r, 'Health')?.message).toMatch(/^Resources skipped: .*validationCheck/);
    expect(await kubeGet(stack, cmPath)).toBeUndefined();
    // Sentinel keeps publishing (Reconciled not True): every one handled, none lost.
    await until('Sentinel republished the not-ready nodepool', () =>
      sentinel.eventsFor('NodePool', nodepoolId).length >= 2 ? true : undefined,
    );
    expect(sentinel.counts()).toMatchObject({ deadLettered: 0, rejected: 0, lost: 0 });
  });

  it('once the cluster namespace is Active: the ConfigMap in it, Applied/Available/Health True, Reconciled', async () => {
    expect(await kubeCreate(stack, '/api/v1/namespaces', { metadata: { name: clusterId } })).toBe(201);
    expect(
      await putStatus(api, `/clusters/${clusterId}/statuses`, 'cl-namespace', 1, {
        namespace: { name: clusterId, status: 'Active' },
      }),
    ).toBe(201);
    await until(
      'np-configmap reconciled at generation 1',
      () =>
        reconciledAt(report(), 1) &&
        api.resource('NodePool', nodepoolId)?.status.conditions.find((c) => c.type === 'Reconciled')
          ?.status === 'True'
          ? true
          : undefined,
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last report: ${describeReport(report())}`);
    });
    expect(conditionIn(report(), 'Applied')).toMatchObject({ reason: 'ConfigMapApplied' });
    const cm = await kubeGet(stack, cmPath);
    const meta = cm?.['metadata'] as { labels?: Record<string, string> } | undefined;
    // The cluster id came from the event's owner_references, the name from the nodepool GET.
    expect(meta?.labels).toMatchObject({
      'hyperfleet.io/cluster-id': clusterId,
      'hyperfleet.io/nodepool-id': nodepoolId,
      'hyperfleet.io/nodepool-name': `pool-${nodepoolId}`,
    });
    expect(cm?.['data']).toMatchObject({ 'cluster.id': clusterId, 'nodepool.id': nodepoolId });
  });

  it('delete: the ConfigMap removed, Finalized=True, the nodepool hard-deleted', async () => {
    api.markDeleted('NodePool', nodepoolId);
    await until(
      'nodepool hard-deleted by the API',
      () => (api.resource('NodePool', nodepoolId) === undefined ? true : undefined),
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last report: ${describeReport(report())}`);
    });
    expect(await kubeGet(stack, cmPath)).toBeUndefined();
    const last = api.requests
      .filter((r) => r.method === 'PUT' && r.path.endsWith(`/nodepools/${nodepoolId}/statuses`))
      .map((r) => JSON.parse(r.body) as { conditions: { type: string; status: string; reason: string }[] })
      .at(-1);
    expect(last?.conditions.find((c) => c.type === 'Finalized')).toMatchObject({
      status: 'True',
      reason: 'CleanupConfirmed',
    });
    await sentinel.drain();
    expect(sentinel.counts()).toMatchObject({ deadLettered: 0, rejected: 0, lost: 0 });
  });
});
