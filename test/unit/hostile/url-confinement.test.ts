import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Harness, metricValue, sentinelEvent, startHarness } from '../../support/function-harness.ts';

// An event's data.id is printed into the API URLs of the function's config
// (`/clusters/{{ .clusterId }}` and `/clusters/{{ .clusterId }}/statuses`). Before, these ids
// reached `GET /admin`, `PUT /admin/statuses`, a PUT onto the cluster object itself, a query
// string, or another cluster's status, all with the bearer token. Two lines hold now: the
// edge takes only the API's id shape for data.id (400, counted, nothing sent), and any value
// printed into a URL, from whatever event field, fills one path segment or the request is
// never sent: the event is answered 422 (the same event would render the same URL), each
// refusal counted by param and logged naming it.

let h: Harness;
/** Only a status PUT, so a refused value ends in the answer's post_actions error. */
let put: Harness;

/** The id printed into the URL comes from a field the edge does not hold to the id shape. */
const PUT_ONLY = `params:
  - name: clusterId
    source: event.target
    type: string
    required: true
post:
  payloads:
    - name: statusPayload
      build:
        adapter: "{{ .adapter.name }}"
        observed_generation: 1
        observed_time: '{{ now | date "2006-01-02T15:04:05Z07:00" }}'
        conditions:
          - { type: Applied, status: "True", reason: Ok, message: ok }
          - { type: Available, status: "True", reason: Ok, message: ok }
          - { type: Health, status: "True", reason: Ok, message: ok }
  post_actions:
    - name: reportStatus
      api_call:
        method: PUT
        url: /clusters/{{ .clusterId }}/statuses
        body: "{{ .statusPayload }}"
`;

beforeAll(async () => {
  [h, put] = await Promise.all([
    startHarness({ env: { LOG_LEVEL: 'debug' } }),
    startHarness({ taskConfig: PUT_ONLY }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([h?.close(), put?.close()]);
});

async function refused(on: Harness, param: string): Promise<number> {
  return metricValue(await on.fn.metrics(), 'hyperfleet_adapter_api_requests_refused_total', { param }) ?? 0;
}

async function answered(on: Harness, answer: string): Promise<number> {
  return metricValue(await on.fn.metrics(), 'hyperfleet_adapter_event_answers_total', { answer }) ?? 0;
}

test('a plain id reaches exactly its own cluster and status paths (the control case)', async () => {
  const id = '019ed716-f3cf-7b8e-b400-0796be4722c3';
  h.api.putCluster({ id, name: 'plain', generation: 1, spec: { ready: true } });
  const from = h.api.requests.length;
  const before = await refused(h, 'clusterId');

  const answer = await h.fn.send(sentinelEvent(id));

  expect(answer.status).toBe(200);
  expect(h.api.requests.slice(from).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
    `GET /api/hyperfleet/v1/clusters/${id} 200`,
    `PUT /api/hyperfleet/v1/clusters/${id}/statuses 201`,
  ]);
  expect(await refused(h, 'clusterId')).toBe(before);
});

// Each input of the report, and the neighbours a parser would also resolve.
const HOSTILE: [string, string, RegExp][] = [
  ['encoded dot segments', '%2e%2e/%2e%2e/%2e%2e/%2e%2e/admin', /"\/" inside a path segment/],
  ['backslash dot segments', '..\\..\\..\\..\\admin', /"\\"/],
  ['a fragment', 'victim#', /"#"/],
  ['a query string', 'x?admin=true&force=1', /"\?" in the path/],
  ['a line feed', 'a\nb', /control character/],
  ['a tab', 'a\tb', /control character/],
  ['a dot', '.', /"\." path segment/],
  ['two dots', '..', /"\.\." path segment/],
  ['two encoded dots', '%2e%2E', /"%2e%2E" path segment/],
  ['an encoded slash', 'victim%2fstatuses', /encoded "\/"/],
  ['an encoded backslash', 'victim%5c..', /encoded "\/" or "\\"/],
  ['an encoded NUL', 'a%00b', /encoded control character/],
];

async function rejected(on: Harness, reason: string): Promise<number> {
  return metricValue(await on.fn.metrics(), 'hyperfleet_adapter_events_rejected_total', { reason }) ?? 0;
}

describe.each(HOSTILE)('a value with %s', (_name, id, reason) => {
  test('as data.id: refused at the edge, 400 invalid_id, nothing reaches the API, counted and logged', async () => {
    h.api.putCluster({ id: 'victim', name: 'victim', generation: 1, spec: { ready: true } });
    const from = h.api.requests.length;
    const before = await rejected(h, 'invalid_id');
    const rejectedAnswers = await answered(h, 'rejected');
    const event = sentinelEvent(id);

    const answer = await h.fn.send(event);

    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ outcome: 'rejected', reason: 'invalid_id' });
    expect(String(answer.json?.['error'])).toContain('event data `id`');
    // Not the cluster object, not /admin, not another cluster: nothing at all.
    expect(h.api.requests.slice(from)).toEqual([]);
    expect(h.api.statuses('Cluster', 'victim')).toEqual([]);
    expect(await rejected(h, 'invalid_id')).toBe(before + 1);
    expect(await answered(h, 'rejected')).toBe(rejectedAnswers + 1);
    await h.fn.waitForLog(
      (l) => l.msg === 'event rejected' && l['event_id'] === event['id'] && l['reason'] === 'invalid_id',
    );
  });

  test('printed into the status URL from another field: the PUT is never sent, 422 naming the param and why', async () => {
    put.api.putCluster({ id: 'victim', name: 'victim', generation: 1, spec: { ready: true } });
    const from = put.api.requests.length;
    const before = await refused(put, 'clusterId');
    const event = sentinelEvent('019ed716-f3cf-7b8e-b400-0796be4722c4', { target: id });

    const answer = await put.fn.send(event);

    expect(answer.status).toBe(422);
    const errors = answer.json?.['errors'] as Record<string, { code: string; message: string }>;
    expect(errors['post_actions']?.message).toMatch(/HyperFleet API PUT not sent: param "clusterId" puts /);
    expect(errors['post_actions']?.message).toMatch(reason);
    expect(put.api.requests.slice(from)).toEqual([]);
    expect(put.api.statuses('Cluster', 'victim')).toEqual([]);
    expect(await refused(put, 'clusterId')).toBe(before + 1);
    const line = await put.fn.waitForLog(
      (l) => l.msg?.startsWith('api_call URL refused') === true && l['event_id'] === event['id'],
    );
    expect(line).toMatchObject({ param: 'clusterId', method: 'PUT' });
    expect(String(line['reason'])).toMatch(reason);
  });
});
