import { isDeepStrictEqual } from 'node:util';
import { aggregateConditions } from './aggregation.ts';
import { uuidv7 } from './ids.ts';
import { columnTime, type ResourceKind, type StoredResource, type StoredStatus } from './model.ts';
import { type Problem, problem } from './problem.ts';
import type { CreateRequest, PatchRequest } from './resource-rules.ts';
import { classifyReport, type StatusReport, upsertStatus } from './status-rules.ts';

export interface ResourceSeed {
  id?: string;
  name?: string;
  generation?: number;
  spec?: Record<string, unknown>;
  labels?: Record<string, string>;
  created_by?: string;
  updated_by?: string;
  created_time?: string | number;
  updated_time?: string | number;
}

export interface RequiredAdapters {
  Cluster: string[];
  NodePool: string[];
}

/** What a stock deployment's chart configures. */
export const DEFAULT_REQUIRED_ADAPTERS: RequiredAdapters = {
  Cluster: ['validation', 'dns', 'pullsecret', 'hypershift'],
  NodePool: ['validation', 'hypershift'],
};

export type PutOutcome =
  | { code: 201; status: StoredStatus; hardDeleted: boolean; inserted: boolean }
  | { code: 204; why: string }
  | { code: 400 | 404; problem: Problem };

const SYSTEM_USER = 'system@hyperfleet.local';
const BASE = '/api/hyperfleet/v1';

/** The API's state: resources, their adapter statuses, and the rules that change them. */
export class ApiStore {
  readonly #resources = new Map<string, StoredResource>();
  readonly #required: RequiredAdapters;
  readonly #now: () => number;
  /** observed_time texts of every accepted report: the adapter's condition documents keep them verbatim. */
  readonly #reportTexts = new Map<number, string>();
  /**
   * observed_time texts of reports that inserted a status row. The real API aggregates from
   * the row it holds in memory after an insert (the adapter's text) but re-reads an updated
   * row (a microsecond column), so only these reach the resource's condition documents.
   */
  readonly #insertTexts = new Map<number, string>();

  /** A time in an adapter status's condition document. */
  readonly formatReport = (ms: number): string => this.#reportTexts.get(ms) ?? columnTime(ms);
  /** A time in a resource's condition document. */
  readonly formatResource = (ms: number): string => this.#insertTexts.get(ms) ?? columnTime(ms);

  constructor(required: RequiredAdapters, now: () => number) {
    this.#required = required;
    this.#now = now;
  }

  get(kind: ResourceKind, id: string): StoredResource | undefined {
    const r = this.#resources.get(id);
    return r?.kind === kind ? r : undefined;
  }

  /** A nodepool only counts when it belongs to that cluster (the real route checks ownership). */
  getNodepool(clusterId: string, id: string): StoredResource | undefined {
    const r = this.get('NodePool', id);
    return r?.owner?.id === clusterId ? r : undefined;
  }

  list(kind: ResourceKind, ownerId?: string): StoredResource[] {
    return [...this.#resources.values()].filter(
      (r) => r.kind === kind && (ownerId === undefined || r.owner?.id === ownerId),
    );
  }

  /** Creates the resource, or updates the given fields of an existing one (keeping its statuses). */
  put(kind: ResourceKind, seed: ResourceSeed, ownerId?: string): StoredResource {
    const now = this.#now();
    const id = seed.id ?? uuidv7(now);
    let owner: StoredResource['owner'];
    if (kind === 'NodePool') {
      const cluster = ownerId === undefined ? undefined : this.get('Cluster', ownerId);
      if (!cluster) throw new Error(`cluster ${ownerId} does not exist`);
      owner = { id: cluster.id, kind: 'Cluster', href: cluster.href };
    }
    const existing = this.#resources.get(id);
    if (existing && existing.kind !== kind) throw new Error(`id ${id} is already a ${existing.kind}`);
    const r: StoredResource = existing ?? {
      kind,
      id,
      href: owner ? `${owner.href}/nodepools/${id}` : `${BASE}/clusters/${id}`,
      name: seed.name ?? `${kind.toLowerCase()}-${id.slice(0, 8)}`,
      generation: 1,
      spec: {},
      labels: {},
      createdTime: toMs(seed.created_time) ?? now,
      updatedTime: now,
      createdBy: seed.created_by ?? SYSTEM_USER,
      updatedBy: seed.updated_by ?? seed.created_by ?? SYSTEM_USER,
      ...(owner ? { owner } : {}),
      conditions: [],
      statuses: new Map(),
    };
    if (seed.name !== undefined) r.name = seed.name;
    if (seed.generation !== undefined) r.generation = seed.generation;
    if (seed.spec !== undefined) r.spec = structuredClone(seed.spec);
    if (seed.labels !== undefined) r.labels = { ...seed.labels };
    if (seed.updated_by !== undefined) r.updatedBy = seed.updated_by;
    r.updatedTime = toMs(seed.updated_time) ?? (existing ? now : r.createdTime);
    this.#resources.set(id, r);
    if (this.#required[kind].length > 0) this.#aggregate(r);
    return r;
  }

  /** POST: 201 with the new resource, 404 for a missing owner, 409 for a taken name or an owner being deleted. */
  create(
    kind: ResourceKind,
    req: CreateRequest,
    ownerId?: string,
  ): { ok: true; resource: StoredResource } | { ok: false; problem: Problem } {
    if (kind === 'NodePool') {
      const owner = ownerId === undefined ? undefined : this.get('Cluster', ownerId);
      if (!owner) return { ok: false, problem: this.notFound('Cluster', ownerId ?? '') };
      if (owner.deletedTime !== undefined) {
        return { ok: false, problem: problem.markedForDeletion('Cluster', owner.id) };
      }
    }
    const taken = this.list(kind).some(
      (r) => r.name === req.name && (kind === 'Cluster' || r.owner?.id === ownerId),
    );
    if (taken) return { ok: false, problem: problem.exists(kind) };
    const resource = this.put(kind, { name: req.name, spec: req.spec, labels: req.labels }, ownerId);
    return { ok: true, resource };
  }

  /**
   * PATCH: the generation moves only when spec or labels really change (an identical PATCH
   * answers 200 with the resource as it was); 409 once the resource is marked for deletion.
   */
  patch(
    r: StoredResource,
    req: PatchRequest,
  ): { ok: true; changed: boolean } | { ok: false; problem: Problem } {
    if (r.deletedTime !== undefined) return { ok: false, problem: problem.markedForDeletion(r.kind, r.id) };
    const specChanged = req.spec !== undefined && !isDeepStrictEqual(req.spec, r.spec);
    const labelsChanged = req.labels !== undefined && !isDeepStrictEqual(req.labels, r.labels);
    if (!specChanged && !labelsChanged) return { ok: true, changed: false };
    if (req.spec !== undefined) r.spec = structuredClone(req.spec);
    if (req.labels !== undefined) r.labels = { ...req.labels };
    this.bumpGeneration(r.kind, r.id);
    return { ok: true, changed: true };
  }

  /** What a spec or label PATCH does: generation + 1, Reconciled re-evaluated. */
  bumpGeneration(kind: ResourceKind, id: string): StoredResource {
    const r = this.#mustGet(kind, id);
    r.generation++;
    r.updatedTime = this.#now();
    if (this.#required[kind].length > 0) this.#aggregate(r);
    return r;
  }

  /**
   * What DELETE does: deleted_time set and generation + 1 (once), cascading to a cluster's
   * nodepools. A resource without required adapters and without soft-deleted children is
   * removed at once. Returns whether the resource is still there.
   */
  markDeleted(kind: ResourceKind, id: string, by = SYSTEM_USER): boolean {
    const r = this.#mustGet(kind, id);
    const at = this.#now();
    this.#softDeleteTree(r, by, at);
    return this.#resources.has(id);
  }

  #softDeleteTree(r: StoredResource, by: string, at: number): void {
    if (r.deletedTime === undefined) {
      r.deletedTime = at;
      r.deletedBy = by;
      r.generation++;
      r.updatedTime = at;
    }
    for (const child of this.#children(r)) this.#softDeleteTree(child, by, at);
    const keep = this.#required[r.kind].length > 0 || this.#children(r).length > 0;
    if (keep) this.#aggregate(r);
    else this.#hardDelete(r);
  }

  /** The status PUT, in the real server's order (see status-rules.ts). */
  putStatus(r: StoredResource, report: StatusReport): PutOutcome {
    const existing = r.statuses.get(report.adapter);
    const verdict = classifyReport(report, r.generation, existing);
    if (verdict.outcome === 'discard') return { code: 204, why: verdict.why };
    if (verdict.outcome === 'reject') return { code: 400, problem: verdict.problem };
    const inserted = existing === undefined;
    if (report.observedText !== undefined) {
      this.#reportTexts.set(report.observedTime, report.observedText);
      if (inserted) this.#insertTexts.set(report.observedTime, report.observedText);
    }
    const stored = upsertStatus(report, existing);
    r.statuses.set(report.adapter, stored);
    if (r.deletedTime !== undefined && this.#tryHardDelete(r, report)) {
      return { code: 201, status: stored, hardDeleted: true, inserted };
    }
    if (verdict.aggregate) this.#aggregate(r);
    return { code: 201, status: stored, hardDeleted: false, inserted };
  }

  notFound(kind: ResourceKind, id: string): Problem {
    return problem.notFound(`${kind} with id='${id}' not found`);
  }

  /** Hard delete needs this report to say Finalized=True, every required adapter finalized at the current generation, and no children left. */
  #tryHardDelete(r: StoredResource, report: StatusReport): boolean {
    if (!report.conditions.some((c) => c.type === 'Finalized' && c.status === 'True')) return false;
    const finalized = this.#required[r.kind].every((a) => {
      const s = r.statuses.get(a);
      return (
        s !== undefined &&
        s.observedGeneration === r.generation &&
        s.conditions.some((c) => c.type === 'Finalized' && c.status === 'True')
      );
    });
    if (!finalized || this.#children(r).length > 0) return false;
    this.#hardDelete(r);
    return true;
  }

  #hardDelete(r: StoredResource): void {
    this.#resources.delete(r.id);
  }

  #children(r: StoredResource): StoredResource[] {
    return r.kind === 'Cluster' ? this.list('NodePool', r.id) : [];
  }

  #aggregate(r: StoredResource): void {
    r.conditions = aggregateConditions({
      generation: r.generation,
      refTime: r.updatedTime,
      deleting: r.deletedTime !== undefined,
      hasActiveChildren: this.#children(r).some((c) => c.deletedTime === undefined),
      required: this.#required[r.kind],
      statuses: r.statuses.values(),
      previous: r.conditions,
    });
  }

  #mustGet(kind: ResourceKind, id: string): StoredResource {
    const r = this.get(kind, id);
    if (!r) throw new Error(`${kind} ${id} does not exist`);
    return r;
  }
}

function toMs(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' ? value : Date.parse(value);
}
