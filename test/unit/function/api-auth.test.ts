import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  fixture,
  type Harness,
  metricValue,
  sentinelEvent,
  startHarness,
  statusPuts,
} from '../../support/function-harness.ts';

// API auth as machine clients send it through the HyperFleet gateway: `Authorization:
// ServiceAccount <token>` from a projected service-account token, which the kubelet rotates by
// swapping the `..data` symlink of the volume. The new token is used from the next attempt on;
// a refused one is counted and its answer body (a gateway may quote the credentials) is kept
// out of the answer and the log.

const dir = mkdtempSync(path.join(tmpdir(), 'hf-sa-token-'));
const tokenPath = path.join(dir, 'token');
let generation = 0;

/** Writes a token the way the kubelet updates a projected volume: a new folder, then a symlink swap. */
function project(token: string): void {
  const data = path.join(dir, `..data-${++generation}`);
  mkdirSync(data);
  writeFileSync(path.join(data, 'token'), token);
  symlinkSync(path.basename(data), path.join(dir, '..data.tmp'));
  renameSync(path.join(dir, '..data.tmp'), path.join(dir, '..data'));
}

let h: Harness;

beforeAll(async () => {
  project('sa-token-one');
  symlinkSync('..data/token', tokenPath);
  const adapter = fixture('adapter-config.yaml').replace(
    '    max_delay: 20ms\n',
    `    max_delay: 20ms\n    auth:\n      token_path: ${tokenPath}\n      scheme: ServiceAccount\n`,
  );
  h = await startHarness({
    adapterConfig: adapter,
    api: { requireToken: 'sa-token-one', requireScheme: 'ServiceAccount' },
  });
  h.api.putCluster({ id: 'sa-1', name: 'sa', generation: 1, spec: { ready: true } });
});

afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the token goes as ServiceAccount, a rotated one is used from the next event, a refused one is counted and not quoted', async () => {
  expect((await h.fn.send(sentinelEvent('sa-1'))).status).toBe(200);
  const first = h.api.requests.filter((r) => r.path.startsWith('/api/hyperfleet/v1/clusters/sa-1'));
  expect(first.length).toBeGreaterThan(0);
  for (const r of first) expect(r.headers['authorization']).toBe('ServiceAccount sa-token-one');

  // A gateway that quotes the credentials it refused: neither the answer nor the log repeats it.
  h.api.failNext(
    10,
    { status: 403, body: 'denied: Authorization: ServiceAccount sa-token-one (audience hyperfleet)' },
    { method: 'PUT' },
  );
  const quoted = await h.fn.send(sentinelEvent('sa-1'));
  expect(JSON.stringify(quoted.json)).toMatch(/returned 403/);
  expect(JSON.stringify(quoted.json)).not.toContain('sa-token-one');
  expect(JSON.stringify(quoted.json)).not.toContain('audience');
  h.api.clearFaults();

  // The gateway now wants the new token; the kubelet has not rotated the file yet.
  h.api.setRequiredToken('sa-token-two');
  const refused = await h.fn.send(sentinelEvent('sa-1'));
  expect(refused.status).toBe(503);
  const failures = metricValue(await h.fn.metrics(), 'hyperfleet_adapter_api_auth_failures_total', {
    code: '401',
  });
  expect(failures).toBeGreaterThan(0);

  project('sa-token-two');
  const puts = statusPuts(h.api).length;
  expect((await h.fn.send(sentinelEvent('sa-1'))).status).toBe(200);
  expect(statusPuts(h.api).length).toBe(puts + 1);
  expect(h.api.requests.at(-1)?.headers['authorization']).toBe('ServiceAccount sa-token-two');
  expect(
    metricValue(await h.fn.metrics(), 'hyperfleet_adapter_api_auth_failures_total', { code: '403' }),
  ).toBeGreaterThan(0);
  for (const line of h.fn.logs()) {
    const text = JSON.stringify(line);
    expect(text).not.toContain('sa-token-one');
    expect(text).not.toContain('sa-token-two');
    expect(text).not.toContain('audience hyperfleet');
  }
});
