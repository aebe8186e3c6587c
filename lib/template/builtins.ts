/**
 * text/template's predefined functions (and, or, not, len, index, slice, eq, lt, print...),
 * with Go's comparison rules: values of different basic kinds are an error, except
 * int vs uint; nil compares equal only to nil.
 */
import { formatValue, PLAIN, sprint, sprintf, sprintln } from './fmt.ts';
import {
  basicKind,
  compareGoStrings,
  GoInt,
  goTypeName,
  intOf,
  isMap,
  isTrue,
  mapGet,
  mapKeys,
  utf8Bytes,
  utf8Decode,
  utf8Length,
} from './values.ts';

/** An error a function returns; exec wraps it as `error calling NAME: message`. */
export class FuncError extends Error {}

/** How exec converts an argument before the call (Go's reflect parameter type). */
export type ParamType = 'value' | 'any' | 'string' | 'time';

export interface TemplateFunc {
  params: ParamType[];
  /** Element type of a trailing variadic parameter. */
  variadic?: ParamType;
  call(args: unknown[], env: FuncEnv): unknown;
}

export interface FuncEnv {
  now(): Date;
}

/**
 * A slice index that Go holds as interface{} (read from a map or a range element). Go's
 * slice does not unwrap its indexes, so any such index is rejected; exec marks them.
 */
export class InterfaceIndex {
  readonly v: unknown;
  constructor(v: unknown) {
    this.v = v;
  }
}

/** Go's indirectInterface: a nil interface becomes "no value". */
function concrete(v: unknown): unknown {
  return v === null ? undefined : v;
}

function lengthOf(v: unknown): bigint {
  if (v === null) throw new FuncError('len of nil pointer');
  if (v === undefined) throw new FuncError('reflect: call of reflect.Value.Type on zero Value');
  if (typeof v === 'string') return BigInt(utf8Length(v));
  if (Array.isArray(v)) return BigInt(v.length);
  if (isMap(v)) return BigInt(mapKeys(v).length);
  throw new FuncError(`len of type ${goTypeName(v)}`);
}

function indexArg(v: unknown, cap: number): number {
  const c = concrete(v);
  const i = intOf(c);
  if (i === undefined) {
    if (c === undefined) throw new FuncError('cannot index slice/array with nil');
    throw new FuncError(`cannot index slice/array with type ${goTypeName(c)}`);
  }
  if (i < 0n || i > BigInt(cap)) throw new FuncError(`index out of range: ${i}`);
  return Number(i);
}

function index(item: unknown, indexes: unknown[]): unknown {
  let cur = concrete(item);
  if (cur === undefined) throw new FuncError('index of untyped nil');
  for (const raw of indexes) {
    if (cur === null) throw new FuncError('index of nil pointer');
    if (typeof cur === 'string') {
      const bytes = utf8Bytes(cur);
      const x = indexArg(raw, bytes.length);
      if (x === bytes.length) throw new FuncError('reflect: string index out of range');
      cur = new GoInt(BigInt(bytes[x]!), 'uint8');
    } else if (Array.isArray(cur)) {
      const x = indexArg(raw, cur.length);
      if (x === cur.length) throw new FuncError('reflect: slice index out of range');
      cur = cur[x];
    } else if (isMap(cur)) {
      const k = concrete(raw);
      if (k === undefined) throw new FuncError('value is nil; should be of type string');
      if (typeof k !== 'string') throw new FuncError(`value has type ${goTypeName(k)}; should be string`);
      const got = mapGet(cur, k);
      cur = got.found ? got.value : null;
    } else {
      throw new FuncError(`can't index item of type ${goTypeName(cur)}`);
    }
  }
  return cur;
}

function slice(item: unknown, indexes: unknown[]): unknown {
  const cur = concrete(item);
  if (cur === undefined) throw new FuncError('slice of untyped nil');
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  let len: number;
  if (typeof cur === 'string') {
    if (indexes.length === 3) throw new FuncError('cannot 3-index slice a string');
    len = cap = Buffer.byteLength(cur, 'utf8');
  } else if (Array.isArray(cur)) {
    len = cap = cur.length;
  } else {
    throw new FuncError(`can't slice item of type ${goTypeName(cur)}`);
  }
  const idx = [0, len, 0];
  indexes.forEach((v, i) => {
    if (v instanceof InterfaceIndex) throw new FuncError('cannot index slice/array with type interface {}');
    idx[i] = indexArg(v, cap);
  });
  if (idx[0]! > idx[1]!) throw new FuncError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!)
    throw new FuncError(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (typeof cur === 'string') {
    // ASCII text indexes the same by byte and by unit: a plain slice shares the string's
    // memory, where re-encoding would copy it (a template recursing on `slice . 1`).
    if (len === cur.length) return cur.slice(idx[0], idx[1]);
    return utf8Decode(utf8Bytes(cur).slice(idx[0], idx[1]));
  }
  return (cur as unknown[]).slice(idx[0], idx[1]);
}

function eq(a: unknown, rest: unknown[]): boolean {
  const x = concrete(a);
  if (rest.length === 0) throw new FuncError('missing argument for comparison');
  const k1 = basicKind(x);
  for (const raw of rest) {
    const y = concrete(raw);
    const k2 = basicKind(y);
    let truth = false;
    if (k1 !== k2) {
      if (x !== undefined && y !== undefined) {
        throw new FuncError(`incompatible types for comparison: ${goTypeName(x)} and ${goTypeName(y)}`);
      }
    } else {
      switch (k1) {
        case 'bool':
        case 'string':
        case 'float':
          truth = x === y;
          break;
        case 'int':
          truth = intOf(x) === intOf(y);
          break;
        default: {
          const xNil = x === undefined;
          const yNil = y === undefined;
          if (!xNil && !yNil && (Array.isArray(x) !== Array.isArray(y) || isMap(x) !== isMap(y))) {
            throw new FuncError(
              `non-comparable types ${formatValue(x, 's', PLAIN, true)}: ${goTypeName(x)}, ${goTypeName(y)}: ${formatValue(y, 'v', PLAIN, true)}`,
            );
          }
          if (xNil || yNil) truth = xNil === yNil;
          else if (Array.isArray(y) || isMap(y)) {
            throw new FuncError(`non-comparable type ${formatValue(y, 's', PLAIN, true)}: ${goTypeName(y)}`);
          } else if (x instanceof Date && y instanceof Date) truth = x.getTime() === y.getTime();
          else truth = x === y;
        }
      }
    }
    if (truth) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const x = concrete(a);
  const k1 = basicKind(x);
  if (k1 === 'invalid') throw new FuncError('invalid type for comparison');
  const y = concrete(b);
  const k2 = basicKind(y);
  if (k2 === 'invalid') throw new FuncError('invalid type for comparison');
  if (k1 !== k2)
    throw new FuncError(`incompatible types for comparison: ${goTypeName(x)} and ${goTypeName(y)}`);
  switch (k1) {
    case 'bool':
      throw new FuncError('invalid type for comparison');
    case 'float':
      return (x as number) < (y as number);
    case 'int':
      return intOf(x)! < intOf(y)!;
    case 'string':
      return compareGoStrings(x as string, y as string) < 0;
  }
  return false;
}

function le(a: unknown, b: unknown): boolean {
  if (lt(a, b)) return true;
  return eq(a, [b]);
}

/** Go's evalArgs for html/js/urlquery: a lone string as is, otherwise fmt.Sprint. */
function joinArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  // printableValue turns nil into the string "<no value>" before fmt sees it.
  return sprint(args.map((a) => (a === null || a === undefined ? '<no value>' : a)));
}

function htmlEscape(s: string): string {
  return s.replace(/[\u0000"'&<>]/g, (c) => {
    switch (c) {
      case '\u0000':
        return '\ufffd';
      case '"':
        return '&#34;';
      case "'":
        return '&#39;';
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      default:
        return '&gt;';
    }
  });
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else if (c >= 0x80 && !/^[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]$/u.test(ch)) {
      out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    } else out += ch;
  }
  return out;
}

/** url.QueryEscape. */
function queryEscape(s: string): string {
  let out = '';
  for (const b of utf8Bytes(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export const BUILTINS: Record<string, TemplateFunc> = {
  // and/or are short-circuited by exec; these bodies serve the pipeline-final case only.
  and: {
    params: ['value'],
    variadic: 'value',
    call: (a) => a.find((v) => !isTrue(concrete(v))) ?? a[a.length - 1],
  },
  or: {
    params: ['value'],
    variadic: 'value',
    call: (a) => a.find((v) => isTrue(concrete(v))) ?? a[a.length - 1],
  },
  not: { params: ['value'], call: (a) => !isTrue(concrete(a[0])) },
  len: { params: ['value'], call: (a) => new GoInt(lengthOf(a[0])) },
  index: { params: ['value'], variadic: 'value', call: (a) => index(a[0], a.slice(1)) },
  slice: { params: ['value'], variadic: 'value', call: (a) => slice(a[0], a.slice(1)) },
  eq: { params: ['value'], variadic: 'value', call: (a) => eq(a[0], a.slice(1)) },
  ne: { params: ['value', 'value'], call: (a) => !eq(a[0], [a[1]]) },
  lt: { params: ['value', 'value'], call: (a) => lt(a[0], a[1]) },
  le: { params: ['value', 'value'], call: (a) => le(a[0], a[1]) },
  gt: { params: ['value', 'value'], call: (a) => !le(a[0], a[1]) },
  ge: { params: ['value', 'value'], call: (a) => !lt(a[0], a[1]) },
  print: { params: [], variadic: 'any', call: (a) => sprint(a) },
  println: { params: [], variadic: 'any', call: (a) => sprintln(a) },
  printf: { params: ['string'], variadic: 'any', call: (a) => sprintf(a[0] as string, a.slice(1)) },
  html: { params: [], variadic: 'any', call: (a) => htmlEscape(joinArgs(a)) },
  js: { params: [], variadic: 'any', call: (a) => jsEscape(joinArgs(a)) },
  urlquery: { params: [], variadic: 'any', call: (a) => queryEscape(joinArgs(a)) },
  call: {
    params: ['value'],
    variadic: 'value',
    call: (a) => {
      // Data never holds functions (it is decoded JSON), so every call target is a non-function.
      const [name, fn] = a as [string, unknown];
      const v = concrete(fn);
      if (v === undefined) throw new FuncError('call of nil');
      throw new FuncError(`non-function ${name} of type ${goTypeName(v)}`);
    },
  },
};
