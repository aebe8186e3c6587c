/**
 * The stored state of the HyperFleet API double, and its JSON views. Times are epoch
 * milliseconds (with microsecond fractions) in storage and RFC 3339 strings on the wire, as
 * the real API presents them: columns at PostgreSQL's microsecond precision with trailing
 * zeros dropped (Go's RFC3339Nano), and times that live in JSON documents (conditions) as
 * the adapter wrote them (`TimeFormat` looks those up).
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

/** A stored time as the real API prints a timestamp column: microseconds, trailing zeros dropped. */
export function columnTime(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.round((ms - whole) * 1000);
  const frac =
    `${String(((whole % 1000) + 1000) % 1000).padStart(3, '0')}${String(micros).padStart(3, '0')}`.replace(
      /0+$/,
      '',
    );
  return `${new Date(whole).toISOString().slice(0, 19)}${frac === '' ? '' : `.${frac}`}Z`;
}

/** How a time kept in a JSON document is printed: the text it arrived as, else as a column. */
export type TimeFormat = (ms: number) => string;

/** Parses RFC 3339 to epoch ms keeping microseconds; NaN when it is not RFC 3339. */
export function parseTime(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(text);
  if (!m) return Number.NaN;
  const base = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(base)) return Number.NaN;
  const micros = Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
  return base + micros / 1000;
}

export function presentResource(r: StoredResource, fmt: TimeFormat = columnTime): ResourceView {
  const iso = columnTime;
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
        created_time: fmt(c.createdTime),
        last_updated_time: fmt(c.lastUpdatedTime),
        last_transition_time: fmt(c.lastTransitionTime),
      })),
    },
  };
}

/**
 * `fresh`: the answer to the PUT that inserted the row, which the real API writes from the
 * request (times as sent) instead of reading the row back (microsecond columns).
 */
export function presentStatus(
  s: StoredStatus,
  fmt: TimeFormat = columnTime,
  fresh = false,
): AdapterStatusView {
  const column = fresh ? fmt : columnTime;
  return {
    adapter: s.adapter,
    observed_generation: s.observedGeneration,
    conditions: s.conditions.map((c) => ({
      type: c.type,
      status: c.status,
      ...(c.reason === undefined ? {} : { reason: c.reason }),
      ...(c.message === undefined ? {} : { message: c.message }),
      last_transition_time: fmt(c.lastTransitionTime),
    })),
    data: structuredClone(s.data),
    ...(s.metadata === undefined ? {} : { metadata: structuredClone(s.metadata) }),
    created_time: column(s.createdTime),
    last_report_time: column(s.lastReportTime),
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
