import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubernetesTransport } from '../../../lib/transport/kubernetes/index.ts';
import type { KubeObject } from '../../../lib/transport/types.ts';
import { adminTransport, ctx, eventually, namespace, unique } from './support.ts';

let kube: KubernetesTransport;
const ns = unique('hf-job');

beforeAll(async () => {
  kube = await adminTransport();
  await kube.apply(namespace(ns), ctx());
});

afterAll(async () => {
  await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }, ctx());
  await kube.close();
});

function job(name: string, generation: string): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: ns,
      labels: { 'hyperfleet.io/resource-type': 'job', app: 'test-job' },
      annotations: { 'hyperfleet.io/generation': generation },
    },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels: { app: 'test-job' } },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'hello', image: 'alpine:3.19', command: ['/bin/sh', '-c', 'echo hello'] }],
        },
      },
    },
  };
}

describe('Job through the Direct transport', () => {
  it('create, update an annotation, then delete with Background propagation: the job is gone and its pods are collected', async () => {
    const name = unique('hello');
    const ref = { apiVersion: 'batch/v1', kind: 'Job', name, namespace: ns };
    const created = await kube.apply(job(name, '1'), ctx());
    const uid = created.metadata['uid'] as string;
    expect(uid).toBeTruthy();

    const updated = await kube.apply(job(name, '2'), ctx());
    expect(updated.metadata.annotations?.['hyperfleet.io/generation']).toBe('2');

    const byLabel = await kube.list(
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        namespace: ns,
        labelSelector: { 'hyperfleet.io/resource-type': 'job' },
      },
      ctx(),
    );
    expect(byLabel.map((j) => j.metadata.name)).toEqual([name]);

    // The job controller creates the pod (nothing schedules it here, which is fine: it exists).
    const podSelector = { 'batch.kubernetes.io/controller-uid': uid };
    const podQuery = { apiVersion: 'v1', kind: 'Pod', namespace: ns, labelSelector: podSelector };
    await eventually('the job controller to create a pod', async () => {
      const pods = await kube.list(podQuery, ctx());
      return pods.length > 0 ? pods : undefined;
    });

    expect(await kube.delete(ref, { ...ctx(), propagationPolicy: 'Background' })).toBe('gone');
    expect(await kube.get(ref, ctx())).toBeUndefined();

    await eventually('the garbage collector to remove the pods', async () => {
      const pods = await kube.list(podQuery, ctx());
      return pods.length === 0 ? true : undefined;
    });
  });
});
