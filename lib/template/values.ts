/**
 * The Go value model as seen by templates. Data is plain JS (see lib/template/index.ts);
 * inside the engine a few extra shapes carry Go distinctions that change behaviour:
 * `undefined` is Go's invalid reflect.Value ("no value"), `null` a nil interface{}, and
 * GoInt an `int`/`uint8` produced by constants, len, index of a string, or the int function
 * (data integers are bigint = int64). They differ only in the type names Go prints.
 */

export class GoInt {
  readonly value: bigint;
  readonly type: 'int' | 'uint8';
  constructor(value: bigint, type: 'int' | 'uint8' = 'int') {
    this.value = value;
    this.type = type;
  }
}

export type GoMap = Record<string, unknown>;

export function isMap(v: unknown): v is GoMap {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof GoInt)
  );
}

export function isTime(v: unknown): v is Date {
  return v instanceof Date;
}

/** Integer payload of an int-kinded value, or undefined. */
export function intOf(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (v instanceof GoInt) return v.value;
  return undefined;
}

/** Map entry lookup; a property holding `undefined` counts as absent (as JSON would drop it). */
export function mapGet(m: GoMap, key: string): { found: boolean; value: unknown } {
  if (!Object.hasOwn(m, key)) return { found: false, value: undefined };
  const value = m[key];
  return value === undefined ? { found: false, value: undefined } : { found: true, value };
}

export function mapKeys(m: GoMap): string[] {
  return Object.keys(m)
    .filter((k) => m[k] !== undefined)
    .sort(compareGoStrings);
}

/** Go compares strings bytewise (UTF-8); UTF-16 order differs only above U+FFFF vs U+E000-FFFF. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** The name Go prints for the dynamic type of a value (reflect.Type.String()). */
export function goTypeName(v: unknown): string {
  if (v === undefined) return '<nil>';
  if (v === null) return 'interface {}';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int64';
    case 'boolean':
      return 'bool';
  }
  if (v instanceof GoInt) return v.type;
  if (v instanceof Date) return 'time.Time';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'function') return 'func';
  return 'map[string]interface {}';
}

export type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'invalid';

export function basicKind(v: unknown): BasicKind {
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'string';
  }
  if (v instanceof GoInt) return v.type === 'uint8' ? 'int' : 'int';
  return 'invalid';
}

/** Go's truth: false for zero values, empty collections and nil; ok=false never happens here. */
export function isTrue(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    case 'bigint':
      return v !== 0n;
    case 'string':
      return v.length > 0;
  }
  if (v instanceof GoInt) return v.value !== 0n;
  if (v instanceof Date) return true;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return mapKeys(v).length > 0;
  return true;
}

const encoder = new TextEncoder();
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}
const decoder = new TextDecoder('utf-8', { fatal: false });
export function utf8Decode(b: Uint8Array): string {
  return decoder.decode(b);
}
