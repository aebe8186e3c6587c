import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubernetesTransport } from '../../../lib/transport/kubernetes/index.ts';
import type { KubeObject } from '../../../lib/transport/types.ts';
import { adminTransport, ctx, eventually, namespace, unique } from './support.ts';

let kube: KubernetesTransport;

beforeAll(async () => {
  kube = await adminTransport();
});

afterAll(async () => {
  await kube.close();
});

const HOLD = 'hyperfleet.io/test-hold';

describe('Namespace through the Direct transport', () => {
  it('create, update labels, then delete: deleting (with finalizers) until the namespace controller finishes, then gone', async () => {
    const name = unique('hf-ns');
    const ref = { apiVersion: 'v1', kind: 'Namespace', name };
    const created = await kube.apply(namespace(name, { 'hyperfleet.io/resource-type': 'namespace' }), ctx());
    expect(created.metadata.name).toBe(name);
    expect((created['status'] as { phase?: string }).phase).toBe('Active');

    const updated = await kube.apply(
      namespace(name, { 'hyperfleet.io/resource-type': 'namespace', stage: 'two' }),
      ctx(),
    );
    expect(updated.metadata.labels).toMatchObject({ stage: 'two' });
    expect((await kube.get(ref, ctx()))?.metadata.labels).toMatchObject({ stage: 'two' });

    // A finalizer on an object inside keeps the namespace terminating until the test lets go,
    // so 'deleting' is observed for certain rather than by racing the controller.
    const held: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'held', namespace: name, finalizers: [HOLD] },
      data: { a: '1' },
    };
    await kube.apply(held, ctx());

    const first = await kube.deleteWithReport(ref, { ...ctx(), propagationPolicy: 'Background' });
    expect(first.outcome).toBe('deleting');
    expect(first.finalizers).toContain('kubernetes');
    expect(first.deletionTimestamp).toBeTruthy();

    // Deleting again while terminating is still 'deleting', not an error.
    expect(await kube.delete(ref, ctx())).toBe('deleting');

    // The controller deletes the ConfigMap, which then waits on our finalizer.
    const heldRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'held', namespace: name };
    const terminating = await eventually('the held ConfigMap to be marked for deletion', async () => {
      const cm = await kube.get(heldRef, ctx());
      return cm?.metadata['deletionTimestamp'] ? cm : undefined;
    });
    const cmReport = await kube.deleteWithReport(heldRef, ctx());
    expect(cmReport).toMatchObject({ outcome: 'deleting', finalizers: [HOLD] });
    expect(terminating.metadata['finalizers']).toEqual([HOLD]);

    // Releasing the finalizer: this manager owns that field, so applying without it removes it.
    await kube.apply({ ...held, metadata: { name: 'held', namespace: name } }, ctx());

    await eventually(
      'the namespace to be gone',
      async () => ((await kube.delete(ref, ctx())) === 'gone' ? true : undefined),
      90_000,
      500,
    );
    expect(await kube.get(ref, ctx())).toBeUndefined();
  });
});
