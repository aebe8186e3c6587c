import { randomUUID } from 'node:crypto';
import { aggregateConditions } from './aggregation.ts';
import type { ResourceKind, StoredResource, StoredStatus } from './model.ts';
import { type Problem, problem } from './problem.ts';
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
  | { code: 201; status: StoredStatus; hardDeleted: boolean }
  | { code: 204; why: string }
  | { code: 400 | 404; problem: Problem };

const SYSTEM_USER = 'system@hyperfleet.local';
const BASE = '/api/hyperfleet/v1';

/** The API's state: resources, their adapter statuses, and the rules that change them. */
export class ApiStore {
  readonly #resources = new Map<string, StoredResource>();
  readonly #required: RequiredAdapters;
  readonly #now: () => number;

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
    const id = seed.id ?? randomUUID();
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
    const stored = upsertStatus(report, existing);
    r.statuses.set(report.adapter, stored);
    if (r.deletedTime !== undefined && this.#tryHardDelete(r, report)) {
      return { code: 201, status: stored, hardDeleted: true };
    }
    if (verdict.aggregate) this.#aggregate(r);
    return { code: 201, status: stored, hardDeleted: false };
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
