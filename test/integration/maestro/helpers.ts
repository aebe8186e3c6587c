import type { ManifestWork } from '../../../lib/transport/maestro/types.ts';

export { eventually } from '../../support/eventually.ts';
export { kubeGet } from '../../support/kube.ts';

export function conditionTrue(
  conditions: { type: string; status: string }[] | undefined,
  type: string,
): boolean {
  return conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

/** A work with a Namespace and a ConfigMap in it, JSONPaths feedback on both, as the e2e-cl-maestro example. */
export function namespaceAndConfigMapWork(o: {
  name: string;
  namespace: string;
  generation: number;
  data: Record<string, string>;
  labels?: Record<string, string>;
}): ManifestWork {
  const gen = String(o.generation);
  return {
    apiVersion: 'work.open-cluster-management.io/v1',
    kind: 'ManifestWork',
    metadata: {
      name: o.name,
      labels: { 'hyperfleet.io/generation': gen, ...(o.labels ?? {}) },
      annotations: { 'hyperfleet.io/generation': gen },
    },
    spec: {
      workload: {
        manifests: [
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: o.namespace, annotations: { 'hyperfleet.io/generation': gen } },
          },
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: {
              name: `${o.name}-cm`,
              namespace: o.namespace,
              annotations: { 'hyperfleet.io/generation': gen },
            },
            data: o.data,
          },
        ],
      },
      deleteOption: { propagationPolicy: 'Foreground' },
      manifestConfigs: [
        {
          resourceIdentifier: { group: '', resource: 'namespaces', name: o.namespace },
          feedbackRules: [{ type: 'JSONPaths', jsonPaths: [{ name: 'phase', path: '.status.phase' }] }],
        },
        {
          resourceIdentifier: {
            group: '',
            resource: 'configmaps',
            name: `${o.name}-cm`,
            namespace: o.namespace,
          },
          updateStrategy: {
            type: 'ServerSideApply',
            serverSideApply: { fieldManager: 'hyperfleet-it', force: false },
          },
          feedbackRules: [{ type: 'JSONPaths', jsonPaths: [{ name: 'data', path: '.data' }] }],
        },
      ],
    },
  };
}
