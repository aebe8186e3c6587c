/**
 * The Go values gopkg.in/yaml.v3 decodes into an `interface{}` and marshals back, as the Go
 * adapter holds an inline manifest: `bigint` is int (uint64 above int64's range), `number`
 * is float64, `Map` a map[string]interface{}, `GoAnyMap` a map[interface{}]interface{} (a
 * mapping with a key that is not a string), `GoTime` a time.Time from a plain timestamp.
 */

export class GoTime {
  /** Seconds since the epoch (UTC). */
  readonly epochSeconds: bigint;
  readonly nanos: number;
  /** The zone offset it was written with. */
  readonly offsetMinutes: number;
  /** Zone name Go prints in %v: "UTC" for Z or no zone, "" for a numeric offset. */
  readonly zoneName: string;
  constructor(epochSeconds: bigint, nanos: number, offsetMinutes: number, zoneName: string) {
    this.epochSeconds = epochSeconds;
    this.nanos = nanos;
    this.offsetMinutes = offsetMinutes;
    this.zoneName = zoneName;
  }
}

export class GoAnyMap {
  readonly entries: [GoValue, GoValue][];
  constructor(entries: [GoValue, GoValue][]) {
    this.entries = entries;
  }
}

export type GoValue =
  | null
  | boolean
  | string
  | bigint
  | number
  | GoTime
  | GoValue[]
  | Map<string, GoValue>
  | GoAnyMap;

export const INT64_MAX = (1n << 63n) - 1n;

/**
 * A plain config value (what the config loader produces: JSON-like, numbers as JS numbers)
 * seen as Go would hold it when nothing better is known: integral numbers in int64's range
 * are ints, other numbers float64.
 */
export function fromPlain(v: unknown): GoValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (typeof v === 'number') {
    return Number.isInteger(v) && !Object.is(v, -0) && Math.abs(v) < 2 ** 63 ? BigInt(v) : v;
  }
  if (v instanceof Date) {
    const ms = v.getTime();
    const seconds = Math.floor(ms / 1000);
    return new GoTime(BigInt(seconds), (ms - seconds * 1000) * 1e6, 0, 'UTC');
  }
  if (Array.isArray(v)) return v.map(fromPlain);
  if (v instanceof Map || v instanceof GoAnyMap || v instanceof GoTime) return v as GoValue;
  const out = new Map<string, GoValue>();
  for (const [k, e] of Object.entries(v as Record<string, unknown>)) out.set(k, fromPlain(e));
  return out;
}
