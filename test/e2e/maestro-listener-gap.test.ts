/**
 * Found by the fault campaign: right after a PostgreSQL restart the Maestro server runs without
 * its database listener for about 10 s ("recreate the listener due to ping failed"), and a
 * delete published in that gap is stored (the bundle gets its deletionTimestamp) but never sent
 * to the agent. The Maestro transport publishes a delete again once it has stayed unconfirmed
 * past `redelete_after` (30 s), so the cluster still finalizes and is hard-deleted.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { restartPeer } from '../stack/faults.ts';
import { currentPid } from '../stack/pids.ts';
import { type ApiDouble, startHyperfleetApiDouble } from '../support/hyperfleet-api-double.ts';
import {
  bundleOf,
  compatFiles,
  type E2eFunction,
  stackEnv,
  startE2eFunction,
  until,
} from './support/harness.ts';
import { SentinelDriver } from './support/sentinel.ts';
import { reconciledAt, reportOf } from './support/status.ts';

const stack = inject('stack');
const ADAPTER = 'cl-maestro';
const clusterId = `e2egap${Date.now().toString(36)}`;

let api: ApiDouble;
let f: E2eFunction;
let sentinel: SentinelDriver;

beforeAll(async () => {
  api = await startHyperfleetApiDouble({ requiredAdapters: [ADAPTER] });
  const files = compatFiles('e2e-cl-maestro');
  f = await startE2eFunction(files, stackEnv(stack, api, files));
  sentinel = new SentinelDriver({ api, target: f.fn.url, pollMs: 200, notReadyAgeMs: 1_000 });
  api.putCluster({ id: clusterId, name: `name-${clusterId}`, generation: 1, spec: {} });
  sentinel.watch('Cluster', clusterId);
  sentinel.start();
  await until('reconciled before the restart', () =>
    reconciledAt(reportOf(api, 'Cluster', clusterId, ADAPTER), 1) ? true : undefined,
  );
});

afterAll(async () => {
  sentinel?.stop();
  await sentinel?.drain(30_000);
  await f?.close();
  await api?.close();
});

describe('a delete published right after a PostgreSQL restart', () => {
  it('still reaches the agent: the unconfirmed delete is published again, the cluster finalizes and is hard-deleted', {
    timeout: 240_000,
  }, async () => {
    const before = currentPid(stack, 'postgres');
    const after = await restartPeer(stack, 'postgres', 'stop');
    expect(after).not.toBe(before);
    api.markDeleted('Cluster', clusterId);
    const name = `${clusterId}-cl-maestro`;
    // The delete is published inside the listener gap: Maestro stores it at once...
    await until(
      'the bundle marked for deletion',
      async () => ((await bundleOf(stack, ADAPTER, 'cluster1', name))?.deleted_at ? true : undefined),
      15_000,
    );
    // ...and once it stays unconfirmed past redelete_after, it is sent again and the agent acts.
    await until(
      'the cluster finalized and hard-deleted',
      async () => (api.resource('Cluster', clusterId) === undefined ? true : undefined),
      180_000,
    );
    expect(await bundleOf(stack, ADAPTER, 'cluster1', name)).toBeUndefined();
  });
});
