/**
 * chart-maestro-two-resources (two ManifestWorks, the ConfigMap's namespace made by the other
 * work) and the bundled demo adapter (one Direct and one Maestro resource in one task config)
 * through the function runtime against the real stack.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AdapterRuntime } from '../../../lib/runtime/adapter-runtime.ts';
import { eventually } from '../../support/eventually.ts';
import { type ApiDouble, startHyperfleetApiDouble } from '../../support/hyperfleet-api-double.ts';
import { kubeGet } from '../../support/kube.ts';
import { clusterEvent, compatDir, runtimeFor, uniqueId } from './harness.ts';

const stack = inject('stack');
let api: ApiDouble;

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

function cond(id: string, adapter: string, type: string): Condition | undefined {
  const s = api.statuses('Cluster', id).find((x) => x.adapter === adapter);
  return (s?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}

async function send(runtime: AdapterRuntime, id: string) {
  const generation = api.resource('Cluster', id)?.generation ?? 1;
  const answer = await runtime.handle(clusterEvent(id, generation));
  expect(answer.statusCode, JSON.stringify(answer.body)).toBe(200);
}

async function bundleNames(): Promise<string[]> {
  const res = await fetch(`${stack.maestro.httpUrl}/api/maestro/v1/resource-bundles?size=1000`);
  const body = (await res.json()) as { items?: { metadata: { name: string } }[] };
  return (body.items ?? []).map((b) => b.metadata?.name);
}

beforeAll(async () => {
  api = await startHyperfleetApiDouble({
    requiredAdapters: ['maestro-two-resources-example', 'demo-adapter', 'never-reports'],
  });
});

afterAll(async () => {
  await api?.close();
});

describe('chart-maestro-two-resources against the real stack', () => {
  const id = uniqueId('two');
  let runtime: AdapterRuntime;
  beforeAll(() => {
    api.putCluster({ id, name: `name-${id}`, generation: 1 });
    runtime = runtimeFor(compatDir('chart-maestro-two-resources'), stack, api);
  });
  afterAll(() => runtime.shutdown());

  it('applies both ManifestWorks and reports them applied and available', { timeout: 180_000 }, async () => {
    await eventually(
      'Available=True',
      async () => {
        await send(runtime, id);
        return cond(id, 'maestro-two-resources-example', 'Available')?.status === 'True' ? true : undefined;
      },
      150_000,
      1000,
    );
    expect(cond(id, 'maestro-two-resources-example', 'Applied')).toMatchObject({
      status: 'True',
      reason: 'BothManifestWorksApplied',
    });
    expect(cond(id, 'maestro-two-resources-example', 'Available')).toMatchObject({
      reason: 'AllResourcesAvailable',
    });
    expect(cond(id, 'maestro-two-resources-example', 'Health')).toMatchObject({
      status: 'True',
      reason: 'Healthy',
    });
    const names = await bundleNames();
    expect(names).toEqual(expect.arrayContaining([`${id}-mw2`, `${id}-mw2-cm`]));
    expect(await kubeGet(stack, `/api/v1/namespaces/${id}-mw2/configmaps/cluster-config`)).toBeDefined();
  });

  it('on deletion removes both ManifestWorks (the namespace work once the ConfigMap work is gone) and reports Finalized CleanupConfirmed', {
    timeout: 180_000,
  }, async () => {
    api.markDeleted('Cluster', id);
    const seen: string[] = [];
    await eventually(
      'Finalized=True',
      async () => {
        await send(runtime, id);
        const f = cond(id, 'maestro-two-resources-example', 'Finalized');
        if (f && seen.at(-1) !== f.reason) seen.push(f.reason);
        return f?.status === 'True' ? true : undefined;
      },
      150_000,
      1000,
    );
    expect(seen.at(-1)).toBe('CleanupConfirmed');
    const names = await bundleNames();
    expect(names).not.toContain(`${id}-mw2`);
    expect(names).not.toContain(`${id}-mw2-cm`);
  });
});

describe('one task config mixing a Direct and a Maestro resource (the demo adapter)', () => {
  const id = uniqueId('mix');
  let runtime: AdapterRuntime;
  const demo = fileURLToPath(new URL('../../../examples/demo/', import.meta.url));
  beforeAll(() => {
    api.putCluster({ id, name: `name-${id}`, generation: 1, spec: { placement: { consumer: 'cluster2' } } });
    runtime = runtimeFor(demo, stack, api);
  });
  afterAll(() => runtime.shutdown());

  it('creates the namespace directly and the ManifestWork on the consumer the cluster names', {
    timeout: 120_000,
  }, async () => {
    await eventually(
      'Available=True',
      async () => {
        await send(runtime, id);
        return cond(id, 'demo-adapter', 'Available')?.status === 'True' ? true : undefined;
      },
      100_000,
      1000,
    );
    expect(await kubeGet(stack, `/api/v1/namespaces/cluster-${id}`)).toBeDefined();
    expect(await kubeGet(stack, `/api/v1/namespaces/default/configmaps/${id}-config`)).toBeDefined();
    expect(cond(id, 'demo-adapter', 'Applied')).toMatchObject({ status: 'True', reason: 'ResourcesApplied' });
    const res = await fetch(`${stack.maestro.httpUrl}/api/maestro/v1/resource-bundles?size=1000`);
    const body = (await res.json()) as { items?: { consumer_name?: string; metadata: { name: string } }[] };
    const work = body.items?.find((b) => b.metadata?.name === `${id}-demo`);
    expect(work?.consumer_name).toBe('cluster2');
  });
});
