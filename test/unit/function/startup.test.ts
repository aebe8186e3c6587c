import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  fixture,
  type Harness,
  metricValue,
  sentinelEvent,
  startHarness,
} from '../../support/function-harness.ts';

// An instance whose first config is invalid has nothing to serve with: it must say so (not
// ready, with the reason), answer events 503 so they wait for a fixed config, and recover
// when the ConfigMap is fixed, without a restart.

let h: Harness;
const task = fixture('task-config.yaml');
const broken = task.replace('operator: equals', 'operator: resembles');

beforeAll(async () => {
  h = await startHarness({ taskConfig: broken, waitFor: 'listening' });
  h.api.putCluster({ id: 'boot', name: 'boot', generation: 1, spec: { ready: true } });
});

afterAll(async () => {
  await h?.close();
});

test('not ready, with the loader reason; liveness still fine', async () => {
  expect(broken).not.toBe(task);
  const r = await h.fn.get('/health/readiness');
  expect(r.status).toBe(503);
  expect(r.json).toMatchObject({ ready: false, details: { config: { current: false } } });
  const details = r.json?.['details'] as Record<string, Record<string, unknown>> | undefined;
  const config = details?.['config'];
  expect(String(config?.['rejected'])).toContain('resembles');
  expect((await h.fn.get('/health/liveness')).status).toBe(200);
  expect(metricValue(await h.fn.metrics(), 'hyperfleet_adapter_config_valid')).toBe(0);
  const logged = await h.fn.waitForLog((l) => l.msg === 'configuration invalid: no config to serve with');
  expect(logged.level).toBe('error');
});

test('events are answered 503 retry, nothing reaches the API', async () => {
  const from = h.api.requests.length;
  const answer = await h.fn.send(sentinelEvent('boot'));
  expect(answer.status).toBe(503);
  expect(answer.json).toMatchObject({ outcome: 'retry', reason: 'configuration invalid' });
  expect(h.api.requests.length).toBe(from);
});

test('a fixed ConfigMap is picked up: ready, and events handled', async () => {
  await h.mount.swap({ 'adapter-config.yaml': fixture('adapter-config.yaml'), 'task-config.yaml': task });
  await sleep(1100);
  const r = await h.fn.get('/health/readiness');
  expect(r.status).toBe(200);
  expect(r.json).toMatchObject({ ready: true, details: { config: { current: true } } });
  const answer = await h.fn.send(sentinelEvent('boot'));
  expect(answer.status).toBe(200);
  expect(h.api.statuses('Cluster', 'boot')).toHaveLength(1);
});
