import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Harness, metricValue, sentinelEvent, startHarness } from '../../support/function-harness.ts';

// `/metrics` after a known mix of traffic on a fresh instance: every event is counted once,
// under the outcome it got, next to the runtime's own faas_* metrics in the same scrape.

let h: Harness;
const started = Date.now();
const answers: number[] = [];

beforeAll(async () => {
  h = await startHarness();
  h.api.putCluster({ id: 'm-ready', name: 'ready', generation: 1, spec: { ready: true } });
  h.api.putCluster({ id: 'm-waiting', name: 'waiting', generation: 1, spec: { ready: false } });
  const send = async (event: Record<string, unknown>, mode: 'structured' | 'binary' = 'structured') => {
    answers.push((await h.fn.send(event, mode)).status);
  };

  for (let i = 0; i < 3; i++) await send(sentinelEvent('m-ready'), i % 2 ? 'binary' : 'structured');
  for (let i = 0; i < 2; i++) await send(sentinelEvent('m-waiting'));
  // The API rejects the status report (400): processed, failed, nothing reported.
  h.api.failNext(1, 400, { method: 'PUT' });
  await send(sentinelEvent('m-ready'));
  await h.api.setDown(true);
  try {
    await send(sentinelEvent('m-ready'));
  } finally {
    await h.api.setDown(false);
  }
  const noId = sentinelEvent('x');
  delete (noId['data'] as Record<string, unknown>)['id'];
  await send(noId);
});

afterAll(async () => {
  await h?.close();
});

test('the answers were the ones the counts below describe', () => {
  expect(answers).toEqual([200, 200, 200, 200, 200, 422, 503, 400]);
});

test('events processed, by status', async () => {
  const m = await h.fn.metrics();
  const processed = (status: string) =>
    metricValue(m, 'hyperfleet_adapter_events_processed_total', { status });
  expect(processed('success')).toBe(3);
  expect(processed('skipped')).toBe(2);
  expect(processed('failed')).toBe(2);
  // The duration covers every event the handler saw, the rejected one included.
  expect(metricValue(m, 'hyperfleet_adapter_event_processing_duration_seconds_count')).toBe(8);
});

test('answers, rejections and errors, by class', async () => {
  const m = await h.fn.metrics();
  const answer = (a: string) => metricValue(m, 'hyperfleet_adapter_event_answers_total', { answer: a });
  expect(answer('handled')).toBe(5);
  expect(answer('unprocessable')).toBe(1);
  expect(answer('retry')).toBe(1);
  expect(answer('rejected')).toBe(1);
  expect(metricValue(m, 'hyperfleet_adapter_events_rejected_total', { reason: 'missing_field' })).toBe(1);
  expect(metricValue(m, 'hyperfleet_adapter_errors_total', { error_type: 'post_actions' })).toBe(1);
  expect(metricValue(m, 'hyperfleet_adapter_errors_total', { error_type: 'param_extraction' })).toBe(1);
});

test('API calls, by method and final status code (0: no answer)', async () => {
  const m = await h.fn.metrics();
  const calls = (method: string, code: string) =>
    metricValue(m, 'hyperfleet_adapter_api_call_duration_seconds_count', { method, code });
  expect(calls('GET', '200')).toBe(6);
  expect(calls('GET', '0')).toBe(1);
  expect(calls('PUT', '201')).toBe(5);
  expect(calls('PUT', '400')).toBe(1);
});

test('the runtime metrics are served in the same scrape', async () => {
  const m = await h.fn.metrics();
  expect(metricValue(m, 'faas_invocations')).toBeGreaterThanOrEqual(8);
  expect(metricValue(m, 'hyperfleet_adapter_config_valid')).toBe(1);
});

test("every adapter series carries the Go adapter's component, version and adapter_name labels", async () => {
  const m = await h.fn.metrics();
  const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  const series = m.split('\n').filter((l) => l.startsWith('hyperfleet_adapter_'));
  expect(series.length).toBeGreaterThan(20);
  const unlabelled = series.filter(
    (l) =>
      !l.includes('component="function-test-adapter"') ||
      !l.includes(`version="${version}"`) ||
      // `function-test-adapter` without Go's `-adapter` suffix.
      !l.includes('adapter_name="function-test"'),
  );
  expect(unlabelled).toEqual([]);
  expect(
    metricValue(m, 'hyperfleet_adapter_build_info', { component: 'function-test-adapter', version }),
  ).toBe(1);
  // faas-js-runtime's own metrics are not ours to label.
  expect(m).toMatch(/^faas_\w+(\{(?![^}]*adapter_name)[^}]*\})? /m);
});

test('the last event processed, as a Unix timestamp', async () => {
  const m = await h.fn.metrics();
  const at = metricValue(m, 'hyperfleet_adapter_last_processed_timestamp_seconds');
  expect(at).toBeGreaterThan(started / 1000);
  expect(at).toBeLessThanOrEqual(Date.now() / 1000);
});
