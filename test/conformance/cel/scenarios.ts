/**
 * Realistic evaluation contexts for the compat examples' expressions: what the executor
 * hands CEL at each phase (params at top level, `adapter`, `resources`) in five situations a
 * real adapter meets. Numbers are plain JS numbers because that is what JSON gives Go.
 */

export type Vars = Record<string, unknown>;

const T0 = '2026-01-01T00:00:00Z';
const T_RECENT = '2026-01-01T00:08:00Z';

function conditions(entries: Array<[string, string]>, time = T0): Vars[] {
  return entries.map(([type, status]) => ({
    type,
    status,
    reason: `${type}Reason`,
    message: `${type} is ${status}`,
    last_transition_time: time,
  }));
}

function cluster(opts: { deleted?: boolean; reconciled?: string; conditions?: boolean }): Vars {
  const c: Vars = {
    id: 'c-123',
    name: 'cluster-one',
    kind: 'Cluster',
    generation: 3,
    spec: { region: 'us-east-1', node_pools: [{ name: 'a', replicas: 3 }] },
  };
  if (opts.conditions !== false) {
    c['status'] = { conditions: conditions([['Reconciled', opts.reconciled ?? 'False'], ['Available', 'True']]) };
  }
  if (opts.deleted) c['deleted_time'] = '2026-01-01T00:05:00Z';
  return c;
}

function manifestWork(name: string, healthy: boolean): Vars {
  return {
    apiVersion: 'work.open-cluster-management.io/v1',
    kind: 'ManifestWork',
    metadata: { name, namespace: 'cluster1', annotations: { 'hyperfleet.io/generation': '3' } },
    status: healthy
      ? {
          conditions: conditions([['Applied', 'True'], ['Available', 'True']]),
          resourceStatus: {
            manifests: [
              {
                resourceMeta: { kind: 'Namespace', name: 'ns-c-123' },
                statusFeedback: { values: [{ name: 'phase', fieldValue: { type: 'String', string: 'Active' } }] },
                conditions: conditions([['Applied', 'True'], ['Available', 'True']]),
              },
            ],
          },
        }
      : { conditions: conditions([['Applied', 'False']]) },
  };
}

function nested(name: string, healthy: boolean): Vars {
  return {
    apiVersion: 'v1',
    kind: /config/i.test(name) ? 'ConfigMap' : 'Namespace',
    metadata: { name: `${name}-c-123`, namespace: 'c-123' },
    data: { cluster_id: 'c-123' },
    statusFeedback: healthy
      ? { values: [{ name: 'phase', fieldValue: { type: 'String', string: 'Active' } }] }
      : { values: [] },
    conditions: conditions(healthy ? [['Available', 'True']] : [['Available', 'False']]),
  };
}

function kubeObject(name: string, healthy: boolean): Vars {
  const isJob = /job/i.test(name);
  return {
    apiVersion: isJob ? 'batch/v1' : 'apps/v1',
    kind: isJob ? 'Job' : 'Deployment',
    metadata: { name: `${name}-c-123`, namespace: 'c-123', generation: 2 },
    data: { cluster_id: 'c-123' },
    status: {
      phase: 'Active',
      readyReplicas: healthy ? 1 : 0,
      conditions: healthy
        ? conditions(isJob ? [['Complete', 'True']] : [['Available', 'True'], ['Progressing', 'True']], T_RECENT)
        : conditions(isJob ? [['Failed', 'True']] : [['Available', 'False']], T_RECENT),
    },
  };
}

function resourceFor(name: string, healthy: boolean): Vars {
  if (/manifestwork/i.test(name)) return manifestWork(name, healthy);
  if (/^(mgmt|namespace\d|configmap\d)/i.test(name)) return nested(name, healthy);
  return kubeObject(name, healthy);
}

const ADAPTER_OK: Vars = {
  executionStatus: 'success',
  resourcesSkipped: false,
  skipReason: '',
  errorReason: '',
  errorMessage: '',
  executionError: null,
  resourceErrors: {},
};

function adapterStatus(): Vars {
  return {
    items: [
      { adapter: 'cl-namespace', data: { namespace: { status: 'Active' } }, conditions: conditions([['Available', 'True']]) },
      { adapter: 'cl-job', conditions: conditions([['Available', 'True']]) },
    ],
    total: 2,
  };
}

function params(clusterStatus: Vars, isDeleting: boolean): Vars {
  return {
    clusterStatus,
    checkClusterState: clusterStatus,
    nodepoolStatus: { ...clusterStatus, id: 'np-1', kind: 'NodePool' },
    is_deleting: isDeleting,
    generation: 3,
    generationId: 3,
    generationSpec: 3,
    clusterId: 'c-123',
    placementClusterName: 'cluster1',
    reconciledConditionStatus: 'False',
    clusterAdapterStatus: adapterStatus(),
    clusterJobStatus: 'True',
    clusterNamespaceStatus: 'Active',
    clusterNotReconciled: true,
    clusterReconciledTTL: false,
    nodepoolNotReconciled: true,
    nodepoolReconciledTTL: false,
  };
}

export interface Scenario {
  name: string;
  vars: (resourceNames: readonly string[]) => Vars;
}

function resources(names: readonly string[], healthy: boolean): Vars {
  return Object.fromEntries(names.map((n) => [n, resourceFor(n, healthy)]));
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'fresh',
    vars: () => ({ ...params(cluster({}), false), adapter: ADAPTER_OK, resources: {} }),
  },
  {
    name: 'applied',
    vars: (names) => ({
      ...params(cluster({ reconciled: 'True' }), false),
      adapter: ADAPTER_OK,
      resources: resources(names, true),
    }),
  },
  {
    name: 'unhealthy',
    vars: (names) => ({
      ...params(cluster({}), false),
      adapter: { ...ADAPTER_OK },
      resources: resources(names, false),
    }),
  },
  {
    name: 'deleting',
    vars: () => ({ ...params(cluster({ deleted: true }), true), adapter: ADAPTER_OK, resources: {} }),
  },
  {
    name: 'failed',
    vars: (names) => ({
      ...params(cluster({ conditions: false }), false),
      adapter: {
        ...ADAPTER_OK,
        executionStatus: 'failed',
        errorReason: 'ResourceError',
        errorMessage: 'apply failed',
        executionError: { phase: 'resources', step: names[0] ?? 'x', message: 'apply failed' },
      },
      resources: resources(names.slice(1), true),
    }),
  },
  {
    name: 'skipped',
    vars: () => ({
      ...params(cluster({ conditions: false }), false),
      adapter: { ...ADAPTER_OK, resourcesSkipped: true, skipReason: 'precondition validationCheck not met' },
      resources: {},
    }),
  },
];
