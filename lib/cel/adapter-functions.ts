import type { Environment } from '@marcbachmann/cel-js';
import { summarizeWorkStatus } from '../transport/maestro/manifests.ts';
import type { KubeObject } from '../transport/types.ts';
import { goJson, rfc3339 } from './go-json.ts';
import { parseRfc3339 } from './go-time.ts';

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

/** What Go's time.Parse(time.RFC3339, s) accepts, as nanoseconds since the epoch; undefined otherwise. */
export function parseRfc3339Nanos(s: string): bigint | undefined {
  const nanos = parseRfc3339(s);
  return typeof nanos === 'bigint' ? nanos : undefined;
}

const MAX_DURATION = 2n ** 63n - 1n;
const MIN_DURATION = -(2n ** 63n);

/** Whole seconds from `last_transition_time` to now, truncated toward zero like Go's int64(). */
function conditionAgeSeconds(cond: Condition | undefined): bigint | undefined {
  if (cond === undefined) return undefined;
  const t = cond['last_transition_time'];
  if (typeof t !== 'string') return undefined;
  const then = parseRfc3339Nanos(t);
  if (then === undefined) return undefined;
  const nowNanos = BigInt(currentClock().getTime()) * 1_000_000n;
  // Go's now.Sub(then) saturates at the int64 nanoseconds a time.Duration holds (±292 years).
  const since = nowNanos - then;
  const clamped = since > MAX_DURATION ? MAX_DURATION : since < MIN_DURATION ? MIN_DURATION : since;
  return clamped / 1_000_000_000n;
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
