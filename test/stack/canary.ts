import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type ChannelCredentials,
  credentials,
  loadPackageDefinition,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { StackError } from './errors.ts';
import { http } from './http.ts';
import { waitFor } from './proc.ts';

/**
 * The stack's own proof of life: one ManifestWork per consumer, holding a ConfigMap, published
 * on Maestro's gRPC source API (Maestro's REST API cannot create resource bundles and this
 * Maestro commit has no CLI for it) and followed over REST until the agent reports it
 * Applied and Available with feedback. Deliberately independent of lib/transport/maestro, so
 * a bug there cannot make every integration test fail at setup.
 */

const PROTO = fileURLToPath(new URL('../../protos/io/cloudevents/v1/cloudevent.proto', import.meta.url));
const TYPE_PREFIX = 'io.open-cluster-management.works.v1alpha1.manifestbundles';
const NAMESPACE_OID = '6ba7b812-9dad-11d1-80b4-00c04fd430c8';

export const CANARY_SOURCE = 'hyperfleet-stack-canary';
export const CANARY_WORK = 'stack-canary';

/** RFC 4122 name-based UUID (SHA-1): Maestro's work id for (source, consumer, name). */
export function workId(source: string, consumer: string, name: string): string {
  const ns = Buffer.from(NAMESPACE_OID.replaceAll('-', ''), 'hex');
  const hash = createHash('sha1')
    .update(
      Buffer.concat([
        ns,
        Buffer.from(`${source}-manifestworks.work.open-cluster-management.io-${consumer}-${name}`),
      ]),
    )
    .digest();
  const b = hash.subarray(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x50;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

interface PublishClient {
  Publish(req: unknown, options: { deadline: Date }, cb: (err: Error | null) => void): void;
  close(): void;
}

function publishClient(address: string, creds: ChannelCredentials): PublishClient {
  const def = loadSync(PROTO, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  const pkg = loadPackageDefinition(def) as unknown as {
    io: { cloudevents: { v1: { CloudEventService: ServiceClientConstructor } } };
  };
  const Service = pkg.io.cloudevents.v1.CloudEventService;
  return new Service(address, creds) as unknown as PublishClient;
}

export interface CanaryWork {
  consumer: string;
  workName: string;
  resourceId: string;
  configMap: { namespace: string; name: string };
}

export interface PublishOptions {
  grpcAddress: string;
  source: string;
  consumer: string;
  workName: string;
  configMap: { namespace: string; name: string; data: Record<string, string> };
  /** Plaintext unless given (the TLS variant passes SSL credentials). */
  credentials?: ChannelCredentials;
}

/** Publishes a create_request for a work holding one ConfigMap with a feedback rule on its data. */
export async function publishConfigMapWork(o: PublishOptions): Promise<CanaryWork> {
  const resourceId = workId(o.source, o.consumer, o.workName);
  const now = Date.now();
  const metadata = { name: o.workName, namespace: o.consumer, uid: resourceId, resourceVersion: '0' };
  const bundle = {
    manifests: [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: o.configMap.name, namespace: o.configMap.namespace },
        data: o.configMap.data,
      },
    ],
    deleteOption: { propagationPolicy: 'Foreground' },
    manifestConfigs: [
      {
        resourceIdentifier: {
          group: '',
          resource: 'configmaps',
          name: o.configMap.name,
          namespace: o.configMap.namespace,
        },
        feedbackRules: [{ type: 'JSONPaths', jsonPaths: [{ name: 'data', path: '.data' }] }],
      },
    ],
  };
  const str = (v: string) => ({ ce_string: v });
  const event = {
    id: randomUUID(),
    source: o.source,
    spec_version: '1.0',
    type: `${TYPE_PREFIX}.spec.create_request`,
    attributes: {
      'ce-time': { ce_timestamp: { seconds: String(Math.floor(now / 1000)), nanos: (now % 1000) * 1e6 } },
      contenttype: str('application/json'),
      'ce-clustername': str(o.consumer),
      'ce-originalsource': str(''),
      'ce-resourceid': str(resourceId),
      'ce-resourceversion': { ce_integer: 0 },
      'ce-metadata': str(JSON.stringify(metadata)),
      'ce-logtracing': str('{}'),
    },
    binary_data: Buffer.from(JSON.stringify(bundle)),
  };
  const client = publishClient(o.grpcAddress, o.credentials ?? credentials.createInsecure());
  try {
    await new Promise<void>((resolve, reject) =>
      client.Publish({ event }, { deadline: new Date(Date.now() + 15_000) }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  } finally {
    client.close();
  }
  return { consumer: o.consumer, workName: o.workName, resourceId, configMap: o.configMap };
}

interface Condition {
  type: string;
  status: string;
}

interface ResourceBundle {
  status?: {
    conditions?: Condition[];
    resourceStatus?: {
      statusFeedback?: { values?: { name: string; fieldValue: Record<string, unknown> }[] };
    }[];
  };
}

/** True when the bundle's agent reports Applied and Available and the feedback value `data` arrived. */
export function canaryHealthy(bundle: unknown): boolean {
  const status = (bundle as ResourceBundle | undefined)?.status;
  const isTrue = (t: string) => status?.conditions?.some((c) => c.type === t && c.status === 'True') === true;
  const feedback =
    status?.resourceStatus?.[0]?.statusFeedback?.values?.some((v) => v.name === 'data') === true;
  return isTrue('Applied') && isTrue('Available') && feedback;
}

export async function getResourceBundle(httpUrl: string, id: string): Promise<unknown> {
  const res = await http(`${httpUrl}/api/maestro/v1/resource-bundles/${id}`);
  if (res.status !== 200)
    throw new StackError('STACK_MAESTRO_FAILED', `GET resource-bundle ${id}: ${res.status}`);
  return res.json;
}

/** Waits until the agent applied the work and reported status with feedback. */
export async function waitCanaryApplied(
  httpUrl: string,
  work: CanaryWork,
  o: { timeoutMs: number; pid?: number; logs: string[] },
): Promise<unknown> {
  return waitFor(
    async () => {
      const bundle = await getResourceBundle(httpUrl, work.resourceId);
      return canaryHealthy(bundle) ? bundle : undefined;
    },
    { what: `canary work on ${work.consumer} Applied/Available with feedback`, ...o, intervalMs: 250 },
  );
}

/** Reads the canary's ConfigMap through the kube-apiserver. */
export async function getConfigMap(
  kube: { server: string; caFile: string; adminToken: string },
  ref: { namespace: string; name: string },
): Promise<{ data?: Record<string, string> } | undefined> {
  const res = await http(`${kube.server}/api/v1/namespaces/${ref.namespace}/configmaps/${ref.name}`, {
    caFile: kube.caFile,
    token: kube.adminToken,
  });
  if (res.status === 404) return undefined;
  if (res.status !== 200)
    throw new StackError('STACK_KUBE_FAILED', `GET configmap ${ref.name}: ${res.status}`);
  return res.json as { data?: Record<string, string> };
}

/** Reads a CA/cert/key triple for gRPC TLS credentials. */
export function tlsCredentials(caFile: string, cert?: { cert: string; key: string }): ChannelCredentials {
  return credentials.createSsl(
    readFileSync(caFile),
    cert === undefined ? null : readFileSync(cert.key),
    cert === undefined ? null : readFileSync(cert.cert),
  );
}
