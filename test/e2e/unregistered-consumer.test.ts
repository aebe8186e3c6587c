/**
 * A Maestro adapter whose placement names a consumer Maestro never registered
 * (test/fixtures/e2e/unregistered-consumer: e2e-cl-maestro with target "no-such-consumer").
 * The status must say so, and redelivery must not loop forever: the event ends answered or
 * in the dead letter, counted.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiDouble, startHyperfleetApiDouble } from '../support/hyperfleet-api-double.ts';
import {
  configFiles,
  E2E_FIXTURES,
  type E2eFunction,
  stackEnv,
  startE2eFunction,
  until,
} from './support/harness.ts';
import { SentinelDriver } from './support/sentinel.ts';
import { conditionIn, describeReport, reportOf } from './support/status.ts';

const stack = inject('stack');
const ADAPTER = 'cl-unregistered';
const clusterId = `e2euc${Date.now().toString(36)}`;

let api: ApiDouble;
let f: E2eFunction;
let sentinel: SentinelDriver;

beforeAll(async () => {
  api = await startHyperfleetApiDouble({ requiredAdapters: [ADAPTER] });
  const files = configFiles(join(E2E_FIXTURES, 'unregistered-consumer'));
  f = await startE2eFunction(files, stackEnv(stack, api, files));
  sentinel = new SentinelDriver({ api, target: f.fn.url, retry: 2, backoffBaseMs: 100 });
  api.putCluster({ id: clusterId, name: `name-${clusterId}`, generation: 1, spec: {} });
});

afterAll(async () => {
  await sentinel?.drain(30_000);
  await f?.close();
  await api?.close();
});

describe('a ManifestWork for an unregistered Maestro consumer', () => {
  it('is reported with a reason naming the consumer, and the event ends handled or dead-lettered', async () => {
    const e = await sentinel.publishNow('Cluster', clusterId);
    expect(e.outcome).toBeDefined();
    const r = await until(
      'a report for the cluster',
      () => reportOf(api, 'Cluster', clusterId, ADAPTER),
      30_000,
    );
    const health = conditionIn(r, 'Health');
    expect(health?.status, describeReport(r)).toBe('False');
    expect(`${health?.reason} ${health?.message}`).toMatch(/no-such-consumer/);
    expect(health?.reason).toBe('ExecutionFailed:resources');
    expect(health?.message).toMatch(/Maestro consumer "no-such-consumer" is not registered/);
    // Reported to the API, so the function answers 200: redelivery could not register it.
    expect(e.outcome).toBe('handled');
    expect(conditionIn(r, 'Applied')?.status).toBe('False');
    expect(sentinel.counts()).toMatchObject({ sent: 1, lost: 0, inFlight: 0 });
  });
});
