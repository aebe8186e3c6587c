/**
 * Integers beyond 2^53 in a parsed manifest. yaml.v3 decodes a plain integer into an int (a
 * uint64 above int64's range) and encoding/json writes every digit, so the manifest JSON the
 * Go adapter hands its transports keeps 9223372036854775807 as written; a JS number would
 * round it. Such an integer is held as a JSON.rawJSON value: JSON.stringify writes its digits
 * verbatim, wherever the object goes. What the Go adapter does next differs by consumer:
 * the Maestro transport keeps each manifest's bytes (a RawExtension), so the digits reach
 * Maestro; the Kubernetes and dry-run transports decode the JSON with encoding/json into an
 * interface{}, where every number is a float64 (asFloat64).
 */

/** A JSON.rawJSON value (Node 24; not in TypeScript's es2023 lib). */
export interface RawJson {
  readonly rawJSON: string;
}

const json = JSON as unknown as {
  rawJSON(text: string): RawJson;
  isRawJSON(v: unknown): v is RawJson;
};

const SAFE = 2n ** 53n;

/** A Go int or uint64 as JSON-ready data: a number when a double holds it exactly and prints it the same, else its digits. */
export function jsonInteger(v: bigint): number | RawJson {
  return v <= SAFE && v >= -SAFE ? Number(v) : json.rawJSON(v.toString());
}

export function isRawJson(v: unknown): v is RawJson {
  return json.isRawJSON(v);
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function copyWith(v: unknown, raw: (r: RawJson) => unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (json.isRawJSON(v)) return raw(v);
  if (Array.isArray(v)) return v.map((e) => copyWith(e, raw));
  if (!isPlainObject(v)) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    Object.defineProperty(out, k, {
      value: copyWith(v[k], raw),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * A deep copy of JSON-like data that keeps exact integers (structuredClone refuses a
 * JSON.rawJSON value). Other objects than plain ones and arrays go through structuredClone.
 */
export function copyJson<T>(v: T): T {
  return copyWith(v, (r) => r) as T;
}

/**
 * A deep copy as encoding/json.Unmarshal into an interface{} reads the data back: an exact
 * integer becomes the nearest float64 (the Go adapter's Kubernetes and dry-run transports
 * decode the rendered manifest this way before they send or store it).
 */
export function asFloat64<T>(v: T): T {
  return copyWith(v, (r) => Number(r.rawJSON)) as T;
}
