import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Harness, metricValue, sentinelEvent, startHarness } from '../../support/function-harness.ts';

// Knative's RabbitmqSource receive adapter wraps an AMQP message that is not a CloudEvent
// itself (hyperfleet-broker publishes Sentinel's structured event as a bare body: no content
// type, no ce- headers) in a new event of its own, posted in binary mode: type
// dev.knative.rabbitmq.event, a fresh id (also its subject), a source naming the queue, and
// the body untouched as data with no content type. The function runs the event inside.

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const QUEUE_SOURCE = '/apis/v1/namespaces/hyperfleet/rabbitmqsources/hyperfleet-sentinel#hyperfleet-adapter';

/**
 * What the receive adapter (v0.48.0) posts for an AMQP body it does not recognise as a
 * CloudEvent, as captured from the real one: binary mode, no content type, the body as it was
 * published; the envelope's id is also its subject, its time the moment it converted the message.
 */
function envelope(id: string = randomUUID()): { id: string; headers: Record<string, string> } {
  return {
    id,
    headers: {
      'ce-specversion': '1.0',
      'ce-id': id,
      'ce-type': 'dev.knative.rabbitmq.event',
      'ce-source': QUEUE_SOURCE,
      'ce-subject': id,
      'ce-time': new Date().toISOString(),
      'kn-namespace': 'hyperfleet',
    },
  };
}

/** POST without a content type (a string body would get text/plain from fetch). */
async function postRaw(headers: Record<string, string>, body: string) {
  const res = await fetch(h.fn.url, { method: 'POST', headers, body: new TextEncoder().encode(body) });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, body: text, json };
}

async function postEnvelope(inner: unknown, id?: string) {
  const body = typeof inner === 'string' ? inner : JSON.stringify(inner);
  const env = envelope(id);
  return { envelopeId: env.id, answer: await postRaw(env.headers, body) };
}

async function rejected(reason: string): Promise<number> {
  return metricValue(await h.fn.metrics(), 'hyperfleet_adapter_events_rejected_total', { reason }) ?? 0;
}

function requestsSince(from: number) {
  return h.api.requests.slice(from).map((r) => ({ method: r.method, path: r.path, status: r.status }));
}

describe('an event wrapped by the RabbitmqSource receive adapter', () => {
  test('runs the inner event: its data.id is the cluster, its id is the event id; 200', async () => {
    const clusterId = 'wrapped-ready';
    h.api.putCluster({ id: clusterId, name: 'wrapped', generation: 3, spec: { ready: true } });
    const inner = sentinelEvent(clusterId, { generation: 3 });
    const from = h.api.requests.length;

    const { envelopeId, answer } = await postEnvelope(inner);

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ outcome: 'handled', eventId: inner['id'], statusReported: true });
    expect(requestsSince(from)).toEqual([
      { method: 'GET', path: `/api/hyperfleet/v1/clusters/${clusterId}`, status: 200 },
      { method: 'PUT', path: `/api/hyperfleet/v1/clusters/${clusterId}/statuses`, status: 201 },
    ]);
    const received = await h.fn.waitForLog((l) => l.msg === 'Event received' && l.event_id === inner['id']);
    expect(received).toMatchObject({
      envelope_id: envelopeId,
      envelope_type: 'dev.knative.rabbitmq.event',
      envelope_source: QUEUE_SOURCE,
      type: 'com.redhat.hyperfleet.cluster.reconcile',
      source: 'hyperfleet-sentinel',
      resource_id: clusterId,
    });
    // Neither id of the envelope nor the inner event's id was taken for a resource.
    expect(h.api.requests.some((r) => r.path.includes(envelopeId))).toBe(false);
    expect(h.api.requests.some((r) => r.path.includes(String(inner['id'])))).toBe(false);
  });

  test("the inner event's traceparent (Sentinel's publish span) is continued in the API calls", async () => {
    const clusterId = 'wrapped-traced';
    h.api.putCluster({ id: clusterId, name: 'traced', generation: 1, spec: { ready: true } });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const inner = sentinelEvent(clusterId, {}, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    const from = h.api.requests.length;
    const body = JSON.stringify(inner);
    const env = envelope();
    const answer = await postRaw(
      { ...env.headers, traceparent: '00-11111111111111111111111111111111-2222222222222222-01' },
      body,
    );
    expect(answer.status).toBe(200);
    const calls = h.api.requests.slice(from);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call.headers['traceparent']).toContain(traceId);
  });

  test('inner data as data_base64 (a non-JSON datacontenttype elsewhere would be refused): 200', async () => {
    const clusterId = 'wrapped-base64';
    h.api.putCluster({ id: clusterId, name: 'b64', generation: 1, spec: { ready: true } });
    const inner = sentinelEvent(clusterId);
    const data = inner['data'];
    delete inner['data'];
    inner['data_base64'] = Buffer.from(JSON.stringify(data)).toString('base64');
    const { answer } = await postEnvelope(inner);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ eventId: inner['id'], statusReported: true });
  });

  test('an event of another type whose data is a structured CloudEvent is unwrapped too', async () => {
    const clusterId = 'wrapped-generic';
    h.api.putCluster({ id: clusterId, name: 'generic', generation: 1, spec: { ready: true } });
    const inner = sentinelEvent(clusterId);
    const outer = sentinelEvent('never-a-cluster', {}, { type: 'example.relay', data: inner });
    const from = h.api.requests.length;
    const answer = await h.fn.send(outer, 'structured');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ eventId: inner['id'] });
    expect(requestsSince(from)[0]).toEqual({
      method: 'GET',
      path: `/api/hyperfleet/v1/clusters/${clusterId}`,
      status: 200,
    });
  });

  test('an envelope inside an envelope: the innermost event runs', async () => {
    const clusterId = 'wrapped-twice';
    h.api.putCluster({ id: clusterId, name: 'twice', generation: 1, spec: { ready: true } });
    const inner = sentinelEvent(clusterId);
    const middle = {
      specversion: '1.0',
      id: randomUUID(),
      type: 'dev.knative.rabbitmq.event',
      source: QUEUE_SOURCE,
      data_base64: Buffer.from(JSON.stringify(inner)).toString('base64'),
    };
    const { answer } = await postEnvelope(middle);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ eventId: inner['id'] });
  });
});

describe('an envelope whose inner event is malformed: 400, counted, nothing reaches the API', () => {
  const cases: [string, unknown, RegExp][] = [
    ['a body that is not JSON', '{"specversion": "1.0", ', /data is not JSON/],
    ['a JSON body that is no CloudEvent (plain resource JSON)', { id: 'c1', kind: 'Cluster' }, /specversion/],
    ['an unknown specversion', { ...sentinelEvent('c1'), specversion: '2.0' }, /specversion.*2\.0/],
    [
      'no source',
      (() => {
        const e = sentinelEvent('c1');
        delete e['source'];
        return e;
      })(),
      /`source` is missing/,
    ],
    ['an empty type', sentinelEvent('c1', {}, { type: '' }), /`type`/],
    ['a numeric id', sentinelEvent('c1', {}, { id: 42 }), /`id`/],
    [
      'a non-JSON datacontenttype',
      sentinelEvent('c1', {}, { datacontenttype: 'text/plain' }),
      /datacontenttype/,
    ],
    ['data and data_base64 both', sentinelEvent('c1', {}, { data_base64: 'e30=' }), /both/],
    [
      'data_base64 that is not base64',
      (() => {
        const e = sentinelEvent('c1');
        delete e['data'];
        e['data_base64'] = '%%%';
        return e;
      })(),
      /base64/,
    ],
    ['a JSON array', [sentinelEvent('c1')], /not a JSON object/],
  ];
  test.each(cases)('%s', async (_label, inner, message) => {
    const before = await rejected('envelope_malformed');
    const from = h.api.requests.length;
    const { envelopeId, answer } = await postEnvelope(inner);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ outcome: 'rejected', reason: 'envelope_malformed' });
    expect(String(answer.json?.['error'])).toMatch(message);
    expect(String(answer.json?.['error'])).toContain(envelopeId);
    expect(h.api.requests.length).toBe(from);
    expect(await rejected('envelope_malformed')).toBe(before + 1);
    const line = await h.fn.waitForLog((l) => l.msg === 'event rejected' && l.err === answer.json?.['error']);
    expect(line['envelope_ids']).toEqual([envelopeId]);
  });

  test('inner data that is not an object: data_not_object, logged with both ids', async () => {
    const before = await rejected('data_not_object');
    const inner = sentinelEvent('c1', {}, { data: 'not an object' });
    const { envelopeId, answer } = await postEnvelope({ ...inner, data: ['a'] });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ reason: 'data_not_object' });
    expect(await rejected('data_not_object')).toBe(before + 1);
    const line = await h.fn.waitForLog((l) => l.msg === 'event rejected' && l.event_id === inner['id']);
    expect(line['envelope_ids']).toEqual([envelopeId]);
  });

  test('inner event without a required field: missing_field names it, the log names the inner id', async () => {
    const inner = sentinelEvent('c1');
    delete (inner['data'] as Record<string, unknown>)['kind'];
    const { envelopeId, answer } = await postEnvelope(inner);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ reason: 'missing_field' });
    expect(String(answer.json?.['error'])).toContain('`kind`');
    const line = await h.fn.waitForLog(
      (l) => l.msg === 'event rejected' && l.event_id === inner['id'] && l.reason === 'missing_field',
    );
    expect(line['envelope_ids']).toEqual([envelopeId]);
  });

  test('five envelopes deep: refused', async () => {
    let e: Record<string, unknown> = sentinelEvent('c1');
    for (let i = 0; i < 4; i++)
      e = { specversion: '1.0', id: `e${i}`, type: 'dev.knative.rabbitmq.event', source: 's', data: e };
    const { answer } = await postEnvelope(e);
    expect(answer.status).toBe(400);
    expect(String(answer.json?.['error'])).toMatch(/more than 4 envelopes/);
  });
});
