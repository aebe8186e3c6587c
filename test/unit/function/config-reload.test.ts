import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  fixture,
  type Harness,
  metricValue,
  sentinelEvent,
  startHarness,
  statusPuts,
} from '../../support/function-harness.ts';

// The kubelet updates a mounted ConfigMap in place (an atomic `..data` swap) without a restart:
// the warm function must pick a valid change up, and keep the last good config on a bad one,
// saying so in readiness, in a metric and in the logs. These steps run in order on one process.

/** The config store looks at the files at most once a second. */
const CHECK_INTERVAL_MS = 1000;

let h: Harness;
const task = fixture('task-config.yaml');
const adapter = fixture('adapter-config.yaml');
const adapterV2 = adapter.replace('name: function-test-adapter', 'name: function-test-adapter-v2');
const invalid = adapter.replace('retry_backoff: constant', 'retry_backoff: sideways');

beforeAll(async () => {
  h = await startHarness();
  h.api.putCluster({ id: 'reload', name: 'reload', generation: 1, spec: { ready: true } });
});

afterAll(async () => {
  await h?.close();
});

async function lastReporter(): Promise<unknown> {
  const answer = await h.fn.send(sentinelEvent('reload'));
  expect(answer.status).toBe(200);
  return statusPuts(h.api).at(-1)?.body['adapter'];
}

async function readiness(): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await h.fn.get('/health/readiness');
  return { status: r.status, body: r.json ?? {} };
}

test('the starting config is in use and current', async () => {
  expect(invalid).not.toBe(adapter);
  expect(await lastReporter()).toBe('function-test-adapter');
  const r = await readiness();
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ ready: true, details: { config: { current: true } } });
  expect(metricValue(await h.fn.metrics(), 'hyperfleet_adapter_config_valid')).toBe(1);
});

test('a valid new config swapped in atomically is used by the next invocation', async () => {
  await h.mount.swap({ 'adapter-config.yaml': adapterV2, 'task-config.yaml': task });
  await sleep(CHECK_INTERVAL_MS + 100);
  expect(await lastReporter()).toBe('function-test-adapter-v2');
  await h.fn.waitForLog(
    (l) => l.msg === 'configuration reloaded' && l.adapter === 'function-test-adapter-v2',
  );
  const metrics = await h.fn.metrics();
  expect(metricValue(metrics, 'hyperfleet_adapter_config_reloads_total', { result: 'applied' })).toBe(1);
  expect(metricValue(metrics, 'hyperfleet_adapter_config_valid')).toBe(1);
});

test('an invalid new config is rejected: readiness says so, the metric drops to 0', async () => {
  await h.mount.swap({ 'adapter-config.yaml': invalid, 'task-config.yaml': task });
  await sleep(CHECK_INTERVAL_MS + 100);
  // No event in between: a probe alone must notice, or a broken ConfigMap stays invisible
  // until traffic arrives.
  const r = await readiness();
  expect(r.status).toBe(200);
  const config = (r.body['details'] as Record<string, unknown>)['config'] as Record<string, unknown>;
  expect(config['current']).toBe(false);
  expect(String(config['rejected'])).toContain('retry_backoff');
  const metrics = await h.fn.metrics();
  expect(metricValue(metrics, 'hyperfleet_adapter_config_valid')).toBe(0);
  expect(metricValue(metrics, 'hyperfleet_adapter_config_reloads_total', { result: 'rejected' })).toBe(1);
  const logged = await h.fn.waitForLog(
    (l) => l.msg === 'new configuration rejected: keeping the last good one',
  );
  expect(logged.level).toBe('error');
});

test('the last good config keeps serving events', async () => {
  expect(await lastReporter()).toBe('function-test-adapter-v2');
  expect(metricValue(await h.fn.metrics(), 'hyperfleet_adapter_config_valid')).toBe(0);
});

test('a valid config after the bad one is taken and the instance is current again', async () => {
  await h.mount.swap({ 'adapter-config.yaml': adapter, 'task-config.yaml': task });
  await sleep(CHECK_INTERVAL_MS + 100);
  expect(await lastReporter()).toBe('function-test-adapter');
  const r = await readiness();
  expect(r.body).toMatchObject({ ready: true, details: { config: { current: true } } });
  expect(metricValue(await h.fn.metrics(), 'hyperfleet_adapter_config_valid')).toBe(1);
});
