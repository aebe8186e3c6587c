import { Optional } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { compareNumbers } from './extensions.ts';

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
  if (v instanceof Duration) return durationString(v);
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

export function durationString(d: Duration): string {
  const nanos = d.nanos === 0 ? '' : `.${String(Math.abs(d.nanos)).padStart(9, '0').replace(/0+$/, '')}`;
  return `${d.seconds}${nanos}s`;
}

function isNumeric(v: unknown): v is bigint | number | UnsignedInt {
  return typeof v === 'bigint' || typeof v === 'number' || v instanceof UnsignedInt;
}

/** CEL equality with cel-go's heterogeneous numeric rule, used by lists.distinct(). */
export function celEquals(a: unknown, b: unknown): boolean {
  if (isNumeric(a) && isNumeric(b)) return compareNumbers(a, b) === 0;
  if (a === null || b === null || a === undefined || b === undefined) return a == null && b == null;
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((e, i) => celEquals(e, b[i]))
    );
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (a instanceof Duration || b instanceof Duration) {
    return a instanceof Duration && b instanceof Duration && a.valueOf() === b.valueOf();
  }
  const ea = Object.entries(a as Record<string, unknown>);
  const rb = b as Record<string, unknown>;
  return (
    ea.length === Object.keys(rb).length && ea.every(([k, v]) => Object.hasOwn(rb, k) && celEquals(v, rb[k]))
  );
}
