/**
 * What may differ between the two adapters' outputs for reasons that are not behaviour: the
 * adapter's own name (inside object names, labels, the status `adapter` field), clock times,
 * ids Maestro or the kube-apiserver assign, and server-side bookkeeping. Everything else is
 * compared as it is.
 */

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HASH = /\b[0-9a-f]{64}\b/g;
/** A UUID inside a longer string (a Maestro resource id in an AppliedManifestWork name or an error). */
const EMBEDDED_UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/** Keys whose value is assigned by a server (or a clock) and not by the adapter. */
const DROPPED = new Set([
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'created_at',
  'updated_at',
  'deleted_at',
  'created_time',
  'updated_time',
  'last_report_time',
  'last_updated_time',
  'last_transition_time',
  'lastTransitionTime',
  'observed_time',
]);

export interface Names {
  adapter: string;
  clusterId: string;
}

export function normalize(value: unknown, names: Names): unknown {
  if (typeof value === 'string') {
    if (value === names.clusterId) return '{cluster-id}';
    if (TIME.test(value)) return '{time}';
    if (UUID.test(value)) return '{uuid}';
    return value
      .split(names.adapter)
      .join('{adapter}')
      .split(names.clusterId.toLowerCase())
      .join('{cluster-id}')
      .split(names.clusterId)
      .join('{cluster-id}')
      .replace(HASH, '{hash}')
      .replace(EMBEDDED_UUID, '{uuid}');
  }
  if (Array.isArray(value)) return value.map((v) => normalize(v, names));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (DROPPED.has(k)) {
        // A time is compared by presence only: both set it or neither does.
        out[k] = v === undefined || v === null ? v : '{set}';
        continue;
      }
      out[normalize(k, names) as string] = normalize(v, names);
    }
    return out;
  }
  return value;
}

export interface Difference {
  path: string;
  go: unknown;
  ours: unknown;
}

function kind(v: unknown): string {
  if (v === undefined) return 'absent';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Field-by-field differences, each with its exact path. */
export function diff(path: string, go: unknown, ours: unknown, out: Difference[] = []): Difference[] {
  const kg = kind(go);
  if (kg !== kind(ours)) {
    out.push({ path, go, ours });
    return out;
  }
  if (kg === 'array') {
    const a = go as unknown[];
    const b = ours as unknown[];
    if (a.length !== b.length) out.push({ path: `${path}.length`, go: a.length, ours: b.length });
    for (let i = 0; i < Math.min(a.length, b.length); i++) diff(`${path}[${i}]`, a[i], b[i], out);
    return out;
  }
  if (kg === 'object') {
    const a = go as Record<string, unknown>;
    const b = ours as Record<string, unknown>;
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
      diff(path === '' ? k : `${path}.${k}`, a[k], b[k], out);
    return out;
  }
  if (!Object.is(go, ours)) out.push({ path, go, ours });
  return out;
}

export function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v);
  return s.length > 300 ? `${s.slice(0, 300)}...` : s;
}
