/**
 * Expected outcomes for the Go chart's kubernetes example (a Namespace and a hello-world Job
 * for cluster abc123), worked out by hand from its CEL and templates. It has no
 * preconditions, and two payload/post-action pairs gated on adapter.resourcesSkipped.
 */
import {
  CHART_API,
  CHART_NOT_DELETING,
  type Condition,
  HEALTHY,
  type ScenarioExpectation,
} from './expectations.ts';

const API = '/api/hyperfleet/v1';
const base = {
  example: 'chart-kubernetes',
  adapter: 'kubernetes-example',
  resource: { kind: 'Cluster', id: 'abc123' },
  apiCalls: [`GET ${API}/clusters/abc123`, `PUT ${API}/clusters/abc123/statuses`],
  postActions: ['reportClusterStatus: success', 'reportClusterStatusSkipped: skipped'],
} as const;
const url = `${CHART_API}/clusters/abc123/statuses`;
const jobApplied: Condition = {
  type: 'Applied',
  status: 'True',
  reason: 'JobApplied',
  message: 'Hello-world job applied successfully',
};
const jobPending: Condition = {
  type: 'Available',
  status: 'False',
  reason: 'JobPending',
  message: 'Hello-world job is pending',
};

export const CHART_KUBERNETES: ScenarioExpectation[] = [
  {
    ...base,
    scenario: 'create',
    summary: 'new cluster: Namespace and Job created, Job not run yet',
    deleting: false,
    put: { url, observedGeneration: 1, conditions: [jobApplied, jobPending, HEALTHY, CHART_NOT_DELETING] },
    resources: [
      'namespace: create Namespace abc123-k8s [success]',
      'helloWorldJob: create Job abc123-k8s/hello-world-job [success]',
    ],
    mutations: [
      'kubernetes apply Namespace name=abc123-k8s => created',
      'kubernetes apply Job ns=abc123-k8s name=hello-world-job => created',
    ],
    applied: [
      {
        kind: 'Namespace',
        name: 'abc123-k8s',
        labels: {
          'hyperfleet.io/cluster-id': 'abc123',
          'hyperfleet.io/cluster-name': 'abc123',
          'hyperfleet.io/managed-by': 'kubernetes-example',
          'hyperfleet.io/resource-type': 'namespace',
        },
        annotations: { 'hyperfleet.io/generation': '1', 'hyperfleet.io/created-by': 'hyperfleet-adapter' },
      },
      {
        kind: 'Job',
        name: 'hello-world-job',
        namespace: 'abc123-k8s',
        labels: { 'hyperfleet.io/cluster-id': 'abc123', 'hyperfleet.io/resource-type': 'job' },
        annotations: { 'hyperfleet.io/generation': '1' },
      },
    ],
  },
  {
    ...base,
    scenario: 'discovered',
    summary: "the example's own discovery file at generation 77: both skipped, Job Complete",
    discovery: 'example',
    deleting: false,
    put: {
      url,
      observedGeneration: 77,
      conditions: [
        jobApplied,
        {
          type: 'Available',
          status: 'True',
          reason: 'JobComplete',
          message: 'Hello-world job completed successfully',
        },
        HEALTHY,
        CHART_NOT_DELETING,
      ],
    },
    resources: [
      'namespace: skip Namespace abc123-k8s [success]',
      'helloWorldJob: skip Job abc123-k8s/hello-world-job [success]',
    ],
    mutations: [],
    applied: [],
  },
  {
    ...base,
    scenario: 'deleting',
    summary: 'cluster soft-deleted: Namespace and Job deleted, cleanup confirmed',
    discovery: 'example',
    deleting: true,
    put: {
      url,
      observedGeneration: 78,
      conditions: [
        { type: 'Applied', status: 'False', reason: 'JobPending', message: 'Hello-world job is pending' },
        jobPending,
        HEALTHY,
        {
          type: 'Finalized',
          status: 'True',
          reason: 'CleanupConfirmed',
          message: 'All resources deleted; cleanup confirmed',
        },
      ],
    },
    resources: [
      'namespace: delete Namespace abc123-k8s [success]',
      'helloWorldJob: delete Job abc123-k8s/hello-world-job [success]',
    ],
    mutations: [
      'kubernetes delete Namespace name=abc123-k8s => gone',
      'kubernetes delete Job ns=abc123-k8s name=hello-world-job => gone',
    ],
    applied: [],
  },
];
