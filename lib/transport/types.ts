/**
 * The transport is the external client of the reconciler: a tiny surface (get, list, apply,
 * delete). All generation, recreate, retry and status logic lives once, in the executor,
 * never in a transport. Direct (Kubernetes API) and Maestro (ManifestWork over gRPC) both
 * implement it; the executor picks one per resource.
 */

/** A Kubernetes-style object as plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export type TransportClient = 'kubernetes' | 'maestro';

/** Identity of one object. For Maestro the object is a ManifestWork and `namespace` is unused (the consumer is in the context). */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface ListQuery {
  apiVersion: string;
  kind: string;
  /** Absent: all namespaces (or cluster-scoped). */
  namespace?: string;
  /** Equality-based selector, ANDed. */
  labelSelector: Record<string, string>;
}

/** Per-call context: every network call takes the caller's deadline. */
export interface TransportContext {
  signal: AbortSignal;
  /** Maestro consumer name (the rendered `transport.maestro.target_cluster`); unused by Direct. */
  targetCluster?: string;
}

export type DeleteOutcome =
  /** The object no longer exists (it was deleted now, or was already absent). */
  | 'gone'
  /** Deletion was accepted but is still in progress (finalizers, Maestro agent not yet confirmed). */
  | 'deleting';

export interface Transport {
  readonly client: TransportClient;
  get(ref: ObjectRef, ctx: TransportContext): Promise<KubeObject | undefined>;
  list(query: ListQuery, ctx: TransportContext): Promise<KubeObject[]>;
  /**
   * Make the object exist with the given content: create when absent, update otherwise
   * (server-side apply for Direct, a new ManifestWork version for Maestro). `existing` is what
   * the executor already knows, so a transport can skip a read: the object it discovered, or
   * `null` when it just found none.
   * Returns the object as stored.
   */
  apply(obj: KubeObject, ctx: TransportContext & { existing?: KubeObject | null }): Promise<KubeObject>;
  delete(
    ref: ObjectRef,
    ctx: TransportContext & { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' },
  ): Promise<DeleteOutcome>;
  /** Release pooled connections; the transport is unusable afterwards. */
  close(): Promise<void>;
}

/** The annotation (on an object, and on each manifest of a ManifestWork) that carries the HyperFleet generation. */
export const GENERATION_ANNOTATION = 'hyperfleet.io/generation';
