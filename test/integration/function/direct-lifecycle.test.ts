/**
 * The generation rules through the Direct transport against the real kube-apiserver: create,
 * skip on a repeated generation, server-side apply update in place, recreate of a Job (its
 * spec is immutable) on a new generation, and deletion.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AdapterRuntime } from '../../../lib/runtime/adapter-runtime.ts';
import { eventually } from '../../support/eventually.ts';
import { type ApiDouble, startHyperfleetApiDouble } from '../../support/hyperfleet-api-double.ts';
import { kubeGet } from '../../support/kube.ts';
import { clusterEvent, runtimeFor, uniqueId } from './harness.ts';

const stack = inject('stack');
const FIXTURE = fileURLToPath(new URL('../../fixtures/direct/', import.meta.url));
const id = uniqueId('lc');
let api: ApiDouble;
let runtime: AdapterRuntime;

async function send() {
  const generation = api.resource('Cluster', id)?.generation ?? 1;
  const answer = await runtime.handle(clusterEvent(id, generation));
  expect(answer.statusCode, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

const cm = () => kubeGet(stack, `/api/v1/namespaces/default/configmaps/settings-${id}`);
const job = () => kubeGet(stack, `/apis/batch/v1/namespaces/default/jobs/job-${id}`);

beforeAll(async () => {
  api = await startHyperfleetApiDouble({ requiredAdapters: ['direct-lifecycle'] });
  api.putCluster({ id, name: id, generation: 1 });
  runtime = runtimeFor(FIXTURE, stack, api);
});

afterAll(async () => {
  await runtime?.shutdown();
  await api?.close();
});

describe('Direct transport generation rules against the real kube-apiserver', () => {
  it('creates, then leaves both objects untouched on a repeated generation', async () => {
    await send();
    const first = { cm: (await cm())?.metadata['resourceVersion'], job: (await job())?.metadata['uid'] };
    expect(first.cm).toBeDefined();
    expect(first.job).toBeDefined();
    await send();
    expect((await cm())?.metadata['resourceVersion']).toBe(first.cm);
    expect((await job())?.metadata['uid']).toBe(first.job);
  });

  it('on a new generation updates the ConfigMap in place and recreates the Job', {
    timeout: 120_000,
  }, async () => {
    const before = { cmUid: (await cm())?.metadata['uid'], jobUid: (await job())?.metadata['uid'] };
    api.bumpGeneration('Cluster', id);
    await send();
    const updated = await cm();
    expect(updated?.metadata['uid']).toBe(before.cmUid);
    expect(updated?.['data']).toEqual({ generation: '2' });
    // The Job is deleted and created again (now, or on a later event if the old one was still going).
    const recreated = await eventually(
      'the Job recreated at generation 2',
      async () => {
        const j = await job();
        if (
          j &&
          j.metadata['uid'] !== before.jobUid &&
          j.metadata.annotations?.['hyperfleet.io/generation'] === '2'
        )
          return j;
        await new Promise((r) => setTimeout(r, 1100)); // observed_time has second precision
        await send();
        return undefined;
      },
      90_000,
      500,
    );
    expect(recreated.metadata['uid']).not.toBe(before.jobUid);
    const status = api.statuses('Cluster', id).find((s) => s.adapter === 'direct-lifecycle');
    expect(status?.observed_generation).toBe(2);
  });

  it('deletes both on deletion and reports Finalized', { timeout: 120_000 }, async () => {
    api.markDeleted('Cluster', id);
    await eventually(
      'both objects gone',
      async () => {
        if (!api.resource('Cluster', id)) return true;
        await send();
        return (await cm()) === undefined && (await job()) === undefined ? true : undefined;
      },
      90_000,
      1000,
    );
    expect(await cm()).toBeUndefined();
    expect(await job()).toBeUndefined();
  });
});
