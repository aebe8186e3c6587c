/**
 * The compat example e2e-cl-maestro, unchanged, through the function's runtime against the
 * real stack: Maestro server + agent on consumer cluster1 applying to the kube-apiserver,
 * and the HyperFleet API contract double. What HyperFleet's own e2e suite expects of it:
 * ManifestWork `{clusterId}-cl-maestro` on cluster1 with the hyperfleet.io labels, status
 * reasons AppliedManifestWorkComplete / AllResourcesAvailable / Healthy, data fields, and the
 * resource-bundle version unchanged across repeated events of one generation.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AdapterRuntime } from '../../../lib/runtime/adapter-runtime.ts';
import { eventually } from '../../support/eventually.ts';
import { type ApiDouble, startHyperfleetApiDouble } from '../../support/hyperfleet-api-double.ts';
import { kubeGet } from '../../support/kube.ts';
import { clusterEvent, compatDir, runtimeFor, uniqueId } from './harness.ts';

const stack = inject('stack');
let api: ApiDouble;
let runtime: AdapterRuntime;
const clusterId = uniqueId('clm');
const workName = `${clusterId}-cl-maestro`;
const nsName = `${clusterId}-cl-maestro-namespace`;

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

function reported() {
  return api.statuses('Cluster', clusterId).find((s) => s.adapter === 'cl-maestro');
}

function condition(type: string): Condition | undefined {
  return (reported()?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}

async function bundles(): Promise<{ id: string; version: number; metadata: { name: string } }[]> {
  const res = await fetch(`${stack.maestro.httpUrl}/api/maestro/v1/resource-bundles?size=1000`);
  const body = (await res.json()) as {
    items?: { id: string; version: number; metadata: { name: string } }[];
  };
  return (body.items ?? []).filter((b) => b.metadata?.name === workName);
}

async function send(generation: number) {
  const answer = await runtime.handle(clusterEvent(clusterId, generation));
  expect(answer.statusCode, JSON.stringify(answer.body)).toBe(200);
  return answer;
}

beforeAll(async () => {
  // A second required adapter that never reports keeps Reconciled False, so every event runs
  // the resources phase (the precondition skips it once Reconciled is True).
  api = await startHyperfleetApiDouble({ requiredAdapters: ['cl-maestro', 'never-reports'] });
  api.putCluster({
    id: clusterId,
    name: `name-${clusterId}`,
    generation: 1,
    spec: {
      platform: {
        type: 'gcp',
        gcp: { subnets: [{ id: 's1', name: 'workers', cidr: '10.0.1.0/24', role: 'worker' }] },
      },
    },
  });
  runtime = runtimeFor(compatDir('e2e-cl-maestro'), stack, api, {
    NAMESPACE: 'hyperfleet',
    RUN_ID: 'it-run',
  });
});

afterAll(async () => {
  await runtime?.shutdown();
  await api?.close();
});

describe('e2e-cl-maestro through the function against the real stack', () => {
  it('creates the ManifestWork on cluster1 and reports Applied, Available and Health True once the agent applied it', async () => {
    await send(1);
    const bundle = await eventually('the resource bundle in Maestro', async () => (await bundles())[0]);
    expect(bundle?.version).toBe(1);

    await eventually(
      'Available=True reported',
      async () => {
        await send(1);
        return condition('Available')?.status === 'True' ? true : undefined;
      },
      120_000,
      1000,
    );
    expect(condition('Applied')).toMatchObject({ status: 'True', reason: 'AppliedManifestWorkComplete' });
    expect(condition('Available')).toMatchObject({ status: 'True', reason: 'AllResourcesAvailable' });
    expect(condition('Health')).toMatchObject({ status: 'True', reason: 'Healthy' });
    expect(condition('Finalized')).toMatchObject({ status: 'False', reason: 'NotDeleting' });
    const status = reported();
    expect(status?.observed_generation).toBe(1);
    expect(status?.data).toMatchObject({
      manifestwork: { name: workName, consumer: 'cluster1' },
      namespace: { name: nsName, phase: 'Active' },
      configmap: { name: `${clusterId}-cl-maestro-configmap`, clusterId },
    });

    // The objects are really on the cluster the agent applies to.
    const ns = await kubeGet(stack, `/api/v1/namespaces/${nsName}`);
    expect(ns?.metadata.labels?.['app.kubernetes.io/transport']).toBe('maestro');
    const cm = await kubeGet(
      stack,
      `/api/v1/namespaces/${nsName}/configmaps/${clusterId}-cl-maestro-configmap`,
    );
    expect(cm?.['data']).toMatchObject({
      cluster_id: clusterId,
      platform_tier: 'cloud',
      subnet_s1_cidr: '10.0.1.0/24',
    });
  });

  it('labels the work as the e2e suite expects and leaves its version alone on repeated events of one generation', async () => {
    const before = await bundles();
    expect(before).toHaveLength(1);
    const labels =
      (before[0] as unknown as { metadata: { labels?: Record<string, string> } }).metadata.labels ?? {};
    expect(labels).toMatchObject({
      'hyperfleet.io/cluster-id': clusterId,
      'hyperfleet.io/generation': '1',
      'hyperfleet.io/adapter': 'cl-maestro',
    });
    for (let i = 0; i < 3; i++) await send(1);
    const after = await bundles();
    expect(after.map((b) => b.version)).toEqual(before.map((b) => b.version));
  });

  it('on a new generation updates the work (version + 1) and reports the new observed_generation', async () => {
    const before = (await bundles())[0]?.version ?? 0;
    api.bumpGeneration('Cluster', clusterId);
    await send(2);
    await eventually('version bumped', async () =>
      ((await bundles())[0]?.version ?? 0) === before + 1 ? true : undefined,
    );
    expect(reported()?.observed_generation).toBe(2);
  });

  it('on deletion removes the work and its objects, then reports Finalized True', {
    timeout: 240_000,
  }, async () => {
    api.markDeleted('Cluster', clusterId);
    const generation = api.resource('Cluster', clusterId)?.generation ?? 3;
    await eventually(
      'Finalized=True reported',
      async () => {
        await send(generation);
        return condition('Finalized')?.status === 'True' ? true : undefined;
      },
      90_000,
      1000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last status: ${JSON.stringify(reported())}`);
    });
    expect(condition('Finalized')).toMatchObject({ reason: 'CleanupConfirmed' });
    expect(await bundles()).toHaveLength(0);
    await eventually(
      'namespace gone',
      async () => ((await kubeGet(stack, `/api/v1/namespaces/${nsName}`)) ? undefined : true),
      90_000,
      1000,
    );
  });
});
