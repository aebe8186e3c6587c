import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { rfc3339Nano } from './go-json.ts';

/** cel-go's ext.Strings `<string>.format(<list>)` (strings extension version 4 wording). */

class FormatError extends Error {}

function isInt(v: unknown): v is bigint | UnsignedInt {
  return typeof v === 'bigint' || v instanceof UnsignedInt;
}

function intValue(v: bigint | UnsignedInt): bigint {
  return typeof v === 'bigint' ? v : v.value;
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null_type';
  if (typeof v === 'bigint') return 'int';
  if (v instanceof UnsignedInt) return 'uint';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Date) return 'google.protobuf.Timestamp';
  if (v instanceof Duration) return 'google.protobuf.Duration';
  if (v instanceof Uint8Array) return 'bytes';
  return 'map';
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64) but with %v's exponent threshold of 21. */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Number.POSITIVE_INFINITY) return 'Infinity';
  if (d === Number.NEGATIVE_INFINITY) return '-Infinity';
  const s = String(d);
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  if (!m) return s;
  return `${m[1]}e${m[2]}${m[3]!.padStart(2, '0')}`;
}

function durationText(d: Duration): string {
  const nanos = d.nanos === 0 ? '' : `.${String(d.nanos).padStart(9, '0').replace(/0+$/, '')}`;
  return `${d.seconds}${nanos}s`;
}

function asString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof UnsignedInt) return String(v.value);
  if (typeof v === 'number') return formatDouble(v);
  if (v instanceof Date) return rfc3339Nano(v);
  if (v instanceof Duration) return durationText(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (Array.isArray(v)) return `[${v.map((e) => asString(e)).join(', ')}]`;
  if (v instanceof Map) {
    return `{${[...v.entries()].map(([k, e]) => `${asString(k)}: ${asString(e)}`).join(', ')}}`;
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, e]) => `${JSON.stringify(k)}: ${asString(e)}`).join(', ')}}`;
  }
  return String(v);
}

function fixed(v: unknown, precision: number, clause: string): string {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    if (clause === 'f') return v.toFixed(precision);
    const [mant, exp] = v.toExponential(precision).split('e') as [string, string];
    const sign = exp.startsWith('-') ? '-' : '+';
    return `${mant}e${sign}${exp.replace(/^[+-]/, '').padStart(2, '0')}`;
  }
  if (isInt(v)) return fixed(Number(intValue(v)), precision, clause);
  throw new FormatError(
    `${clause === 'f' ? 'fixed-point' : 'scientific'} clause can only be used on doubles, was given ${typeName(v)}`,
  );
}

function radix(v: unknown, base: number, clause: string): string {
  if (isInt(v)) {
    const n = intValue(v);
    const s = (n < 0n ? -n : n).toString(base);
    return (n < 0n ? '-' : '') + (clause === 'X' ? s.toUpperCase() : s);
  }
  if (clause === 'b' && typeof v === 'boolean') return v ? '1' : '0';
  if ((clause === 'x' || clause === 'X') && (typeof v === 'string' || v instanceof Uint8Array)) {
    const hex = Buffer.from(typeof v === 'string' ? Buffer.from(v, 'utf8') : v).toString('hex');
    return clause === 'X' ? hex.toUpperCase() : hex;
  }
  const what = { b: 'binary', o: 'octal', x: 'hex', X: 'hex' }[clause] ?? clause;
  const allowed =
    clause === 'b'
      ? 'integers and bools'
      : clause === 'o'
        ? 'integers'
        : 'integers, byte buffers, and strings';
  throw new FormatError(`only ${allowed} can be formatted as ${what}, was given ${typeName(v)}`);
}

export function formatString(format: string, args: readonly unknown[]): string {
  let out = '';
  let argIndex = 0;
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch !== '%') {
      out += ch;
      continue;
    }
    i++;
    if (format[i] === '%') {
      out += '%';
      continue;
    }
    let precision = 6;
    if (format[i] === '.') {
      let digits = '';
      for (i++; i < format.length && /\d/.test(format[i]!); i++) digits += format[i];
      if (digits === '')
        throw new FormatError('error during formatting: unable to find end of precision specifier');
      precision = Number(digits);
    }
    const clause = format[i];
    if (clause === undefined) throw new FormatError('error during formatting: unexpected end of string');
    if (argIndex >= args.length) {
      throw new FormatError(`error during formatting: index ${argIndex} out of range`);
    }
    const arg = args[argIndex++];
    try {
      switch (clause) {
        case 's':
          out += asString(arg);
          break;
        case 'd':
          // cel-go 0.31 prints a double under %d as it would under %s.
          if (typeof arg === 'number') out += formatDouble(arg);
          else if (isInt(arg)) out += String(intValue(arg));
          else
            throw new FormatError(`decimal clause can only be used on integers, was given ${typeName(arg)}`);
          break;
        case 'f':
        case 'e':
          out += fixed(arg, precision, clause);
          break;
        case 'b':
          out += radix(arg, 2, clause);
          break;
        case 'o':
          out += radix(arg, 8, clause);
          break;
        case 'x':
        case 'X':
          out += radix(arg, 16, clause);
          break;
        default:
          throw new FormatError(
            `could not parse formatting clause: unrecognized formatting clause "${clause}"`,
          );
      }
    } catch (err) {
      if (err instanceof FormatError && !err.message.startsWith('error during formatting')) {
        throw new FormatError(`error during formatting: ${err.message}`);
      }
      throw err;
    }
  }
  return out;
}
