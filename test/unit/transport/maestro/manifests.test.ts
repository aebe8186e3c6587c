import { describe, expect, it } from 'vitest';
import { findManifestInWork, summarizeWorkStatus } from '../../../../lib/transport/maestro/manifests.ts';
import type { ManifestWork } from '../../../../lib/transport/maestro/types.ts';

const applied = (type: string, status = 'True', reason = `${type}Reason`, message = '') => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: '2026-02-18T10:22:10Z',
});

// Shape of compat/examples/chart-maestro/dryrun-discovery.json, plus an apps/v1 manifest.
function work(): ManifestWork {
  return {
    apiVersion: 'work.open-cluster-management.io/v1',
    kind: 'ManifestWork',
    metadata: { name: 'abc123-mw', namespace: 'cluster1', generation: 1 },
    spec: {
      workload: {
        manifests: [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'abc123-mw', labels: { role: 'ns' } } },
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'cluster-config', namespace: 'abc123-mw', labels: { role: 'cfg' } },
            data: { cluster_id: 'abc123' },
          },
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'cluster-config', namespace: 'abc123-mw' },
          },
        ],
      },
    },
    status: {
      conditions: [applied('Applied'), applied('Available')],
      resourceStatus: {
        manifests: [
          {
            resourceMeta: {
              ordinal: 1,
              group: '',
              version: 'v1',
              kind: 'ConfigMap',
              resource: 'configmaps',
              name: 'cluster-config',
              namespace: 'abc123-mw',
            },
            conditions: [applied('Applied'), applied('Available')],
            statusFeedback: {},
          },
          {
            resourceMeta: {
              ordinal: 0,
              group: '',
              version: 'v1',
              kind: 'Namespace',
              resource: 'namespaces',
              name: 'abc123-mw',
              namespace: '',
            },
            conditions: [applied('Applied'), applied('Available')],
            statusFeedback: { values: [{ name: 'phase', fieldValue: { type: 'String', string: 'Active' } }] },
          },
          {
            resourceMeta: {
              ordinal: 2,
              group: 'apps',
              version: 'v1',
              kind: 'Deployment',
              resource: 'deployments',
              name: 'cluster-config',
              namespace: 'abc123-mw',
            },
            conditions: [applied('Applied', 'False', 'AppliedManifestFailed', 'admission webhook denied')],
          },
        ],
      },
    },
  };
}

describe('findManifestInWork', () => {
  it('returns the manifest with feedback and conditions from the entry matched by identity, not position', () => {
    const ns = findManifestInWork(work(), { name: 'abc123-mw', kind: 'Namespace' });
    expect(ns?.kind).toBe('Namespace');
    expect(ns?.statusFeedback?.values?.[0]?.fieldValue.string).toBe('Active');
    expect(ns?.conditions?.map((c) => c.type)).toEqual(['Applied', 'Available']);
  });

  it('tells apart same-named manifests by group and kind', () => {
    const dep = findManifestInWork(work(), { name: 'cluster-config', group: 'apps' });
    expect(dep?.kind).toBe('Deployment');
    expect(dep?.conditions?.[0]?.status).toBe('False');
    const cm = findManifestInWork(work(), { name: 'cluster-config', kind: 'ConfigMap' });
    expect(cm?.data).toEqual({ cluster_id: 'abc123' });
    expect(cm?.statusFeedback).toEqual({});
  });

  it('matches by label selector and namespace ("" = cluster-scoped)', () => {
    expect(findManifestInWork(work(), { labelSelector: { role: 'cfg' } })?.kind).toBe('ConfigMap');
    expect(findManifestInWork(work(), { namespace: '' })?.kind).toBe('Namespace');
    expect(findManifestInWork(work(), { labelSelector: { role: 'none' } })).toBeUndefined();
  });

  it('copies instead of aliasing the work, and tolerates no work or no status', () => {
    const w = work();
    const found = findManifestInWork(w, { kind: 'Namespace' });
    if (!found) throw new Error('not found');
    found.metadata.name = 'changed';
    expect(w.spec?.workload?.manifests?.[0]?.metadata.name).toBe('abc123-mw');
    expect(findManifestInWork(undefined, { name: 'x' })).toBeUndefined();
    const { status: _s, ...noStatus } = w;
    const bare = findManifestInWork(noStatus as ManifestWork, { kind: 'Namespace' });
    expect(bare?.conditions).toBeUndefined();
    expect(bare?.statusFeedback).toBeUndefined();
  });
});

describe('summarizeWorkStatus', () => {
  it('names the failed manifest and why', () => {
    const s = summarizeWorkStatus(work());
    expect(s.applied).toBe('True');
    expect(s.degraded).toBe(true);
    expect(s.ready).toBe(false);
    expect(s.notReady).toHaveLength(1);
    expect(s.notReady[0]).toMatchObject({
      kind: 'Deployment',
      group: 'apps',
      reason: 'AppliedManifestFailed',
    });
    expect(s.message).toBe(
      '1 of 3 manifests not ready: Deployment abc123-mw/cluster-config: Applied=False, Available=Unknown (AppliedManifestFailed: admission webhook denied)',
    );
  });

  it('reports ready when every manifest is applied and available', () => {
    const w = work();
    w.spec?.workload?.manifests?.pop();
    const s = summarizeWorkStatus(w);
    expect(s).toMatchObject({
      ready: true,
      degraded: false,
      message: 'All 2 manifests applied and available',
    });
  });

  it('distinguishes waiting from failing, deleting and absent', () => {
    const w = work();
    if (w.status?.resourceStatus) w.status.resourceStatus.manifests = [];
    const waiting = summarizeWorkStatus(w);
    expect(waiting).toMatchObject({ ready: false, degraded: false });
    expect(waiting.notReady).toHaveLength(3);
    const { status: _s, ...noStatus } = work();
    expect(summarizeWorkStatus(noStatus as ManifestWork).message).toBe('No status reported by the agent yet');
    const deleting = work();
    deleting.metadata['deletionTimestamp'] = '2026-01-01T00:00:00Z';
    expect(summarizeWorkStatus(deleting)).toMatchObject({
      deleting: true,
      message: 'ManifestWork is being deleted',
    });
    expect(summarizeWorkStatus(undefined).message).toBe('ManifestWork not found');
  });
});

describe('summarizeWorkStatus on a malformed status (remote data from the agent)', () => {
  const spec = {
    workload: {
      manifests: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } }, 'not-an-object', 7],
    },
  };
  const shapes: Record<string, unknown> = {
    'conditions a string': { conditions: 'Applied' },
    'conditions a map': { conditions: { type: 'Degraded', status: 'True' } },
    'conditions with nulls and numbers': { conditions: [null, 3, { type: 'Applied', status: 'True' }] },
    'resourceStatus.manifests a string': { resourceStatus: { manifests: 'x' } },
    'a manifest entry with resourceMeta a string and conditions a number': {
      resourceStatus: { manifests: [{ resourceMeta: 'ns1', conditions: 5 }] },
    },
    'a reason that is an object': {
      resourceStatus: {
        manifests: [
          {
            resourceMeta: { ordinal: 0, kind: 'Namespace', name: 'ns1' },
            conditions: [{ type: 'Applied', status: 'False', reason: { a: 1 }, message: ['m'] }],
          },
        ],
      },
    },
  };
  it.each(Object.entries(shapes))('%s: a summary, never an internal error text', (_name, status) => {
    const summary = summarizeWorkStatus({
      apiVersion: 'work.open-cluster-management.io/v1',
      kind: 'ManifestWork',
      spec,
      status,
    } as never);
    expect(summary.manifests).toHaveLength(1);
    expect(summary.manifests[0]).toMatchObject({ kind: 'Namespace', name: 'ns1' });
    expect(summary.message).not.toMatch(/is not a function|Cannot read|undefined|\[object Object\]/);
  });
});
