import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KubeError,
  type KubeInvalidError,
  KubeNotFoundError,
  type KubernetesTransport,
} from '../../../lib/transport/kubernetes/index.ts';
import type { KubeObject } from '../../../lib/transport/types.ts';
import { adminTransport, ctx, namespace, unique } from './support.ts';

let kube: KubernetesTransport;
const nsA = unique('hf-cm-a');
const nsB = unique('hf-cm-b');
const run = unique('run');

function configMap(
  name: string,
  ns: string,
  data: Record<string, string>,
  labels: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: ns,
      labels: { 'hyperfleet.io/test-run': run, ...labels },
      annotations: { 'hyperfleet.io/generation': '1' },
    },
    data,
  };
}

beforeAll(async () => {
  kube = await adminTransport();
  await kube.apply(namespace(nsA), ctx());
  await kube.apply(namespace(nsB), ctx());
});

afterAll(async () => {
  await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: nsA }, ctx());
  await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: nsB }, ctx());
  await kube.close();
});

describe('ConfigMap through the Direct transport', () => {
  it('apply creates, get reads, apply again changes a field, delete removes', async () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: nsA };
    expect(await kube.get(ref, ctx())).toBeUndefined();

    const created = await kube.apply(configMap('settings', nsA, { mode: 'blue' }), ctx());
    expect(created.metadata.namespace).toBe(nsA);
    expect(created['data']).toEqual({ mode: 'blue' });
    const managers = (created.metadata['managedFields'] as Array<{ manager: string; operation: string }>).map(
      (m) => `${m.manager}/${m.operation}`,
    );
    expect(managers).toContain('hyperfleet-adapter/Apply');

    const read = await kube.get(ref, ctx());
    expect(read?.metadata.annotations?.['hyperfleet.io/generation']).toBe('1');
    expect(read?.['data']).toEqual({ mode: 'blue' });

    const next = configMap('settings', nsA, { mode: 'green' });
    next.metadata.annotations = { 'hyperfleet.io/generation': '2' };
    const updated = await kube.apply(next, { ...ctx(), existing: read! });
    expect(updated['data']).toEqual({ mode: 'green' });
    expect(updated.metadata.annotations?.['hyperfleet.io/generation']).toBe('2');
    expect(updated.metadata['uid']).toBe(created.metadata['uid']);
    expect((await kube.get(ref, ctx()))?.['data']).toEqual({ mode: 'green' });

    expect(await kube.delete(ref, ctx())).toBe('gone');
    expect(await kube.get(ref, ctx())).toBeUndefined();
    // Deleting what is already absent is not an error.
    expect(await kube.delete(ref, ctx())).toBe('gone');
  });

  it('a field dropped from the manifest is dropped from the object (apply owns the whole intent)', async () => {
    await kube.apply(configMap('shrink', nsA, { a: '1', b: '2' }), ctx());
    const after = await kube.apply(configMap('shrink', nsA, { a: '1' }), ctx());
    expect(after['data']).toEqual({ a: '1' });
  });

  it('lists by label selector in one namespace and across all of them', async () => {
    await kube.apply(
      configMap('one', nsA, { n: '1' }, { 'hyperfleet.io/resource-type': 'configmap', tier: 'x' }),
      ctx(),
    );
    await kube.apply(
      configMap('two', nsB, { n: '2' }, { 'hyperfleet.io/resource-type': 'configmap', tier: 'x' }),
      ctx(),
    );
    await kube.apply(
      configMap('three', nsB, { n: '3' }, { 'hyperfleet.io/resource-type': 'configmap', tier: 'y' }),
      ctx(),
    );

    const inA = await kube.list(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: nsA,
        labelSelector: { 'hyperfleet.io/test-run': run, tier: 'x' },
      },
      ctx(),
    );
    expect(inA.map((o) => o.metadata.name)).toEqual(['one']);
    expect(inA[0]?.apiVersion).toBe('v1');
    expect(inA[0]?.kind).toBe('ConfigMap');

    const everywhere = await kube.list(
      { apiVersion: 'v1', kind: 'ConfigMap', labelSelector: { 'hyperfleet.io/test-run': run, tier: 'x' } },
      ctx(),
    );
    expect(everywhere.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual(
      [`${nsA}/one`, `${nsB}/two`].sort(),
    );

    const none = await kube.list(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        labelSelector: { 'hyperfleet.io/test-run': run, tier: 'absent' },
      },
      ctx(),
    );
    expect(none).toEqual([]);
  });

  it('lists cluster-scoped kinds by label', async () => {
    const found = await kube.list({ apiVersion: 'v1', kind: 'Namespace', labelSelector: {} }, ctx());
    expect(found.map((o) => o.metadata.name)).toEqual(expect.arrayContaining([nsA, nsB]));
  });

  it('an unknown kind is KUBE_NOT_FOUND naming apiVersion and kind', async () => {
    const err = await kube
      .get({ apiVersion: 'apps/v1', kind: 'Foo', name: 'x', namespace: nsA }, ctx())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeNotFoundError);
    expect((err as KubeError).code).toBe('KUBE_NOT_FOUND');
    expect((err as KubeError).message).toContain('no resource for apps/v1 Foo');
    const unknownGroup = await kube
      .apply({ apiVersion: 'nothing.example.com/v9', kind: 'Bar', metadata: { name: 'x' } }, ctx())
      .catch((e: unknown) => e);
    expect((unknownGroup as KubeError).code).toBe('KUBE_NOT_FOUND');
    expect((unknownGroup as KubeError).message).toContain('no resource for nothing.example.com/v9 Bar');
  });

  it('applying into a namespace that does not exist is KUBE_NOT_FOUND with the object identity', async () => {
    const missing = unique('hf-absent');
    const err = (await kube.apply(configMap('x', missing, {}), ctx()).catch((e: unknown) => e)) as KubeError;
    expect(err.code).toBe('KUBE_NOT_FOUND');
    expect(err.ref).toMatchObject({ kind: 'ConfigMap', name: 'x', namespace: missing });
    expect(err.message).toContain(missing);
  });

  it('an invalid object is KUBE_INVALID with the API server field causes', async () => {
    const bad = configMap('Not_A_Valid_Name', nsA, {});
    const err = (await kube.apply(bad, ctx()).catch((e: unknown) => e)) as KubeInvalidError;
    expect(err.code).toBe('KUBE_INVALID');
    expect(err.retryable).toBe(false);
    expect(err.causes.some((c) => c.field === 'metadata.name')).toBe(true);
    expect(err.message).toContain('metadata.name');
  });

  it('an aborted call fails fast as retryable KUBE_UNAVAILABLE', async () => {
    const ctl = new AbortController();
    ctl.abort(new Error('deadline passed'));
    const err = (await kube
      .get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: nsA }, { signal: ctl.signal })
      .catch((e: unknown) => e)) as KubeError;
    expect(err.code).toBe('KUBE_UNAVAILABLE');
    expect(err.retryable).toBe(true);
  });

  it('honours the client-side QPS limit', async () => {
    const slow = await adminTransport({ qps: 5, burst: 1 });
    try {
      const ref = { apiVersion: 'v1', kind: 'Namespace', name: nsA };
      await slow.get(ref, ctx()); // discovery + get: uses the burst and one more token
      const started = performance.now();
      for (let i = 0; i < 5; i++) await slow.get(ref, ctx());
      // Five requests at 5/s after the bucket is empty: at least ~1 s.
      expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await slow.close();
    }
  });
});
