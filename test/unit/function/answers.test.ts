import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EventMode } from '../../../tools/invoke.ts';
import {
  conditionOf,
  type Harness,
  sentinelEvent,
  startHarness,
  statusPuts,
} from '../../support/function-harness.ts';

// The function's answer is its ack to Knative: these run the real process over HTTP, with
// the API double as the HyperFleet API, and read what it answered, sent and logged.

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

function requestsSince(from: number) {
  return h.api.requests.slice(from).map((r) => ({ method: r.method, path: r.path, status: r.status }));
}

const modes: EventMode[] = ['structured', 'binary'];

describe.each(modes)('%s mode', (mode) => {
  test('a ready cluster: the status PUT reaches the API (201) and the event is answered 200 handled', async () => {
    const id = `ready-${mode}`;
    h.api.putCluster({ id, name: `alpha-${mode}`, generation: 2, spec: { ready: true } });
    const from = h.api.requests.length;
    const event = sentinelEvent(id, { generation: 2 });

    const answer = await h.fn.send(event, mode);

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      outcome: 'handled',
      eventId: event['id'],
      status: 'success',
      statusReported: true,
      resourcesSkipped: false,
    });
    expect(requestsSince(from)).toEqual([
      { method: 'GET', path: `/api/hyperfleet/v1/clusters/${id}`, status: 200 },
      { method: 'PUT', path: `/api/hyperfleet/v1/clusters/${id}/statuses`, status: 201 },
    ]);
    const put = statusPuts(h.api).at(-1)!;
    expect(put.body).toMatchObject({
      adapter: 'function-test-adapter',
      observed_generation: 2,
      data: { clusterName: `alpha-${mode}` },
    });
    expect(conditionOf(put.body, 'Available')).toMatchObject({ status: 'True', reason: 'ClusterReady' });
    expect(conditionOf(put.body, 'Health')).toMatchObject({ status: 'True', reason: 'Healthy' });
    expect(h.api.statuses('Cluster', id)).toHaveLength(1);
    const processed = await h.fn.waitForLog((l) => l.event_id === event['id'] && l.msg === 'Event processed');
    expect(processed).toMatchObject({ resource_id: id, adapter: 'function-test-adapter', status: 'success' });
  });

  test('preconditions not met: the status is still reported (Available False, the config reason), answered 200', async () => {
    const id = `not-ready-${mode}`;
    h.api.putCluster({ id, name: 'beta', generation: 3, spec: { ready: false } });
    const from = h.api.requests.length;
    const event = sentinelEvent(id, { generation: 3 });

    const answer = await h.fn.send(event, mode);

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ outcome: 'handled', status: 'skipped', statusReported: true });
    expect(String(answer.json?.['skipReason'])).toContain("precondition 'clusterReady' not met");
    expect(requestsSince(from).map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'PUT 201']);
    const put = statusPuts(h.api).at(-1)!;
    expect(put.body['observed_generation']).toBe(3);
    expect(conditionOf(put.body, 'Available')).toMatchObject({ status: 'False', reason: 'ClusterNotReady' });
    expect(conditionOf(put.body, 'Available')?.message).toContain('cluster.spec.ready equals true');
    expect(h.api.statuses('Cluster', id)[0]?.conditions.find((c) => c.type === 'Available')?.status).toBe(
      'False',
    );
    await h.fn.waitForLog((l) => l.event_id === event['id'] && l.msg === 'Phase preconditions: NOT_MET');
  });

  test('the API answers 500 once: retried within the event, two GETs, answered 200', async () => {
    const id = `flaky-${mode}`;
    h.api.putCluster({ id, name: 'gamma', generation: 1, spec: { ready: true } });
    const from = h.api.requests.length;
    h.api.failNext(1, 500, { method: 'GET', path: `/api/hyperfleet/v1/clusters/${id}` });

    const answer = await h.fn.send(sentinelEvent(id), mode);

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ outcome: 'handled', status: 'success' });
    expect(requestsSince(from)).toEqual([
      { method: 'GET', path: `/api/hyperfleet/v1/clusters/${id}`, status: 500 },
      { method: 'GET', path: `/api/hyperfleet/v1/clusters/${id}`, status: 200 },
      { method: 'PUT', path: `/api/hyperfleet/v1/clusters/${id}/statuses`, status: 201 },
    ]);
  });

  test('the API down past every retry: answered 503 retry, logged with the event id, nothing reported', async () => {
    const id = `down-${mode}`;
    h.api.putCluster({ id, name: 'delta', generation: 1, spec: { ready: true } });
    const event = sentinelEvent(id);
    await h.api.setDown(true);
    let answer: Awaited<ReturnType<typeof h.fn.send>>;
    try {
      answer = await h.fn.send(event, mode);
    } finally {
      await h.api.setDown(false);
    }

    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({ outcome: 'retry', eventId: event['id'], statusReported: false });
    const errors = answer.json?.['errors'] as Record<string, { message: string; retryable: boolean }>;
    expect(errors['param_extraction']?.retryable).toBe(true);
    expect(errors['param_extraction']?.message).toContain('unavailable after 3 attempt(s)');
    const failed = await h.fn.waitForLog(
      (l) =>
        l.event_id === event['id'] && l.msg === 'Event failed on a transient error: asking for redelivery',
    );
    expect(failed.level).toBe('warn');
    await h.fn.waitForLog((l) => l.event_id === event['id'] && l.level === 'error');
    expect(h.api.statuses('Cluster', id)).toHaveLength(0);

    // Nothing lost: the redelivery Knative makes on 503 is handled once the API is back.
    const again = await h.fn.send(event, mode);
    expect(again.status).toBe(200);
    expect(h.api.statuses('Cluster', id)).toHaveLength(1);
  });
});

test('concurrent events (a warm instance under containerConcurrency > 1): each answered and reported once', async () => {
  const ids = Array.from({ length: 16 }, (_, i) => `concurrent-${i}`);
  for (const id of ids) h.api.putCluster({ id, name: id, generation: 1, spec: { ready: true } });
  const answers = await Promise.all(
    ids.map((id, i) => h.fn.send(sentinelEvent(id), i % 2 ? 'binary' : 'structured')),
  );
  expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
  for (const id of ids) expect(h.api.statuses('Cluster', id)).toHaveLength(1);
});
