import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  fixture,
  type Harness,
  metricValue,
  sentinelEvent,
  startHarness,
  statusPuts,
} from '../../support/function-harness.ts';

// A 404 means "the resource is gone" (ack 200, no status) only when it is the HyperFleet API's
// own answer: its problem details with a HYPERFLEET-NTF-* code. Any other 404 (an ingress's
// default page, a proxy's JSON, a wrong base URL) is a misconfiguration: the event is asked
// again (503) and the failure is logged, instead of every event being acked with no status.

/** The fixture with its cluster GET required: a 404 for it decides the whole event. */
const REQUIRED_CLUSTER = fixture('task-config.yaml').replace(
  '  - name: cluster\n    source:',
  '  - name: cluster\n    required: true\n    source:',
);

const PAGE = '<html><head><title>404 Not Found</title></head><body>nginx</body></html>';

let h: Harness;
/** The function pointed at a server that answers every path with a plain 404 page. */
let misrouted: Harness;
let ingress: Server;
const ingressPaths: string[] = [];

beforeAll(async () => {
  ingress = createServer((req, res) => {
    ingressPaths.push(`${req.method} ${req.url}`);
    req.resume();
    res.writeHead(404, { 'content-type': 'text/html' }).end(PAGE);
  });
  await new Promise<void>((resolve) => ingress.listen(0, '127.0.0.1', resolve));
  const ingressUrl = `http://127.0.0.1:${(ingress.address() as AddressInfo).port}`;
  [h, misrouted] = await Promise.all([
    startHarness({ taskConfig: REQUIRED_CLUSTER }),
    startHarness({ taskConfig: REQUIRED_CLUSTER, env: { HYPERFLEET_API_BASE_URL: ingressUrl } }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([h?.close(), misrouted?.close()]);
  await new Promise((resolve) => ingress?.close(resolve));
});

async function answers(on: Harness, answer: string): Promise<number> {
  return metricValue(await on.fn.metrics(), 'hyperfleet_adapter_event_answers_total', { answer }) ?? 0;
}

type Errors = Record<string, { code: string; message: string; retryable: boolean }>;

test("the API's own 404 (HYPERFLEET-NTF-*) is a deleted resource: 200, no status (the control case)", async () => {
  const from = h.api.requests.length;
  const handled = await answers(h, 'handled');

  const answer = await h.fn.send(sentinelEvent('gone-cluster'));

  expect(answer.status).toBe(200);
  expect(answer.json).toMatchObject({ outcome: 'handled', skipReason: 'ResourceNotFound' });
  expect(h.api.requests.slice(from).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
    'GET /api/hyperfleet/v1/clusters/gone-cluster 404',
  ]);
  expect(await answers(h, 'handled')).toBe(handled + 1);
});

describe.each([
  ['an ingress page', { 'content-type': 'text/html' }, PAGE],
  [
    'a JSON body without HyperFleet problem details',
    { 'content-type': 'application/json' },
    '{"error":"not found"}',
  ],
  [
    'problem details of another service',
    { 'content-type': 'application/problem+json' },
    '{"type":"about:blank","title":"Not Found","status":404}',
  ],
  ['an empty body', { 'content-type': 'text/plain' }, ''],
])('a 404 with %s', (_name, headers, body) => {
  test('on the cluster GET: 503 retry, logged as a misconfiguration, nothing acked as deleted', async () => {
    const id = `np-get-${Math.random().toString(36).slice(2, 8)}`;
    h.api.putCluster({ id, name: 'there', generation: 1, spec: { ready: true } });
    h.api.failNext(1, { status: 404, headers, body }, { method: 'GET' });
    const from = h.api.requests.length;
    const retry = await answers(h, 'retry');

    const answer = await h.fn.send(sentinelEvent(id));

    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({ outcome: 'retry', statusReported: false, skipReason: '' });
    const errors = answer.json?.['errors'] as Errors;
    expect(errors['param_extraction']).toMatchObject({ retryable: true });
    expect(errors['param_extraction']?.message).toContain(
      "returned 404 without the API's problem details (HYPERFLEET-NTF-*): not taken for a deleted resource",
    );
    expect(h.api.requests.slice(from).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `GET /api/hyperfleet/v1/clusters/${id} 404`,
    ]);
    expect(await answers(h, 'retry')).toBe(retry + 1);
    await h.fn.waitForLog(
      (l) =>
        l.msg === 'Event failed on a transient error: asking for redelivery' &&
        JSON.stringify(l['errors']).includes('not taken for a deleted resource') &&
        JSON.stringify(l['errors']).includes(id),
    );
  });

  test('on the status PUT: 503 retry, the status is not dropped as if the cluster were deleted', async () => {
    const id = `np-put-${Math.random().toString(36).slice(2, 8)}`;
    h.api.putCluster({ id, name: 'there', generation: 1, spec: { ready: true } });
    h.api.failNext(1, { status: 404, headers, body }, { method: 'PUT' });
    const from = h.api.requests.length;

    const answer = await h.fn.send(sentinelEvent(id));

    expect(answer.status).toBe(503);
    const errors = answer.json?.['errors'] as Errors;
    expect(errors['post_actions']).toMatchObject({ retryable: true });
    expect(errors['post_actions']?.message).toContain('not taken for a deleted resource');
    expect(
      statusPuts(h.api)
        .filter((p) => p.path.includes(id))
        .map((p) => p.status),
    ).toEqual([404]);
    expect(h.api.requests.slice(from)).toHaveLength(2);
    // Redelivered, it reports.
    const again = await h.fn.send(sentinelEvent(id));
    expect(again.status).toBe(200);
    expect(h.api.statuses('Cluster', id)).toHaveLength(1);
  });
});

test('a wrong base URL (every path a 404 page) answers every event 503 and says why, never 200', async () => {
  const retry = await answers(misrouted, 'retry');
  for (const id of ['c-one', 'c-two']) {
    const answer = await misrouted.fn.send(sentinelEvent(id));
    expect(answer.status).toBe(503);
    expect(JSON.stringify(answer.json)).toContain(
      'the base URL or a proxy in front of the API is probably wrong',
    );
  }
  expect(ingressPaths.filter((p) => p.includes('/clusters/'))).toEqual([
    'GET /api/hyperfleet/v1/clusters/c-one',
    'GET /api/hyperfleet/v1/clusters/c-two',
  ]);
  expect(await answers(misrouted, 'retry')).toBe(retry + 2);
  expect(await answers(misrouted, 'handled')).toBe(0);
  const line = await misrouted.fn.waitForLog(
    (l) => l.msg === 'Event failed on a transient error: asking for redelivery',
  );
  expect(JSON.stringify(line['errors'])).toContain('not taken for a deleted resource');
});
