/**
 * Go `time.ParseDuration` syntax ("10s", "1m30s", "500ms", "1.5h", "0"), because the
 * configs we must run unchanged were written for the Go adapter. Result is milliseconds,
 * fractional below one millisecond ("500us" -> 0.5).
 */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/** Milliseconds, or undefined when `text` is not a Go duration. */
export function parseGoDuration(text: string): number | undefined {
  let rest = text.trim();
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  while (rest.length > 0) {
    const m = PART.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2]!] ?? Number.NaN);
    rest = rest.slice(m[0].length);
  }
  return Number.isFinite(total) ? sign * total : undefined;
}

/**
 * The longest delay a Node timer holds (2^31-1 ms, about 24.8 days): a longer one fires after
 * 1 ms, so `timeout: 600h` (which Go waits out) would time out every call at once. A duration
 * the config gives a timer is capped here: beyond it the wait is as good as unbounded.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `ms` as a timer can hold it. */
export function timerMs(ms: number): number {
  return Math.min(ms, MAX_TIMER_MS);
}
