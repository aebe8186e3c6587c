/**
 * Pure helpers over a discovered ManifestWork (no gRPC, safe to import eagerly): the nested
 * discovery of one manifest inside a work, and a plain-language summary of its status.
 */
import { splitApiVersion } from '../kubernetes/paths.ts';
import type { KubeObject } from '../types.ts';
import type { Condition, ManifestCondition, ManifestWork, ResourceMeta } from './types.ts';

export interface ManifestQuery {
  kind?: string;
  /** API group ('' for the core group). */
  group?: string;
  /** '' matches cluster-scoped manifests only; absent matches any namespace. */
  namespace?: string;
  name?: string;
  /** Equality labels, ANDed. */
  labelSelector?: Record<string, string>;
}

/** A manifest of the work's spec, enriched with what the agent reported for it. */
export type DiscoveredManifest = KubeObject & {
  statusFeedback?: ManifestCondition['statusFeedback'];
  conditions?: Condition[];
};

const groupOf = (apiVersion: string): string => splitApiVersion(apiVersion).group;

function manifestsOf(work: ManifestWork | KubeObject | undefined): KubeObject[] {
  const m = (work as ManifestWork | undefined)?.spec?.workload?.manifests;
  return Array.isArray(m) ? m.filter(isObject) : [];
}

// A work's status comes from the agent on a remote cluster: whatever its shape, what is not
// an object, a list of objects or a string where one belongs is read as absent.
function isObject<T>(v: T): v is T & object {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function conditionList(v: unknown): Condition[] | undefined {
  return Array.isArray(v) ? (v.filter(isObject) as Condition[]) : undefined;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function statusesOf(work: ManifestWork | KubeObject | undefined): ManifestCondition[] {
  const m = (work as ManifestWork | undefined)?.status?.resourceStatus?.manifests;
  return Array.isArray(m) ? m.filter(isObject) : [];
}

function matches(m: KubeObject, q: ManifestQuery): boolean {
  const meta = m.metadata ?? {};
  if (q.kind !== undefined && m.kind !== q.kind) return false;
  if (q.group !== undefined && groupOf(text(m.apiVersion)) !== q.group) return false;
  if (q.namespace !== undefined && (meta.namespace ?? '') !== q.namespace) return false;
  if (q.name !== undefined && meta.name !== q.name) return false;
  for (const [k, v] of Object.entries(q.labelSelector ?? {})) {
    if (meta.labels?.[k] !== v) return false;
  }
  return true;
}

/** The agent's status entry for the manifest at `index`: by group/kind/namespace/name, else by ordinal. */
function statusFor(
  statuses: ManifestCondition[],
  m: KubeObject,
  index: number,
): ManifestCondition | undefined {
  const same = (r: ResourceMeta) =>
    (r.group ?? '') === groupOf(text(m.apiVersion)) &&
    r.kind === m.kind &&
    (r.namespace ?? '') === (m.metadata?.namespace ?? '') &&
    r.name === m.metadata?.name;
  return (
    statuses.find((s) => isObject(s.resourceMeta) && same(s.resourceMeta)) ??
    statuses.find(
      (s) =>
        isObject(s.resourceMeta) && s.resourceMeta.name === undefined && s.resourceMeta.ordinal === index,
    )
  );
}

/**
 * The first manifest of the work's spec matching `query`, with `statusFeedback` and
 * `conditions` copied from its `status.resourceStatus.manifests[]` entry; undefined when
 * no manifest matches (or there is no work). What CEL sees as `resources.<nestedName>`.
 */
export function findManifestInWork(
  work: ManifestWork | KubeObject | undefined,
  query: ManifestQuery,
): DiscoveredManifest | undefined {
  const manifests = manifestsOf(work);
  const index = manifests.findIndex((m) => m && typeof m === 'object' && matches(m, query));
  const manifest = manifests[index];
  if (!manifest) return undefined;
  const out: DiscoveredManifest = structuredClone(manifest);
  const status = statusFor(statusesOf(work), manifest, index);
  if (status?.statusFeedback !== undefined) out.statusFeedback = structuredClone(status.statusFeedback);
  if (status?.conditions !== undefined) out.conditions = structuredClone(status.conditions);
  return out;
}

export type TriState = 'True' | 'False' | 'Unknown';

export interface ManifestStatusSummary {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  applied: TriState;
  available: TriState;
  /** Why it is not healthy: the first failing condition's reason and message. */
  reason?: string;
  message?: string;
}

export interface WorkStatusSummary {
  /** Work-level Applied / Available conditions. */
  applied: TriState;
  available: TriState;
  /** Deletion requested (soft delete in progress). */
  deleting: boolean;
  /** Some manifest failed (a condition False or Degraded True): not merely waiting. */
  degraded: boolean;
  /** Every manifest reported Applied and Available. */
  ready: boolean;
  manifests: ManifestStatusSummary[];
  /** Manifests that are not Applied and Available, failed first. */
  notReady: ManifestStatusSummary[];
  /** One line for a status payload's `message`. */
  message: string;
}

function conditionStatus(conditions: Condition[] | undefined, type: string): TriState {
  const s = conditions?.find((c) => c.type === type)?.status;
  return s === 'True' || s === 'False' ? s : 'Unknown';
}

function describe(m: ManifestStatusSummary): string {
  const where = m.namespace ? `${m.namespace}/${m.name}` : m.name;
  const why = m.reason ? ` (${m.reason}${m.message ? `: ${m.message}` : ''})` : '';
  return `${m.kind} ${where}: Applied=${m.applied}, Available=${m.available}${why}`;
}

/**
 * A degraded-aware summary of a work's status, so a status payload can say which manifests
 * failed and why without hand-written CEL over `resourceStatus`.
 */
export function summarizeWorkStatus(work: ManifestWork | KubeObject | undefined): WorkStatusSummary {
  const w = work as ManifestWork | undefined;
  const statuses = statusesOf(w);
  const workConditions = conditionList(w?.status?.conditions);
  const manifests = manifestsOf(w).map((m, i): ManifestStatusSummary => {
    const conditions = conditionList(statusFor(statuses, m, i)?.conditions);
    const s: ManifestStatusSummary = {
      group: groupOf(text(m.apiVersion)),
      kind: text(m.kind),
      namespace: text(m.metadata?.namespace),
      name: text(m.metadata?.name),
      applied: conditionStatus(conditions, 'Applied'),
      available: conditionStatus(conditions, 'Available'),
    };
    const bad =
      conditions?.find((c) => c.type === 'Degraded' && c.status === 'True') ??
      conditions?.find((c) => (c.type === 'Applied' || c.type === 'Available') && c.status === 'False');
    if (text(bad?.reason)) s.reason = text(bad?.reason);
    if (text(bad?.message)) s.message = text(bad?.message);
    return s;
  });
  const failed = (m: ManifestStatusSummary) =>
    m.applied === 'False' || m.available === 'False' || m.reason !== undefined;
  const notReady = manifests
    .filter((m) => m.applied !== 'True' || m.available !== 'True' || m.reason !== undefined)
    .sort((a, b) => Number(failed(b)) - Number(failed(a)));
  const workDegraded = workConditions?.some((c) => c.type === 'Degraded' && c.status === 'True') ?? false;
  const degraded = workDegraded || manifests.some(failed);
  const deleting = Boolean(w?.metadata?.['deletionTimestamp']);
  const ready = manifests.length > 0 && notReady.length === 0;
  let message: string;
  if (!w) message = 'ManifestWork not found';
  else if (deleting) message = 'ManifestWork is being deleted';
  else if (!w.status) message = 'No status reported by the agent yet';
  else if (ready) message = `All ${manifests.length} manifests applied and available`;
  else
    message = `${notReady.length} of ${manifests.length} manifests not ready: ${notReady.map(describe).join('; ')}`;
  return {
    applied: conditionStatus(workConditions, 'Applied'),
    available: conditionStatus(workConditions, 'Available'),
    deleting,
    degraded,
    ready,
    manifests,
    notReady,
    message,
  };
}
