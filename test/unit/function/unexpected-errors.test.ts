import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  fixture,
  type Harness,
  metricValue,
  sentinelEvent,
  startHarness,
} from '../../support/function-harness.ts';

// An error nobody planned for must still end in an answer Knative acts on (redeliver), a log
// line with the event id and a count: never in the runtime's generic 500 with nothing of ours.
// The way in used here: a HyperFleet API address that is not a URL (the loader only warns,
// since the examples ship a CHANGE_ME placeholder; the API client refuses it on the first
// event). Readiness says the API is unreachable, so the harness waits for the port only.

let h: Harness;

beforeAll(async () => {
  const adapter = fixture('adapter-config.yaml').replace(
    '    base_url: http://hyperfleet-api.invalid:8000\n',
    '    base_url: CHANGE_ME\n',
  );
  expect(adapter).toContain('CHANGE_ME');
  h = await startHarness({
    adapterConfig: adapter,
    env: { HYPERFLEET_API_BASE_URL: '' },
    waitFor: 'listening',
  });
});

afterAll(async () => {
  await h?.close();
});

test('answered 503 retry, logged with the event id, counted', async () => {
  const event = sentinelEvent('no-api');
  const answer = await h.fn.send(event);
  expect(answer.status).toBe(503);
  expect(answer.json).toMatchObject({ outcome: 'retry' });
  expect(String(answer.json?.['error'])).toContain('base_url');
  const logged = await h.fn.waitForLog((l) => l.event_id === event['id'] && l.level === 'error');
  expect(String(logged['err'])).toContain('base_url');
  const m = await h.fn.metrics();
  expect(metricValue(m, 'hyperfleet_adapter_event_answers_total', { answer: 'retry' })).toBe(1);
  expect(metricValue(m, 'hyperfleet_adapter_errors_total', { error_type: 'internal' })).toBe(1);
});
