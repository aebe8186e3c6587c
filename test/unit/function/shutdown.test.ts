import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Harness, sentinelEvent, startHarness } from '../../support/function-harness.ts';

// Knative sends SIGTERM when it scales an instance down: the event in flight must still get
// its answer (an ack lost here is a redelivery at best), new ones are turned away with 503 so
// they go elsewhere, and then the process exits cleanly.

const PUT_DELAY_MS = 800;

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  h.api.putCluster({ id: 'drain', name: 'drain', generation: 1, spec: { ready: true } });
});

afterAll(async () => {
  await h?.close();
});

test('SIGTERM with an event in flight: it is answered, later events get 503, then the process exits 0', async () => {
  h.api.failNext(1, { delayMs: PUT_DELAY_MS }, { method: 'PUT' });
  const event = sentinelEvent('drain');
  const inflight = h.fn.send(event);
  const deadline = Date.now() + 5000;
  while (!h.api.requests.some((r) => r.method === 'PUT') && Date.now() < deadline) await sleep(10);
  expect(h.api.requests.some((r) => r.method === 'PUT')).toBe(true);
  let exitedAt = 0;
  const exited = h.fn.exited.then((e) => {
    exitedAt = performance.now();
    return e;
  });

  h.fn.kill('SIGTERM');
  // Turned away only once the runtime has begun draining (it says so).
  await h.fn.waitForLog((l) => String(l['msg'] ?? '').startsWith('draining:'));
  const late = await h.fn.send(sentinelEvent('drain'));
  const answer = await inflight;
  const answeredAt = performance.now();

  expect(late.status).toBe(503);
  expect(late.json).toMatchObject({ outcome: 'retry', reason: 'shutting down' });
  expect(answer.status).toBe(200);
  expect(answer.json).toMatchObject({ outcome: 'handled', eventId: event['id'], statusReported: true });
  expect(h.api.statuses('Cluster', 'drain')).toHaveLength(1);
  expect(await exited).toEqual({ code: 0, signal: null });
  expect(exitedAt).toBeGreaterThanOrEqual(answeredAt);
  const said = h.fn.logs().map((l) => String(l['msg'] ?? ''));
  expect(said.find((m) => m.startsWith('listening on '))).toMatch(/^listening on .+:\d+$/);
  expect(h.fn.logs().find((l) => String(l['msg']).startsWith('draining:'))).toMatchObject({
    events_in_flight: 1,
  });
  expect(said).toContain('drained: connections closed, exiting');
});
