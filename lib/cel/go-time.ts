import { Duration } from '@marcbachmann/cel-js/evaluator';

/**
 * Timestamps and durations with cel-go's rules: timestamp(string) is Go's
 * time.Parse(time.RFC3339, s) then a range check (0001-01-01 to 9999-12-31T23:59:59.999999999
 * UTC); a duration is Go's time.Duration (int64 nanoseconds, so about ±292 years) parsed by
 * time.ParseDuration. Timestamps are JS Dates in the project value model; one CEL makes
 * with digits past the millisecond is a Timestamp, a Date that also carries them.
 */

/** A Date with nanosecond precision: `subMillis` nanoseconds (0..999,999) past getTime(). */
export class Timestamp extends Date {
  readonly subMillis: number;
  constructor(ms: number, subMillis: number) {
    super(ms);
    this.subMillis = subMillis;
  }
}

const MILLI = 1_000_000n;

/** Nanoseconds since the epoch. */
export function timestampNanos(d: Date): bigint {
  return BigInt(d.getTime()) * MILLI + BigInt(d instanceof Timestamp ? d.subMillis : 0);
}

export function timestampFromNanos(n: bigint): Date {
  let ms = n / MILLI;
  let rest = n % MILLI;
  if (rest < 0n) {
    rest += MILLI;
    ms -= 1n;
  }
  return rest === 0n ? new Date(Number(ms)) : new Timestamp(Number(ms), Number(rest));
}

export function compareTimestamps(a: Date, b: Date): number {
  const x = timestampNanos(a);
  const y = timestampNanos(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export class TimeError extends Error {}

const MIN_UNIX_MS = -62135596800000;
const MAX_UNIX_MS = 253402300799999;
const NANOS = 1_000_000_000n;
const MAX_NANOS = 2n ** 63n - 1n;
const MIN_NANOS = -(2n ** 63n);

// Go's RFC3339 layout: upper-case T and Z only, 1 to 9+ fraction digits, ±hh:mm offsets.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Go's time.Parse(time.RFC3339, s), as nanoseconds since the epoch (any year 0000 to 9999;
 * fraction digits past nine dropped), or why not: 'syntax' when s is not in the layout or its
 * offset is out of range, 'range' when a date or clock field is.
 */
export function parseRfc3339(s: string): bigint | 'syntax' | 'range' {
  const m = RFC3339.exec(s);
  if (!m) return 'syntax';
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !leap(year) ? 1 : 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    return 'range';
  }
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return 'syntax';
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  // Go keeps nine fraction digits and drops the rest.
  const fraction = BigInt((m[7] ?? '').slice(0, 9).padEnd(9, '0'));
  return BigInt(d.getTime() - offsetMinutes * 60_000) * MILLI + fraction;
}

/** cel-go's timestamp(string): time.Parse, then CEL's range (0001-01-01 to 9999-12-31). */
export function parseTimestamp(s: string): Date {
  const nanos = parseRfc3339(s);
  if (nanos === 'syntax') throw new TimeError(`invalid RFC 3339 timestamp ${JSON.stringify(s)}`);
  if (nanos === 'range')
    throw new TimeError("type conversion error from 'string' to 'google.protobuf.Timestamp'");
  return checkTimestamp(timestampFromNanos(nanos));
}

function leap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function checkTimestamp(d: Date): Date {
  const t = d.getTime();
  if (!(t >= MIN_UNIX_MS && t <= MAX_UNIX_MS)) throw new TimeError('timestamp overflow');
  return d;
}

export function timestampFromUnix(seconds: bigint): Date {
  const ms = Number(seconds) * 1000;
  if (!(ms >= MIN_UNIX_MS && ms <= MAX_UNIX_MS)) throw new TimeError('timestamp overflow');
  return new Date(ms);
}

export function durationNanos(d: Duration): bigint {
  return d.seconds * NANOS + BigInt(d.nanos);
}

export function durationFromNanos(n: bigint, overflow = 'integer overflow'): Duration {
  if (n > MAX_NANOS || n < MIN_NANOS) throw new TimeError(overflow);
  return new Duration(n / NANOS, Number(n % NANOS));
}

/** cel-go's canonical text: seconds with up to 9 fraction digits ("90s", "-1.5s"). */
export function durationText(d: Duration): string {
  const n = durationNanos(d);
  const abs = n < 0n ? -n : n;
  const frac = abs % NANOS;
  const fraction = frac === 0n ? '' : `.${String(frac).padStart(9, '0').replace(/0+$/, '')}`;
  return `${n < 0n ? '-' : ''}${abs / NANOS}${fraction}s`;
}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: NANOS,
  m: 60n * NANOS,
  h: 3600n * NANOS,
};

const BAD_DURATION = "type conversion error from 'string' to 'google.protobuf.Duration'";

/** Go's time.ParseDuration, as cel-go's duration(string) uses it. */
export function parseDuration(input: string): Duration {
  let s = input;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return new Duration(0n, 0);
  if (s === '') throw new TimeError(BAD_DURATION);
  let total = 0n;
  const limit = 1n << 63n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const intPart = m[1]!;
    const fracPart = m[2];
    if (intPart === '' && (fracPart === undefined || fracPart === '')) throw new TimeError(BAD_DURATION);
    s = s.slice(m[0].length);
    const unitMatch = /^[^\d.]+/.exec(s);
    const unit = unitMatch ? UNITS[unitMatch[0]] : undefined;
    if (unit === undefined) throw new TimeError(BAD_DURATION);
    s = s.slice(unitMatch![0].length);
    const v = BigInt(intPart === '' ? '0' : intPart);
    if (v > limit / unit) throw new TimeError(BAD_DURATION);
    let part = v * unit;
    if (fracPart) {
      // Go accumulates at most what fits in an int64 and scales it with float64 arithmetic.
      let f = 0n;
      let scale = 1;
      for (const digit of fracPart) {
        if (f > limit / 10n) break;
        f = f * 10n + BigInt(digit);
        scale *= 10;
      }
      part += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
    }
    total += part;
    if (total > limit) throw new TimeError(BAD_DURATION);
  }
  if (!neg && total > limit - 1n) throw new TimeError(BAD_DURATION);
  return durationFromNanos(neg ? -total : total);
}
