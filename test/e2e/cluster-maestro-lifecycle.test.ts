/**
 * A cluster's whole life through e2e-cl-maestro as production runs it: the function process,
 * the real Maestro server and agent applying to the kube-apiserver, the API double, and a
 * Sentinel-like driver delivering with Knative Trigger semantics. Only cl-maestro is a
 * required adapter, so Reconciled and the hard delete follow from its reports alone.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiDouble, startHyperfleetApiDouble } from '../support/hyperfleet-api-double.ts';
import {
  bundleOf,
  compatFiles,
  type E2eFunction,
  kubeGet,
  stackEnv,
  startE2eFunction,
  until,
} from './support/harness.ts';
import { SentinelDriver } from './support/sentinel.ts';
import { conditionIn, describeReport, reconciledAt, reportOf } from './support/status.ts';

const stack = inject('stack');
const ADAPTER = 'cl-maestro';
const SOURCE = 'cl-maestro';
const CONSUMER = 'cluster1';
const clusterId = `e2elc${Date.now().toString(36)}`;
const workName = `${clusterId}-cl-maestro`;
const nsName = `${clusterId}-cl-maestro-namespace`;

let api: ApiDouble;
let f: E2eFunction;
let sentinel: SentinelDriver;

const report = () => reportOf(api, 'Cluster', clusterId, ADAPTER);
const bundle = () => bundleOf(stack, SOURCE, CONSUMER, workName);

async function reconciled(generation: number, timeoutMs = 90_000): Promise<void> {
  await until(
    `cl-maestro reconciled at generation ${generation}`,
    () =>
      reconciledAt(report(), generation) &&
      api.resource('Cluster', clusterId)?.status.conditions.find((c) => c.type === 'Reconciled')?.status ===
        'True'
        ? true
        : undefined,
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last report: ${describeReport(report())}`);
  });
}

beforeAll(async () => {
  api = await startHyperfleetApiDouble({ requiredAdapters: [ADAPTER] });
  const files = compatFiles('e2e-cl-maestro');
  f = await startE2eFunction(files, stackEnv(stack, api, files));
  sentinel = new SentinelDriver({ api, target: f.fn.url, pollMs: 200, notReadyAgeMs: 1_000 });
  api.putCluster({
    id: clusterId,
    name: `name-${clusterId}`,
    generation: 1,
    spec: {
      platform: {
        type: 'gcp',
        gcp: { subnets: [{ id: 's1', name: 'workers', cidr: '10.0.1.0/24', role: 'worker' }] },
      },
    },
  });
  sentinel.watch('Cluster', clusterId);
  sentinel.start();
});

afterAll(async () => {
  sentinel?.stop();
  await sentinel?.drain(30_000);
  await f?.close();
  await api?.close();
});

describe('e2e-cl-maestro: create, repeat, update, delete', () => {
  it('create: Applied, Available and Health True at generation 1, objects on the cluster', async () => {
    await reconciled(1);
    const r = report();
    expect(conditionIn(r, 'Applied')).toMatchObject({ reason: 'AppliedManifestWorkComplete' });
    expect(conditionIn(r, 'Available')).toMatchObject({ reason: 'AllResourcesAvailable' });
    expect(conditionIn(r, 'Health')).toMatchObject({ reason: 'Healthy' });
    expect((await bundle())?.version).toBe(1);
    expect(await kubeGet(stack, `/api/v1/namespaces/${nsName}`)).toBeDefined();
    // Sentinel stops publishing once Reconciled is True: every event so far was answered 200.
    await sentinel.drain();
    expect(sentinel.counts()).toMatchObject({ deadLettered: 0, rejected: 0, lost: 0, inFlight: 0 });
  });

  it('repeated events of one generation change nothing (resource-bundle version unchanged)', async () => {
    const before = await bundle();
    const reportBefore = report();
    for (let i = 0; i < 5; i++) {
      const e = await sentinel.publishNow('Cluster', clusterId);
      expect(e.outcome, JSON.stringify(e.answer)).toBe('handled');
    }
    const after = await bundle();
    expect(after?.version).toBe(before?.version);
    expect(after?.metadata.labels?.['hyperfleet.io/generation']).toBe('1');
    expect(reconciledAt(report(), 1)).toBe(true);
    expect(report()?.observed_generation).toBe(reportBefore?.observed_generation);
  });

  it('update: reconciled at the new generation, the work updated in place', async () => {
    const before = (await bundle())?.version ?? 0;
    api.bumpGeneration('Cluster', clusterId);
    await reconciled(2);
    const b = await bundle();
    expect(b?.version).toBe(before + 1);
    expect(b?.metadata.labels?.['hyperfleet.io/generation']).toBe('2');
  });

  it('several quick updates settle on the last generation', async () => {
    for (let i = 0; i < 4; i++) {
      api.bumpGeneration('Cluster', clusterId);
      await new Promise((r) => setTimeout(r, 50));
    }
    const last = api.resource('Cluster', clusterId)?.generation ?? 0;
    expect(last).toBe(6);
    await reconciled(last);
    const b = await bundle();
    expect(b?.metadata.labels?.['hyperfleet.io/generation']).toBe(String(last));
    await sentinel.drain();
    // Settled: no more events once Reconciled is True at the last generation.
    const n = sentinel.events.length;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(sentinel.events.length).toBe(n);
  });

  it('delete: resources gone, Finalized=True, then the API hard-deletes the cluster', async () => {
    api.markDeleted('Cluster', clusterId);
    await until(
      'cluster hard-deleted by the API',
      () => (api.resource('Cluster', clusterId) === undefined ? true : undefined),
      90_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last report: ${describeReport(report())}`);
    });
    const finalReports = sentinel.eventsFor('Cluster', clusterId).filter((e) => e.outcome === 'handled');
    expect(finalReports.length).toBeGreaterThan(0);
    expect(await bundle()).toBeUndefined();
    await until(
      'namespace gone from the cluster',
      async () => ((await kubeGet(stack, `/api/v1/namespaces/${nsName}`)) ? undefined : true),
      90_000,
      1_000,
    );
    // The double keeps the Finalized report it hard-deleted on in its request log.
    const finalPut = api.requests
      .filter((r) => r.method === 'PUT' && r.path.endsWith(`/clusters/${clusterId}/statuses`))
      .map((r) => JSON.parse(r.body) as { conditions: { type: string; status: string; reason: string }[] })
      .at(-1);
    expect(finalPut?.conditions.find((c) => c.type === 'Finalized')).toMatchObject({
      status: 'True',
      reason: 'CleanupConfirmed',
    });
    await sentinel.drain();
    expect(sentinel.counts()).toMatchObject({ deadLettered: 0, rejected: 0, lost: 0 });
  });
});
