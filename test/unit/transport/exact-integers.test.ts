/**
 * A rendered manifest holding an integer beyond 2^53 (a JSON.rawJSON value) on each transport,
 * as the Go adapter hands it on: Maestro gets every digit (Go keeps each manifest's bytes), the
 * Kubernetes API server and the dry-run store the nearest float64 (Go decodes the rendered JSON
 * into an interface{} first).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRenderedManifest } from '../../../lib/executor/manifest.ts';
import { TokenBucket } from '../../../lib/transport/kubernetes/rate-limit.ts';
import { KubernetesTransport } from '../../../lib/transport/kubernetes/transport.ts';
import { toManifestBundle } from '../../../lib/transport/maestro/codec.ts';
import type { ManifestWork } from '../../../lib/transport/maestro/types.ts';
import { MemoryTransport } from '../../../lib/transport/memory.ts';
import type { KubeObject } from '../../../lib/transport/types.ts';

const signal = new AbortController().signal;
const rendered = () =>
  parseRenderedManifest(
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n    name: cm\n    namespace: ns\nspec:\n    big: 9223372036854775807\n    odd: 9007199254740993\n',
  ) as unknown as KubeObject;

let server: http.Server;
let base: string;
const patches: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.method === 'GET' && req.url?.startsWith('/api/v1')) {
        res.end(JSON.stringify({ resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }] }));
        return;
      }
      patches.push(body);
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('integers beyond 2^53 on the transports', () => {
  it('Kubernetes: the apply body carries the float64 Go sends', async () => {
    const transport = new KubernetesTransport(
      {
        server: base,
        agent: new http.Agent({ keepAlive: false }),
        headers: async () => ({}),
        limiter: new TokenBucket(0, 1),
      },
      { fieldManager: 'test', forceConflicts: true, defaultNamespace: 'default' },
    );
    await transport.apply(rendered(), { signal });
    await transport.close();
    expect(patches).toHaveLength(1);
    expect(patches[0]).toContain('"spec":{"big":9223372036854776000,"odd":9007199254740992}');
  });

  it('Maestro: the manifest bundle keeps every digit', () => {
    const work: ManifestWork = {
      apiVersion: 'work.open-cluster-management.io/v1',
      kind: 'ManifestWork',
      metadata: { name: 'w' },
      spec: { workload: { manifests: [rendered()] } },
    };
    const bundle = JSON.stringify(toManifestBundle(work));
    expect(bundle).toContain('"spec":{"big":9223372036854775807,"odd":9007199254740993}');
  });

  it('dry run: the record keeps what was applied, the store holds what Go decodes', async () => {
    const memory = new MemoryTransport('kubernetes');
    const returned = await memory.apply(rendered(), { signal });
    expect((returned as unknown as { spec: unknown }).spec).toEqual({
      big: 2 ** 63,
      odd: 9007199254740992,
    });
    const stored = await memory.get(
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', namespace: 'ns' },
      { signal },
    );
    expect((stored as unknown as { spec: unknown }).spec).toEqual({
      big: 2 ** 63,
      odd: 9007199254740992,
    });
    const record = memory.records.find((r) => r.operation === 'apply');
    expect(JSON.stringify(record?.object)).toContain(
      '"spec":{"big":9223372036854775807,"odd":9007199254740993}',
    );
  });
});
