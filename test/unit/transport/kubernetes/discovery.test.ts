import { describe, expect, it } from 'vitest';
import { type ApiResourceList, ResourceMapper } from '../../../../lib/transport/kubernetes/discovery.ts';
import { KubeNotFoundError } from '../../../../lib/transport/kubernetes/errors.ts';
import type { ObjectRef } from '../../../../lib/transport/types.ts';

const signal = new AbortController().signal;
const ref = (apiVersion: string, kind: string): ObjectRef => ({ apiVersion, kind, name: 'x' });

/** A discovery document that changes when the test says so, counting reads per path. */
function served(initial: Record<string, ApiResourceList>) {
  const docs = new Map(Object.entries(initial));
  const reads: string[] = [];
  const fetch = async (path: string) => {
    reads.push(path);
    await Promise.resolve();
    return docs.get(path);
  };
  return { docs, reads, fetch };
}

const core: ApiResourceList = {
  resources: [
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'namespaces/status', kind: 'Namespace', namespaced: false },
    { name: 'pods/log', kind: 'Pod', namespaced: true },
  ],
};

describe('ResourceMapper', () => {
  it('maps kinds to resources and scope, reading each group-version once', async () => {
    const api = served({
      '/api/v1': core,
      '/apis/apps/v1': { resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true }] },
    });
    const mapper = new ResourceMapper(api.fetch);
    expect(await mapper.resolve(ref('v1', 'ConfigMap'), 'get', signal)).toEqual({
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      resource: 'configmaps',
      namespaced: true,
    });
    expect(await mapper.resolve(ref('v1', 'Namespace'), 'get', signal)).toMatchObject({
      resource: 'namespaces',
      namespaced: false,
    });
    expect(await mapper.resolve(ref('apps/v1', 'Deployment'), 'get', signal)).toMatchObject({
      group: 'apps',
      resource: 'deployments',
    });
    expect(api.reads).toEqual(['/api/v1', '/apis/apps/v1']);
  });

  it('ignores subresources: a kind only reachable as a subresource is unknown', async () => {
    const api = served({ '/api/v1': core });
    const mapper = new ResourceMapper(api.fetch);
    await expect(mapper.resolve(ref('v1', 'Pod'), 'get', signal)).rejects.toThrow(KubeNotFoundError);
  });

  it('re-reads discovery on a miss, so a CRD installed later is found', async () => {
    const api = served({});
    const mapper = new ResourceMapper(api.fetch);
    const err = await mapper
      .resolve(ref('example.com/v1', 'Widget'), 'patch', signal)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeNotFoundError);
    expect((err as KubeNotFoundError).code).toBe('KUBE_NOT_FOUND');
    expect((err as KubeNotFoundError).message).toContain('no resource for example.com/v1 Widget');
    expect((err as KubeNotFoundError).verb).toBe('patch');
    api.docs.set('/apis/example.com/v1', {
      resources: [{ name: 'widgets', kind: 'Widget', namespaced: true }],
    });
    expect(await mapper.resolve(ref('example.com/v1', 'Widget'), 'patch', signal)).toMatchObject({
      resource: 'widgets',
    });
    expect(api.reads).toEqual(['/apis/example.com/v1', '/apis/example.com/v1']);
  });

  it('a new kind in an already cached group-version is found by a refresh', async () => {
    const api = served({
      '/apis/example.com/v1': { resources: [{ name: 'widgets', kind: 'Widget', namespaced: true }] },
    });
    const mapper = new ResourceMapper(api.fetch);
    await mapper.resolve(ref('example.com/v1', 'Widget'), 'get', signal);
    api.docs.set('/apis/example.com/v1', {
      resources: [
        { name: 'widgets', kind: 'Widget', namespaced: true },
        { name: 'gadgets', kind: 'Gadget', namespaced: false },
      ],
    });
    expect(await mapper.resolve(ref('example.com/v1', 'Gadget'), 'get', signal)).toMatchObject({
      namespaced: false,
    });
    expect(api.reads).toHaveLength(2);
  });

  it('concurrent misses share one read', async () => {
    const api = served({ '/api/v1': core });
    const mapper = new ResourceMapper(api.fetch);
    await Promise.all(Array.from({ length: 5 }, () => mapper.resolve(ref('v1', 'ConfigMap'), 'get', signal)));
    expect(api.reads).toEqual(['/api/v1']);
  });

  it("a shared read that died of another caller's deadline is retried for a caller whose deadline stands", async () => {
    let calls = 0;
    let release: () => void = () => {};
    const mapper = new ResourceMapper(async (_path, _ref, _verb, callSignal) => {
      calls++;
      if (calls === 1) {
        await new Promise<void>((r) => {
          release = r;
        });
        callSignal.throwIfAborted();
      }
      return core;
    });
    const impatient = new AbortController();
    const first = mapper.resolve(ref('v1', 'ConfigMap'), 'get', impatient.signal).catch((e: unknown) => e);
    const second = mapper.resolve(ref('v1', 'ConfigMap'), 'get', signal);
    impatient.abort();
    release();
    expect(await first).toBeInstanceOf(Error);
    expect(await second).toMatchObject({ resource: 'configmaps' });
    expect(calls).toBe(2);
  });

  it('forget drops a group-version so it is read again', async () => {
    const api = served({ '/api/v1': core });
    const mapper = new ResourceMapper(api.fetch);
    await mapper.resolve(ref('v1', 'ConfigMap'), 'get', signal);
    mapper.forget('v1');
    await mapper.resolve(ref('v1', 'ConfigMap'), 'get', signal);
    expect(api.reads).toEqual(['/api/v1', '/api/v1']);
  });

  it('a read failure propagates unchanged', async () => {
    const boom = new Error('refused');
    const mapper = new ResourceMapper(async () => {
      throw boom;
    });
    await expect(mapper.resolve(ref('v1', 'ConfigMap'), 'get', signal)).rejects.toBe(boom);
  });
});
