import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKubernetesTransport,
  type KubeError,
  KubeForbiddenError,
  type KubernetesTransport,
} from '../../../lib/transport/kubernetes/index.ts';
import { adminTransport, ctx, namespace, stack, unique } from './support.ts';

let admin: KubernetesTransport;
let nobody: KubernetesTransport;
const ns = unique('hf-rbac');
const account = 'nobody';

beforeAll(async () => {
  admin = await adminTransport();
  await admin.apply(namespace(ns), ctx());
  await admin.apply(
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: account, namespace: ns } },
    ctx(),
  );
  // A real token for a ServiceAccount with no RoleBinding at all, from the TokenRequest API.
  const kc = new KubeConfig();
  kc.loadFromFile(stack().kube.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const issued = await core.createNamespacedServiceAccountToken({
    name: account,
    namespace: ns,
    body: { spec: { expirationSeconds: 600, audiences: [] } },
  });
  const token = issued.status?.token;
  if (!token) throw new Error('TokenRequest returned no token');
  nobody = await createKubernetesTransport({
    server: stack().kube.server,
    caFile: stack().kube.caFile,
    token,
    qps: 0,
  });
});

afterAll(async () => {
  await nobody?.close();
  await admin.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }, ctx());
  await admin.close();
});

describe('an identity without RBAC permission', () => {
  const who = `system:serviceaccount:${ns}:${account}`;

  it('apply is KUBE_FORBIDDEN naming verb, resource, namespace and the API server message', async () => {
    const err = (await nobody
      .apply(
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: ns }, data: {} },
        ctx(),
      )
      .catch((e: unknown) => e)) as KubeError;
    expect(err).toBeInstanceOf(KubeForbiddenError);
    expect(err.code).toBe('KUBE_FORBIDDEN');
    expect(err.retryable).toBe(false);
    expect(err.verb).toBe('patch');
    expect(err.resource).toBe('configmaps');
    expect(err.ref).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', namespace: ns });
    expect(err.message).toMatch(new RegExp(`^forbidden to patch configmaps cm in namespace ${ns}: `));
    expect(err.serverMessage).toContain(who);
    expect(err.message).toContain(err.serverMessage);
  });

  it('get of a named-group kind names the qualified resource', async () => {
    const err = (await nobody
      .get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', namespace: ns }, ctx())
      .catch((e: unknown) => e)) as KubeError;
    expect(err.code).toBe('KUBE_FORBIDDEN');
    expect(err.message).toMatch(new RegExp(`^forbidden to get deployments.apps d in namespace ${ns}: `));
  });

  it('a cluster-wide list says cluster-wide', async () => {
    const err = (await nobody
      .list({ apiVersion: 'v1', kind: 'ConfigMap', labelSelector: { a: 'b' } }, ctx())
      .catch((e: unknown) => e)) as KubeError;
    expect(err.code).toBe('KUBE_FORBIDDEN');
    expect(err.message).toMatch(/^forbidden to list configmaps cluster-wide: /);
    expect(err.serverMessage).toContain('cannot list resource "configmaps"');
  });

  it('a token the API server does not know is KUBE_UNAUTHORIZED, naming the call', async () => {
    const stranger = await createKubernetesTransport({
      server: stack().kube.server,
      caFile: stack().kube.caFile,
      token: 'not-a-token-anyone-issued',
      qps: 0,
    });
    try {
      const err = (await stranger
        .get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', namespace: ns }, ctx())
        .catch((e: unknown) => e)) as KubeError;
      expect(err.code).toBe('KUBE_UNAUTHORIZED');
      expect(err.httpStatus).toBe(401);
      expect(err.retryable).toBe(false);
      expect(err.message).toMatch(new RegExp(`^unauthorized to get v1 ConfigMap cm in namespace ${ns}: `));
    } finally {
      await stranger.close();
    }
  });

  it('delete of a cluster-scoped kind is forbidden too', async () => {
    const err = (await nobody
      .delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }, ctx())
      .catch((e: unknown) => e)) as KubeError;
    expect(err.code).toBe('KUBE_FORBIDDEN');
    expect(err.message).toMatch(new RegExp(`^forbidden to delete namespaces ${ns} cluster-wide: `));
  });
});
