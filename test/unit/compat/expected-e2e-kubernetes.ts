/**
 * Expected outcomes for the e2e suite's direct-Kubernetes adapters (cl-namespace, cl-job,
 * cl-deployment, np-configmap), worked out by hand from each example's task-config CEL and
 * templates for the inputs in test/fixtures/compat/<example>/<scenario>/.
 */
import {
  CLEANUP_CONFIRMED,
  type Condition,
  celNotMet,
  DRY_RUN_API,
  HEALTHY,
  healthSkipped,
  NOT_DELETING,
  type ScenarioExpectation,
} from './expectations.ts';

const API = '/api/hyperfleet/v1';
const RUN_ID = 'run-4711';
const NOT_MET = celNotMet('validationCheck');

// ---- e2e-cl-namespace: a Namespace named after the cluster, discovered by labels in "*".
const NS_ID = '2pf1c8n7k3qd0v5m9s2t6x4b8h1jr0ea';
const NS_NAME = 'e2e-ns-cluster';
const nsPending: Condition[] = [
  { type: 'Applied', status: 'False', reason: 'NamespacePending', message: 'Namespace creation in progress' },
  {
    type: 'Available',
    status: 'False',
    reason: 'NamespaceNotReady',
    message: 'Namespace is not active and ready',
  },
];
const nsCalls = [`GET ${API}/clusters/${NS_ID}`, `PUT ${API}/clusters/${NS_ID}/statuses`];
const nsBase = {
  example: 'e2e-cl-namespace',
  adapter: 'cl-namespace',
  resource: { kind: 'Cluster', id: NS_ID },
  apiCalls: nsCalls,
} as const;
const nsPutUrl = `${DRY_RUN_API}/clusters/${NS_ID}/statuses`;

const clNamespace: ScenarioExpectation[] = [
  {
    ...nsBase,
    scenario: 'create',
    summary: 'new cluster: Namespace created, no phase yet',
    deleting: false,
    put: {
      url: nsPutUrl,
      observedGeneration: 1,
      conditions: [...nsPending, HEALTHY, NOT_DELETING],
      data: { namespace: { name: NS_ID, status: '' } },
    },
    resources: [`clusterNamespace: create Namespace ${NS_ID} [success]`],
    mutations: [`kubernetes apply Namespace name=${NS_ID} => created`],
    applied: [
      {
        kind: 'Namespace',
        name: NS_ID,
        labels: {
          'hyperfleet.io/cluster-id': NS_ID,
          'hyperfleet.io/cluster-name': NS_NAME,
          'e2e.hyperfleet.io/ci': 'true',
          'e2e.hyperfleet.io/managed-by': 'test-framework',
          'e2e.hyperfleet.io/run-id': RUN_ID,
        },
        annotations: { 'hyperfleet.io/generation': '1' },
      },
    ],
  },
  {
    ...nsBase,
    scenario: 'discovered',
    summary: 'Namespace already Active at this generation: skipped, reported ready',
    discovery: 'scenario',
    deleting: false,
    put: {
      url: nsPutUrl,
      observedGeneration: 1,
      conditions: [
        {
          type: 'Applied',
          status: 'True',
          reason: 'NamespaceCreated',
          message: 'Namespace created successfully',
        },
        {
          type: 'Available',
          status: 'True',
          reason: 'NamespaceReady',
          message: 'Namespace is active and ready',
        },
        HEALTHY,
        NOT_DELETING,
      ],
      data: { namespace: { name: NS_ID, status: 'Active' } },
    },
    resources: [`clusterNamespace: skip Namespace ${NS_ID} [success]`],
    mutations: [],
    applied: [],
  },
  {
    ...nsBase,
    scenario: 'not-ready',
    summary: 'cluster Reconciled a minute ago: precondition not met, status still reported',
    deleting: false,
    skipReason: NOT_MET,
    put: {
      url: nsPutUrl,
      observedGeneration: 1,
      conditions: [...nsPending, healthSkipped(NOT_MET), NOT_DELETING],
      data: { namespace: { name: '', status: '' } },
    },
    resources: [],
    mutations: [],
    applied: [],
  },
  {
    ...nsBase,
    scenario: 'deleting',
    summary: 'cluster soft-deleted: Namespace deleted, cleanup confirmed',
    discovery: 'scenario',
    deleting: true,
    put: {
      url: nsPutUrl,
      observedGeneration: 2,
      conditions: [...nsPending, HEALTHY, CLEANUP_CONFIRMED],
      data: { namespace: { name: '', status: '' } },
    },
    resources: [`clusterNamespace: delete Namespace ${NS_ID} [success]`],
    mutations: [`kubernetes delete Namespace name=${NS_ID} => gone`],
    applied: [],
  },
];

// ---- e2e-cl-job: a Job per generation in the cluster's namespace, gated on cl-namespace.
const JOB_ID = '2pf1d2a9m4re1w6n0t3u7y5c9j2ks1fb';
const JOB_NAME = `test-job-${JOB_ID}-1`;
const jobCalls = [
  `GET ${API}/clusters/${JOB_ID}`,
  `GET ${API}/clusters/${JOB_ID}/statuses`,
  `PUT ${API}/clusters/${JOB_ID}/statuses`,
];
const jobBase = {
  example: 'e2e-cl-job',
  adapter: 'cl-job',
  resource: { kind: 'Cluster', id: JOB_ID },
  apiCalls: jobCalls,
} as const;
const jobPutUrl = `${DRY_RUN_API}/clusters/${JOB_ID}/statuses`;
const jobNotApplied: Condition = {
  type: 'Applied',
  status: 'False',
  reason: 'JobPending',
  message: 'testJob is pending to be applied',
};
const jobApplied: Condition = {
  type: 'Applied',
  status: 'True',
  reason: 'JobApplied',
  message: 'testJob manifest applied successfully',
};
const jobPending: Condition = {
  type: 'Available',
  status: 'False',
  reason: 'JobPending',
  message: 'Hello-world job is pending',
};

const clJob: ScenarioExpectation[] = [
  {
    ...jobBase,
    scenario: 'create',
    summary: 'namespace Active: Job created, no status yet',
    deleting: false,
    put: {
      url: jobPutUrl,
      observedGeneration: 1,
      conditions: [jobApplied, jobPending, HEALTHY, NOT_DELETING],
    },
    resources: [`testJob: create Job ${JOB_ID}/${JOB_NAME} [success]`],
    mutations: [`kubernetes apply Job ns=${JOB_ID} name=${JOB_NAME} => created`],
    applied: [
      {
        kind: 'Job',
        name: JOB_NAME,
        namespace: JOB_ID,
        labels: {
          'hyperfleet.io/cluster-id': JOB_ID,
          'hyperfleet.io/resource-type': 'job',
          'e2e.hyperfleet.io/run-id': RUN_ID,
          app: 'test-job',
        },
        annotations: { 'hyperfleet.io/generation': '1' },
      },
    ],
  },
  {
    ...jobBase,
    scenario: 'discovered',
    summary: 'Job already Complete at this generation: skipped, reported available',
    discovery: 'scenario',
    deleting: false,
    put: {
      url: jobPutUrl,
      observedGeneration: 1,
      conditions: [
        jobApplied,
        {
          type: 'Available',
          status: 'True',
          reason: 'JobComplete',
          message: 'Hello-world job completed successfully',
        },
        HEALTHY,
        NOT_DELETING,
      ],
    },
    resources: [`testJob: skip Job ${JOB_ID}/${JOB_NAME} [success]`],
    mutations: [],
    applied: [],
  },
  {
    ...jobBase,
    scenario: 'not-ready',
    summary: 'cl-namespace has not reported: precondition not met',
    deleting: false,
    skipReason: NOT_MET,
    put: {
      url: jobPutUrl,
      observedGeneration: 1,
      conditions: [jobNotApplied, jobPending, healthSkipped(NOT_MET), NOT_DELETING],
    },
    resources: [],
    mutations: [],
    applied: [],
  },
  {
    ...jobBase,
    scenario: 'deleting',
    summary: 'cluster soft-deleted: Job deleted, cleanup confirmed',
    discovery: 'scenario',
    deleting: true,
    put: {
      url: jobPutUrl,
      observedGeneration: 2,
      conditions: [jobNotApplied, jobPending, HEALTHY, CLEANUP_CONFIRMED],
    },
    resources: [`testJob: delete Job ${JOB_ID}/${JOB_NAME} [success]`],
    mutations: [`kubernetes delete Job ns=${JOB_ID} name=${JOB_NAME} => gone`],
    applied: [],
  },
];

// ---- e2e-cl-deployment: an nginx Deployment, gated on cl-job being Available.
const DEP_ID = '2pf1d6q3b5sf2x7p1v4w8z6d0k3lt2gc';
const DEP_NAME = `test-nginx-${DEP_ID}`;
const depBase = {
  example: 'e2e-cl-deployment',
  adapter: 'cl-deployment',
  resource: { kind: 'Cluster', id: DEP_ID },
  apiCalls: [
    `GET ${API}/clusters/${DEP_ID}`,
    `GET ${API}/clusters/${DEP_ID}/statuses`,
    `PUT ${API}/clusters/${DEP_ID}/statuses`,
  ],
} as const;
const depPutUrl = `${DRY_RUN_API}/clusters/${DEP_ID}/statuses`;
const depApplied: Condition = {
  type: 'Applied',
  status: 'True',
  reason: 'DeploymentApplied',
  message: 'testDeployment manifest applied successfully',
};
const depNotApplied: Condition = {
  type: 'Applied',
  status: 'False',
  reason: 'DeploymentPending',
  message: 'testDeployment is pending to be applied',
};
const depPending: Condition = {
  type: 'Available',
  status: 'False',
  reason: 'DeploymentPending',
  message: 'Deployment is pending',
};

const clDeployment: ScenarioExpectation[] = [
  {
    ...depBase,
    scenario: 'create',
    summary: 'cl-job Available: Deployment created, no status yet',
    deleting: false,
    put: {
      url: depPutUrl,
      observedGeneration: 1,
      conditions: [depApplied, depPending, HEALTHY, NOT_DELETING],
    },
    resources: [`testDeployment: create Deployment ${DEP_ID}/${DEP_NAME} [success]`],
    mutations: [`kubernetes apply Deployment ns=${DEP_ID} name=${DEP_NAME} => created`],
    applied: [
      {
        kind: 'Deployment',
        name: DEP_NAME,
        namespace: DEP_ID,
        labels: {
          'hyperfleet.io/cluster-id': DEP_ID,
          'hyperfleet.io/resource-type': 'deployment',
          'e2e.hyperfleet.io/run-id': RUN_ID,
        },
        annotations: { 'hyperfleet.io/generation': '1' },
      },
    ],
  },
  {
    ...depBase,
    scenario: 'discovered',
    summary: 'Deployment already available: its Available condition is reported as is',
    discovery: 'scenario',
    deleting: false,
    put: {
      url: depPutUrl,
      observedGeneration: 1,
      conditions: [
        depApplied,
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        HEALTHY,
        NOT_DELETING,
      ],
    },
    resources: [`testDeployment: skip Deployment ${DEP_ID}/${DEP_NAME} [success]`],
    mutations: [],
    applied: [],
  },
  {
    ...depBase,
    scenario: 'not-ready',
    summary: 'cl-job not Available: precondition not met',
    deleting: false,
    skipReason: NOT_MET,
    put: {
      url: depPutUrl,
      observedGeneration: 1,
      conditions: [depNotApplied, depPending, healthSkipped(NOT_MET), NOT_DELETING],
    },
    resources: [],
    mutations: [],
    applied: [],
  },
  {
    ...depBase,
    scenario: 'deleting',
    summary: 'cluster soft-deleted: Deployment deleted, cleanup confirmed',
    discovery: 'scenario',
    deleting: true,
    put: {
      url: depPutUrl,
      observedGeneration: 2,
      conditions: [depNotApplied, depPending, HEALTHY, CLEANUP_CONFIRMED],
    },
    resources: [`testDeployment: delete Deployment ${DEP_ID}/${DEP_NAME} [success]`],
    mutations: [`kubernetes delete Deployment ns=${DEP_ID} name=${DEP_NAME} => gone`],
    applied: [],
  },
];

// ---- e2e-np-configmap: a ConfigMap per nodepool in its cluster's namespace.
const NP_CLUSTER = '2pf1e4k1d7uh4z9r3x6y0b8f2n5pv4je';
const NP_ID = '2pf1e8m5e8vj5a0s4y7z1c9g3p6qw5kf';
const CM_NAME = `nodepool-config-${NP_ID}`;
const npBase = {
  example: 'e2e-np-configmap',
  adapter: 'np-configmap',
  resource: { kind: 'NodePool', clusterId: NP_CLUSTER, id: NP_ID },
  apiCalls: [
    `GET ${API}/clusters/${NP_CLUSTER}/nodepools/${NP_ID}`,
    `GET ${API}/clusters/${NP_CLUSTER}/statuses`,
    `PUT ${API}/clusters/${NP_CLUSTER}/nodepools/${NP_ID}/statuses`,
  ],
} as const;
const npPutUrl = `${DRY_RUN_API}/clusters/${NP_CLUSTER}/nodepools/${NP_ID}/statuses`;
const cmApplied: Condition[] = [
  {
    type: 'Applied',
    status: 'True',
    reason: 'ConfigMapApplied',
    message: 'nodepoolConfigMap manifest applied successfully',
  },
  {
    type: 'Available',
    status: 'True',
    reason: 'ConfigMapReady',
    message: 'ConfigMap is available and contains data',
  },
];
const cmAbsent: Condition[] = [
  {
    type: 'Applied',
    status: 'False',
    reason: 'ConfigMapPending',
    message: 'nodepoolConfigMap is pending to be applied',
  },
  {
    type: 'Available',
    status: 'False',
    reason: 'ConfigMapNotReady',
    message: 'ConfigMap is not yet available',
  },
];

const npConfigmap: ScenarioExpectation[] = [
  {
    ...npBase,
    scenario: 'create',
    summary: 'new nodepool: ConfigMap created (its data makes it available at once)',
    deleting: false,
    put: { url: npPutUrl, observedGeneration: 1, conditions: [...cmApplied, HEALTHY, NOT_DELETING] },
    resources: [`nodepoolConfigMap: create ConfigMap ${NP_CLUSTER}/${CM_NAME} [success]`],
    mutations: [`kubernetes apply ConfigMap ns=${NP_CLUSTER} name=${CM_NAME} => created`],
    applied: [
      {
        kind: 'ConfigMap',
        name: CM_NAME,
        namespace: NP_CLUSTER,
        labels: {
          'hyperfleet.io/cluster-id': NP_CLUSTER,
          'hyperfleet.io/nodepool-id': NP_ID,
          'hyperfleet.io/nodepool-name': 'e2e-np-workers',
          'hyperfleet.io/resource-type': 'configmap',
          'e2e.hyperfleet.io/run-id': RUN_ID,
        },
        annotations: { 'hyperfleet.io/generation': '1' },
      },
    ],
  },
  {
    ...npBase,
    scenario: 'discovered',
    summary: 'ConfigMap already there at this generation: skipped',
    discovery: 'scenario',
    deleting: false,
    put: { url: npPutUrl, observedGeneration: 1, conditions: [...cmApplied, HEALTHY, NOT_DELETING] },
    resources: [`nodepoolConfigMap: skip ConfigMap ${NP_CLUSTER}/${CM_NAME} [success]`],
    mutations: [],
    applied: [],
  },
  {
    ...npBase,
    scenario: 'not-ready',
    summary: 'nodepool Reconciled a minute ago: precondition not met',
    deleting: false,
    skipReason: NOT_MET,
    put: {
      url: npPutUrl,
      observedGeneration: 1,
      conditions: [...cmAbsent, healthSkipped(NOT_MET), NOT_DELETING],
    },
    resources: [],
    mutations: [],
    applied: [],
  },
  {
    ...npBase,
    scenario: 'deleting',
    summary: 'nodepool soft-deleted: ConfigMap deleted, cleanup confirmed',
    discovery: 'scenario',
    deleting: true,
    put: { url: npPutUrl, observedGeneration: 2, conditions: [...cmAbsent, HEALTHY, CLEANUP_CONFIRMED] },
    resources: [`nodepoolConfigMap: delete ConfigMap ${NP_CLUSTER}/${CM_NAME} [success]`],
    mutations: [`kubernetes delete ConfigMap ns=${NP_CLUSTER} name=${CM_NAME} => gone`],
    applied: [],
  },
];

export const E2E_KUBERNETES: ScenarioExpectation[] = [
  ...clNamespace,
  ...clJob,
  ...clDeployment,
  ...npConfigmap,
];
