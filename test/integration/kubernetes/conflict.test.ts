import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KubeConflictError,
  type KubeError,
  type KubernetesTransport,
} from '../../../lib/transport/kubernetes/index.ts';
import type { KubeObject } from '../../../lib/transport/types.ts';
import { adminTransport, ctx, namespace, unique } from './support.ts';

let other: KubernetesTransport;
let polite: KubernetesTransport;
let forceful: KubernetesTransport;
const ns = unique('hf-ssa');

function cm(value: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'shared', namespace: ns },
    data: { owner: value },
  };
}

beforeAll(async () => {
  other = await adminTransport({ fieldManager: 'someone-else', forceConflicts: false });
  polite = await adminTransport({ forceConflicts: false });
  forceful = await adminTransport({ forceConflicts: true });
  await other.apply(namespace(ns), ctx());
});

afterAll(async () => {
  await other.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }, ctx());
  await Promise.all([other.close(), polite.close(), forceful.close()]);
});

describe('a field owned by another field manager', () => {
  it('without force: KUBE_CONFLICT and the value is untouched; with force: applied and ownership moves', async () => {
    await other.apply(cm('them'), ctx());

    const err = (await polite.apply(cm('us'), ctx()).catch((e: unknown) => e)) as KubeError;
    expect(err).toBeInstanceOf(KubeConflictError);
    expect(err.code).toBe('KUBE_CONFLICT');
    expect(err.ref).toMatchObject({ kind: 'ConfigMap', name: 'shared', namespace: ns });
    expect(err.serverMessage).toContain('someone-else');
    expect(err.serverMessage).toContain('.data.owner');
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'shared', namespace: ns };
    expect((await polite.get(ref, ctx()))?.['data']).toEqual({ owner: 'them' });

    const applied = await forceful.apply(cm('us'), ctx());
    expect(applied['data']).toEqual({ owner: 'us' });
    const owners = (applied.metadata['managedFields'] as Array<{ manager: string; fieldsV1?: unknown }>)
      .filter((m) => JSON.stringify(m.fieldsV1 ?? {}).includes('f:owner'))
      .map((m) => m.manager);
    expect(owners).toEqual(['hyperfleet-adapter']);

    // Same value from the same manager again: no conflict even without force.
    expect((await polite.apply(cm('us'), ctx()))['data']).toEqual({ owner: 'us' });
  });
});
