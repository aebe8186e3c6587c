export type RetryBackoff = 'exponential' | 'linear' | 'constant';

export interface BackoffPolicy {
  strategy: RetryBackoff;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Fraction of the delay added or removed at random, so replicas that failed together do not retry together. */
const JITTER = 0.1;

/**
 * Delay before the retry that follows failed attempt number `attempt` (1-based):
 * exponential base*2^(n-1), linear base*n, constant base; then ±10% jitter; then capped at max.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const n = Math.max(1, attempt);
  const { baseDelayMs: base } = policy;
  let delay: number;
  switch (policy.strategy) {
    case 'exponential':
      delay = base * 2 ** (n - 1);
      break;
    case 'linear':
      delay = base * n;
      break;
    default:
      delay = base;
  }
  delay += (random() * 2 - 1) * JITTER * delay;
  return Math.max(0, Math.min(delay, policy.maxDelayMs));
}

/**
 * Retry-After in milliseconds (delta-seconds or an HTTP date), or undefined when absent or
 * unreadable. Never negative; the caller caps it.
 */
export function parseRetryAfter(
  value: string | undefined | null,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export { abortableSleep } from '../abort.ts';
