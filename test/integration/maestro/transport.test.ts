import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { workResourceId } from '../../../lib/transport/maestro/codec.ts';
import {
  createMaestroTransport,
  findManifestInWork,
  type MaestroTransport,
  summarizeWorkStatus,
} from '../../../lib/transport/maestro/index.ts';
import type { ManifestWork } from '../../../lib/transport/maestro/types.ts';
import { GENERATION_ANNOTATION, type ObjectRef } from '../../../lib/transport/types.ts';
import { conditionTrue, eventually, kubeGet, namespaceAndConfigMapWork } from './helpers.ts';

const stack = inject('stack');
const suffix = randomBytes(3).toString('hex');
const SOURCE = `hf-it-${suffix}`;
const ref = (name: string): ObjectRef => ({
  apiVersion: 'work.open-cluster-management.io/v1',
  kind: 'ManifestWork',
  name,
});
const ctx = (targetCluster: string, ms = 30_000) => ({ signal: AbortSignal.timeout(ms), targetCluster });

let t: MaestroTransport;

beforeAll(() => {
  t = createMaestroTransport({
    grpc_server_address: stack.maestro.grpcAddress,
    http_server_address: stack.maestro.httpUrl,
    source_id: SOURCE,
    insecure: true,
    timeout: 10_000,
    server_healthiness_timeout: 20_000,
  });
});

afterAll(async () => {
  await t?.close();
});

/** Wait until `get` shows the agent applied `version` with every manifest Available and feedback synced. */
async function waitApplied(consumer: string, name: string, version: number): Promise<ManifestWork> {
  return eventually(`work ${name} v${version} applied on ${consumer}`, async () => {
    const w = (await t.get(ref(name), ctx(consumer))) as ManifestWork | undefined;
    if (!w || w.metadata['generation'] !== version) return undefined;
    if (
      !conditionTrue(w.status?.conditions, 'Applied') ||
      !conditionTrue(w.status?.conditions, 'Available')
    ) {
      return undefined;
    }
    const cm = findManifestInWork(w, { kind: 'ConfigMap' });
    return cm?.statusFeedback?.values?.some((v) => v.name === 'data') ? w : undefined;
  });
}

describe('Maestro transport against the real stack', () => {
  const consumer = stack.maestro.consumers[0] ?? 'cluster1';
  const name = `it-${suffix}-a`;
  const ns = `it-${suffix}-ns`;

  it('reports healthy (gRPC channel connected, REST answering)', async () => {
    const h = await t.health(AbortSignal.timeout(10_000));
    expect(h.grpc.ready).toBe(true);
    expect(h.rest).toEqual({ ok: true });
    expect(h.ok).toBe(true);
  });

  it('creates a work whose Namespace and ConfigMap the agent applies, with status and feedback readable through get', async () => {
    expect(await t.get(ref(name), ctx(consumer))).toBeUndefined();
    const stored = await t.apply(
      namespaceAndConfigMapWork({ name, namespace: ns, generation: 1, data: { k: 'v1' } }),
      ctx(consumer),
    );
    expect(stored.metadata).toMatchObject({
      name,
      namespace: consumer,
      generation: 1,
      uid: workResourceId(SOURCE, consumer, name),
    });

    const w = await waitApplied(consumer, name, 1);
    expect(w.metadata.annotations?.[GENERATION_ANNOTATION]).toBe('1');
    expect(w.metadata.labels?.['hyperfleet.io/generation']).toBe('1');
    const cm = findManifestInWork(w, { kind: 'ConfigMap', namespace: ns });
    expect(cm?.data).toEqual({ k: 'v1' });
    expect(conditionTrue(cm?.conditions, 'Applied')).toBe(true);
    const feedback = cm?.statusFeedback?.values?.find((v) => v.name === 'data');
    expect(feedback?.fieldValue.type).toBe('JsonRaw');
    expect(JSON.parse(feedback?.fieldValue.jsonRaw ?? '{}')).toEqual({ k: 'v1' });
    const nsm = await eventually('namespace phase feedback', async () => {
      const cur = (await t.get(ref(name), ctx(consumer))) as ManifestWork;
      const m = findManifestInWork(cur, { kind: 'Namespace', name: ns });
      return m?.statusFeedback?.values?.length ? m : undefined;
    });
    expect(nsm.statusFeedback?.values?.[0]).toMatchObject({
      name: 'phase',
      fieldValue: { type: 'String', string: 'Active' },
    });
    expect(summarizeWorkStatus(w)).toMatchObject({ ready: true, degraded: false });

    const liveCm = await kubeGet(stack, `/api/v1/namespaces/${ns}/configmaps/${name}-cm`);
    expect(liveCm?.['data']).toEqual({ k: 'v1' });
    expect(await kubeGet(stack, `/api/v1/namespaces/${ns}`)).toBeDefined();
  });

  it('shows the same generation again, so the executor can skip an unchanged work (no new version)', async () => {
    const w = await t.get(ref(name), ctx(consumer));
    expect(w?.metadata.annotations?.[GENERATION_ANNOTATION]).toBe('1');
    expect(w?.metadata['generation']).toBe(1);
  });

  it('serves a fresh get from the status stream once the agent reported the current version', async () => {
    const before = (await t.health(AbortSignal.timeout(5_000))).cacheHits;
    const w = await eventually('a cache hit', async () => {
      const got = (await t.get(ref(name), ctx(consumer))) as ManifestWork;
      const h = await t.health(AbortSignal.timeout(5_000));
      return h.cacheHits > before ? got : undefined;
    });
    expect(w.metadata['generation']).toBe(1);
    expect(conditionTrue(w.status?.conditions, 'Applied')).toBe(true);
    expect(w.metadata.annotations?.[GENERATION_ANNOTATION]).toBe('1');
  });

  it('updates to version + 1 and the agent applies the new content', async () => {
    const existing = await t.get(ref(name), ctx(consumer));
    const stored = await t.apply(
      namespaceAndConfigMapWork({ name, namespace: ns, generation: 2, data: { k: 'v2' } }),
      {
        ...ctx(consumer),
        ...(existing ? { existing } : {}),
      },
    );
    expect(stored.metadata['generation']).toBe(2);
    const w = await eventually('v2 feedback', async () => {
      const cur = await waitApplied(consumer, name, 2);
      const fb = findManifestInWork(cur, { kind: 'ConfigMap' })?.statusFeedback?.values?.find(
        (v) => v.name === 'data',
      );
      return fb?.fieldValue.jsonRaw && JSON.parse(fb.fieldValue.jsonRaw).k === 'v2' ? cur : undefined;
    });
    expect(w.metadata.annotations?.[GENERATION_ANNOTATION]).toBe('2');
    const liveCm = await kubeGet(stack, `/api/v1/namespaces/${ns}/configmaps/${name}-cm`);
    expect(liveCm?.['data']).toEqual({ k: 'v2' });
  });

  it('recovers from a stale `existing` by re-reading once (optimistic lock)', async () => {
    const stale = await t.get(ref(name), ctx(consumer));
    if (!stale) throw new Error('work missing');
    stale.metadata['generation'] = 1; // what a slower replica would still believe
    const stored = await t.apply(
      namespaceAndConfigMapWork({ name, namespace: ns, generation: 3, data: { k: 'v3' } }),
      {
        ...ctx(consumer),
        existing: stale,
      },
    );
    expect(stored.metadata['generation']).toBe(3);
    await waitApplied(consumer, name, 3);
  });

  it('lists works of its own source on the consumer by label selector', async () => {
    const other = `it-${suffix}-b`;
    await t.apply(
      namespaceAndConfigMapWork({
        name: other,
        namespace: `${ns}-b`,
        generation: 1,
        data: { k: 'b' },
        labels: { 'hyperfleet.io/cluster-id': 'b' },
      }),
      ctx(consumer),
    );
    const all = await t.list(
      { apiVersion: 'work.open-cluster-management.io/v1', kind: 'ManifestWork', labelSelector: {} },
      ctx(consumer),
    );
    expect(all.map((w) => w.metadata.name).sort()).toEqual([name, other].sort());
    const onlyB = await t.list(
      {
        apiVersion: 'work.open-cluster-management.io/v1',
        kind: 'ManifestWork',
        labelSelector: { 'hyperfleet.io/cluster-id': 'b' },
      },
      ctx(consumer),
    );
    expect(onlyB.map((w) => w.metadata.name)).toEqual([other]);
    const none = await t.list(
      {
        apiVersion: 'work.open-cluster-management.io/v1',
        kind: 'ManifestWork',
        labelSelector: { 'hyperfleet.io/cluster-id': 'zzz' },
      },
      ctx(consumer),
    );
    expect(none).toEqual([]);
    expect(await t.delete(ref(other), ctx(consumer))).toBe('deleting');
  });

  it('deletes: deleting until the agent confirms, then gone from Maestro and from the cluster', async () => {
    expect(await t.delete(ref(name), ctx(consumer))).toBe('deleting');
    const outcome = await eventually('delete confirmed', async () => {
      const o = await t.delete(ref(name), ctx(consumer));
      return o === 'gone' ? o : undefined;
    });
    expect(outcome).toBe('gone');
    expect(await t.get(ref(name), ctx(consumer))).toBeUndefined();
    await eventually('configmap removed from the cluster', async () =>
      (await kubeGet(stack, `/api/v1/namespaces/${ns}/configmaps/${name}-cm`)) === undefined
        ? true
        : undefined,
    );
    await eventually('namespace removed or terminating', async () => {
      const n = await kubeGet(stack, `/api/v1/namespaces/${ns}`);
      return n === undefined || (n['status'] as { phase?: string } | undefined)?.phase === 'Terminating'
        ? true
        : undefined;
    });
  });

  it('refuses a work for an unknown consumer with MAESTRO_CONSUMER_NOT_REGISTERED', async () => {
    const work = namespaceAndConfigMapWork({
      name: `it-${suffix}-x`,
      namespace: `${ns}-x`,
      generation: 1,
      data: { k: 'x' },
    });
    await expect(t.apply(work, ctx(`no-such-consumer-${suffix}`))).rejects.toMatchObject({
      code: 'MAESTRO_CONSUMER_NOT_REGISTERED',
      retryable: false,
    });
  });

  it('refuses an invalid work before any round trip', async () => {
    const work = namespaceAndConfigMapWork({
      name: `It_${suffix}`,
      namespace: `${ns}-y`,
      generation: 1,
      data: {},
    });
    await expect(t.apply(work, ctx(consumer))).rejects.toMatchObject({ code: 'MAESTRO_INVALID_BUNDLE' });
  });
});

describe('two consumers at once', () => {
  it('keeps works with the same name on cluster1 and cluster2 apart', async () => {
    const [c1, c2] = stack.maestro.consumers;
    if (!c1 || !c2) throw new Error(`stack has ${stack.maestro.consumers.length} consumers, need 2`);
    const name = `it-${suffix}-twin`;
    const works = [
      {
        consumer: c1,
        work: namespaceAndConfigMapWork({
          name,
          namespace: `it-${suffix}-c1`,
          generation: 1,
          data: { who: c1 },
        }),
      },
      {
        consumer: c2,
        work: namespaceAndConfigMapWork({
          name,
          namespace: `it-${suffix}-c2`,
          generation: 1,
          data: { who: c2 },
        }),
      },
    ];
    const stored = await Promise.all(works.map(({ consumer, work }) => t.apply(work, ctx(consumer))));
    expect(stored[0]?.metadata['uid']).not.toBe(stored[1]?.metadata['uid']);
    const applied = await Promise.all(works.map(({ consumer }) => waitApplied(consumer, name, 1)));
    for (const [i, w] of applied.entries()) {
      const who = works[i]?.consumer;
      expect(w.metadata.namespace).toBe(who);
      expect(findManifestInWork(w, { kind: 'ConfigMap' })?.data).toEqual({ who });
      const fb = findManifestInWork(w, { kind: 'ConfigMap' })?.statusFeedback?.values?.find(
        (v) => v.name === 'data',
      );
      expect(JSON.parse(fb?.fieldValue.jsonRaw ?? '{}')).toEqual({ who });
    }
    const listed = await t.list(
      { apiVersion: 'work.open-cluster-management.io/v1', kind: 'ManifestWork', labelSelector: {} },
      ctx(c2),
    );
    expect(listed.map((w) => w.metadata.namespace)).toEqual([c2]);
    for (const { consumer } of works) {
      await t.delete(ref(name), ctx(consumer));
    }
    for (const { consumer } of works) {
      await eventually(`twin deleted on ${consumer}`, async () =>
        (await t.delete(ref(name), ctx(consumer))) === 'gone' ? true : undefined,
      );
    }
  });
});

describe('pool and status wait', () => {
  it('shares one gRPC channel between transports of the same endpoint', async () => {
    const { pooledChannelCount } = await import('../../../lib/transport/maestro/pool.ts');
    const config = {
      grpc_server_address: stack.maestro.grpcAddress,
      http_server_address: stack.maestro.httpUrl,
      source_id: SOURCE,
      insecure: true,
    };
    const a = createMaestroTransport(config);
    const b = createMaestroTransport(config);
    await a.health(AbortSignal.timeout(5_000));
    const count = pooledChannelCount();
    await b.health(AbortSignal.timeout(5_000));
    expect(pooledChannelCount()).toBe(count);
    await a.close();
    await b.close();
  });

  it('optionally waits for the status of the version just applied', async () => {
    const consumer = stack.maestro.consumers[0] ?? 'cluster1';
    const waiting = createMaestroTransport({
      grpc_server_address: stack.maestro.grpcAddress,
      http_server_address: stack.maestro.httpUrl,
      source_id: `${SOURCE}-w`,
      insecure: true,
      wait_for_status: 30_000,
    });
    try {
      // The stream must be up before the publish, or the first status could be missed.
      await eventually('status stream subscribed', async () =>
        (await waiting.health(AbortSignal.timeout(5_000))).statusStream?.subscribed ? true : undefined,
      );
      const name = `it-${suffix}-wait`;
      const stored = (await waiting.apply(
        namespaceAndConfigMapWork({ name, namespace: `it-${suffix}-w`, generation: 1, data: { k: 'w' } }),
        ctx(consumer, 60_000),
      )) as ManifestWork;
      expect(conditionTrue(stored.status?.conditions, 'Applied')).toBe(true);
      await waiting.delete(ref(name), ctx(consumer));
      await eventually('wait work deleted', async () =>
        (await waiting.delete(ref(name), ctx(consumer))) === 'gone' ? true : undefined,
      );
    } finally {
      await waiting.close();
    }
  });
});

describe('keepalive', () => {
  it('keeps one stream through several keepalive pings (no GOAWAY too_many_pings from the server)', async () => {
    const t2 = createMaestroTransport({
      grpc_server_address: stack.maestro.grpcAddress,
      http_server_address: stack.maestro.httpUrl,
      source_id: `${SOURCE}-ka`,
      insecure: true,
      // The shortest interval we allow; Maestro's enforcement floor is 5s with two strikes.
      keepalive: { time: 10_000, timeout: 5_000 },
    });
    try {
      await eventually('subscribed', async () =>
        (await t2.health(AbortSignal.timeout(5_000))).statusStream?.subscribed ? true : undefined,
      );
      await new Promise((r) => setTimeout(r, 35_000));
      const h = await t2.health(AbortSignal.timeout(5_000));
      expect(h.statusStream?.resubscribes).toBe(0);
      expect(h.statusStream?.subscribed).toBe(true);
      expect(h.grpc.state).toBe('READY');
    } finally {
      await t2.close();
    }
  }, 90_000);
});
