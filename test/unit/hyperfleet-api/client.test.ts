import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRetryable } from '../../../lib/errors.ts';
import {
  type ApiCallInfo,
  abortableSleep,
  DeadlineExceededError,
  expectOk,
  HyperfleetApiClient,
  type HyperfleetApiClientOptions,
  HyperfleetApiError,
  HyperfleetApiUnavailableError,
  HyperfleetTokenError,
} from '../../../lib/hyperfleet-api/index.ts';
import { type ApiDouble, startHyperfleetApiDouble } from '../../support/hyperfleet-api-double.ts';

const V1 = '/api/hyperfleet/v1';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

let api: ApiDouble;
let dir: string;
let waits: number[];
let calls: ApiCallInfo[];
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  api = await startHyperfleetApiDouble({ requiredAdapters: ['test-adapter'] });
  api.putCluster({ id: 'c1', name: 'one' });
  dir = await mkdtemp(join(tmpdir(), 'hf-token-'));
  waits = [];
  calls = [];
});
afterEach(async () => {
  await api.close();
  while (closers.length > 0) await closers.pop()?.();
  await rm(dir, { recursive: true, force: true });
});

/** A client whose waits are recorded and skipped, so retry tests take milliseconds. */
function client(options: Partial<HyperfleetApiClientOptions> = {}): HyperfleetApiClient {
  return new HyperfleetApiClient({
    baseUrl: api.url,
    random: () => 0.5,
    sleep: (ms, signal) => {
      waits.push(ms);
      return abortableSleep(0, signal);
    },
    onCall: (info) => calls.push(info),
    ...options,
  });
}

const deadline = (ms = 5000) => AbortSignal.timeout(ms);

/** A second origin that records what reached it. */
async function otherServer(
  status = 200,
  extra: Record<string, string> = {},
): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(status, { 'content-type': 'application/json', ...extra });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('requests', () => {
  it('GETs a relative URL under the API base path and parses the JSON', async () => {
    const resp = await client().request({ method: 'get', url: '/clusters/c1', signal: deadline() });
    expect(resp).toMatchObject({
      method: 'GET',
      status: 200,
      attempts: 1,
      url: `${api.url}${V1}/clusters/c1`,
    });
    expect(resp.json).toMatchObject({ id: 'c1', name: 'one', kind: 'Cluster' });
    expect(resp.headers['content-type']).toBe('application/json');
    expect(api.requests[0]?.path).toBe(`${V1}/clusters/c1`);
    expect(api.requests[0]?.headers['user-agent']).toBe('hyperfleet-adapter-knative');
    expect(calls).toEqual([
      expect.objectContaining({ method: 'GET', attempt: 1, status: 200, willRetry: false }),
    ]);
  });

  it("follows Sentinel's href as given", async () => {
    const resp = await client().request({ method: 'GET', url: `${V1}/clusters/c1`, signal: deadline() });
    expect(resp.status).toBe(200);
  });

  it('JSON-encodes an object body with content-type, and sends a string body untouched', async () => {
    const status = {
      adapter: 'test-adapter',
      observed_generation: 1,
      observed_time: new Date().toISOString(),
      conditions: ['Applied', 'Available', 'Health'].map((type) => ({
        type,
        status: 'True',
        reason: 'R',
        message: 'm',
      })),
    };
    const c = client({ defaultHeaders: { 'X-Tenant': 'acme' } });
    const resp = await c.request({
      method: 'PUT',
      url: '/clusters/c1/statuses',
      body: status,
      signal: deadline(),
    });
    expect(resp.status).toBe(201);
    expect(resp.json).toMatchObject({ adapter: 'test-adapter' });
    expect(api.requests[0]?.headers['content-type']).toBe('application/json');
    expect(api.requests[0]?.headers['x-tenant']).toBe('acme');
    expect(JSON.parse(api.requests[0]?.body ?? '')).toEqual(status);

    await c.request({
      method: 'PUT',
      url: '/clusters/c1/statuses',
      body: '{"adapter":""}',
      signal: deadline(),
    });
    expect(api.requests[1]?.body).toBe('{"adapter":""}');
  });

  it('propagates traceparent', async () => {
    await client().request({
      method: 'GET',
      url: '/clusters/c1',
      signal: deadline(),
      traceparent: TRACEPARENT,
    });
    expect(api.requests[0]?.headers['traceparent']).toBe(TRACEPARENT);
  });

  it('does not follow redirects: a 3xx is the answer', async () => {
    const other = await otherServer(302, { location: `${api.url}${V1}/clusters/c1` });
    const resp = await client().request({ method: 'GET', url: `${other.url}/moved`, signal: deadline() });
    expect(resp.status).toBe(302);
    expect(resp.headers['location']).toBe(`${api.url}${V1}/clusters/c1`);
    expect(api.requests).toHaveLength(0);
  });
});

describe('retries', () => {
  it('retries a 500 and succeeds, waiting the exponential backoff', async () => {
    api.failNext(2, 500);
    const resp = await client().request({ method: 'GET', url: '/clusters/c1', signal: deadline() });
    expect(resp.status).toBe(200);
    expect(resp.attempts).toBe(3);
    expect(waits).toEqual([1000, 2000]);
    expect(calls.map((c) => [c.attempt, c.status, c.errorCode, c.willRetry])).toEqual([
      [1, 500, 'API_HTTP_500', true],
      [2, 500, 'API_HTTP_500', true],
      [3, 200, undefined, false],
    ]);
  });

  it('honours the per-request strategy and attempt count', async () => {
    api.failNext(3, 503);
    const resp = await client({ baseDelayMs: 10 }).request({
      method: 'GET',
      url: '/clusters/c1',
      retryAttempts: 4,
      retryBackoff: 'linear',
      signal: deadline(),
    });
    expect(resp.attempts).toBe(4);
    expect(waits).toEqual([10, 20, 30]);
  });

  it('waits what a 429 Retry-After asks, capped at max_delay', async () => {
    api.failNext(1, { status: 429, headers: { 'retry-after': '2' } });
    api.failNext(1, { status: 429, headers: { 'retry-after': '120' } });
    const resp = await client({ maxDelayMs: 5000 }).request({
      method: 'GET',
      url: '/clusters/c1',
      signal: deadline(),
    });
    expect(resp.status).toBe(200);
    expect(waits).toEqual([2000, 5000]);
  });

  it('retries 408 and resets; exhausting attempts on a retryable status throws API_UNAVAILABLE', async () => {
    api.failNext(1, 408);
    api.failNext(1, 'reset');
    api.failNext(5, 503);
    const err = await client()
      .request({ method: 'GET', url: '/clusters/c1', signal: deadline() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HyperfleetApiUnavailableError);
    const u = err as HyperfleetApiUnavailableError;
    expect(u.code).toBe('API_UNAVAILABLE');
    expect(u.retryable).toBe(true);
    expect(isRetryable(u)).toBe(true);
    expect(u.attempts).toBe(3);
    expect(u.lastStatus).toBe(503);
    expect(u.problem?.code).toBe('HYPERFLEET-SVC-001');
    expect(api.requests.map((r) => r.status)).toEqual([408, 0, 503]);
    expect(calls.map((c) => c.errorCode)).toEqual(['API_HTTP_408', 'API_TRANSPORT', 'API_HTTP_503']);
  });

  it('a server that is down is API_UNAVAILABLE after every attempt, with the transport error as cause', async () => {
    await api.setDown(true);
    const err = await client()
      .request({ method: 'GET', url: '/clusters/c1', signal: deadline() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HyperfleetApiUnavailableError);
    expect((err as HyperfleetApiUnavailableError).lastStatus).toBeUndefined();
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(calls).toHaveLength(3);
  });

  it('times out a slow attempt and retries it', async () => {
    api.failNext(1, { delayMs: 1000 });
    const resp = await client({ timeoutMs: 100 }).request({
      method: 'GET',
      url: '/clusters/c1',
      signal: deadline(),
    });
    expect(resp.status).toBe(200);
    expect(resp.attempts).toBe(2);
    expect(calls[0]?.errorCode).toBe('API_TIMEOUT');
  });
});

describe('deadline', () => {
  it('aborts mid-backoff with DEADLINE_EXCEEDED, without waiting the backoff out', async () => {
    api.failNext(5, 503);
    const c = new HyperfleetApiClient({ baseUrl: api.url, baseDelayMs: 10_000 });
    const t = performance.now();
    const err = await c
      .request({ method: 'GET', url: '/clusters/c1', signal: deadline(200) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect((err as DeadlineExceededError).code).toBe('DEADLINE_EXCEEDED');
    expect((err as DeadlineExceededError).retryable).toBe(true);
    expect((err as DeadlineExceededError).attempts).toBe(1);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(api.requests).toHaveLength(1);
  });

  it('aborts an attempt in flight', async () => {
    api.failNext(1, { delayMs: 3000 });
    const t = performance.now();
    const err = await client()
      .request({ method: 'GET', url: '/clusters/c1', signal: deadline(150) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(calls.at(-1)?.errorCode).toBe('DEADLINE_EXCEEDED');
  });

  it('does not start when the deadline has already passed', async () => {
    const err = await client()
      .request({ method: 'GET', url: '/clusters/c1', signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect((err as DeadlineExceededError).attempts).toBe(0);
    expect(api.requests).toHaveLength(0);
  });
});

describe('non-2xx answers', () => {
  it('resolves a 404 with the response; expectOk throws API_NOT_FOUND with the problem details', async () => {
    const resp = await client().request({ method: 'GET', url: '/clusters/missing', signal: deadline() });
    expect(resp.status).toBe(404);
    expect(resp.attempts).toBe(1);
    expect(calls[0]?.errorCode).toBe('API_NOT_FOUND');
    const err = (() => {
      try {
        expectOk(resp);
      } catch (e) {
        return e;
      }
    })() as HyperfleetApiError;
    expect(err).toBeInstanceOf(HyperfleetApiError);
    expect(err.code).toBe('API_NOT_FOUND');
    expect(err.status).toBe(404);
    expect(err.retryable).toBe(false);
    expect(err.isResourceNotFound).toBe(true);
    expect(err.problem).toMatchObject({
      code: 'HYPERFLEET-NTF-001',
      title: 'Resource Not Found',
      instance: `${V1}/clusters/missing`,
    });
    expect(err.method).toBe('GET');
    expect(err.url).toBe(`${api.url}${V1}/clusters/missing`);
    expect(err.message).toContain("Cluster with id='missing' not found");
  });

  it('tells a broken URL from a missing resource', async () => {
    const resp = await client().request({ method: 'GET', url: '/clusterz/c1', signal: deadline() });
    expect(() => expectOk(resp)).toThrow(
      expect.objectContaining({ code: 'API_ENDPOINT_NOT_FOUND', isResourceNotFound: false }),
    );
  });

  it('a rejected status PUT is API_BAD_REQUEST carrying the validation detail', async () => {
    const resp = await client().request({
      method: 'PUT',
      url: '/clusters/c1/statuses',
      body: { adapter: 'test-adapter', observed_generation: 0, conditions: [] },
      signal: deadline(),
    });
    expect(() => expectOk(resp)).toThrow(
      expect.objectContaining({
        code: 'API_BAD_REQUEST',
        problem: expect.objectContaining({
          detail: 'observed_generation must be >= 1',
          code: 'HYPERFLEET-VAL-000',
        }),
      }),
    );
  });

  it('expectOk passes a 2xx (including 204) through', async () => {
    api.putCluster({ id: 'c2', generation: 1 });
    const resp = await client().request({
      method: 'PUT',
      url: '/clusters/c2/statuses',
      body: {
        adapter: 'test-adapter',
        observed_generation: 5,
        conditions: ['Applied', 'Available', 'Health'].map((type) => ({ type, status: 'True' })),
      },
      signal: deadline(),
    });
    expect(resp.status).toBe(204);
    expect(expectOk(resp)).toBe(resp);
    expect(resp.json).toBeUndefined();
  });
});

describe('bearer token', () => {
  it('is read from the file and re-read after the cache TTL', async () => {
    const path = join(dir, 'token');
    await writeFile(path, 'first-token\n');
    api.setRequiredToken('first-token');
    const c = client({ tokenPath: path, tokenCacheTtlMs: 500 });
    expect((await c.request({ method: 'GET', url: '/clusters/c1', signal: deadline() })).status).toBe(200);
    expect(api.requests[0]?.headers['authorization']).toBe('Bearer first-token');

    await writeFile(path, 'second-token');
    api.setRequiredToken('second-token');
    // Still cached: the old token is sent and refused.
    expect((await c.request({ method: 'GET', url: '/clusters/c1', signal: deadline() })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 600));
    expect((await c.request({ method: 'GET', url: '/clusters/c1', signal: deadline() })).status).toBe(200);
    expect(api.requests.at(-1)?.headers['authorization']).toBe('Bearer second-token');
  });

  it('without a TTL the file is read for every request', async () => {
    const path = join(dir, 'token');
    await writeFile(path, 'a');
    const c = client({ tokenPath: path });
    await c.request({ method: 'GET', url: '/clusters/c1', signal: deadline() });
    await writeFile(path, 'b');
    await c.request({ method: 'GET', url: '/clusters/c1', signal: deadline() });
    expect(api.requests.map((r) => r.headers['authorization'])).toEqual(['Bearer a', 'Bearer b']);
  });

  it('is never sent to another origin, nor are the default headers', async () => {
    const path = join(dir, 'token');
    await writeFile(path, 'secret-token');
    const other = await otherServer();
    const c = client({ tokenPath: path, defaultHeaders: { 'x-api-key': 'k' } });
    const resp = await c.request({
      method: 'GET',
      url: `${other.url}/anything`,
      signal: deadline(),
      traceparent: TRACEPARENT,
    });
    expect(resp.json).toEqual({ ok: true });
    expect(other.seen).toHaveLength(1);
    expect(other.seen[0]?.['authorization']).toBeUndefined();
    expect(other.seen[0]?.['x-api-key']).toBeUndefined();
    expect(other.seen[0]?.['traceparent']).toBe(TRACEPARENT);
    // The same client still authenticates to the API itself, absolute URL or not.
    await c.request({ method: 'GET', url: `${api.url}${V1}/clusters/c1`, signal: deadline() });
    expect(api.requests[0]?.headers['authorization']).toBe('Bearer secret-token');
  });

  it('never appears in errors or call info', async () => {
    const path = join(dir, 'token');
    await writeFile(path, 'do-not-leak-me');
    api.failNext(3, 503);
    const err = await client({ tokenPath: path })
      .request({ method: 'GET', url: '/clusters/c1?x=1', signal: deadline() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HyperfleetApiUnavailableError);
    const seen = JSON.stringify({ message: (err as Error).message, err, calls, stack: (err as Error).stack });
    expect(seen).not.toContain('do-not-leak-me');
    expect(calls.every((c) => !c.url.includes('?'))).toBe(true);
  });

  it('a missing token file is a retryable API_TOKEN_UNAVAILABLE that names the file, not the token', async () => {
    const err = await client({ tokenPath: join(dir, 'absent') })
      .request({ method: 'GET', url: '/clusters/c1', signal: deadline() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HyperfleetTokenError);
    expect((err as HyperfleetTokenError).code).toBe('API_TOKEN_UNAVAILABLE');
    expect((err as HyperfleetTokenError).retryable).toBe(true);
    expect((err as Error).message).toContain('absent');
    expect(api.requests).toHaveLength(0);
  });
});
