import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Harness, startHarness } from '../../support/function-harness.ts';
import { freePort } from '../../support/function-process.ts';

// Readiness reflects the HyperFleet API's reachability: no answer at the configured address
// takes the instance out of routing, with the reason in the probe's body.

let down: Harness;
let up: Harness;

beforeAll(async () => {
  const closed = await freePort();
  down = await startHarness({
    env: { HYPERFLEET_API_BASE_URL: `http://127.0.0.1:${closed}` },
    waitFor: 'listening',
  });
  up = await startHarness();
});

afterAll(async () => {
  await down?.close();
  await up?.close();
});

async function probe(
  h: Harness,
): Promise<{ status: number; body: { ready: boolean; details: Record<string, unknown> } }> {
  const res = await fetch(`${h.fn.url}/health/readiness`);
  return {
    status: res.status,
    body: (await res.json()) as { ready: boolean; details: Record<string, unknown> },
  };
}

test('an unreachable API makes the instance not ready, saying why', async () => {
  const r = await probe(down);
  expect(r.status).toBe(503);
  expect(r.body.details['api']).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
});

test('a reachable API (any HTTP answer) keeps it ready', async () => {
  const r = await probe(up);
  expect(r.status).toBe(200);
  expect(r.body.details['api']).toMatchObject({ ok: true });
});

async function convention(
  h: Harness,
  path: string,
): Promise<{ status: number; type: string | null; body: unknown }> {
  const res = await fetch(`${h.fn.url}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
}

test('the HyperFleet health convention beside the Knative probes: /healthz and /readyz', async () => {
  expect(await convention(up, '/healthz')).toEqual({
    status: 200,
    type: 'application/json',
    body: { status: 'ok' },
  });
  expect(await convention(up, '/readyz')).toEqual({
    status: 200,
    type: 'application/json',
    body: { status: 'ok', checks: { config: 'ok', api: 'ok' } },
  });
  // The Go adapter's failing shape: status error, a message, every check named.
  expect(await convention(down, '/readyz')).toEqual({
    status: 503,
    type: 'application/json',
    body: { status: 'error', message: 'not ready', checks: { config: 'ok', api: 'error' } },
  });
  // Liveness says nothing of dependencies.
  expect((await convention(down, '/healthz')).status).toBe(200);
});
