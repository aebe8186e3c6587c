import { openConnection } from './connection.ts';
import { TokenBucket } from './rate-limit.ts';
import { KubernetesTransport } from './transport.ts';

export { KubeConfigError } from './connection.ts';
export {
  type KubeCallSite,
  type KubeCause,
  KubeConflictError,
  KubeError,
  KubeForbiddenError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeUnauthorizedError,
  KubeUnavailableError,
} from './errors.ts';
export type { ResourceInfo } from './paths.ts';
export {
  type DeletionReport,
  deletionReport,
  KubernetesTransport,
  type PropagationPolicy,
} from './transport.ts';

export interface KubernetesTransportOptions {
  /** A kubeconfig file. Empty or absent (and no `server`): in-cluster service account. */
  kubeConfigPath?: string;
  /** Bearer token; with `server` it is the whole identity, otherwise it replaces the kubeconfig's user. */
  token?: string;
  /** API server URL; when set, the kubeconfig is not read. */
  server?: string;
  /** CA bundle for `server`; absent means the system trust store. */
  caFile?: string;
  /** Sustained requests per second (client-go's QPS). Default 50; 0 or less: unlimited. */
  qps?: number;
  /** Requests allowed at once before `qps` applies. Default 100 (2 x qps when only qps is set). */
  burst?: number;
  /** Server-side apply field manager. Default `hyperfleet-adapter`. */
  fieldManager?: string;
  /**
   * Take ownership of fields another manager set (`force=true`). Default true: the adapter is
   * the declared owner of what it renders, and a conflict would otherwise block reconciliation
   * until someone intervenes by hand.
   */
  forceConflicts?: boolean;
}

/*
 * client-go's 5/10 suits controllers reading from informers; the adapter reads the API server
 * directly a few times per event, so the default allows a burst of events without queueing.
 */
const DEFAULT_QPS = 50;
const DEFAULT_BURST = 100;

/**
 * Build the Direct transport. @kubernetes/client-node is imported here, on first call, and
 * nowhere else in lib: importing it costs most of a second of cold start that a function
 * serving only Maestro resources should not pay.
 */
export async function createKubernetesTransport(
  options: KubernetesTransportOptions = {},
): Promise<KubernetesTransport> {
  const conn = await openConnection(options);
  const qps = options.qps ?? DEFAULT_QPS;
  // A qps given without a burst gets client-go's ratio (burst = 2 x qps), not our larger default.
  const burst =
    options.burst ?? (options.qps === undefined ? DEFAULT_BURST : Math.max(1, Math.ceil(qps * 2)));
  const limiter = new TokenBucket(qps, burst);
  return new KubernetesTransport(
    { server: conn.server, agent: conn.agent, headers: conn.headers, limiter },
    {
      fieldManager: options.fieldManager || 'hyperfleet-adapter',
      forceConflicts: options.forceConflicts ?? true,
      defaultNamespace: conn.defaultNamespace,
    },
  );
}
