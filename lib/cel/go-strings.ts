/**
 * String functions as cel-go computes them: indexes count code points (Go runes), not UTF-16
 * units; case mapping of lowerAscii/upperAscii touches ASCII only; trim is Go's
 * strings.TrimSpace; split and replace with an empty separator work rune by rune; ordering
 * is code-point order (Go compares UTF-8 bytes). Errors use cel-go's wording.
 */

export class StringIndexError extends Error {}

function runes(s: string): string[] {
  return Array.from(s);
}

// Strings without surrogates index the same by unit and by code point: skip the split.
const SURROGATE = /[\ud800-\udfff]/;

export function indexOf(s: string, sub: string, offset = 0n): bigint {
  if (offset < 0n) throw new StringIndexError(`index out of range: ${offset}`);
  if (!SURROGATE.test(s) && !SURROGATE.test(sub)) {
    const len = BigInt(s.length);
    if (sub === '') return offset > len ? len : offset;
    if (offset >= len) return -1n;
    return BigInt(s.indexOf(sub, Number(offset)));
  }
  const rs = runes(s);
  const len = BigInt(rs.length);
  if (sub === '') return offset > len ? len : offset;
  if (offset >= len) return -1n;
  const subs = runes(sub);
  for (let i = Number(offset); i <= rs.length - subs.length; i++) {
    if (subs.every((r, j) => rs[i + j] === r)) return BigInt(i);
  }
  return -1n;
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export function lastIndexOf(s: string, sub: string, offset?: bigint): bigint {
  const rs = runes(s);
  if (offset === undefined) {
    if (sub === '') return BigInt(rs.length);
    // cel-go compares byte lengths here, not rune counts.
    if (byteLength(s) < byteLength(sub)) return -1n;
    return lastIndexOf(s, sub, BigInt(rs.length - 1));
  }
  if (offset < 0n) throw new StringIndexError(`index out of range: ${offset}`);
  const len = BigInt(rs.length);
  if (sub === '') return offset > len ? len : offset;
  if (offset >= len) return -1n;
  const subs = runes(sub);
  let off = Number(offset);
  if (off > rs.length - subs.length) off = rs.length - subs.length;
  for (let i = off; i >= 0; i--) {
    if (subs.every((r, j) => rs[i + j] === r)) return BigInt(i);
  }
  return -1n;
}

export function substring(s: string, start: bigint, end?: bigint): string {
  const rs = SURROGATE.test(s) ? runes(s) : undefined;
  const len = BigInt(rs ? rs.length : s.length);
  if (end !== undefined && start > end) {
    throw new StringIndexError(`invalid substring range. start: ${start}, end: ${end}`);
  }
  if (start < 0n || start > len) throw new StringIndexError(`index out of range: ${start}`);
  const stop = end ?? len;
  if (stop < 0n || stop > len) throw new StringIndexError(`index out of range: ${stop}`);
  if (!rs) return s.slice(Number(start), Number(stop));
  return rs.slice(Number(start), Number(stop)).join('');
}

export function lowerAscii(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

export function upperAscii(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

// unicode.IsSpace: the Latin-1 spaces plus the Unicode White_Space property.
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'g');

export function trimSpace(s: string): string {
  return s.replace(TRIM, '');
}

/** Go's strings.SplitN (n < 0: all parts; n == 0: none). */
export function split(s: string, sep: string, n = -1n): string[] {
  if (n === 0n) return [];
  if (sep === '') {
    const rs = runes(s);
    if (n < 0n || n >= BigInt(rs.length)) return rs;
    const k = Number(n);
    return [...rs.slice(0, k - 1), rs.slice(k - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0n || BigInt(parts.length) <= n) return parts;
  const k = Number(n);
  return [...parts.slice(0, k - 1), parts.slice(k - 1).join(sep)];
}

/** Go's strings.Replace: n < 0 replaces all; an empty `from` inserts around every rune. */
export function replace(s: string, from: string, to: string, n = -1n): string {
  if (from === '') {
    const rs = runes(s);
    const limit = n < 0n ? rs.length + 1 : Number(n < BigInt(rs.length + 1) ? n : BigInt(rs.length + 1));
    let out = '';
    for (let i = 0; i < rs.length; i++) out += (i < limit ? to : '') + rs[i];
    return out + (rs.length < limit ? to : '');
  }
  if (n < 0n) return s.replaceAll(from, to);
  let out = '';
  let rest = s;
  for (let k = 0n; k < n; k++) {
    const at = rest.indexOf(from);
    if (at < 0) break;
    out += rest.slice(0, at) + to;
    rest = rest.slice(at + from.length);
  }
  return out + rest;
}

const QUOTE_ESCAPES: Record<string, string> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

/** cel-go's strings.quote: a few escapes, everything else as is, lone surrogates as U+FFFD. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    out += QUOTE_ESCAPES[ch] ?? (cp >= 0xd800 && cp <= 0xdfff ? '\ufffd' : ch);
  }
  return `${out}"`;
}

/** Code-point order (what Go's byte-wise comparison of UTF-8 gives). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order differs from code-point order only between a surrogate and U+E000..U+FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}
