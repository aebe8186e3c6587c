import type { ObjectRef } from '../types.ts';
import { describeRef, KubeNotFoundError } from './errors.ts';
import { groupVersionPath, type ResourceInfo, splitApiVersion } from './paths.ts';

/** The part of a `metav1.APIResourceList` discovery reads. */
export interface ApiResourceList {
  resources?: Array<{ name: string; kind: string; namespaced: boolean }>;
}

/**
 * Reads one group-version's resource list (`/api/v1`, `/apis/<group>/<version>`); resolves
 * `undefined` when the server does not serve that group-version (404). `ref` and `verb` are
 * the call that needed the kind, so a failed read is reported as that call failing.
 */
export type FetchResourceList = (
  path: string,
  ref: ObjectRef,
  verb: string,
  signal: AbortSignal,
) => Promise<ApiResourceList | undefined>;

interface Entry {
  kinds: Map<string, ResourceInfo>;
}

/**
 * Maps apiVersion+kind to the REST resource and its scope. Each group-version is read once and
 * cached; a kind the cache does not know triggers one re-read of its group-version, so a CRD
 * installed after start is found on first use without restarting. Concurrent misses share one
 * read. Only the group-version in question is read: walking `/apis` would cost a round trip
 * per group for nothing the caller asked about.
 */
export class ResourceMapper {
  readonly #fetch: FetchResourceList;
  readonly #cache = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<Entry>>();

  constructor(fetch: FetchResourceList) {
    this.#fetch = fetch;
  }

  /** `verb` and `ref` only shape the error when the kind is unknown: `no resource for apps/v1 Foo`. */
  async resolve(ref: ObjectRef, verb: string, signal: AbortSignal): Promise<ResourceInfo> {
    const cached = this.#cache.get(ref.apiVersion)?.kinds.get(ref.kind);
    if (cached) return cached;
    let entry: Entry;
    try {
      entry = await this.#read(ref, verb, signal);
    } catch (err) {
      // A shared read may have died of another caller's deadline; ours still stands, so read again.
      if (signal.aborted || !this.#diedOfForeignAbort(err)) throw err;
      entry = await this.#read(ref, verb, signal);
    }
    const found = entry.kinds.get(ref.kind);
    if (found) return found;
    throw unknownKind(ref, verb);
  }

  /** Forget one group-version (a resource path answered 404: the CRD may be gone); the next use re-reads it. */
  forget(apiVersion: string): void {
    this.#cache.delete(apiVersion);
  }

  #diedOfForeignAbort(err: unknown): boolean {
    const aborted = (e: unknown): boolean =>
      e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError');
    return aborted(err) || (err instanceof Error && aborted(err.cause));
  }

  #read(ref: ObjectRef, verb: string, signal: AbortSignal): Promise<Entry> {
    const pending = this.#inflight.get(ref.apiVersion);
    if (pending) return pending;
    const p = this.#load(ref, verb, signal).finally(() => this.#inflight.delete(ref.apiVersion));
    this.#inflight.set(ref.apiVersion, p);
    return p;
  }

  async #load(ref: ObjectRef, verb: string, signal: AbortSignal): Promise<Entry> {
    const { apiVersion } = ref;
    const list = await this.#fetch(groupVersionPath(apiVersion), ref, verb, signal);
    const { group, version } = splitApiVersion(apiVersion);
    const kinds = new Map<string, ResourceInfo>();
    for (const r of list?.resources ?? []) {
      // Subresources (`deployments/status`) share the parent's kind; only the top level addresses objects.
      if (r.name.includes('/')) continue;
      if (!kinds.has(r.kind)) {
        kinds.set(r.kind, { group, version, kind: r.kind, resource: r.name, namespaced: r.namespaced });
      }
    }
    const entry = { kinds };
    this.#cache.set(apiVersion, entry);
    return entry;
  }
}

export function unknownKind(ref: ObjectRef, verb: string): KubeNotFoundError {
  const serverMessage = `no resource for ${ref.apiVersion} ${ref.kind}`;
  return new KubeNotFoundError('KUBE_NOT_FOUND', `${verb} ${describeRef(ref)}: ${serverMessage}`, {
    verb,
    ref,
    httpStatus: 404,
    serverMessage,
  });
}
