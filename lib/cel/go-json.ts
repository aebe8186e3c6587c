import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { Timestamp } from './go-time.ts';

/**
 * JSON text as Go's encoding/json writes it, because `toJson()` output ends up in status
 * payloads that the Go adapter also produces: map keys sorted, `<>&` and U+2028/9 escaped,
 * timestamps as RFC 3339 with trimmed nanoseconds, integers without a fraction.
 */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return goQuote(value);
    case 'bigint':
      return value.toString();
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`json: unsupported value: ${goFloatName(value)}`);
      return Object.is(value, -0) ? '-0' : String(value);
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (value instanceof Date) return goQuote(rfc3339Nano(value));
  if (value instanceof UnsignedInt) return value.value.toString();
  // Go marshals a time.Duration as its integer nanoseconds.
  if (value instanceof Duration) return (value.seconds * 1_000_000_000n + BigInt(value.nanos)).toString();
  if (value instanceof Uint8Array) return goQuote(Buffer.from(value).toString('base64'));
  if (value instanceof Map) {
    const entries = [...value.entries()].map(([k, v]) => [String(k), v] as const);
    return goObject(entries);
  }
  if (typeof value === 'object') return goObject(Object.entries(value as Record<string, unknown>));
  throw new Error(`json: unsupported type: ${typeof value}`);
}

function goObject(entries: ReadonlyArray<readonly [string, unknown]>): string {
  const present = entries.filter(([, v]) => v !== undefined);
  present.sort(([a], [b]) => compareBytes(a, b));
  return `{${present.map(([k, v]) => `${goQuote(k)}:${goJson(v)}`).join(',')}}`;
}

// Go sorts map keys by their UTF-8 bytes; for BMP text that is UTF-16 code unit order except
// for surrogate pairs, so compare by code points.
function compareBytes(a: string, b: string): number {
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i]!.codePointAt(0)!;
    const y = cb[i]!.codePointAt(0)!;
    if (x !== y) return x - y;
  }
  return ca.length - cb.length;
}

function goFloatName(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  return n > 0 ? '+Inf' : '-Inf';
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) {
      out += short;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || ch === '<' || ch === '>' || ch === '&' || cp === 0x2028 || cp === 0x2029) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate is invalid UTF-8 on the Go side, which writes U+FFFD instead.
      out += '\ufffd';
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}

/** Go's time.RFC3339Nano in UTC: fraction trimmed of trailing zeros, `Z` suffix. */
export function rfc3339Nano(d: Date): string {
  const iso = d.toISOString();
  const [base, frac] = [iso.slice(0, 19), iso.slice(20, 23)];
  const sub = d instanceof Timestamp ? String(d.subMillis).padStart(6, '0') : '';
  const trimmed = `${frac}${sub}`.replace(/0+$/, '');
  return trimmed ? `${base}.${trimmed}Z` : `${base}Z`;
}

/** Go's time.RFC3339 (whole seconds) in UTC. */
export function rfc3339(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}
