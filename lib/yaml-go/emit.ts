/**
 * yaml.Marshal as gopkg.in/yaml.v3 v3.0.1 writes a decoded value (encode.go and the libyaml
 * emitter port in emitterc.go), restated from its observable rules:
 *
 * - block style, indentation 4; a sequence's items are indented under their key, a mapping
 *   inside a sequence item starts on the `- ` line (its keys 2 columns past the dash);
 * - no line folding (the width is unlimited);
 * - map keys in yaml.v3's order (sorter.go: runs of digits compare as numbers, letters before
 *   other characters except right after a digit);
 * - a string is plain unless it would read back as another type (then double-quoted: `"123"`,
 *   `"true"`, `"null"`, `""`, YAML 1.1 booleans `"yes"`/`"on"`/`"y"`, base-60 `"12:30"`), or
 *   its characters forbid plain (then single-quoted: `'{{ .x }}'`, `'a: b'`, `' x'`), or
 *   single quotes cannot hold it (then double-quoted with escapes: tabs, control characters,
 *   characters outside the BMP, BOM); a string with a line break is a literal block
 *   (`|`, `|-`, `|+`, with an indentation indicator when it starts with a space or break)
 *   unless a break sits next to a trailing space, in which case it is double-quoted;
 * - a key longer than 128 bytes or spanning lines is written as `? key` / `: value`;
 * - empty maps and sequences are `{}` and `[]`.
 */
import { formatFloat } from '../template/floatfmt.ts';
import { resolve } from './resolve.ts';
import { GoAnyMap, GoTime, type GoValue, INT64_MAX } from './values.ts';

const BEST_INDENT = 4;

type Style = 'plain' | 'single' | 'double' | 'literal';

interface Analysis {
  multiline: boolean;
  blockPlain: boolean;
  single: boolean;
  block: boolean;
}

function isBreak(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
}

/** libyaml's is_printable on the UTF-8 form: no C0/C1 controls but LF, no surrogates, no BOM, nothing above the BMP. */
function isPrintable(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)
  );
}

function analyze(cps: number[]): Analysis {
  const n = cps.length;
  if (n === 0) return { multiline: false, blockPlain: true, single: true, block: false };
  let blockIndicators = false;
  let lineBreaks = false;
  let special = false;
  let tabs = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  if (
    n >= 3 &&
    ((cps[0] === 45 && cps[1] === 45 && cps[2] === 45) || (cps[0] === 46 && cps[1] === 46 && cps[2] === 46))
  ) {
    blockIndicators = true;
  }
  for (let i = 0; i < n; i++) {
    const c = cps[i]!;
    const next = cps[i + 1];
    const followedByWhitespace = next === undefined || next === 0x20 || next === 0x09;
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(String.fromCodePoint(c))) blockIndicators = true;
      else if ((c === 0x3f || c === 0x3a || c === 0x2d) && followedByWhitespace) blockIndicators = true;
    } else if (c === 0x3a && followedByWhitespace) blockIndicators = true;
    else if (c === 0x23 && precededByWhitespace) blockIndicators = true;
    if (c === 0x09) tabs = true;
    else if (!isPrintable(c)) special = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === n - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === n - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = c === 0x20 || c === 0x09 || isBreak(c) || c === 0;
  }
  let blockPlain = true;
  let single = true;
  let block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace) blockPlain = single = false;
  if (spaceBreak || tabs || special) blockPlain = single = false;
  if (spaceBreak || special) block = false;
  if (lineBreaks) blockPlain = false;
  if (blockIndicators) blockPlain = false;
  return { multiline: lineBreaks, blockPlain, single, block };
}

const OLD_BOOLS = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'on',
  'On',
  'ON',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'off',
  'Off',
  'OFF',
]);
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** encode.go stringv: the style asked of the emitter for a string. */
function stringStyle(s: string): Style {
  if (s.includes('\n')) return 'literal';
  const [rtag] = resolve('', s);
  const canUsePlain = rtag === '!!str' && !BASE60_FLOAT.test(s) && !OLD_BOOLS.has(s);
  return canUsePlain ? 'plain' : 'double';
}

class Emitter {
  private out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent = -1;
  private readonly indents: number[] = [];

  text(): string {
    return this.out;
  }

  private put(s: string): void {
    this.out += s;
    this.column += s.length;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
    this.indention = true;
  }

  /** A character of a scalar: one column per code point, as libyaml counts. */
  private write(c: number): void {
    this.out += String.fromCodePoint(c);
    this.column++;
  }

  private writeBreak(c: number): void {
    if (c === 0x0a) {
      this.putBreak();
      return;
    }
    this.out += String.fromCodePoint(c);
    this.column = 0;
    this.indention = true;
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.putBreak();
    if (this.column < indent) this.put(' '.repeat(indent - this.column));
    this.whitespace = true;
  }

  private indicator(s: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(s);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  /** increase_indent(flow, indentless=false); inSequenceItem: the node is a block sequence's item. */
  private increaseIndent(flow: boolean, inSequenceItem: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (inSequenceItem) this.indent += 2;
    else this.indent = BEST_INDENT * Math.floor((this.indent + BEST_INDENT) / BEST_INDENT);
  }

  private popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  node(v: GoValue, inSequenceItem: boolean, simpleKey: boolean): void {
    if (Array.isArray(v)) {
      if (v.length === 0) {
        this.emptyFlow('[', ']');
        return;
      }
      this.increaseIndent(false, inSequenceItem);
      for (const item of v) {
        this.writeIndent();
        this.indicator('-', true, false, true);
        this.node(item, true, false);
      }
      this.popIndent();
      return;
    }
    if (v instanceof Map || v instanceof GoAnyMap) {
      const entries = v instanceof Map ? sortedStringEntries(v) : sortedAnyEntries(v);
      if (entries.length === 0) {
        this.emptyFlow('{', '}');
        return;
      }
      this.increaseIndent(false, inSequenceItem);
      for (const [key, value] of entries) {
        this.writeIndent();
        const k = scalarOf(key);
        if (simpleKeyFits(k)) {
          this.scalar(k, false, true);
          this.indicator(':', false, false, false);
        } else {
          this.indicator('?', true, false, true);
          this.scalar(k, false, false);
          this.writeIndent();
          this.indicator(':', true, false, true);
        }
        this.node(value, false, false);
      }
      this.popIndent();
      return;
    }
    this.scalar(scalarOf(v), inSequenceItem, simpleKey);
  }

  private emptyFlow(open: string, close: string): void {
    this.indicator(open, true, true, false);
    this.increaseIndent(true, false);
    this.popIndent();
    if (this.column === 0) this.writeIndent();
    this.indicator(close, false, false, false);
  }

  private scalar(s: Scalar, inSequenceItem: boolean, simpleKey: boolean): void {
    const a = s.analysis;
    let style = s.style;
    if (style === 'plain') {
      if (!a.blockPlain) style = 'single';
      if (s.cps.length === 0 && simpleKey) style = 'single';
    }
    if (style === 'single' && !a.single) style = 'double';
    if (style === 'literal' && (!a.block || simpleKey)) style = 'double';
    this.increaseIndent(true, inSequenceItem);
    if (style === 'plain') this.plain(s.cps);
    else if (style === 'single') this.singleQuoted(s.cps);
    else if (style === 'double') this.doubleQuoted(s.cps);
    else this.literal(s.cps);
    this.popIndent();
  }

  private plain(cps: number[]): void {
    if (cps.length > 0 && !this.whitespace) this.put(' ');
    for (const c of cps) this.write(c);
    if (cps.length > 0) this.whitespace = false;
    this.indention = false;
  }

  private singleQuoted(cps: number[]): void {
    this.indicator("'", true, false, false);
    let breaks = false;
    for (const c of cps) {
      if (c === 0x20) {
        this.write(c);
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === 0x27) this.put("'");
        this.write(c);
        this.indention = false;
        breaks = false;
      }
    }
    this.indicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private doubleQuoted(cps: number[]): void {
    this.indicator('"', true, false, false);
    for (const c of cps) {
      if (!isPrintable(c) || c === 0xfeff || isBreak(c) || c === 0x22 || c === 0x5c) this.put(escapeChar(c));
      else this.write(c);
    }
    this.indicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private literal(cps: number[]): void {
    this.indicator('|', true, false, false);
    const first = cps[0];
    if (first === 0x20 || (first !== undefined && isBreak(first)))
      this.indicator(String(BEST_INDENT), false, false, false);
    const n = cps.length;
    let chomp = '';
    if (n === 0 || !isBreak(cps[n - 1]!)) chomp = '-';
    else if (n === 1 || isBreak(cps[n - 2]!)) chomp = '+';
    if (chomp) this.indicator(chomp, false, false, false);
    this.whitespace = true;
    let breaks = true;
    for (const c of cps) {
      if (isBreak(c)) {
        this.writeBreak(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.write(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

function escapeChar(c: number): string {
  switch (c) {
    case 0x00:
      return '\\0';
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x09:
      return '\\t';
    case 0x0a:
      return '\\n';
    case 0x0b:
      return '\\v';
    case 0x0c:
      return '\\f';
    case 0x0d:
      return '\\r';
    case 0x1b:
      return '\\e';
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x85:
      return '\\N';
    case 0xa0:
      return '\\_';
    case 0x2028:
      return '\\L';
    case 0x2029:
      return '\\P';
  }
  const hex = c.toString(16).toUpperCase();
  if (c <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (c <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

interface Scalar {
  cps: number[];
  style: Style;
  analysis: Analysis;
  /** UTF-8 length, for the 128-byte simple-key limit. */
  bytes: number;
}

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

function makeScalar(text: string, style: Style): Scalar {
  const cps = codePoints(text);
  return { cps, style, analysis: analyze(cps), bytes: Buffer.byteLength(text, 'utf8') };
}

function scalarOf(v: GoValue): Scalar {
  if (typeof v === 'string') return makeScalar(v, stringStyle(v));
  return makeScalar(scalarText(v), 'plain');
}

/** The text yaml.v3 writes for a non-string scalar (intv, uintv, floatv, boolv, nilv, timev). */
function scalarText(v: GoValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (v === Number.POSITIVE_INFINITY) return '.inf';
    if (v === Number.NEGATIVE_INFINITY) return '-.inf';
    return formatFloat(v, 'g', -1);
  }
  if (v instanceof GoTime) return formatRFC3339Nano(v);
  throw new Error('internal: not a scalar');
}

function simpleKeyFits(k: Scalar): boolean {
  return !k.analysis.multiline && k.bytes <= 128;
}

function pad(n: number | bigint, width: number): string {
  return String(n).padStart(width, '0');
}

function civil(t: GoTime): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const local = t.epochSeconds + BigInt(t.offsetMinutes * 60);
  const date = new Date(Number(local) * 1000);
  return {
    y: date.getUTCFullYear(),
    mo: date.getUTCMonth() + 1,
    d: date.getUTCDate(),
    h: date.getUTCHours(),
    mi: date.getUTCMinutes(),
    s: date.getUTCSeconds(),
  };
}

function offsetText(minutes: number, colon: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${pad(Math.floor(m / 60), 2)}${colon ? ':' : ''}${pad(m % 60, 2)}`;
}

/** time.Time.Format(time.RFC3339Nano). */
export function formatRFC3339Nano(t: GoTime): string {
  const c = civil(t);
  const frac = t.nanos === 0 ? '' : `.${pad(t.nanos, 9).replace(/0+$/, '')}`;
  const zone = t.offsetMinutes === 0 ? 'Z' : offsetText(t.offsetMinutes, true);
  return `${pad(c.y, 4)}-${pad(c.mo, 2)}-${pad(c.d, 2)}T${pad(c.h, 2)}:${pad(c.mi, 2)}:${pad(c.s, 2)}${frac}${zone}`;
}

/** fmt's %v of a time.Time (Time.String()). */
function formatTimeString(t: GoTime): string {
  const c = civil(t);
  const frac = t.nanos === 0 ? '' : `.${pad(t.nanos, 9).replace(/0+$/, '')}`;
  const off = offsetText(t.offsetMinutes, false);
  return `${pad(c.y, 4)}-${pad(c.mo, 2)}-${pad(c.d, 2)} ${pad(c.h, 2)}:${pad(c.mi, 2)}:${pad(c.s, 2)}${frac} ${off} ${t.zoneName || off}`;
}

/** fmt.Sprintf("%v", key), as utils.ConvertToStringKeyMap turns keys into strings. */
export function sprintV(v: GoValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
    return formatFloat(v, 'g', -1);
  }
  if (v instanceof GoTime) return formatTimeString(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return String(v);
}

// ---------- key order (sorter.go) ----------

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const isLetter = (c: number): boolean =>
  c < 0x80 ? (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a : LETTER.test(String.fromCodePoint(c));
const isDigit = (c: number): boolean =>
  c < 0x80 ? c >= 0x30 && c <= 0x39 : DIGIT.test(String.fromCodePoint(c));

function lessString(a: number[], b: number[]): boolean {
  let digits = false;
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) {
      digits = isDigit(x);
      continue;
    }
    const al = isLetter(x);
    const bl = isLetter(y);
    if (al && bl) return x < y;
    if (al || bl) return digits ? al : bl;
    let an = 0n;
    let bn = 0n;
    if (x === 0x30 || y === 0x30) {
      for (let j = i - 1; j >= 0 && isDigit(a[j]!); j--) {
        if (a[j] !== 0x30) {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < a.length && isDigit(a[ai]!); ai++) an = BigInt.asIntN(64, an * 10n + BigInt(a[ai]! - 0x30));
    let bi = i;
    for (; bi < b.length && isDigit(b[bi]!); bi++) bn = BigInt.asIntN(64, bn * 10n + BigInt(b[bi]! - 0x30));
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return x < y;
  }
  return a.length < b.length;
}

function sortedStringEntries(m: Map<string, GoValue>): [GoValue, GoValue][] {
  const keyed = [...m].map(([k, v]) => ({ k, v, cps: codePoints(k) }));
  keyed.sort((p, q) => (lessString(p.cps, q.cps) ? -1 : lessString(q.cps, p.cps) ? 1 : 0));
  return keyed.map((e) => [e.k, e.v]);
}

/** reflect.Kind numbers, which order keys of different kinds. */
function kindOf(v: GoValue): number {
  if (v === null) return 20; // interface (nil)
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'bigint') return v > INT64_MAX ? 11 : 2;
  if (typeof v === 'number') return 14;
  if (typeof v === 'string') return 24;
  if (v instanceof GoTime) return 25;
  if (Array.isArray(v)) return 23;
  return 21;
}

function keyFloat(v: GoValue): number | undefined {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

function lessAny(a: GoValue, b: GoValue): boolean {
  const af = keyFloat(a);
  const bf = keyFloat(b);
  const ak = kindOf(a);
  const bk = kindOf(b);
  if (af !== undefined && bf !== undefined) {
    if (af !== bf) return af < bf;
    if (ak !== bk) return ak < bk;
    if (typeof a === 'bigint' && typeof b === 'bigint') return a < b;
    if (typeof a === 'boolean' && typeof b === 'boolean') return !a && b;
    return (a as number) < (b as number);
  }
  if (typeof a !== 'string' || typeof b !== 'string') return ak < bk;
  return lessString(codePoints(a), codePoints(b));
}

function sortedAnyEntries(m: GoAnyMap): [GoValue, GoValue][] {
  return [...m.entries].sort(([p], [q]) => (lessAny(p, q) ? -1 : lessAny(q, p) ? 1 : 0));
}

/** yaml.Marshal(v) for the values yaml.v3 decodes (see values.ts). */
export function marshal(v: GoValue): string {
  const e = new Emitter();
  e.node(v, false, false);
  e.writeIndent();
  return e.text();
}
