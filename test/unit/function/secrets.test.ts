import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EventMode } from '../../../tools/invoke.ts';
import { fixture, type Harness, sentinelEvent, startHarness } from '../../support/function-harness.ts';

// The API's bearer token goes to the API's own origin only, never to another server a config
// calls; and neither the token nor an environment variable the config does not declare ever
// reaches a log line (LOG_LEVEL=debug, so every line the function can write is written).

const TOKEN = 'tok-9f1c2e7a-never-log-me';
const SECRET_X = 'undeclared-5b0d3c81-never-log-me';

let h: Harness;
let tokenDir: string;
let other: Server;
let otherUrl: string;
const otherRequests: { url: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  other = createServer((req, res) => {
    otherRequests.push({ url: req.url ?? '', headers: req.headers });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"zone":"eu-1"}');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;

  // Where a Secret would be mounted: outside the config mount.
  tokenDir = await mkdtemp(join(tmpdir(), 'hf-token-'));
  await writeFile(join(tokenDir, 'token'), `${TOKEN}\n`);
  const adapterConfig = fixture('adapter-config.yaml').replace(
    '    max_delay: 20ms\n',
    `    max_delay: 20ms\n    auth:\n      token_path: ${join(tokenDir, 'token')}\n`,
  );
  // A param read from a second origin by absolute URL, named through a declared env var.
  const taskConfig = fixture('task-config.yaml').replace(
    '\npreconditions:',
    `  - name: otherOrigin
    source: env.OTHER_ORIGIN_URL
    type: string
    required: true
  - name: zone
    source:
      api_call:
        method: GET
        url: "{{ .otherOrigin }}/zones/{{ .clusterId }}"

preconditions:`,
  );
  expect(adapterConfig).toContain('token_path');
  expect(taskConfig).toContain('otherOrigin');
  h = await startHarness({
    adapterConfig,
    taskConfig,
    api: { requireToken: TOKEN },
    env: { OTHER_ORIGIN_URL: otherUrl, SECRET_X, LOG_LEVEL: 'debug' },
  });
});

afterAll(async () => {
  await h?.close();
  await new Promise((resolve) => other?.close(resolve));
  if (tokenDir) await rm(tokenDir, { recursive: true, force: true });
});

describe.each<EventMode>(['structured', 'binary'])('%s mode', (mode) => {
  test('the API gets the bearer token, the other origin gets no Authorization', async () => {
    const id = `token-${mode}`;
    h.api.putCluster({ id, name: 'tok', generation: 1, spec: { ready: true } });
    const fromApi = h.api.requests.length;
    const fromOther = otherRequests.length;

    const answer = await h.fn.send(sentinelEvent(id), mode);

    expect(answer.status).toBe(200);
    const apiCalls = h.api.requests.slice(fromApi);
    expect(apiCalls.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'PUT 201']);
    for (const r of apiCalls) expect(r.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    const otherCalls = otherRequests.slice(fromOther);
    expect(otherCalls.map((r) => r.url)).toEqual([`/zones/${id}`]);
    expect(otherCalls[0]?.headers['authorization']).toBeUndefined();
  });
});

test('failures are logged without the token either (API down, API refusing the token)', async () => {
  h.api.putCluster({ id: 'token-fail', name: 'tok', generation: 1, spec: { ready: true } });
  h.api.failNext(1, 401, { method: 'GET' });
  const refused = await h.fn.send(sentinelEvent('token-fail'));
  // A refused token may be a rotation in progress: redelivery can succeed.
  expect(refused.status).toBe(503);
  expect(h.api.requests.at(-1)).toMatchObject({ status: 401, headers: { authorization: `Bearer ${TOKEN}` } });
  await h.api.setDown(true);
  try {
    expect((await h.fn.send(sentinelEvent('token-fail'))).status).toBe(503);
  } finally {
    await h.api.setDown(false);
  }
});

test('no log line, readiness body or metric carries the token or an undeclared env value', async () => {
  // The lines worth checking were written (the child's output may still be in flight):
  // successes, and the failures that carry API messages.
  await h.fn.waitForLog((l) => l.msg === 'Event processed');
  await h.fn.waitForLog((l) => l.level === 'error' && String(l['err']).includes('401'));
  await h.fn.waitForLog((l) => l.level === 'error' && String(l['err']).includes('unavailable'));
  const logs = h.fn.logs();
  for (const line of logs) {
    expect(line.raw).not.toContain(TOKEN);
    expect(line.raw).not.toContain(SECRET_X);
  }
  const surfaces = [(await h.fn.get('/health/readiness')).body, await h.fn.metrics()];
  for (const text of surfaces) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(SECRET_X);
  }
});
