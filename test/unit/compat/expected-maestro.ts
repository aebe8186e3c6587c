/**
 * Expected outcomes for the Maestro adapters: the e2e suite's cl-maestro and the Go chart's
 * maestro and maestro-two-resources examples, worked out by hand from their CEL and
 * templates for the fixture inputs (the chart ones partly from their own dryrun-discovery.json).
 */
import {
  CHART_API,
  CHART_NOT_DELETING,
  type Condition,
  celNotMet,
  DRY_RUN_API,
  HEALTHY,
  healthSkipped,
  NOT_DELETING,
  type ScenarioExpectation,
} from './expectations.ts';

const API = '/api/hyperfleet/v1';

// ---- e2e-cl-maestro: one ManifestWork {clusterId}-cl-maestro on consumer cluster1.
export const MAESTRO_ID = '2pf1e0h7c6tg3y8q2w5x9a7e1m4nu3hd';
export const MAESTRO_WORK = `${MAESTRO_ID}-cl-maestro`;
export const MAESTRO_NS = `${MAESTRO_ID}-cl-maestro-namespace`;
export const MAESTRO_CM = `${MAESTRO_ID}-cl-maestro-configmap`;
const NOT_MET = celNotMet('validationCheck');
const mBase = {
  example: 'e2e-cl-maestro',
  adapter: 'cl-maestro',
  resource: { kind: 'Cluster', id: MAESTRO_ID },
  apiCalls: [`GET ${API}/clusters/${MAESTRO_ID}`, `PUT ${API}/clusters/${MAESTRO_ID}/statuses`],
} as const;
const mPutUrl = `${DRY_RUN_API}/clusters/${MAESTRO_ID}/statuses`;
const workNotDiscovered: Condition = {
  type: 'Applied',
  status: 'False',
  reason: 'ManifestWorkNotDiscovered',
  message: 'ManifestWork not discovered from Maestro or no Applied condition',
};
const workApplied: Condition = {
  type: 'Applied',
  status: 'True',
  reason: 'AppliedManifestWorkComplete',
  message: 'Apply manifest work complete',
};
const nsNotDiscovered: Condition = {
  type: 'Available',
  status: 'False',
  reason: 'NamespaceNotDiscovered',
  message: 'Namespace not discovered from ManifestWork',
};
const createdData = {
  manifestwork: { name: MAESTRO_WORK, consumer: 'cluster1' },
  configmap: { name: MAESTRO_CM, clusterId: MAESTRO_ID },
  namespace: { name: MAESTRO_NS, phase: 'Unknown' },
};
function workLabels(generation: string, platform: string): Record<string, string> {
  return {
    'hyperfleet.io/cluster-id': MAESTRO_ID,
    'hyperfleet.io/generation': generation,
    'hyperfleet.io/adapter': 'cl-maestro',
    'hyperfleet.io/platform-type': platform,
    'maestro.io/source-id': 'cl-maestro',
    'e2e.hyperfleet.io/run-id': 'run-4711',
  };
}

const clMaestro: ScenarioExpectation[] = [
  {
    ...mBase,
    scenario: 'create',
    summary: 'new cluster: ManifestWork created on cluster1, agent has not reported yet',
    deleting: false,
    put: {
      url: mPutUrl,
      observedGeneration: 1,
      conditions: [workNotDiscovered, nsNotDiscovered, HEALTHY, NOT_DELETING],
      data: createdData,
    },
    resources: [`resource0: create ManifestWork ${MAESTRO_WORK} @cluster1 [success]`],
    mutations: [`maestro apply @cluster1 ManifestWork name=${MAESTRO_WORK} => created`],
    applied: [
      {
        kind: 'ManifestWork',
        name: MAESTRO_WORK,
        labels: workLabels('1', 'gcp'),
        annotations: {
          'hyperfleet.io/generation': '1',
          'hyperfleet.io/cluster-name': 'e2e-maestro-cluster',
          'hyperfleet.io/deployment-time': '2026-11-26T09:30:00Z',
        },
      },
    ],
  },
  {
    ...mBase,
    scenario: 'applied',
    summary: 'agent reported the work applied and available: same generation, bundle left alone',
    discovery: 'scenario',
    deleting: false,
    put: {
      url: mPutUrl,
      observedGeneration: 1,
      conditions: [
        workApplied,
        {
          type: 'Available',
          status: 'True',
          reason: 'AllResourcesAvailable',
          message: 'All manifests (namespace, configmap) are available on spoke cluster',
        },
        HEALTHY,
        NOT_DELETING,
      ],
      data: {
        manifestwork: { name: MAESTRO_WORK, consumer: 'cluster1' },
        configmap: { name: MAESTRO_CM, clusterId: MAESTRO_ID },
        namespace: { name: MAESTRO_NS, phase: 'Active' },
      },
    },
    resources: [`resource0: skip ManifestWork ${MAESTRO_WORK} @cluster1 [success]`],
    mutations: [],
    applied: [],
  },
  {
    ...mBase,
    scenario: 'not-ready',
    summary: 'cluster Reconciled: precondition not met, status still reported',
    deleting: false,
    skipReason: NOT_MET,
    put: {
      url: mPutUrl,
      observedGeneration: 1,
      conditions: [workNotDiscovered, nsNotDiscovered, healthSkipped(NOT_MET), NOT_DELETING],
      data: {
        manifestwork: { name: '', consumer: 'cluster1' },
        configmap: { name: '', clusterId: MAESTRO_ID },
        namespace: { name: '', phase: 'Unknown' },
      },
    },
    resources: [],
    mutations: [],
    applied: [],
  },
  {
    ...mBase,
    scenario: 'stale-event',
    summary: 'event says generation 1, the API already has 2: the API generation is used throughout',
    deleting: false,
    put: {
      url: mPutUrl,
      observedGeneration: 2,
      conditions: [workNotDiscovered, nsNotDiscovered, HEALTHY, NOT_DELETING],
      data: createdData,
    },
    resources: [`resource0: create ManifestWork ${MAESTRO_WORK} @cluster1 [success]`],
    mutations: [`maestro apply @cluster1 ManifestWork name=${MAESTRO_WORK} => created`],
    applied: [
      {
        kind: 'ManifestWork',
        name: MAESTRO_WORK,
        labels: workLabels('2', 'onprem'),
        annotations: { 'hyperfleet.io/generation': '2' },
      },
    ],
  },
  {
    ...mBase,
    scenario: 'deleting',
    summary: 'cluster soft-deleted: work delete sent, Maestro still cleaning up',
    discovery: 'scenario',
    deleting: true,
    put: {
      url: mPutUrl,
      observedGeneration: 2,
      conditions: [
        workApplied,
        nsNotDiscovered,
        HEALTHY,
        {
          type: 'Finalized',
          status: 'False',
          reason: 'CleanupInProgress',
          message: 'Deletion in progress; waiting for resources to be removed',
        },
      ],
      data: {
        manifestwork: { name: MAESTRO_WORK, consumer: 'cluster1' },
        configmap: { name: '', clusterId: MAESTRO_ID },
        namespace: { name: '', phase: 'Unknown' },
      },
    },
    resources: [`resource0: delete ManifestWork cluster1/${MAESTRO_WORK} @cluster1 [success]`],
    mutations: [`maestro delete @cluster1 ManifestWork ns=cluster1 name=${MAESTRO_WORK} => deleting`],
    applied: [],
  },
];

// ---- chart-maestro and chart-maestro-two-resources: cluster abc123, as their discovery files assume.
const CHART_GET = `GET ${API}/clusters/abc123`;
const CHART_PUT = `PUT ${API}/clusters/abc123/statuses`;
const chartPutUrl = `${CHART_API}/clusters/abc123/statuses`;
const CHART_NOT_MET =
  "precondition 'clusterStatus' not met: reconciledConditionStatus equals False (actual: True)";
const inProgress = (reason: string, message: string): Condition => ({
  type: 'Finalized',
  status: 'False',
  reason,
  message,
});
const chartWorkLabels = (adapter: string, generation: string): Record<string, string> => ({
  'hyperfleet.io/cluster-id': 'abc123',
  'hyperfleet.io/cluster-name': 'abc123',
  'hyperfleet.io/adapter': adapter,
  'hyperfleet.io/generation': generation,
  'maestro.io/source-id': adapter,
});

const cmBase = {
  example: 'chart-maestro',
  adapter: 'maestro-example',
  resource: { kind: 'Cluster', id: 'abc123' },
} as const;
const chartMaestro: ScenarioExpectation[] = [
  {
    ...cmBase,
    scenario: 'create',
    summary: 'new cluster: ManifestWork created, nothing reported by the agent yet',
    deleting: false,
    apiCalls: [CHART_GET, CHART_PUT],
    put: {
      url: chartPutUrl,
      observedGeneration: 1,
      conditions: [workNotDiscovered, nsNotDiscovered, HEALTHY, CHART_NOT_DELETING],
      data: {
        configmap: { name: 'cluster-config' },
        manifestwork: { consumer: 'cluster1', name: 'abc123-mw' },
        namespace: { name: 'abc123-mw', phase: 'Unknown' },
      },
    },
    resources: ['agentNamespaceManifestWork: create ManifestWork abc123-mw @cluster1 [success]'],
    mutations: ['maestro apply @cluster1 ManifestWork name=abc123-mw => created'],
    applied: [
      {
        kind: 'ManifestWork',
        name: 'abc123-mw',
        labels: chartWorkLabels('maestro-example', '1'),
        annotations: {
          'hyperfleet.io/generation': '1',
          'hyperfleet.io/deployment-time': '2026-11-26T09:30:00Z',
        },
      },
    ],
  },
  {
    // The example's discovered work carries its generation as a label only, so it reads as
    // generation 0 (the Go adapter reads the annotation too) and is updated.
    ...cmBase,
    scenario: 'discovered',
    summary: "the example's own discovery file: work updated, agent status reported",
    discovery: 'example',
    deleting: false,
    apiCalls: [CHART_GET, CHART_PUT],
    put: {
      url: chartPutUrl,
      observedGeneration: 77,
      conditions: [
        workApplied,
        {
          type: 'Available',
          status: 'True',
          reason: 'AllResourcesAvailable',
          message: 'All manifests (namespace, configmap) are available on spoke cluster',
        },
        HEALTHY,
        CHART_NOT_DELETING,
      ],
      data: {
        configmap: { name: 'cluster-config' },
        manifestwork: { consumer: 'cluster1', name: 'abc123-mw' },
        namespace: { name: 'abc123-mw', phase: 'Active' },
      },
    },
    resources: ['agentNamespaceManifestWork: update ManifestWork abc123-mw @cluster1 [success]'],
    mutations: ['maestro apply @cluster1 ManifestWork name=abc123-mw => updated'],
    applied: [{ kind: 'ManifestWork', name: 'abc123-mw', labels: chartWorkLabels('maestro-example', '77') }],
  },
  {
    ...cmBase,
    scenario: 'not-ready',
    summary: 'cluster Reconciled: precondition not met and, by the example\'s "when", no status sent',
    deleting: false,
    apiCalls: [CHART_GET],
    skipReason: CHART_NOT_MET,
    put: null,
    resources: [],
    mutations: [],
    applied: [],
    postActions: ['reportClusterStatus: skipped'],
  },
  {
    ...cmBase,
    scenario: 'deleting',
    summary: 'cluster soft-deleted: work delete sent, Maestro still cleaning up',
    discovery: 'example',
    deleting: true,
    apiCalls: [CHART_GET, CHART_PUT],
    put: {
      url: chartPutUrl,
      observedGeneration: 78,
      conditions: [
        workApplied,
        nsNotDiscovered,
        HEALTHY,
        inProgress('CleanupInProgress', 'Delete request sent; waiting for Maestro to complete async cleanup'),
      ],
      data: {
        configmap: { name: '' },
        manifestwork: { consumer: 'cluster1', name: 'abc123-mw' },
        namespace: { name: '', phase: 'Unknown' },
      },
    },
    resources: ['agentNamespaceManifestWork: delete ManifestWork cluster1/abc123-mw @cluster1 [success]'],
    mutations: ['maestro delete @cluster1 ManifestWork ns=cluster1 name=abc123-mw => deleting'],
    applied: [],
  },
];

const twoBase = {
  example: 'chart-maestro-two-resources',
  adapter: 'maestro-two-resources-example',
  resource: { kind: 'Cluster', id: 'abc123' },
} as const;
const TWO = 'maestro-two-resources-example';
const twoWorks = {
  configmap: { consumer: 'cluster1', name: 'abc123-mw2-cm' },
  namespace: { consumer: 'cluster1', name: 'abc123-mw2' },
};
const bothApplied: Condition = {
  type: 'Applied',
  status: 'True',
  reason: 'BothManifestWorksApplied',
  message: 'Both ManifestWorks applied by Maestro',
};
const chartMaestroTwo: ScenarioExpectation[] = [
  {
    ...twoBase,
    scenario: 'create',
    summary: 'new cluster: both works created',
    deleting: false,
    apiCalls: [CHART_GET, CHART_PUT],
    put: {
      url: chartPutUrl,
      observedGeneration: 1,
      conditions: [
        {
          type: 'Applied',
          status: 'False',
          reason: 'ConfigMapManifestWorkNotApplied',
          message: 'ConfigMap ManifestWork not discovered from Maestro or no Applied condition',
        },
        nsNotDiscovered,
        HEALTHY,
        CHART_NOT_DELETING,
      ],
      data: {
        configmap: { name: 'cluster-config' },
        manifestwork: twoWorks,
        namespace: { name: 'abc123-mw2', phase: 'Unknown' },
      },
    },
    resources: [
      'configMapManifestWork: create ManifestWork abc123-mw2-cm @cluster1 [success]',
      'namespaceManifestWork: create ManifestWork abc123-mw2 @cluster1 [success]',
    ],
    mutations: [
      'maestro apply @cluster1 ManifestWork name=abc123-mw2-cm => created',
      'maestro apply @cluster1 ManifestWork name=abc123-mw2 => created',
    ],
    applied: [
      {
        kind: 'ManifestWork',
        name: 'abc123-mw2-cm',
        labels: { ...chartWorkLabels(TWO, '1'), 'hyperfleet.io/component': 'configuration' },
      },
      {
        kind: 'ManifestWork',
        name: 'abc123-mw2',
        labels: { ...chartWorkLabels(TWO, '1'), 'hyperfleet.io/component': 'infrastructure' },
      },
    ],
  },
  {
    ...twoBase,
    scenario: 'discovered',
    summary: "the example's own discovery file: both works updated, both available",
    discovery: 'example',
    deleting: false,
    apiCalls: [CHART_GET, CHART_PUT],
    put: {
      url: chartPutUrl,
      observedGeneration: 77,
      conditions: [
        bothApplied,
        {
          type: 'Available',
          status: 'True',
          reason: 'AllResourcesAvailable',
          message: 'All resources (namespace, configmap) are available on spoke cluster',
        },
        HEALTHY,
        CHART_NOT_DELETING,
      ],
      data: {
        configmap: { name: 'cluster-config' },
        manifestwork: twoWorks,
        namespace: { name: 'abc123-mw2', phase: 'Active' },
      },
    },
    resources: [
      'configMapManifestWork: update ManifestWork abc123-mw2-cm @cluster1 [success]',
      'namespaceManifestWork: update ManifestWork abc123-mw2 @cluster1 [success]',
    ],
    mutations: [
      'maestro apply @cluster1 ManifestWork name=abc123-mw2-cm => updated',
      'maestro apply @cluster1 ManifestWork name=abc123-mw2 => updated',
    ],
    applied: [
      { kind: 'ManifestWork', name: 'abc123-mw2-cm', labels: chartWorkLabels(TWO, '77') },
      { kind: 'ManifestWork', name: 'abc123-mw2', labels: chartWorkLabels(TWO, '77') },
    ],
  },
  {
    ...twoBase,
    scenario: 'not-ready',
    summary: 'cluster Reconciled: precondition not met, no status sent',
    deleting: false,
    apiCalls: [CHART_GET],
    skipReason: CHART_NOT_MET,
    put: null,
    resources: [],
    mutations: [],
    applied: [],
    postActions: ['reportClusterStatus: skipped'],
  },
  {
    // Ordered teardown: the namespace work is deleted only once the configmap work is gone,
    // so while Maestro still holds the configmap work the namespace work is kept (updated).
    ...twoBase,
    scenario: 'deleting',
    summary: 'cluster soft-deleted: configmap work deleting, namespace work kept until it is gone',
    discovery: 'example',
    deleting: true,
    apiCalls: [CHART_GET, CHART_PUT],
    put: {
      url: chartPutUrl,
      observedGeneration: 78,
      conditions: [
        bothApplied,
        {
          type: 'Available',
          status: 'False',
          reason: 'ConfigMapNotDiscovered',
          message: 'ConfigMap not discovered from ManifestWork',
        },
        HEALTHY,
        inProgress('WaitingForConfigMapDeletion', 'Waiting for Maestro to delete ConfigMap ManifestWork'),
      ],
      data: {
        configmap: { name: '' },
        manifestwork: twoWorks,
        namespace: { name: 'abc123-mw2', phase: 'Active' },
      },
    },
    resources: [
      'configMapManifestWork: delete ManifestWork cluster1/abc123-mw2-cm @cluster1 [success]',
      'namespaceManifestWork: update ManifestWork abc123-mw2 @cluster1 [success]',
    ],
    mutations: [
      'maestro delete @cluster1 ManifestWork ns=cluster1 name=abc123-mw2-cm => deleting',
      'maestro apply @cluster1 ManifestWork name=abc123-mw2 => updated',
    ],
    applied: [{ kind: 'ManifestWork', name: 'abc123-mw2', labels: chartWorkLabels(TWO, '78') }],
  },
];

export const MAESTRO: ScenarioExpectation[] = [...clMaestro, ...chartMaestro, ...chartMaestroTwo];
