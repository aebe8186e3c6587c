/**
 * A rendered Kubernetes name is a URL path segment: one that is empty, `.`, `..`, or holds `/`
 * or `%` changes the request itself (a Namespace named `..` was a request to `/api/v1/`). The
 * transport refuses it before sending, as client-go does for the Go adapter; only discovery
 * reaches the server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeInvalidError } from '../../../lib/transport/kubernetes/errors.ts';
import { TokenBucket } from '../../../lib/transport/kubernetes/rate-limit.ts';
import { KubernetesTransport } from '../../../lib/transport/kubernetes/transport.ts';

const signal = new AbortController().signal;
let server: http.Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = req.url ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.method === 'GET' && url === '/api/v1') {
        res.end(
          JSON.stringify({
            resources: [
              { name: 'namespaces', kind: 'Namespace', namespaced: false },
              { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
            ],
          }),
        );
        return;
      }
      requests.push(`${req.method} ${url}`);
      res.end('{"apiVersion":"v1","kind":"Status","status":"Success"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function transport(): KubernetesTransport {
  return new KubernetesTransport(
    {
      server: base,
      agent: new http.Agent({ keepAlive: false }),
      headers: async () => ({}),
      limiter: new TokenBucket(0, 1),
    },
    { fieldManager: 'test', forceConflicts: true, defaultNamespace: 'default' },
  );
}

const HOSTILE = ['..', '.', 'a/b', 'a%2fb', '../../apis'];

describe('rendered names that would change the URL', () => {
  it.each(HOSTILE)('a Namespace named %j: apply, get and delete refused, nothing sent', async (name) => {
    const t = transport();
    const before = requests.length;
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    for (const call of [
      () => t.apply(ns, { signal }),
      () => t.get({ apiVersion: 'v1', kind: 'Namespace', name }, { signal }),
      () => t.delete({ apiVersion: 'v1', kind: 'Namespace', name }, { signal }),
    ]) {
      const err = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(KubeInvalidError);
      expect((err as KubeInvalidError).retryable).toBe(false);
      expect((err as Error).message).toMatch(/metadata\.name .* may not .*; no request was sent$/);
    }
    expect(requests.slice(before)).toEqual([]);
    await t.close();
  });

  it.each(HOSTILE)('a ConfigMap in namespace %j: refused, nothing sent', async (namespace) => {
    const t = transport();
    const before = requests.length;
    const err = await t
      .apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace } }, { signal })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(KubeInvalidError);
    expect((err as Error).message).toContain('metadata.namespace');
    expect(requests.slice(before)).toEqual([]);
    await t.close();
  });

  it('ordinary names go through, to the URL they name', async () => {
    const t = transport();
    const before = requests.length;
    await t.apply(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm.v1-a', namespace: 'ns-1' } },
      { signal },
    );
    await t.get({ apiVersion: 'v1', kind: 'Namespace', name: 'system:odd' }, { signal });
    expect(requests.slice(before).map((r) => r.replace(/\?.*/, ''))).toEqual([
      'PATCH /api/v1/namespaces/ns-1/configmaps/cm.v1-a',
      'GET /api/v1/namespaces/system%3Aodd',
    ]);
    await t.close();
  });
});
