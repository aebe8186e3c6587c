import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildListSearch,
  MaestroRest,
  type ResourceBundle,
  resourceBundleToWork,
} from '../../../../lib/transport/maestro/rest.ts';

const bundle: ResourceBundle = {
  id: 'a65f19da-5468-5a45-8506-2dfe4c51fbda',
  kind: 'ResourceBundle',
  name: 'a65f19da-5468-5a45-8506-2dfe4c51fbda',
  consumer_name: 'cluster1',
  version: 2,
  created_at: '2026-01-01T00:00:00Z',
  metadata: {
    name: 'w1',
    namespace: 'cluster1',
    uid: 'a65f19da-5468-5a45-8506-2dfe4c51fbda',
    labels: { 'hyperfleet.io/cluster-id': 'abc' },
    annotations: { 'hyperfleet.io/generation': '5' },
    creationTimestamp: '2026-01-01T00:00:00Z',
  },
  manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1', namespace: 'default' } }],
  delete_option: { propagationPolicy: 'Foreground' },
  manifest_configs: [{ resourceIdentifier: { resource: 'configmaps', name: 'cm1' } }],
  status: {
    ObservedVersion: 2,
    SequenceID: '1',
    conditions: [{ type: 'Applied', status: 'True' }],
    resourceStatus: [
      { resourceMeta: { kind: 'ConfigMap', name: 'cm1', namespace: 'default' }, conditions: [] },
    ],
  },
};

describe('resourceBundleToWork', () => {
  it('takes the work name from metadata (not the bundle name) and the generation from version', () => {
    const w = resourceBundleToWork(bundle);
    expect(w.apiVersion).toBe('work.open-cluster-management.io/v1');
    expect(w.kind).toBe('ManifestWork');
    expect(w.metadata).toMatchObject({
      name: 'w1',
      namespace: 'cluster1',
      generation: 2,
      resourceVersion: '2',
      annotations: { 'hyperfleet.io/generation': '5' },
    });
    expect(w.spec).toEqual({
      workload: { manifests: bundle.manifests },
      deleteOption: { propagationPolicy: 'Foreground' },
      manifestConfigs: bundle.manifest_configs,
    });
    expect(w.status?.conditions).toEqual([{ type: 'Applied', status: 'True' }]);
    expect(w.status?.resourceStatus?.manifests?.[0]?.resourceMeta.name).toBe('cm1');
  });

  it('marks a soft-deleted bundle with a deletion timestamp and leaves status absent when none was reported', () => {
    const { status: _status, ...rest } = bundle;
    const w = resourceBundleToWork({ ...rest, deleted_at: '2026-01-02T00:00:00Z' });
    expect(w.metadata['deletionTimestamp']).toBe('2026-01-02T00:00:00Z');
    expect(w.status).toBeUndefined();
  });
});

describe('buildListSearch', () => {
  it('builds the Go client query: source, consumer, one JSONB containment for equality labels', () => {
    expect(buildListSearch('src', 'cluster1', { 'hyperfleet.io/cluster-id': 'abc', app: 'x' })).toBe(
      `source='src' and consumer_name='cluster1' and payload->'metadata'->'labels'@>'{"hyperfleet.io/cluster-id":"abc","app":"x"}'`,
    );
    expect(buildListSearch('src', 'c', {})).toBe(`source='src' and consumer_name='c'`);
  });

  it('answers "no match possible" for values that cannot be labels instead of quoting them into SQL', () => {
    expect(buildListSearch('s', 'c', { a: "x' or '1'='1" })).toBeUndefined();
    expect(buildListSearch('s', 'c', { 'bad key!': 'v' })).toBeUndefined();
  });

  it('escapes quotes in the configured source and consumer', () => {
    expect(buildListSearch("o'neil", 'c', {})).toBe(`source='o''neil' and consumer_name='c'`);
  });
});

describe('MaestroRest', () => {
  let server: Server;
  let base = '';
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      const url = new URL(req.url ?? '', 'http://x');
      if (url.pathname.endsWith('/resource-bundles/missing')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Error', code: 'maestro-7', reason: 'not found' }));
      } else if (url.pathname.endsWith('/resource-bundles/slow')) {
        setTimeout(() => res.end('{}'), 5_000).unref();
      } else if (url.pathname.endsWith('/resource-bundles')) {
        const page = Number(url.searchParams.get('page'));
        const size = Number(url.searchParams.get('size'));
        const count = page === 1 ? size : 3;
        const items = Array.from({ length: count }, (_, i) => ({ ...bundle, id: `p${page}-${i}` }));
        res.end(JSON.stringify({ kind: 'ResourceBundleList', page, size, total: size + 3, items }));
      } else {
        res.writeHead(500);
        res.end(JSON.stringify({ kind: 'Error', code: 'maestro-9', reason: 'boom' }));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const client = () => new MaestroRest({ baseUrl: base, timeoutMs: 2_000, skipVerify: false });

  it('returns undefined for a 404 and classifies a 500 as retryable', async () => {
    const rest = client();
    expect(await rest.getBundle('missing', AbortSignal.timeout(2000))).toBeUndefined();
    await expect(rest.getBundle('other', AbortSignal.timeout(2000))).rejects.toMatchObject({
      code: 'MAESTRO_UNAVAILABLE',
      retryable: true,
    });
    rest.close();
  });

  it('follows pages until a short one, with the search passed through', async () => {
    const rest = client();
    seen.length = 0;
    const items = await rest.listBundles("source='s'", AbortSignal.timeout(2000));
    expect(items).toHaveLength(403);
    expect(seen).toHaveLength(2);
    expect(new URL(seen[0] ?? '', 'http://x').searchParams.get('search')).toBe("source='s'");
    rest.close();
  });

  it("stops at the caller's abort signal", async () => {
    const rest = client();
    const ac = new AbortController();
    const pending = rest.getBundle('slow', ac.signal);
    setTimeout(() => ac.abort(new Error('deadline')), 50);
    const started = Date.now();
    await expect(pending).rejects.toMatchObject({ code: 'MAESTRO_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(1_500);
    rest.close();
  });
});
