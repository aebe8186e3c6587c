/**
 * The Direct-transport compat examples, unchanged, through the function runtime against the
 * stack's real kube-apiserver (with kube-controller-manager: namespaces finish deleting, Jobs
 * get status) and the HyperFleet API contract double, chained as HyperFleet's e2e suite runs
 * them: cl-namespace creates the cluster's namespace; cl-job and cl-deployment wait (by their
 * precondition) for cl-namespace to report it Active, then apply into it. The stack has no
 * nodes, so pods never run: Jobs and Deployments stay "in progress", which is what their
 * expressions must then say.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AdapterRuntime } from '../../../lib/runtime/adapter-runtime.ts';
import { eventually } from '../../support/eventually.ts';
import { type ApiDouble, startHyperfleetApiDouble } from '../../support/hyperfleet-api-double.ts';
import { kubeGet } from '../../support/kube.ts';
import { clusterEvent, compatDir, runtimeFor, uniqueId } from './harness.ts';

const stack = inject('stack');
const ENV = { RUN_ID: 'it-direct', CI: 'true' };
let api: ApiDouble;
const runtimes: Record<string, AdapterRuntime> = {};
const clusterId = uniqueId('cld');

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

function status(adapter: string) {
  return api.statuses('Cluster', clusterId).find((s) => s.adapter === adapter);
}

function cond(adapter: string, type: string): Condition | undefined {
  return (status(adapter)?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}

async function send(adapter: string, id = clusterId) {
  const generation = api.resource('Cluster', id)?.generation ?? 1;
  const answer = await runtimes[adapter]?.handle(clusterEvent(id, generation));
  expect(answer?.statusCode, JSON.stringify(answer?.body)).toBe(200);
  return answer;
}

async function list(path: string): Promise<{ items: { metadata: { name: string } }[] }> {
  const got = await kubeGet(stack, path);
  return (got ?? { items: [] }) as unknown as { items: { metadata: { name: string } }[] };
}

beforeAll(async () => {
  api = await startHyperfleetApiDouble({
    requiredAdapters: ['cl-namespace', 'cl-job', 'cl-deployment', 'kubernetes-example'],
  });
  api.putCluster({ id: clusterId, name: `name-${clusterId}`, generation: 1 });
  for (const [adapter, example] of [
    ['cl-namespace', 'e2e-cl-namespace'],
    ['cl-job', 'e2e-cl-job'],
    ['cl-deployment', 'e2e-cl-deployment'],
    ['kubernetes-example', 'chart-kubernetes'],
  ] as const) {
    runtimes[adapter] = runtimeFor(compatDir(example), stack, api, ENV);
  }
});

afterAll(async () => {
  for (const r of Object.values(runtimes)) await r.shutdown();
  await api?.close();
});

describe('Direct compat examples through the function against the real kube-apiserver', () => {
  it('e2e-cl-namespace creates the namespace and reports it Active', async () => {
    await send('cl-namespace');
    const ns = await kubeGet(stack, `/api/v1/namespaces/${clusterId}`);
    expect(ns?.metadata.labels).toMatchObject({
      'hyperfleet.io/cluster-id': clusterId,
      'e2e.hyperfleet.io/ci': 'true',
    });
    expect(ns?.metadata.annotations?.['hyperfleet.io/generation']).toBe('1');
    expect(cond('cl-namespace', 'Applied')).toMatchObject({ status: 'True', reason: 'NamespaceCreated' });
    expect(cond('cl-namespace', 'Available')).toMatchObject({ status: 'True', reason: 'NamespaceReady' });
    expect(cond('cl-namespace', 'Health')).toMatchObject({ status: 'True', reason: 'Healthy' });
    expect(status('cl-namespace')?.data).toEqual({ namespace: { name: clusterId, status: 'Active' } });
  });

  it('e2e-cl-job applies its Job into that namespace; with no nodes it reports the Job still running', async () => {
    await send('cl-job');
    const jobs = await list(`/apis/batch/v1/namespaces/${clusterId}/jobs`);
    expect(jobs.items.map((j) => j.metadata.name)).toEqual([`test-job-${clusterId}-1`]);
    expect(cond('cl-job', 'Applied')).toMatchObject({ status: 'True', reason: 'JobApplied' });
    expect(cond('cl-job', 'Available')?.status).toBe('False');
    expect(['JobRunning', 'JobPending']).toContain(cond('cl-job', 'Available')?.reason);
    expect(cond('cl-job', 'Health')).toMatchObject({ status: 'True', reason: 'Healthy' });
    // The Job controller gives it a status: the next event sees "running".
    await eventually(
      'the Job reported running',
      async () => {
        await send('cl-job');
        return cond('cl-job', 'Available')?.reason === 'JobRunning' ? true : undefined;
      },
      60_000,
      1000,
    );
  });

  it('e2e-cl-deployment waits (by its precondition) for cl-job to be Available, then applies its Deployment', async () => {
    // With no nodes the Job never completes: the precondition is not met, resources are skipped, status still reported.
    await send('cl-deployment');
    expect((await list(`/apis/apps/v1/namespaces/${clusterId}/deployments`)).items).toHaveLength(0);
    expect(cond('cl-deployment', 'Health')).toMatchObject({ status: 'False', reason: 'ResourcesSkipped' });
    expect(cond('cl-deployment', 'Health')?.message).toContain("precondition 'validationCheck' not met");

    // cl-job reports its Job complete (as it would once a node ran it): the deployment adapter proceeds.
    const put = await fetch(`${api.url}/api/hyperfleet/v1/clusters/${clusterId}/statuses`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        adapter: 'cl-job',
        observed_generation: 1,
        observed_time: new Date().toISOString(),
        conditions: [
          { type: 'Applied', status: 'True', reason: 'JobApplied', message: 'applied' },
          { type: 'Available', status: 'True', reason: 'JobComplete', message: 'done' },
          { type: 'Health', status: 'True', reason: 'Healthy', message: 'ok' },
        ],
      }),
    });
    expect(put.status).toBe(201);
    // observed_time has second precision and the API keeps the first of two reports with the same one.
    await new Promise((r) => setTimeout(r, 1100));
    await send('cl-deployment');
    const deployments = await list(`/apis/apps/v1/namespaces/${clusterId}/deployments`);
    expect(deployments.items).toHaveLength(1);
    expect(cond('cl-deployment', 'Applied')?.status, JSON.stringify(status('cl-deployment'))).toBe('True');
    expect(cond('cl-deployment', 'Available')?.status).toBe('False');
    expect(cond('cl-deployment', 'Health')).toMatchObject({ status: 'True', reason: 'Healthy' });
  });

  it('chart-kubernetes creates its namespace and Job, and repeated events of one generation change nothing', async () => {
    await send('kubernetes-example');
    const ns = await kubeGet(stack, `/api/v1/namespaces/${clusterId}-k8s`);
    expect(ns?.metadata.labels?.['hyperfleet.io/managed-by']).toBe('kubernetes-example');
    const jobs = await list(`/apis/batch/v1/namespaces/${clusterId}-k8s/jobs`);
    expect(jobs.items).toHaveLength(1);
    const before = (await kubeGet(stack, `/api/v1/namespaces/${clusterId}-k8s`))?.metadata['resourceVersion'];
    await send('kubernetes-example');
    await send('kubernetes-example');
    const after = (await kubeGet(stack, `/api/v1/namespaces/${clusterId}-k8s`))?.metadata['resourceVersion'];
    expect(after).toBe(before);
    expect(status('kubernetes-example')?.observed_generation).toBe(1);
  });

  it('on deletion every adapter removes what it owns and reports Finalized True; then the cluster is hard-deleted', {
    timeout: 240_000,
  }, async () => {
    api.markDeleted('Cluster', clusterId);
    for (const adapter of ['cl-job', 'cl-deployment', 'kubernetes-example', 'cl-namespace']) {
      await eventually(
        `${adapter} Finalized=True`,
        async () => {
          if (!api.resource('Cluster', clusterId)) return true; // hard-deleted already
          await send(adapter);
          const f = cond(adapter, 'Finalized');
          return f === undefined || f.status === 'True' ? true : undefined;
        },
        90_000,
        1000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}; last status: ${JSON.stringify(status(adapter))}`);
      });
    }
    expect(await kubeGet(stack, `/api/v1/namespaces/${clusterId}`)).toBeUndefined();
    expect(await kubeGet(stack, `/api/v1/namespaces/${clusterId}-k8s`)).toBeUndefined();
    // Every required adapter finalized: the API hard-deleted the cluster.
    expect(api.resource('Cluster', clusterId)).toBeUndefined();
  });
});
