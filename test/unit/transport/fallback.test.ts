import { describe, expect, it } from 'vitest';
import {
  APPLIED_VIA_ANNOTATION,
  APPLIED_VIA_FALLBACK,
  type DirectTransport,
  FALLBACK_REASON,
  withDirectFallback,
} from '../../../lib/transport/fallback.ts';
import {
  MaestroError,
  MaestroInvalidBundleError,
  MaestroUnavailableError,
} from '../../../lib/transport/maestro/errors.ts';
import type { MaestroHealth, MaestroTransport } from '../../../lib/transport/maestro/transport.ts';
import type { ManifestWork } from '../../../lib/transport/maestro/types.ts';
import { MemoryTransport } from '../../../lib/transport/memory.ts';
import type { KubeObject, ObjectRef } from '../../../lib/transport/types.ts';

/** A Maestro transport backed by memory that can be switched to failing with any error. */
function fakeMaestro() {
  const store = new MemoryTransport('maestro');
  const state: { failWith?: Error; calls: number } = { calls: 0 };
  const guard = () => {
    state.calls++;
    if (state.failWith) throw state.failWith;
  };
  const t: MaestroTransport = {
    client: 'maestro',
    get: async (ref, ctx) => {
      guard();
      return store.get(ref, ctx);
    },
    list: async (q, ctx) => {
      guard();
      return store.list(q, ctx);
    },
    apply: async (obj, ctx) => {
      guard();
      return store.apply(obj, ctx);
    },
    delete: async (ref, ctx) => {
      guard();
      return store.delete(ref, ctx);
    },
    health: async (): Promise<MaestroHealth> => ({
      ok: !state.failWith,
      grpc: { state: 'READY', ready: true },
      rest: { ok: true },
      cacheHits: 0,
    }),
    close: async () => {},
  };
  return { t, store, state };
}

function fakeDirect() {
  const d = new MemoryTransport('kubernetes') as MemoryTransport & DirectTransport;
  d.resolveResource = async (_apiVersion: string, kind: string) => ({ resource: `${kind.toLowerCase()}s` });
  return d;
}

const work = (gen: string): ManifestWork => ({
  apiVersion: 'work.open-cluster-management.io/v1',
  kind: 'ManifestWork',
  metadata: { name: 'w1', labels: { app: 'x' }, annotations: { 'hyperfleet.io/generation': gen } },
  spec: {
    workload: {
      manifests: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'cm1', namespace: 'ns1' },
          data: { k: gen },
        },
      ],
    },
    manifestConfigs: [
      {
        resourceIdentifier: { group: '', resource: 'configmaps', name: 'cm1', namespace: 'ns1' },
        feedbackRules: [{ type: 'JSONPaths', jsonPaths: [{ name: 'data', path: '.data' }] }],
      },
    ],
  },
});

const ref: ObjectRef = { apiVersion: 'work.open-cluster-management.io/v1', kind: 'ManifestWork', name: 'w1' };
const ctx = (targetCluster = 'cluster1') => ({ signal: AbortSignal.timeout(5_000), targetCluster });
const dctx = () => ({ signal: AbortSignal.timeout(5_000) });
const cmRef: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm1', namespace: 'ns1' };

function setup(kubeconfigs: Record<string, string> = { cluster1: '/kc/cluster1' }) {
  const m = fakeMaestro();
  const direct = fakeDirect();
  const opened: string[] = [];
  const told: string[] = [];
  const t = withDirectFallback(m.t, {
    kubeconfigs,
    direct: async (path) => {
      opened.push(path);
      return direct;
    },
    onFallback: (e) => told.push(`${e.op} ${e.consumer} ${e.work} ${e.cause.code}`),
  });
  return { t, m, direct, opened, told };
}

describe('Maestro fallback to direct', () => {
  it('passes every call through to Maestro while it answers, opening no direct client', async () => {
    const { t, m, opened } = setup();
    const stored = await t.apply(work('1'), ctx());
    expect(stored.metadata.name).toBe('w1');
    expect(await t.get(ref, ctx())).toBeDefined();
    expect(await t.list({ ...ref, labelSelector: { app: 'x' } }, ctx())).toHaveLength(1);
    expect(await t.delete(ref, ctx())).toBe('gone');
    expect(m.state.calls).toBe(4);
    expect(opened).toEqual([]);
    expect((await t.health(AbortSignal.timeout(1_000))).ok).toBe(true);
  });

  it('applies each manifest directly when Maestro is unavailable, and says so in the status', async () => {
    const { t, m, direct, opened, told } = setup();
    m.state.failWith = new MaestroUnavailableError('Maestro unavailable: connect ECONNREFUSED');
    const out = (await t.apply(work('1'), ctx())) as ManifestWork;

    expect(opened).toEqual(['/kc/cluster1']);
    expect(told).toEqual(['apply cluster1 w1 MAESTRO_UNAVAILABLE']);
    expect(await direct.get({ apiVersion: 'v1', kind: 'Namespace', name: 'ns1' }, dctx())).toBeDefined();
    expect((await direct.get(cmRef, dctx()))?.['data']).toEqual({ k: '1' });

    expect(out.metadata.annotations).toMatchObject({
      [APPLIED_VIA_ANNOTATION]: APPLIED_VIA_FALLBACK,
      'hyperfleet.io/generation': '1',
    });
    expect(out.metadata.namespace).toBe('cluster1');
    expect(out.status?.conditions).toEqual([
      expect.objectContaining({ type: 'Applied', status: 'True', reason: FALLBACK_REASON }),
    ]);
    const manifests = out.status?.resourceStatus?.manifests ?? [];
    expect(manifests.map((s) => s.resourceMeta)).toEqual([
      { ordinal: 0, group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', name: 'ns1' },
      {
        ordinal: 1,
        group: '',
        version: 'v1',
        kind: 'ConfigMap',
        resource: 'configmaps',
        name: 'cm1',
        namespace: 'ns1',
      },
    ]);
    // The JSONPaths feedback rule is evaluated on the object as applied.
    expect(manifests[1]?.statusFeedback?.values).toEqual([
      { name: 'data', fieldValue: { type: 'JsonRaw', jsonRaw: '{"k":"1"}' } },
    ]);
    expect(manifests[0]?.statusFeedback?.values).toEqual([]);
  });

  it('reads and lists a work it applied directly from the cluster, with the same shape', async () => {
    const { t, m } = setup();
    m.state.failWith = new MaestroUnavailableError('down');
    await t.apply(work('2'), ctx());
    const got = (await t.get(ref, ctx())) as ManifestWork;
    expect(got.status?.conditions?.[0]).toMatchObject({
      type: 'Applied',
      status: 'True',
      reason: FALLBACK_REASON,
    });
    expect(got.spec?.workload?.manifests).toHaveLength(2);
    const listed = await t.list({ ...ref, labelSelector: { app: 'x' } }, ctx());
    expect(listed.map((w) => w.metadata.name)).toEqual(['w1']);
    expect(await t.list({ ...ref, labelSelector: { app: 'other' } }, ctx())).toEqual([]);
  });

  it('reports a manifest removed from the cluster as not applied', async () => {
    const { t, m, direct } = setup();
    m.state.failWith = new MaestroUnavailableError('down');
    await t.apply(work('1'), ctx());
    await direct.delete(cmRef, dctx());
    const got = (await t.get(ref, ctx())) as ManifestWork;
    expect(got.status?.conditions?.[0]).toMatchObject({ type: 'Applied', status: 'False' });
    expect(got.status?.conditions?.[0]?.message).toContain('ConfigMap ns1/cm1');
  });

  it('a work never seen reads as absent while Maestro is down, and cannot be deleted directly', async () => {
    const { t, m } = setup();
    const down = new MaestroUnavailableError('down');
    m.state.failWith = down;
    expect(await t.get(ref, ctx())).toBeUndefined();
    await expect(t.delete(ref, ctx())).rejects.toBe(down);
  });

  it('deletes the manifests of a known work directly, dependants first', async () => {
    const { t, m, direct } = setup();
    await t.apply(work('1'), ctx()); // through Maestro: now known
    await direct.apply(work('1').spec!.workload!.manifests![0]!, dctx());
    await direct.apply(work('1').spec!.workload!.manifests![1]!, dctx());
    m.state.failWith = new MaestroUnavailableError('down');
    expect(await t.delete(ref, ctx())).toBe('gone');
    const deletes = direct.records.filter((r) => r.operation === 'delete').map((r) => r.kind);
    expect(deletes).toEqual(['ConfigMap', 'Namespace']);
    expect(await direct.get(cmRef, dctx())).toBeUndefined();
  });

  it('surfaces the Maestro error unchanged when the consumer has no kubeconfig', async () => {
    const { t, m, opened } = setup({ cluster2: '/kc/cluster2' });
    const down = new MaestroUnavailableError('down');
    m.state.failWith = down;
    await expect(t.apply(work('1'), ctx('cluster1'))).rejects.toBe(down);
    expect(opened).toEqual([]);
  });

  it('surfaces errors that are not MAESTRO_UNAVAILABLE (bad input never goes around Maestro)', async () => {
    const { t, m, opened } = setup();
    for (const e of [
      new MaestroInvalidBundleError('bad'),
      new MaestroError('MAESTRO_UNAUTHORIZED', 'no', { retryable: false }),
      new Error('boom'),
    ]) {
      m.state.failWith = e;
      await expect(t.apply(work('1'), ctx())).rejects.toBe(e);
    }
    expect(opened).toEqual([]);
  });

  it('does not fall back once the caller deadline has passed', async () => {
    const { t, m, opened } = setup();
    const down = new MaestroUnavailableError('down');
    m.state.failWith = down;
    const c = new AbortController();
    c.abort();
    await expect(t.apply(work('1'), { signal: c.signal, targetCluster: 'cluster1' })).rejects.toBe(down);
    expect(opened).toEqual([]);
  });

  it('opens one direct client per consumer, lazily, and retries a failed open', async () => {
    const m = fakeMaestro();
    m.state.failWith = new MaestroUnavailableError('down');
    let opens = 0;
    const direct = fakeDirect();
    const t = withDirectFallback(m.t, {
      kubeconfigs: { cluster1: '/kc/1' },
      direct: async () => {
        opens++;
        if (opens === 1) throw new Error('kubeconfig unreadable');
        return direct;
      },
    });
    await expect(t.apply(work('1'), ctx())).rejects.toThrow('kubeconfig unreadable');
    await t.apply(work('1'), ctx());
    await t.apply(work('2'), ctx());
    expect(opens).toBe(2);
    await t.close();
  });

  it('after Maestro is back, calls go to Maestro again', async () => {
    const { t, m, direct } = setup();
    m.state.failWith = new MaestroUnavailableError('down');
    await t.apply(work('1'), ctx());
    const directApplies = direct.records.filter((r) => r.operation === 'apply').length;
    m.state.failWith = undefined;
    const stored = (await t.apply(work('2'), ctx())) as KubeObject;
    expect(stored.metadata.annotations?.[APPLIED_VIA_ANNOTATION]).toBeUndefined();
    expect(direct.records.filter((r) => r.operation === 'apply')).toHaveLength(directApplies);
  });
});
