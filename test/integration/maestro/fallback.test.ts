import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type AdapterConfig, loadAdapterConfig } from '../../../lib/config/index.ts';
import { createLogger } from '../../../lib/observability/logger.ts';
import { TransportPool } from '../../../lib/runtime/transports.ts';
import {
  APPLIED_VIA_ANNOTATION,
  APPLIED_VIA_FALLBACK,
  FALLBACK_REASON,
} from '../../../lib/transport/fallback.ts';
import type { ManifestWork } from '../../../lib/transport/maestro/types.ts';
import type { ObjectRef, Transport } from '../../../lib/transport/types.ts';
import { eventually, kubeGet, namespaceAndConfigMapWork } from './helpers.ts';

/**
 * The opt-in fallback, through the runtime's TransportPool and a real config file: Maestro is
 * unreachable (its addresses point at ports nothing listens on, so the shared server is left
 * alone), cluster1 has the stack's kubeconfig. Enabled, the work's manifests land in the
 * kube-apiserver directly and the returned status says so; by default, MAESTRO_UNAVAILABLE.
 */

const stack = inject('stack');
const suffix = randomBytes(3).toString('hex');
const consumer = stack.maestro.consumers[0] ?? 'cluster1';
const name = `fb-${suffix}`;
const ns = `fb-${suffix}-ns`;
const ref: ObjectRef = { apiVersion: 'work.open-cluster-management.io/v1', kind: 'ManifestWork', name };
const ctx = (ms = 30_000) => ({ signal: AbortSignal.timeout(ms), targetCluster: consumer });
const dir = mkdtempSync(join(tmpdir(), 'hf-fallback-it-'));
const logged: string[] = [];
const log = createLogger({
  level: 'warn',
  destination: new Writable({
    write(chunk, _enc, done) {
      logged.push(String(chunk));
      done();
    },
  }),
});

/** A loopback port that was free a moment ago and has nothing listening now. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function adapterConfig(fallback: string): Promise<AdapterConfig> {
  const file = join(dir, `adapter-${randomBytes(3).toString('hex')}.yaml`);
  writeFileSync(
    file,
    [
      'adapter:',
      '  name: fallback-it',
      'clients:',
      '  maestro:',
      `    grpc_server_address: 127.0.0.1:${await closedPort()}`,
      `    http_server_address: http://127.0.0.1:${await closedPort()}`,
      `    source_id: hf-fb-${suffix}`,
      '    insecure: true',
      '    timeout: 2s',
      '    retry_attempts: 1',
      fallback,
      '',
    ].join('\n'),
  );
  return loadAdapterConfig(file, { env: {} });
}

const pools: TransportPool[] = [];
async function maestroFrom(config: AdapterConfig): Promise<Transport> {
  const pool = new TransportPool(() => config, log);
  pools.push(pool);
  return pool.get('maestro');
}

afterAll(async () => {
  await Promise.allSettled(pools.map((p) => p.close()));
});

describe('fallback to direct while Maestro is unreachable', () => {
  let enabled: Transport;
  let disabled: Transport;

  beforeAll(async () => {
    enabled = await maestroFrom(
      await adapterConfig(
        `    fallback:\n      enabled: true\n      kubeconfigs:\n        ${consumer}: ${stack.kube.kubeconfigPath}`,
      ),
    );
    disabled = await maestroFrom(await adapterConfig(''));
  });

  it('off by default: the same call fails MAESTRO_UNAVAILABLE and nothing reaches the cluster', async () => {
    const work = namespaceAndConfigMapWork({ name, namespace: ns, generation: 1, data: { via: 'none' } });
    await expect(disabled.apply(work, ctx())).rejects.toMatchObject({
      code: 'MAESTRO_UNAVAILABLE',
      retryable: true,
    });
    await expect(disabled.get(ref, ctx())).rejects.toMatchObject({ code: 'MAESTRO_UNAVAILABLE' });
    expect(await kubeGet(stack, `/api/v1/namespaces/${ns}`)).toBeUndefined();
  });

  it('enabled, with a kubeconfig for another consumer only: MAESTRO_UNAVAILABLE too', async () => {
    const other = await maestroFrom(
      await adapterConfig(
        `    fallback:\n      enabled: true\n      kubeconfigs:\n        not-${consumer}: ${stack.kube.kubeconfigPath}`,
      ),
    );
    const work = namespaceAndConfigMapWork({ name, namespace: ns, generation: 1, data: { via: 'none' } });
    await expect(other.apply(work, ctx())).rejects.toMatchObject({ code: 'MAESTRO_UNAVAILABLE' });
    expect(await kubeGet(stack, `/api/v1/namespaces/${ns}`)).toBeUndefined();
  });

  it('enabled: the manifests land in the kube-apiserver directly and the status says so', async () => {
    const work = namespaceAndConfigMapWork({ name, namespace: ns, generation: 1, data: { via: 'direct' } });
    const out = (await enabled.apply(work, ctx())) as ManifestWork;

    const cm = await kubeGet(stack, `/api/v1/namespaces/${ns}/configmaps/${name}-cm`);
    expect(cm?.['data']).toEqual({ via: 'direct' });
    expect(cm?.metadata.annotations?.['hyperfleet.io/generation']).toBe('1');
    expect(await kubeGet(stack, `/api/v1/namespaces/${ns}`)).toBeDefined();

    expect(out.metadata.annotations?.[APPLIED_VIA_ANNOTATION]).toBe(APPLIED_VIA_FALLBACK);
    expect(out.status?.conditions?.[0]).toMatchObject({
      type: 'Applied',
      status: 'True',
      reason: FALLBACK_REASON,
    });
    expect(out.status?.conditions?.[0]?.message).toContain(consumer);
    const manifests = out.status?.resourceStatus?.manifests ?? [];
    // resource names come from the real API server's discovery.
    expect(manifests.map((m) => m.resourceMeta.resource)).toEqual(['namespaces', 'configmaps']);
    expect(manifests[1]?.statusFeedback?.values).toEqual([
      { name: 'data', fieldValue: { type: 'JsonRaw', jsonRaw: '{"via":"direct"}' } },
    ]);
    expect(logged.join('')).toContain('falling back to the consumer kubeconfig');
  });

  it('enabled: get and list read the work back from the cluster in the same shape', async () => {
    const got = (await enabled.get(ref, ctx())) as ManifestWork;
    expect(got.status?.conditions?.[0]).toMatchObject({
      type: 'Applied',
      status: 'True',
      reason: FALLBACK_REASON,
    });
    // The Namespace's phase comes from the live object (a JSONPaths rule on .status.phase).
    expect(got.status?.resourceStatus?.manifests?.[0]?.statusFeedback?.values).toEqual([
      { name: 'phase', fieldValue: { type: 'String', string: 'Active' } },
    ]);
    const listed = await enabled.list(
      { apiVersion: ref.apiVersion, kind: ref.kind, labelSelector: { 'hyperfleet.io/generation': '1' } },
      ctx(),
    );
    expect(listed.map((w) => w.metadata.name)).toEqual([name]);
  });

  it('enabled: an update is applied directly too', async () => {
    const work = namespaceAndConfigMapWork({ name, namespace: ns, generation: 2, data: { via: 'direct-2' } });
    await enabled.apply(work, ctx());
    const cm = await kubeGet(stack, `/api/v1/namespaces/${ns}/configmaps/${name}-cm`);
    expect(cm?.['data']).toEqual({ via: 'direct-2' });
  });

  it('enabled: delete removes the objects directly', async () => {
    expect(await enabled.delete(ref, ctx())).toMatch(/^(gone|deleting)$/);
    expect(await kubeGet(stack, `/api/v1/namespaces/${ns}/configmaps/${name}-cm`)).toBeUndefined();
    // A Namespace finalizes asynchronously (kube-controller-manager empties it first).
    await eventually(
      `namespace ${ns} gone`,
      async () => ((await kubeGet(stack, `/api/v1/namespaces/${ns}`)) === undefined ? true : undefined),
      90_000,
      500,
    );
  });
});
