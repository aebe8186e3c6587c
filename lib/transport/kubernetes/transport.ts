import { AdapterError } from '../../errors.ts';
import { asFloat64 } from '../../yaml-go/index.ts';
import type {
  DeleteOutcome,
  KubeObject,
  ListQuery,
  ObjectRef,
  Transport,
  TransportContext,
} from '../types.ts';
import { ResourceMapper } from './discovery.ts';
import { type KubeCallSite, KubeInvalidError } from './errors.ts';
import {
  collectionPath,
  formatLabelSelector,
  objectPath,
  qualifiedResource,
  type ResourceInfo,
} from './paths.ts';
import { type Endpoint, send, statusError, type WireResponse } from './wire.ts';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

/** What `deleteWithReport` saw after deleting: the outcome, and why an object lingers. */
export interface DeletionReport {
  outcome: DeleteOutcome;
  /**
   * Finalizers still holding the object: `metadata.finalizers`, plus `spec.finalizers` for a
   * Namespace (where the namespace controller keeps `kubernetes`). Empty when gone.
   */
  finalizers: string[];
  /** Set while the object is terminating. */
  deletionTimestamp?: string;
}

export interface KubernetesTransportSettings {
  fieldManager: string;
  forceConflicts: boolean;
  /** Namespace for a namespaced object or ref that names none (kubectl's rule). */
  defaultNamespace: string;
}

const LIST_PAGE_SIZE = 500;

/**
 * The Direct transport: get, list, server-side apply and delete against one API server. It
 * holds no generation logic; the executor decides what to call.
 */
export class KubernetesTransport implements Transport {
  readonly client = 'kubernetes' as const;
  readonly #endpoint: Endpoint;
  readonly #settings: KubernetesTransportSettings;
  readonly #mapper: ResourceMapper;
  #closed = false;

  constructor(endpoint: Endpoint, settings: KubernetesTransportSettings) {
    this.#endpoint = endpoint;
    this.#settings = settings;
    this.#mapper = new ResourceMapper(async (path, ref, verb, signal) => {
      const site = { verb, ref };
      const res = await send(endpoint, { method: 'GET', path, signal, site });
      if (res.status === 404) return undefined;
      if (res.status >= 200 && res.status < 300) return res.body as { resources?: [] };
      throw statusError(site, res);
    });
  }

  /** The REST resource and scope discovery maps this kind to (KUBE_NOT_FOUND when none). */
  resolveResource(apiVersion: string, kind: string, signal: AbortSignal): Promise<ResourceInfo> {
    return this.#mapper.resolve({ apiVersion, kind, name: '' }, 'discover', signal);
  }

  async get(ref: ObjectRef, ctx: TransportContext): Promise<KubeObject | undefined> {
    const res = await this.#call(ref, 'get', ctx.signal, (info, ns, site) =>
      send(this.#endpoint, { method: 'GET', path: objectPath(info, ns, ref.name), signal: ctx.signal, site }),
    );
    if (res.status === 404) return undefined;
    if (res.status >= 200 && res.status < 300) return res.body as KubeObject;
    throw statusError(res.site, res);
  }

  async list(query: ListQuery, ctx: TransportContext): Promise<KubeObject[]> {
    const ref: ObjectRef = { apiVersion: query.apiVersion, kind: query.kind, name: '' };
    if (query.namespace) ref.namespace = query.namespace;
    const items: KubeObject[] = [];
    let continueToken: string | undefined;
    do {
      const token = continueToken;
      const res = await this.#call(ref, 'list', ctx.signal, (info, _ns, site) =>
        send(this.#endpoint, {
          method: 'GET',
          // Absent namespace on a namespaced kind lists across all namespaces (ListQuery's contract).
          path: collectionPath(info, query.namespace),
          query: {
            labelSelector: formatLabelSelector(query.labelSelector) || undefined,
            limit: String(LIST_PAGE_SIZE),
            continue: token,
          },
          signal: ctx.signal,
          site,
        }),
      );
      if (res.status < 200 || res.status >= 300) throw statusError(res.site, res);
      const page = res.body as { items?: KubeObject[]; metadata?: { continue?: string } };
      // List items come without apiVersion/kind; callers compare and re-apply them as whole objects.
      for (const item of page.items ?? [])
        items.push({ ...item, apiVersion: query.apiVersion, kind: query.kind });
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
    return items;
  }

  async apply(
    obj: KubeObject,
    ctx: TransportContext & { existing?: KubeObject | null },
  ): Promise<KubeObject> {
    const name = obj.metadata.name;
    const ref: ObjectRef = { apiVersion: obj.apiVersion, kind: obj.kind, name: name ?? '' };
    if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
    if (!name) {
      const site = { verb: 'patch', ref };
      throw new KubeInvalidError(
        'patch: the manifest has no metadata.name',
        { ...site, httpStatus: 0, serverMessage: '' },
        [{ field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value' }],
      );
    }
    const res = await this.#call(ref, 'patch', ctx.signal, (info, ns, site) => {
      const { managedFields: _m, ...metadata } = obj.metadata;
      if (ns) metadata.namespace = ns;
      else delete metadata.namespace;
      return send(this.#endpoint, {
        method: 'PATCH',
        path: objectPath(info, ns, name),
        query: { fieldManager: this.#settings.fieldManager, force: String(this.#settings.forceConflicts) },
        // JSON is YAML; the apply content type is what makes this a server-side apply (created if absent).
        // The Go adapter decodes the rendered manifest into an interface{} before it sends it, so an
        // integer beyond 2^53 goes out as the nearest float64, as here.
        body: JSON.stringify(asFloat64({ ...obj, metadata })),
        contentType: 'application/apply-patch+yaml',
        signal: ctx.signal,
        site,
      });
    });
    if (res.status >= 200 && res.status < 300) return res.body as KubeObject;
    throw statusError(res.site, res);
  }

  async delete(
    ref: ObjectRef,
    ctx: TransportContext & { propagationPolicy?: PropagationPolicy },
  ): Promise<DeleteOutcome> {
    return (await this.deleteWithReport(ref, ctx)).outcome;
  }

  /**
   * Delete, then look again: `gone` only when the object is absent afterwards. The default
   * propagation is Background (kubectl's), because some kinds (batch/v1 Job) otherwise orphan
   * their dependents.
   */
  async deleteWithReport(
    ref: ObjectRef,
    ctx: TransportContext & { propagationPolicy?: PropagationPolicy },
  ): Promise<DeletionReport> {
    const propagationPolicy = ctx.propagationPolicy ?? 'Background';
    const res = await this.#call(ref, 'delete', ctx.signal, (info, ns, site) =>
      send(this.#endpoint, {
        method: 'DELETE',
        path: objectPath(info, ns, ref.name),
        query: { propagationPolicy },
        signal: ctx.signal,
        site,
      }),
    );
    if (res.status === 404) return { outcome: 'gone', finalizers: [] };
    if (res.status < 200 || res.status >= 300) throw statusError(res.site, res);
    const after = await this.get(ref, ctx);
    return deletionReport(after);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#endpoint.agent.destroy();
  }

  /**
   * Resolve the kind, run one request, and if the resource path itself is unknown to the server
   * (404 without an object name: the CRD was removed or changed), re-read discovery once.
   */
  async #call(
    ref: ObjectRef,
    verb: string,
    signal: AbortSignal,
    run: (info: ResourceInfo, ns: string | undefined, site: KubeCallSite) => Promise<WireResponse>,
  ): Promise<WireResponse & { site: KubeCallSite }> {
    if (this.#closed) throw new AdapterError('KUBE_CLOSED', `${verb}: the Kubernetes transport is closed`);
    for (let attempt = 0; ; attempt++) {
      const info = await this.#mapper.resolve(ref, verb, signal);
      const ns = info.namespaced
        ? ref.namespace || (verb === 'list' ? undefined : this.#settings.defaultNamespace)
        : undefined;
      const site: KubeCallSite = {
        verb,
        ref: ns ? { ...ref, namespace: ns } : withoutNamespace(ref),
        resource: qualifiedResource(info),
      };
      const problem =
        (verb === 'list' ? undefined : pathSegmentProblem('metadata.name', ref.name)) ??
        (ns === undefined ? undefined : pathSegmentProblem('metadata.namespace', ns));
      if (problem)
        throw new KubeInvalidError(
          `${verb}: ${problem.field} ${JSON.stringify(problem.value)} ${problem.message}; no request was sent`,
          { ...site, httpStatus: 0, serverMessage: '' },
          [{ field: problem.field, reason: 'FieldValueInvalid', message: problem.message }],
        );
      const res = await run(info, ns, site);
      if (res.status === 404 && attempt === 0 && !namesAnObject(res.body)) {
        this.#mapper.forget(ref.apiVersion);
        continue;
      }
      return { ...res, site };
    }
  }
}

export function deletionReport(obj: KubeObject | undefined): DeletionReport {
  if (!obj) return { outcome: 'gone', finalizers: [] };
  const meta = obj.metadata as { finalizers?: unknown; deletionTimestamp?: unknown };
  const spec = obj['spec'] as { finalizers?: unknown } | undefined;
  const finalizers = [
    ...strings(meta.finalizers),
    ...(obj.kind === 'Namespace' ? strings(spec?.finalizers) : []),
  ];
  const report: DeletionReport = { outcome: 'deleting', finalizers };
  if (typeof meta.deletionTimestamp === 'string') report.deletionTimestamp = meta.deletionTimestamp;
  return report;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * The rule the API server holds every name in a URL to (apimachinery's path segment names):
 * not empty, not `.` or `..`, no `/` or `%`. Checked before the request, since such a name
 * changes the URL itself: a Namespace rendered as `..` would be a request to `/api/v1/`.
 */
function pathSegmentProblem(
  field: string,
  value: string,
): { field: string; value: string; message: string } | undefined {
  if (value === '') return { field, value, message: 'may not be empty' };
  if (value === '.' || value === '..') return { field, value, message: `may not be '${value}'` };
  for (const c of ['/', '%'])
    if (value.includes(c)) return { field, value, message: `may not contain '${c}'` };
  return undefined;
}

function withoutNamespace(ref: ObjectRef): ObjectRef {
  const { namespace: _ns, ...rest } = ref;
  return rest;
}

/** An object-level NotFound names the object (`details.name`); an unknown path does not. */
function namesAnObject(body: unknown): boolean {
  const details = (body as { details?: { name?: unknown } } | undefined)?.details;
  return typeof details?.name === 'string' && details.name !== '';
}
