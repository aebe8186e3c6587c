import type { Environment } from '@marcbachmann/cel-js';
import { summarizeWorkStatus } from '../transport/maestro/manifests.ts';
import type { KubeObject } from '../transport/types.ts';
import { goJson, rfc3339 } from './go-json.ts';

/**
 * The HyperFleet helper functions the Go adapter registers next to cel-go's built-ins
 * (internal/criteria/cel_evaluator.go). Behaviour on odd input follows the Go code: absent
 * conditions give "Unknown" / -1 / false / "" rather than errors, so status payloads can be
 * built before a resource exists.
 */

// Evaluation is synchronous and single-threaded, so the clock for the evaluation in progress
// can live here; program.ts sets it around each evaluate() so tests can pin `now`.
let currentClock: () => Date = () => new Date();

export function withClock<T>(clock: (() => Date) | undefined, run: () => T): T {
  if (clock === undefined) return run();
  const previous = currentClock;
  currentClock = clock;
  try {
    return run();
  } finally {
    currentClock = previous;
  }
}

type Condition = Record<string, unknown>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** First condition whose `type` equals condType: its status ("Unknown" when not a string). */
export function findCondition(
  conditions: readonly unknown[],
  condType: string,
): [string, Condition | undefined] {
  for (const c of conditions) {
    if (!isRecord(c)) continue;
    if (c['type'] === condType) {
      const status = c['status'];
      return [typeof status === 'string' ? status : 'Unknown', c];
    }
  }
  return ['Unknown', undefined];
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses what Go's time.Parse(time.RFC3339, s) accepts, to nanoseconds since the epoch;
 * undefined otherwise. JS Date parsing is far more lenient, so it is not used here.
 */
export function parseRfc3339Nanos(s: string): bigint | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, 0);
  const seconds = BigInt(utc.getTime() / 1000 - offsetMinutes * 60);
  const nanos = BigInt((m[7] ?? '').padEnd(9, '0') || '0');
  return seconds * 1_000_000_000n + nanos;
}

/** Whole seconds from `last_transition_time` to now, truncated toward zero like Go's int64(). */
function conditionAgeSeconds(cond: Condition | undefined): bigint | undefined {
  if (cond === undefined) return undefined;
  const t = cond['last_transition_time'];
  if (typeof t !== 'string') return undefined;
  const then = parseRfc3339Nanos(t);
  if (then === undefined) return undefined;
  const nowNanos = BigInt(currentClock().getTime()) * 1_000_000n;
  return (nowNanos - then) / 1_000_000_000n;
}

/** Go's strconv.Atoi, restricted to what can index a list. */
function listIndex(part: string): number | undefined {
  if (!/^[+-]?\d+$/.test(part)) return undefined;
  const n = Number(part);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function dig(root: unknown, path: string): unknown {
  const trimmed = path.trim();
  if (trimmed === '') return root;
  let current: unknown = root;
  for (const raw of trimmed.split('.')) {
    const part = raw.trim();
    if (part === '') continue;
    if (Array.isArray(current)) {
      const idx = listIndex(part);
      if (idx === undefined || idx < 0 || idx >= current.length) return null;
      current = current[idx];
    } else if (isRecord(current) && !(current instanceof Map)) {
      if (!Object.hasOwn(current, part) || current[part] === undefined) return null;
      current = current[part];
    } else {
      return null;
    }
  }
  return current ?? null;
}

export function statusFeedbackValue(feedback: unknown, name: string): string {
  if (!isRecord(feedback)) return '';
  const values = feedback['values'];
  if (!Array.isArray(values)) return '';
  for (const v of values) {
    if (!isRecord(v) || v['name'] !== name) continue;
    const fv = v['fieldValue'];
    if (isRecord(fv) && typeof fv['string'] === 'string') return fv['string'];
  }
  return '';
}

export function registerAdapterFunctions(env: Environment): void {
  env.registerFunction('now(): string', () => rfc3339(currentClock()));
  env.registerFunction('toJson(dyn): string', (v: unknown) => goJson(v));
  env.registerFunction('dig(dyn, string): dyn', (target: unknown, path: string) => dig(target, path));
  env.registerFunction(
    'conditionStatus(list, string): string',
    (conditions: unknown[], condType: string) => findCondition(conditions, condType)[0],
  );
  env.registerFunction('conditionAge(list, string): int', (conditions: unknown[], condType: string) => {
    return conditionAgeSeconds(findCondition(conditions, condType)[1]) ?? -1n;
  });
  env.registerFunction(
    'stableFor(list, string, int): bool',
    (conditions: unknown[], condType: string, threshold: bigint) => {
      const [status, cond] = findCondition(conditions, condType);
      if (status !== 'True') return false;
      const age = conditionAgeSeconds(cond);
      return age !== undefined && age >= threshold;
    },
  );
  env.registerFunction('statusFeedbackValue(dyn, string): string', statusFeedbackValue);
  // Ours (not in the Go adapter): a ManifestWork's status summarised, degraded manifests first,
  // so a payload can say which manifests failed and why without CEL over resourceStatus.
  env.registerFunction('workStatus(dyn): dyn', (work: unknown) =>
    JSON.parse(JSON.stringify(summarizeWorkStatus(isRecord(work) ? (work as KubeObject) : undefined))),
  );
  env.registerFunction('triState(bool, bool): string', (isTrue: boolean, isFalse: boolean) => {
    if (isTrue) return 'True';
    return isFalse ? 'False' : 'Unknown';
  });
}
