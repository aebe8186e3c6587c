import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { ManifestWork } from '../../../lib/transport/maestro/types.ts';
import type { KubeObject } from '../../../lib/transport/types.ts';
import type { StackInfo } from '../../stack/types.ts';

/** GET a path on the stack's kube-apiserver as admin; undefined on 404. */
export function kubeGet(stack: StackInfo, path: string): Promise<KubeObject | undefined> {
  const ca = readFileSync(stack.kube.caFile);
  return new Promise((resolve, reject) => {
    const req = https.get(
      new URL(path, stack.kube.server),
      { ca, headers: { authorization: `Bearer ${stack.kube.adminToken}`, accept: 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 404) resolve(undefined);
          else if (res.statusCode === 200) resolve(JSON.parse(body) as KubeObject);
          else reject(new Error(`kube GET ${path}: ${res.statusCode} ${body.slice(0, 200)}`));
        });
      },
    );
    req.on('error', reject);
  });
}

/** Poll `fn` until it returns a value that is not undefined, or fail after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

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
