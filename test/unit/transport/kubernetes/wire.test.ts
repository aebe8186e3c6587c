import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeUnavailableError } from '../../../../lib/transport/kubernetes/errors.ts';
import { TokenBucket } from '../../../../lib/transport/kubernetes/rate-limit.ts';
import { buildUrl, type Endpoint, send } from '../../../../lib/transport/kubernetes/wire.ts';

const site = {
  verb: 'get',
  ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', namespace: 'ns' },
  resource: 'configmaps',
};

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let base: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.url?.startsWith('/prefix/hang')) return; // never answers: the caller's signal must end it
      if (req.url?.startsWith('/prefix/text')) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('etcd unhappy');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'ConfigMap', echo: req.url }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function endpoint(server: string, limiter = new TokenBucket(0, 1)): Endpoint {
  return {
    server,
    agent: new http.Agent({ keepAlive: true }),
    headers: async () => ({ Authorization: 'Bearer t0k' }),
    limiter,
  };
}

describe('buildUrl', () => {
  it('keeps a server path prefix and drops undefined query values', () => {
    const url = buildUrl('https://h:6443/k8s/c1/', '/api/v1/namespaces', { a: 'x=1,y=2', b: undefined });
    expect(url.toString()).toBe('https://h:6443/k8s/c1/api/v1/namespaces?a=x%3D1%2Cy%3D2');
  });
});

describe('send', () => {
  it('sends auth headers and body with its content type, and parses JSON', async () => {
    const res = await send(endpoint(base), {
      method: 'PATCH',
      path: '/api/v1/namespaces/ns/configmaps/cm',
      query: { fieldManager: 'hyperfleet-adapter', force: 'false' },
      body: '{"a":1}',
      contentType: 'application/apply-patch+yaml',
      signal: AbortSignal.timeout(5000),
      site,
    });
    expect(res).toEqual({
      status: 200,
      body: {
        kind: 'ConfigMap',
        echo: '/prefix/api/v1/namespaces/ns/configmaps/cm?fieldManager=hyperfleet-adapter&force=false',
      },
    });
    const last = seen.at(-1)!;
    expect(last.method).toBe('PATCH');
    expect(last.headers['authorization']).toBe('Bearer t0k');
    expect(last.headers['content-type']).toBe('application/apply-patch+yaml');
    expect(last.body).toBe('{"a":1}');
  });

  it('resolves non-2xx answers with their text body (the caller classifies)', async () => {
    const res = await send(endpoint(base), {
      method: 'GET',
      path: '/text',
      signal: AbortSignal.timeout(5000),
      site,
    });
    expect(res).toEqual({ status: 500, body: 'etcd unhappy' });
  });

  it('a refused connection is KUBE_UNAVAILABLE, retryable', async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const err = await send(endpoint(`http://127.0.0.1:${port}`), {
      method: 'GET',
      path: '/api/v1',
      signal: AbortSignal.timeout(5000),
      site,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeUnavailableError);
    expect((err as KubeUnavailableError).retryable).toBe(true);
    expect((err as KubeUnavailableError).message).toContain('ECONNREFUSED');
  });

  it("the caller's deadline ends a request the server never answers", async () => {
    const started = Date.now();
    const err = await send(endpoint(base), {
      method: 'GET',
      path: '/hang',
      signal: AbortSignal.timeout(200),
      site,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeUnavailableError);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('waits for the rate limiter before sending', async () => {
    const limiter = new TokenBucket(20, 1);
    const ep = endpoint(base, limiter);
    const started = performance.now();
    for (let i = 0; i < 4; i++) {
      await send(ep, { method: 'GET', path: '/api/v1', signal: AbortSignal.timeout(5000), site });
    }
    // 1 immediate + 3 spaced at 50 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});
