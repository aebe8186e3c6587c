import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EventMode } from '../../../tools/invoke.ts';
import { type Harness, sentinelEvent, startHarness } from '../../support/function-harness.ts';

// HYPERFLEET_EVENT_TIMEOUT bounds one event's work below Knative's request timeout: when the
// API is slower than that, the function answers 503 at the deadline (redeliver), not late.

const TIMEOUT_MS = 300;
const SLOW_MS = 2000;

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ env: { HYPERFLEET_EVENT_TIMEOUT: `${TIMEOUT_MS}ms` } });
});

afterAll(async () => {
  await h?.close();
});

describe.each<EventMode>(['structured', 'binary'])('%s mode', (mode) => {
  test('a GET slower than the deadline: answered 503 retry at the deadline, logged', async () => {
    const id = `slow-get-${mode}`;
    h.api.putCluster({ id, name: 'slow', generation: 1, spec: { ready: true } });
    h.api.failNext(1, { delayMs: SLOW_MS }, { method: 'GET', path: `/api/hyperfleet/v1/clusters/${id}` });
    const event = sentinelEvent(id);

    const started = performance.now();
    const answer = await h.fn.send(event, mode);
    const elapsed = performance.now() - started;

    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({ outcome: 'retry', eventId: event['id'], statusReported: false });
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(SLOW_MS);
    const logged = await h.fn.waitForLog(
      (l) =>
        l.event_id === event['id'] && l.msg === 'Event failed on a transient error: asking for redelivery',
    );
    expect(logged).toMatchObject({ level: 'warn', deadline: true });
    expect(h.api.requests.filter((r) => r.method === 'PUT' && r.path.includes(id))).toHaveLength(0);
  });

  test('a status PUT slower than the deadline: 503, since the report is not known to have landed', async () => {
    const id = `slow-put-${mode}`;
    h.api.putCluster({ id, name: 'slow', generation: 1, spec: { ready: true } });
    h.api.failNext(1, { delayMs: SLOW_MS }, { method: 'PUT' });
    const event = sentinelEvent(id);

    const answer = await h.fn.send(event, mode);

    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({ outcome: 'retry', statusReported: false });
    await h.fn.waitForLog((l) => l.event_id === event['id'] && l.deadline === true);
  });
});
