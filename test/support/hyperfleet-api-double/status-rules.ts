import type { AdapterConditionStatus, StoredStatus } from './model.ts';
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
  conditions: { type: string; status: AdapterConditionStatus; reason?: string; message?: string }[];
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: Problem };

const STATUS_VALUES = new Set(['True', 'False', 'Unknown']);

export function parseStatusReport(rawBody: string, now: number): Parsed<StatusReport> {
  if (rawBody.trim() === '') return fail(problem.malformed('Request body is required but was empty'));
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch (err) {
    return fail(problem.malformed(`Invalid request format: ${(err as Error).message}`));
  }
  if (!isObject(body)) return fail(problem.malformed('Invalid request format: body must be a JSON object'));

  const typeError = checkTypes(body);
  if (typeError) return fail(problem.validation(typeError));

  const adapter = (body['adapter'] as string | undefined) ?? '';
  if (adapter === '') return fail(problem.validation('adapter is required'));
  const observedGeneration = (body['observed_generation'] as number | undefined) ?? 0;
  if (observedGeneration < 1) return fail(problem.validation('observed_generation must be >= 1'));

  const conditions: StatusReport['conditions'] = [];
  const seen = new Set<string>();
  const rawConditions = (body['conditions'] as unknown[] | undefined) ?? [];
  for (const [idx, raw] of rawConditions.entries()) {
    const c = raw as Record<string, unknown>;
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
  if (body['observed_time'] !== undefined && body['observed_time'] !== null) {
    observedTime = Date.parse(body['observed_time'] as string);
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
      conditions,
      data: (body['data'] as Record<string, unknown> | undefined) ?? {},
      ...(isObject(body['metadata']) ? { metadata: body['metadata'] } : {}),
    },
  };
}

/** JSON type mismatches, reported as the real server words them. */
function checkTypes(body: Record<string, unknown>): string | undefined {
  const expect = (field: string, ok: (v: unknown) => boolean, kind: string) => {
    const v = body[field];
    return v === undefined || v === null || ok(v) ? undefined : `field '${field}' must be ${kind}`;
  };
  const conditionsError = expect('conditions', Array.isArray, 'an array');
  if (conditionsError) return conditionsError;
  for (const [i, c] of ((body['conditions'] as unknown[] | undefined) ?? []).entries()) {
    if (!isObject(c)) return `field 'conditions' must be an array of objects (index ${i})`;
    for (const f of ['type', 'status', 'reason', 'message']) {
      const v = c[f];
      if (v !== undefined && v !== null && typeof v !== 'string')
        return `field 'conditions.${f}' must be a string`;
    }
  }
  return (
    expect('adapter', (v) => typeof v === 'string', 'a string') ??
    expect('observed_generation', (v) => Number.isInteger(v), 'a number') ??
    expect(
      'observed_time',
      (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
      'an RFC 3339 time',
    ) ??
    expect('data', isObject, 'an object') ??
    expect('metadata', isObject, 'an object')
  );
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
