import { Optional } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { compareNumbers } from './extensions.ts';
import { compareTimestamps, durationText } from './go-time.ts';

/**
 * CEL results back into the project's value model (the one templates share): int and uint
 * -> bigint, double -> number, timestamp -> Date, map -> plain object, list -> array,
 * optional -> its value or null (what cel-go's Optional.Value() gives), type -> its name,
 * duration -> cel-go's canonical text ("90s", "1.5s") because it must survive JSON/YAML.
 */
const MIN_INT = -(2n ** 63n);
const MAX_INT = 2n ** 63n - 1n;

export function fromCel(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'bigint':
      // cel-js misses overflow on negation, division and int(double); cel-go errors there.
      if (v < MIN_INT || v > MAX_INT) throw new Error('integer overflow');
      return v;
    case 'string':
    case 'boolean':
    case 'number':
      return v;
    default:
      break;
  }
  if (Array.isArray(v)) return v.map(fromCel);
  if (v instanceof Date || v instanceof Uint8Array) return v;
  if (v instanceof UnsignedInt) return v.value;
  if (v instanceof Duration) return durationText(v);
  if (v instanceof Optional) return v.hasValue() ? fromCel(v.value()) : null;
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, e] of v) out[String(k)] = fromCel(e);
    return out;
  }
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      // cel-js type values (`type(x)`) print as their CEL name.
      const text = String(v);
      return /^Type<(.*)>$/.exec(text)?.[1] ?? text;
    }
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
      if (e !== undefined) out[k] = fromCel(e);
    }
    return out;
  }
  return String(v);
}

function isNumeric(v: unknown): v is bigint | number | UnsignedInt {
  return typeof v === 'bigint' || typeof v === 'number' || v instanceof UnsignedInt;
}

/**
 * cel-go's heterogeneous equality (the runtime rule the Go adapter gets without Check):
 * numbers by value across int, uint and double; other values of different types unequal;
 * lists element-wise; maps by key set (numeric keys across kinds) and value.
 */
export function celEquals(a: unknown, b: unknown): boolean {
  if (isNumeric(a) && isNumeric(b)) return compareNumbers(a, b) === 0;
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((e, i) => celEquals(e, b[i]))
    );
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && compareTimestamps(a, b) === 0;
  }
  if (a instanceof Duration || b instanceof Duration) {
    return a instanceof Duration && b instanceof Duration && a.seconds === b.seconds && a.nanos === b.nanos;
  }
  if (!(a instanceof Map) && !(b instanceof Map)) {
    if (!isPlain(a) || !isPlain(b)) return false;
    const ka = Object.keys(a);
    const rb = b as Record<string, unknown>;
    return (
      ka.length === Object.keys(rb).length &&
      ka.every((k) => Object.hasOwn(rb, k) && celEquals((a as Record<string, unknown>)[k], rb[k]))
    );
  }
  const ea = entries(a);
  const eb = entries(b);
  if (ea === undefined || eb === undefined) return false;
  if (ea.length !== eb.length) return false;
  return ea.every(([k, v]) => {
    const other = eb.find(
      ([k2]) => k2 === k || (isNumeric(k) && isNumeric(k2) && compareNumbers(k, k2) === 0),
    );
    return other !== undefined && celEquals(v, other[1]);
  });
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function entries(v: object): Array<[unknown, unknown]> | undefined {
  if (v instanceof Map) return [...v.entries()];
  return isPlain(v) ? Object.entries(v) : undefined;
}
