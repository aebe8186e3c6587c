import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EventMode } from '../../../tools/invoke.ts';
import { type Harness, metricValue, sentinelEvent, startHarness } from '../../support/function-harness.ts';

// An event that can never be processed is answered 400 (Knative does not redeliver it), and
// it must not vanish: each one is counted by reason and logged.

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const STRUCTURED = { 'content-type': 'application/cloudevents+json; charset=utf-8' };

async function rejected(reason: string): Promise<number> {
  return metricValue(await h.fn.metrics(), 'hyperfleet_adapter_events_rejected_total', { reason }) ?? 0;
}

describe('malformed CloudEvents', () => {
  test('structured mode with a body that is not JSON: 400, counted', async () => {
    const before = await rejected('not_cloudevent');
    const answer = await h.fn.post(STRUCTURED, '{"specversion": "1.0", "id": ');
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ outcome: 'rejected', reason: 'not_cloudevent' });
    expect(await rejected('not_cloudevent')).toBe(before + 1);
    await h.fn.waitForLog((l) => l.msg === 'event rejected' && l.reason === 'not_cloudevent');
  });

  test('a plain POST that is no CloudEvent at all: 400, counted', async () => {
    const before = await rejected('not_cloudevent');
    const answer = await h.fn.post({ 'content-type': 'application/json' }, '{"id":"x"}');
    expect(answer.status).toBe(400);
    expect(await rejected('not_cloudevent')).toBe(before + 1);
  });

  test('structured mode missing required attributes (source, type): 400, counted, logged', async () => {
    const before = await rejected('malformed_cloudevent');
    const event = sentinelEvent('no-source');
    delete event['source'];
    delete event['type'];
    const answer = await h.fn.send(event, 'structured');
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('source');
    expect(await rejected('malformed_cloudevent')).toBe(before + 1);
    await h.fn.waitForLog((l) => l.msg === 'event rejected' && l.reason === 'malformed_cloudevent');
  });

  test('binary mode missing ce-source: 400, counted', async () => {
    const before = await rejected('malformed_cloudevent');
    const event = sentinelEvent('no-source-binary');
    delete event['source'];
    const answer = await h.fn.send(event, 'binary');
    expect(answer.status).toBe(400);
    expect(await rejected('malformed_cloudevent')).toBe(before + 1);
  });

  test('a batch (cloudevents-batch+json), which the runtime cannot hand over: 400, counted', async () => {
    const before = await rejected('malformed_cloudevent');
    const answer = await h.fn.post(
      { 'content-type': 'application/cloudevents-batch+json' },
      JSON.stringify([sentinelEvent('batch-1'), sentinelEvent('batch-2')]),
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('batched CloudEvents are not accepted');
    expect(await rejected('malformed_cloudevent')).toBe(before + 1);
  });
});

describe.each<EventMode>(['structured', 'binary'])(
  'events without the data the config needs (%s)',
  (mode) => {
    test('no `id` in data: 400 naming the field; nothing reaches the API', async () => {
      const before = await rejected('missing_field');
      const from = h.api.requests.length;
      const event = sentinelEvent('ignored');
      delete (event['data'] as Record<string, unknown>)['id'];
      const answer = await h.fn.send(event, mode);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ outcome: 'rejected', reason: 'missing_field' });
      expect(String(answer.json?.['error'])).toContain('`id`');
      expect(h.api.requests.length).toBe(from);
      expect(await rejected('missing_field')).toBe(before + 1);
      await h.fn.waitForLog(
        (l) => l.msg === 'event rejected' && l.event_id === event['id'] && l.reason === 'missing_field',
      );
    });

    test('no `kind` (read by a required event.kind param): 400 naming `kind`', async () => {
      const event = sentinelEvent('c-no-kind');
      delete (event['data'] as Record<string, unknown>)['kind'];
      const answer = await h.fn.send(event, mode);
      expect(answer.status).toBe(400);
      expect(String(answer.json?.['error'])).toContain('`kind`');
    });

    test('data that is not a JSON object: 400', async () => {
      const before = await rejected('data_not_object');
      const answer = await h.fn.send(sentinelEvent('x', {}, { data: ['not', 'an', 'object'] }), mode);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ outcome: 'rejected', reason: 'data_not_object' });
      expect(await rejected('data_not_object')).toBe(before + 1);
    });
  },
);
