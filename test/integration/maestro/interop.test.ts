import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { workResourceId } from '../../../lib/transport/maestro/codec.ts';
import { createMaestroTransport, type MaestroTransport } from '../../../lib/transport/maestro/index.ts';
import type { ManifestWork } from '../../../lib/transport/maestro/types.ts';
import type { KubeObject, ObjectRef } from '../../../lib/transport/types.ts';
import { ensureMaestroClient, type GoWorkClient, goWorkClient } from '../../stack/maestro-client.ts';
import { conditionTrue, eventually, kubeGet, namespaceAndConfigMapWork } from './helpers.ts';

/**
 * The must-show: a work created by our client is read correctly by Maestro's own Go
 * client, and one created by the Go client is read correctly by ours; each sees the other's
 * updates and deletes. Both clients use the same source id, as two replicas of one adapter
 * written in different languages would.
 */

const stack = inject('stack');
const suffix = randomBytes(3).toString('hex');
const SOURCE = `hf-interop-${suffix}`;
const consumer = stack.maestro.consumers[0] ?? 'cluster1';
const ref = (name: string): ObjectRef => ({
  apiVersion: 'work.open-cluster-management.io/v1',
  kind: 'ManifestWork',
  name,
});
const ctx = (ms = 30_000) => ({ signal: AbortSignal.timeout(ms), targetCluster: consumer });

let ts: MaestroTransport;
let go: GoWorkClient;

beforeAll(async () => {
  const binary = await ensureMaestroClient();
  go = goWorkClient(binary, stack, {
    sourceId: SOURCE,
    consumer,
    scratchDir: mkdtempSync(join(tmpdir(), 'hf-interop-')),
  });
  ts = createMaestroTransport({
    grpc_server_address: stack.maestro.grpcAddress,
    http_server_address: stack.maestro.httpUrl,
    source_id: SOURCE,
    insecure: true,
    timeout: 10_000,
  });
}, 300_000);

afterAll(async () => {
  await ts?.close();
});

type GoWork = {
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: ManifestWork['spec'];
  status?: ManifestWork['status'];
};

async function tsGet(name: string): Promise<ManifestWork | undefined> {
  return (await ts.get(ref(name), ctx())) as ManifestWork | undefined;
}

async function goGetAt(name: string, generation: number): Promise<GoWork> {
  return eventually(`Go client reads ${name} at generation ${generation}`, async () => {
    const w = (await go.get(name)) as GoWork | undefined;
    return w?.metadata.generation === generation ? w : undefined;
  });
}

async function configMapData(ns: string, name: string): Promise<Record<string, string> | undefined> {
  const cm = await kubeGet(stack, `/api/v1/namespaces/${ns}/configmaps/${name}`);
  return cm?.['data'] as Record<string, string> | undefined;
}

type ManifestConfigs = NonNullable<ManifestWork['spec']>['manifestConfigs'];

/**
 * Maestro stores manifest configs re-encoded from Go's workv1.ResourceIdentifier, whose
 * `namespace` has no omitempty: a cluster-scoped identifier we sent without the key comes back
 * with `"namespace": ""`, to both clients alike (the stored resource bundles of a work written
 * by ours and one written by the Go client are identical there). The tests assert that, then
 * compare the rest exactly.
 */
function withoutEmptyNamespaces(configs: ManifestConfigs): ManifestConfigs {
  return configs?.map((c) => {
    const id = c['resourceIdentifier'] as Record<string, unknown> | undefined;
    if (id?.['namespace'] !== '') return c;
    const { namespace: _ns, ...rest } = id;
    return { ...c, resourceIdentifier: rest };
  });
}

function clusterScopedNamespaces(configs: ManifestConfigs): unknown[] {
  return (configs ?? [])
    .map((c) => c['resourceIdentifier'] as Record<string, unknown> | undefined)
    .filter((id) => id?.['resource'] === 'namespaces')
    .map((id) => id?.['namespace']);
}

/** The annotation the Go SDK stamps on a work it creates or patches (its operation id for log correlation). */
const GO_OP_ID = 'logging.open-cluster-management.io/op-id';

describe('interop with Maestro’s Go work client (same source id)', () => {
  const tsName = `interop-ts-${suffix}`;
  const tsNs = `interop-ts-${suffix}-ns`;
  const goName = `interop-go-${suffix}`;
  const goNs = `interop-go-${suffix}-ns`;

  it('(a) a work our client creates is read by the Go client: same name, manifests, labels, generation, uid', async () => {
    const work = namespaceAndConfigMapWork({
      name: tsName,
      namespace: tsNs,
      generation: 1,
      data: { from: 'ts' },
      labels: { 'hyperfleet.io/cluster-id': `c-${suffix}` },
    });
    await ts.apply(work, ctx());
    const got = await goGetAt(tsName, 1);
    expect(got.metadata.name).toBe(tsName);
    expect(got.metadata.namespace).toBe(consumer);
    expect(got.metadata.uid).toBe(workResourceId(SOURCE, consumer, tsName));
    expect(got.metadata.labels).toEqual(work.metadata.labels);
    expect(got.metadata.annotations).toEqual(work.metadata.annotations);
    expect(got.spec?.workload?.manifests).toEqual(work.spec?.workload?.manifests);
    // We sent no namespace key; Maestro stored the Go zero value, and our own read shows it too.
    expect(clusterScopedNamespaces(work.spec?.manifestConfigs)).toEqual([undefined]);
    expect(clusterScopedNamespaces(got.spec?.manifestConfigs)).toEqual(['']);
    expect(clusterScopedNamespaces((await tsGet(tsName))?.spec?.manifestConfigs)).toEqual(['']);
    expect(withoutEmptyNamespaces(got.spec?.manifestConfigs)).toEqual(work.spec?.manifestConfigs);
    expect(got.spec?.deleteOption).toEqual(work.spec?.deleteOption);

    const listed = await go.list();
    expect(listed.map((w) => w.name)).toContain(tsName);
    expect(listed.find((w) => w.name === tsName)?.uid).toBe(workResourceId(SOURCE, consumer, tsName));

    // The agent's status, as the Go client reads it.
    const applied = await eventually('Go client sees Applied', async () => {
      const w = (await go.get(tsName)) as GoWork | undefined;
      return conditionTrue(w?.status?.conditions, 'Applied') ? w : undefined;
    });
    expect(applied.status?.resourceStatus?.manifests?.length).toBe(2);
  });

  it('(b) a work the Go client creates is read by ours: get by name and list by label, same content', async () => {
    const work = namespaceAndConfigMapWork({
      name: goName,
      namespace: goNs,
      generation: 1,
      data: { from: 'go' },
      labels: { 'hyperfleet.io/cluster-id': `g-${suffix}` },
    });
    await go.apply(work);
    const got = await eventually('our client reads the Go-created work', () => tsGet(goName));
    expect(got.metadata).toMatchObject({
      name: goName,
      namespace: consumer,
      generation: 1,
      uid: workResourceId(SOURCE, consumer, goName),
      labels: work.metadata.labels,
    });
    // The one difference in what the two clients store: the Go SDK adds its operation id.
    expect(got.metadata.annotations).toEqual({
      ...work.metadata.annotations,
      [GO_OP_ID]: expect.any(String),
    });
    expect(got.spec?.workload?.manifests).toEqual(work.spec?.workload?.manifests);
    // As for our own works: Maestro's re-encoding, `namespace: ""`.
    expect(clusterScopedNamespaces(got.spec?.manifestConfigs)).toEqual(['']);
    expect(withoutEmptyNamespaces(got.spec?.manifestConfigs)).toEqual(work.spec?.manifestConfigs);
    expect(got.spec?.deleteOption).toEqual(work.spec?.deleteOption);

    const listed = await ts.list(
      { ...ref(goName), labelSelector: { 'hyperfleet.io/cluster-id': `g-${suffix}` } },
      ctx(),
    );
    expect(listed.map((w: KubeObject) => w.metadata.name)).toEqual([goName]);
    expect((listed[0] as ManifestWork).spec?.workload?.manifests).toEqual(work.spec?.workload?.manifests);

    await eventually('agent applied the Go-created work', async () =>
      (await configMapData(goNs, `${goName}-cm`))?.['from'] === 'go' ? true : undefined,
    );
    const withStatus = await eventually('our client sees Applied on the Go-created work', async () => {
      const w = await tsGet(goName);
      return conditionTrue(w?.status?.conditions, 'Applied') ? w : undefined;
    });
    expect(withStatus.status?.resourceStatus?.manifests?.length).toBe(2);
  });

  it('(c) each sees the other’s updates (version bumps)', async () => {
    // Ours updates the work the Go client created; the Go client reads generation 2.
    const current = await tsGet(goName);
    const v2 = namespaceAndConfigMapWork({
      name: goName,
      namespace: goNs,
      generation: 2,
      data: { from: 'ts-update' },
      labels: { 'hyperfleet.io/cluster-id': `g-${suffix}` },
    });
    await ts.apply(v2, { ...ctx(), ...(current ? { existing: current } : {}) });
    const goSees = await goGetAt(goName, 2);
    expect(goSees.spec?.workload?.manifests).toEqual(v2.spec?.workload?.manifests);

    // The Go client updates (merge patch) the work ours created; ours reads generation 2.
    const v2go = namespaceAndConfigMapWork({
      name: tsName,
      namespace: tsNs,
      generation: 2,
      data: { from: 'go-update' },
      labels: { 'hyperfleet.io/cluster-id': `c-${suffix}` },
    });
    await go.apply(v2go);
    const tsSees = await eventually('our client reads the Go update', async () => {
      const w = await tsGet(tsName);
      return w?.metadata['generation'] === 2 ? w : undefined;
    });
    expect(tsSees.spec?.workload?.manifests).toEqual(v2go.spec?.workload?.manifests);
    expect(tsSees.metadata.labels).toEqual(v2go.metadata.labels);

    // And the agent applied both updates.
    await eventually('both updates applied on the cluster', async () => {
      const a = await configMapData(goNs, `${goName}-cm`);
      const b = await configMapData(tsNs, `${tsName}-cm`);
      return a?.['from'] === 'ts-update' && b?.['from'] === 'go-update' ? true : undefined;
    });
  });

  it('(c) a delete by one is seen as gone by the other once the agent confirms', async () => {
    // The Go client deletes the work ours created.
    await go.delete(tsName);
    await eventually(
      'our client sees the Go delete as gone',
      async () => ((await tsGet(tsName)) === undefined ? true : undefined),
      90_000,
    );
    // Ours deletes the work the Go client created.
    expect(await ts.delete(ref(goName), ctx())).toMatch(/^(gone|deleting)$/);
    await eventually(
      'the Go client sees our delete as gone',
      async () => ((await go.get(goName)) === undefined ? true : undefined),
      90_000,
    );
    expect((await go.list()).map((w) => w.name)).not.toContain(goName);
  });
});
