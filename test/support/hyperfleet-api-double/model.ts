/**
 * The stored state of the HyperFleet API double, and its JSON views. Times are epoch
 * milliseconds in storage and RFC 3339 strings on the wire, as the real API presents them.
 */

export type ResourceKind = 'Cluster' | 'NodePool';
export type AdapterConditionStatus = 'True' | 'False' | 'Unknown';

/** A condition on the resource, computed by aggregation (True/False only). */
export interface StoredResourceCondition {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  observedGeneration: number;
  createdTime: number;
  lastUpdatedTime: number;
  lastTransitionTime: number;
}

export interface StoredAdapterCondition {
  type: string;
  status: AdapterConditionStatus;
  reason?: string;
  message?: string;
  lastTransitionTime: number;
}

export interface StoredStatus {
  adapter: string;
  observedGeneration: number;
  conditions: StoredAdapterCondition[];
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  createdTime: number;
  /** The adapter's observed_time: what ordering and aggregation use. */
  lastReportTime: number;
}

export interface StoredResource {
  kind: ResourceKind;
  id: string;
  href: string;
  name: string;
  generation: number;
  spec: Record<string, unknown>;
  labels: Record<string, string>;
  createdTime: number;
  updatedTime: number;
  createdBy: string;
  updatedBy: string;
  deletedTime?: number;
  deletedBy?: string;
  /** The owning cluster, for a nodepool. */
  owner?: { id: string; kind: ResourceKind; href: string };
  conditions: StoredResourceCondition[];
  statuses: Map<string, StoredStatus>;
}

export interface ResourceConditionView {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  observed_generation: number;
  created_time: string;
  last_updated_time: string;
  last_transition_time: string;
}

export interface ResourceView {
  kind: ResourceKind;
  id: string;
  href: string;
  name: string;
  generation: number;
  spec: Record<string, unknown>;
  labels: Record<string, string>;
  created_time: string;
  updated_time: string;
  created_by: string;
  updated_by: string;
  deleted_time?: string;
  deleted_by?: string;
  owner_references?: { id: string; kind: ResourceKind; href: string };
  status: { conditions: ResourceConditionView[] };
}

export interface AdapterConditionView {
  type: string;
  status: AdapterConditionStatus;
  reason?: string;
  message?: string;
  last_transition_time: string;
}

export interface AdapterStatusView {
  adapter: string;
  observed_generation: number;
  conditions: AdapterConditionView[];
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  created_time: string;
  last_report_time: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function presentResource(r: StoredResource): ResourceView {
  return {
    kind: r.kind,
    id: r.id,
    href: r.href,
    name: r.name,
    generation: r.generation,
    spec: structuredClone(r.spec),
    labels: { ...r.labels },
    created_time: iso(r.createdTime),
    updated_time: iso(r.updatedTime),
    created_by: r.createdBy,
    updated_by: r.updatedBy,
    ...(r.deletedTime === undefined ? {} : { deleted_time: iso(r.deletedTime) }),
    ...(r.deletedBy === undefined ? {} : { deleted_by: r.deletedBy }),
    ...(r.owner ? { owner_references: { ...r.owner } } : {}),
    status: {
      conditions: r.conditions.map((c) => ({
        type: c.type,
        status: c.status,
        ...(c.reason === undefined ? {} : { reason: c.reason }),
        ...(c.message === undefined ? {} : { message: c.message }),
        observed_generation: c.observedGeneration,
        created_time: iso(c.createdTime),
        last_updated_time: iso(c.lastUpdatedTime),
        last_transition_time: iso(c.lastTransitionTime),
      })),
    },
  };
}

export function presentStatus(s: StoredStatus): AdapterStatusView {
  return {
    adapter: s.adapter,
    observed_generation: s.observedGeneration,
    conditions: s.conditions.map((c) => ({
      type: c.type,
      status: c.status,
      ...(c.reason === undefined ? {} : { reason: c.reason }),
      ...(c.message === undefined ? {} : { message: c.message }),
      last_transition_time: iso(c.lastTransitionTime),
    })),
    data: structuredClone(s.data),
    ...(s.metadata === undefined ? {} : { metadata: structuredClone(s.metadata) }),
    created_time: iso(s.createdTime),
    last_report_time: iso(s.lastReportTime),
  };
}

/** `my-adapter` -> `MyAdapterSuccessful`: the per-adapter condition type on the resource. */
export function adapterConditionType(adapter: string): string {
  const pascal = adapter
    .split('-')
    .filter((p) => p !== '')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
  return `${pascal}Successful`;
}
