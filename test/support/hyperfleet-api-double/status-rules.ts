import { type AdapterConditionStatus, parseTime, type StoredStatus } from './model.ts';
import { type Problem, problem } from './problem.ts';

/**
 * The status PUT rules of hyperfleet-api v0.3, in the order the real server applies them:
 * body decoding and stateless validation (400) happen before the resource lookup (404); the
 * discard rules (204) run next; the mandatory-condition check (400) only after them, so a
 * stale report missing a condition is discarded, not rejected.
 */

/** Tolerance for adapter clocks ahead of the API. */
export const MAX_OBSERVED_TIME_SKEW_MS = 5 * 60_000;
/** Matches Sentinel's staleness window. */
export const MAX_OBSERVED_TIME_AGE_MS = 30 * 60_000;
export const MANDATORY_CONDITIONS = ['Available', 'Applied', 'Health'] as const;

export interface StatusReport {
  adapter: string;
  observedGeneration: number;
  /** Absent on the wire: the server's now. */
  observedTime: number;
  /** observed_time as the adapter wrote it (kept in the condition documents as is). */
  observedText?: string;
  conditions: { type: string; status: AdapterConditionStatus; reason?: string; message?: string }[];
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: Problem };

const STATUS_VALUES = new Set(['True', 'False', 'Unknown']);

export function parseStatusReport(rawBody: string, now: number): Parsed<StatusReport> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch (err) {
    return fail(problem.malformed(`Invalid request format: ${goJsonSyntax(err as Error)}`));
  }
  const decodeError = checkTypes(body);
  if (decodeError) return fail(problem.malformed(`Invalid request format: ${decodeError}`));
  const fields = body as Record<string, unknown>;

  const adapter = (fields['adapter'] as string | undefined) ?? '';
  if (adapter === '') return fail(problem.validation('adapter is required'));
  const observedGeneration = (fields['observed_generation'] as number | undefined) ?? 0;
  if (observedGeneration < 1) return fail(problem.validation('observed_generation must be >= 1'));

  const conditions: StatusReport['conditions'] = [];
  const seen = new Set<string>();
  const rawConditions = (fields['conditions'] as unknown[] | null | undefined) ?? [];
  for (const [idx, raw] of rawConditions.entries()) {
    const c = (raw ?? {}) as Record<string, unknown>;
    const type = typeof c['type'] === 'string' ? c['type'] : '';
    const status = typeof c['status'] === 'string' ? c['status'] : '';
    if (type === '') return fail(problem.validation(`condition type cannot be empty at index ${idx}`));
    if (seen.has(type)) return fail(problem.validation(`duplicate condition type '${type}' at index ${idx}`));
    seen.add(type);
    if (!STATUS_VALUES.has(status)) {
      return fail(
        problem.validation(
          `invalid status value '${status}' for condition at index ${idx} (type: ${type}): must be 'True', 'False', or 'Unknown'`,
        ),
      );
    }
    conditions.push({
      type,
      status: status as AdapterConditionStatus,
      ...(typeof c['reason'] === 'string' ? { reason: c['reason'] } : {}),
      ...(typeof c['message'] === 'string' ? { message: c['message'] } : {}),
    });
  }

  let observedTime = now;
  let observedText: string | undefined;
  if (typeof fields['observed_time'] === 'string') {
    observedText = fields['observed_time'];
    observedTime = parseTime(observedText);
    if (observedTime > now + MAX_OBSERVED_TIME_SKEW_MS) {
      return fail(problem.validation('observed_time must not be more than 5m0s in the future'));
    }
    if (observedTime < now - MAX_OBSERVED_TIME_AGE_MS) {
      return fail(problem.validation('observed_time must not be more than 30m0s in the past'));
    }
  }

  return {
    ok: true,
    value: {
      adapter,
      observedGeneration,
      observedTime,
      ...(observedText === undefined ? {} : { observedText }),
      conditions,
      data: (fields['data'] as Record<string, unknown> | null | undefined) ?? {},
      ...(isObject(fields['metadata']) ? { metadata: fields['metadata'] } : {}),
    },
  };
}

/**
 * What Go's encoding/json says when decoding the body into the request struct fails: the
 * first type mismatch in document order, or the time parser's complaint (both 400 VAL-006
 * in the real API, before any field rule runs).
 */
function checkTypes(body: unknown): string | undefined {
  const req = 'AdapterStatusCreateRequest';
  if (!isObject(body)) {
    return body === null
      ? undefined
      : `json: cannot unmarshal ${jsonKind(body)} into Go value of type openapi.${req}`;
  }
  const mismatch = (v: unknown, field: string, goType: string, owner = req) =>
    `json: cannot unmarshal ${jsonKind(v)} into Go struct field ${owner}.${field} of type ${goType}`;
  for (const [k, v] of Object.entries(body)) {
    if (v === null) continue;
    if ((k === 'adapter' && typeof v !== 'string') || (k === 'observed_generation' && !isInt32(v))) {
      return mismatch(v, k, k === 'adapter' ? 'string' : 'int32');
    }
    if (k === 'observed_time') {
      if (typeof v !== 'string') return 'Time.UnmarshalJSON: input is not a JSON string';
      if (Number.isNaN(parseTime(v))) return `parsing time "${v}": not an RFC 3339 time`;
    }
    if (k === 'data' && !isObject(v)) return mismatch(v, k, 'map[string]interface {}');
    if (k === 'conditions') {
      if (!Array.isArray(v)) return mismatch(v, k, '[]openapi.ConditionRequest');
      for (const c of v) {
        if (c === null) continue;
        if (!isObject(c)) return mismatch(c, k, 'openapi.ConditionRequest');
        for (const [f, x] of Object.entries(c)) {
          if (['type', 'status', 'reason', 'message'].includes(f) && x !== null && typeof x !== 'string') {
            return mismatch(x, `conditions.${f}`, 'string', 'ConditionRequest');
          }
        }
      }
    }
  }
  return undefined;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}

function isInt32(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;
}

/** Go's wording for the two syntax errors clients actually send: nothing, or a cut-off body. */
function goJsonSyntax(err: Error): string {
  if (/unexpected end of json input/i.test(err.message)) return 'unexpected end of JSON input';
  return err.message;
}

export type Classification =
  | {
      outcome: 'discard';
      why: 'future-generation' | 'stale-generation' | 'stale-observed-time' | 'unknown-available';
    }
  | { outcome: 'reject'; problem: Problem }
  | { outcome: 'store'; aggregate: boolean };

/** Decides what a valid report does to a resource at `generation` that has `existing` from this adapter. */
export function classifyReport(
  report: StatusReport,
  generation: number,
  existing: StoredStatus | undefined,
): Classification {
  if (report.observedGeneration > generation) return { outcome: 'discard', why: 'future-generation' };
  if (existing && report.observedGeneration < existing.observedGeneration) {
    return { outcome: 'discard', why: 'stale-generation' };
  }
  if (
    existing &&
    report.observedGeneration === existing.observedGeneration &&
    report.observedTime < existing.lastReportTime
  ) {
    return { outcome: 'discard', why: 'stale-observed-time' };
  }
  const types = new Set(report.conditions.map((c) => c.type));
  const missing = MANDATORY_CONDITIONS.find((t) => !types.has(t));
  if (missing) {
    return {
      outcome: 'reject',
      problem: problem.validation(
        `missing mandatory condition '${missing}': all adapters must report Available, Applied, and Health`,
      ),
    };
  }
  const available = report.conditions.find((c) => c.type === 'Available');
  if (available?.status === 'Unknown') {
    return existing
      ? { outcome: 'discard', why: 'unknown-available' }
      : { outcome: 'store', aggregate: false };
  }
  return { outcome: 'store', aggregate: true };
}

/**
 * The stored row after an accepted report. A report that is not strictly newer (same
 * generation, same observed time) leaves the row as it was, as the real upsert does.
 * A condition keeps its last_transition_time while its status does not change.
 */
export function upsertStatus(report: StatusReport, existing: StoredStatus | undefined): StoredStatus {
  if (
    existing &&
    !(
      report.observedGeneration > existing.observedGeneration ||
      (report.observedGeneration === existing.observedGeneration &&
        report.observedTime > existing.lastReportTime)
    )
  ) {
    return existing;
  }
  const previous = new Map(existing?.conditions.map((c) => [c.type, c]));
  return {
    adapter: report.adapter,
    observedGeneration: report.observedGeneration,
    conditions: report.conditions.map((c) => {
      const old = previous.get(c.type);
      return {
        ...c,
        lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : report.observedTime,
      };
    }),
    data: report.data,
    ...(report.metadata ? { metadata: report.metadata } : {}),
    createdTime: existing?.createdTime ?? report.observedTime,
    lastReportTime: report.observedTime,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function fail<T>(p: Problem): Parsed<T> {
  return { ok: false, problem: p };
}
