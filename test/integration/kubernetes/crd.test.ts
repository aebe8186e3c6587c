import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KubeError,
  KubeNotFoundError,
  type KubernetesTransport,
} from '../../../lib/transport/kubernetes/index.ts';
import type { KubeObject } from '../../../lib/transport/types.ts';
import { adminTransport, ctx, eventually, namespace, unique } from './support.ts';

let kube: KubernetesTransport;
const ns = unique('hf-crd');
// A group per run, so a CRD left behind by an earlier run cannot make discovery look warm.
const group = `${unique('widgets')}.test.hyperfleet.io`;
const apiVersion = `${group}/v1`;
const crdName = `widgets.${group}`;

function crd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
            },
          },
        },
      ],
    },
  };
}

function widget(name: string, size: number): KubeObject {
  return {
    apiVersion,
    kind: 'Widget',
    metadata: { name, namespace: ns, labels: { 'hyperfleet.io/resource-type': 'widget' } },
    spec: { size },
  };
}

beforeAll(async () => {
  kube = await adminTransport();
  await kube.apply(namespace(ns), ctx());
});

afterAll(async () => {
  await kube.delete(
    { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: crdName },
    ctx(),
  );
  await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }, ctx());
  await kube.close();
});

describe('a kind defined by a CRD installed after the transport started', () => {
  it('is unknown before the CRD, then found by the same transport (discovery refreshed on a miss)', async () => {
    const before = await kube.apply(widget('w1', 1), ctx()).catch((e: unknown) => e);
    expect(before).toBeInstanceOf(KubeNotFoundError);
    expect((before as KubeError).message).toContain(`no resource for ${apiVersion} Widget`);

    await kube.apply(crd(), ctx());
    await eventually('the CRD to be Established', async () => {
      const got = await kube.get(
        { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: crdName },
        ctx(),
      );
      const conditions = (
        got?.['status'] as { conditions?: Array<{ type: string; status: string }> } | undefined
      )?.conditions;
      return conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
    });

    // Established can precede the group-version appearing in discovery by a moment; the same
    // transport must pick it up without being recreated.
    const created = await eventually(
      'the Widget to be applied',
      () => kube.apply(widget('w1', 1), ctx()),
      30_000,
    );
    expect(created.kind).toBe('Widget');
    expect(created['spec']).toEqual({ size: 1 });

    const updated = await kube.apply(widget('w1', 2), ctx());
    expect(updated['spec']).toEqual({ size: 2 });

    const ref = { apiVersion, kind: 'Widget', name: 'w1', namespace: ns };
    expect((await kube.get(ref, ctx()))?.['spec']).toEqual({ size: 2 });

    const listed = await kube.list(
      { apiVersion, kind: 'Widget', labelSelector: { 'hyperfleet.io/resource-type': 'widget' } },
      ctx(),
    );
    expect(listed.map((w) => `${w.metadata.namespace}/${w.metadata.name}`)).toEqual([`${ns}/w1`]);
    expect(listed[0]?.kind).toBe('Widget');

    expect(await kube.delete(ref, ctx())).toBe('gone');
    expect(await kube.get(ref, ctx())).toBeUndefined();
  });
});
