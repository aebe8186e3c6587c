/**
 * A subset of Go's fmt package, enough for text/template output and printf: %v %+v %#v %s
 * %q %d %b %o %O %x %X %c %U %e %E %f %F %g %G %t %T %%, with flags, width, precision,
 * `*` and explicit argument indexes, and Go's error notations (%!d(string=x), MISSING, EXTRA).
 */
import { formatBinaryFloat, formatFloat, formatHexFloat } from './floatfmt.ts';
import { goQuote, isGoPrintable } from './literals.ts';
import { goTimeString } from './timefmt.ts';
import { goTypeName, intOf, isMap, mapKeys, utf8Bytes } from './values.ts';

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  /** %#v: Go syntax. Go moves '#' here for the v verb, so sharp and sharpV never both hold. */
  sharpV: boolean;
  space: boolean;
  zero: boolean;
  width: number | null;
  prec: number | null;
}

const NO_FLAGS: Flags = {
  plus: false,
  minus: false,
  sharp: false,
  sharpV: false,
  space: false,
  zero: false,
  width: null,
  prec: null,
};

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function pad(s: string, f: Flags): string {
  if (f.width === null) return s;
  const n = f.width - runeCount(s);
  if (n <= 0) return s;
  if (f.minus) return s + ' '.repeat(n);
  return (f.zero ? '0' : ' ').repeat(n) + s;
}

/** Pad a signed number: zeros go between the sign and the digits. */
function padNumber(sign: string, digits: string, f: Flags, allowZero: boolean): string {
  if (f.width !== null && f.zero && allowZero && !f.minus) {
    const n = f.width - runeCount(sign) - runeCount(digits);
    return sign + (n > 0 ? '0'.repeat(n) : '') + digits;
  }
  return pad(sign + digits, { ...f, zero: false });
}

function fmtInteger(v: bigint, verb: string, f: Flags): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'd':
    case 'v':
      digits = abs.toString(10);
      break;
    case 'b':
      digits = abs.toString(2);
      if (f.sharp) prefix = '0b';
      break;
    case 'o':
    case 'O':
      digits = abs.toString(8);
      if (verb === 'O') prefix = '0o';
      break;
    case 'x':
      digits = abs.toString(16);
      if (f.sharp) prefix = '0x';
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      if (f.sharp) prefix = '0X';
      break;
    default:
      digits = abs.toString(10);
  }
  if (f.prec !== null && f.prec === 0 && v === 0n) {
    // Precision 0 on a zero value prints only the padding: no digits, no sign, no prefix.
    return pad('', { ...f, zero: false });
  }
  // Go turns zero padding into a digit count, so a 0x/0o prefix comes on top of the width.
  let precision = f.prec;
  if (precision === null && f.zero && !f.minus && f.width !== null) {
    precision = f.width - (neg || f.plus || f.space ? 1 : 0);
  }
  if (precision !== null && digits.length < precision)
    digits = '0'.repeat(precision - digits.length) + digits;
  if ((verb === 'o' || verb === 'O') && f.sharp && !digits.startsWith('0')) digits = `0${digits}`;
  const sign = neg ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  return pad(sign + prefix + digits, { ...f, zero: false });
}

function fmtFloatVerb(x: number, verb: string, f: Flags): string {
  let fmtc: 'e' | 'E' | 'f' | 'F' | 'g' | 'G';
  let prec = f.prec ?? -1;
  switch (verb) {
    case 'v':
      fmtc = 'g';
      break;
    case 'e':
    case 'E':
    case 'f':
    case 'F':
      fmtc = verb;
      if (f.prec === null) prec = 6;
      break;
    default:
      fmtc = verb === 'G' ? 'G' : 'g';
  }
  let num = formatFloat(x, fmtc === 'F' ? 'f' : fmtc, prec);
  if (f.sharp && !num.includes('Inf') && num !== 'NaN') num = sharpFloat(num, fmtc, prec);
  let sign = '';
  if (num.startsWith('-') || num.startsWith('+')) {
    sign = num[0]!;
    num = num.slice(1);
  } else sign = '+';
  if (num === 'Inf' || num === 'NaN') {
    if (num === 'NaN' && !f.space && !f.plus) sign = '';
    else if (sign === '+' && f.space && !f.plus) sign = ' ';
    return pad(sign + num, { ...f, zero: false });
  }
  if (sign === '+' && !f.plus) sign = f.space ? ' ' : '';
  return padNumber(sign, num, f, true);
}

/**
 * The '#' flag on floats, as Go's fmt applies it: always a decimal point, and %g/%x keep
 * trailing zeros up to the precision. Go counts the 'x' of a 0x prefix as a digit; so do we.
 */
function sharpFloat(signed: string, verb: string, prec: number): string {
  const neg = signed.startsWith('-');
  let num = neg ? signed.slice(1) : signed;
  const hex = verb === 'x' || verb === 'X';
  // Go's list is v, g, G and x: %#X keeps no zeros.
  let digits = verb === 'g' || verb === 'G' || verb === 'x' ? (prec < 0 ? 6 : prec) : 0;
  let tail = '';
  let hasPoint = false;
  let sawNonzero = false;
  for (let i = 0; i < num.length; i++) {
    const ch = num[i]!;
    if (ch === '.') {
      hasPoint = true;
      continue;
    }
    if (ch === 'p' || ch === 'P' || (!hex && (ch === 'e' || ch === 'E'))) {
      tail = num.slice(i);
      num = num.slice(0, i);
      break;
    }
    if (ch !== '0') sawNonzero = true;
    if (sawNonzero) digits--;
  }
  if (!hasPoint) {
    if (num === '0') digits--;
    num += '.';
  }
  if (digits > 0) num += '0'.repeat(digits);
  return (neg ? '-' : '') + num + tail;
}

function fmtString(s: string, verb: string, f: Flags): string {
  let str = s;
  if (f.prec !== null && (verb === 's' || verb === 'v' || verb === 'q')) {
    str = [...str].slice(0, f.prec).join('');
  }
  switch (verb) {
    case 'q':
      if (f.sharp && !/[`\r\n\u0000-\u0008\u000b-\u001f\u007f\ufeff]/.test(str) && !str.includes('`')) {
        return pad('`' + str + '`', f);
      }
      return pad(f.plus ? goQuoteASCII(str) : goQuote(str), f);
    case 'x':
    case 'X': {
      let bytes = utf8Bytes(str);
      if (f.prec !== null) bytes = bytes.slice(0, f.prec);
      if (bytes.length === 0) return pad('', f);
      const parts = [...bytes].map((b) => {
        const h = b.toString(16).padStart(2, '0');
        return verb === 'X' ? h.toUpperCase() : h;
      });
      const pre = f.sharp ? (verb === 'X' ? '0X' : '0x') : '';
      const body = f.space ? parts.map((p) => pre + p).join(' ') : pre + parts.join('');
      return pad(body, f);
    }
    default:
      return pad(str, f);
  }
}

function goQuoteASCII(s: string): string {
  return toASCII(goQuote(s));
}

/** Escape the non-ASCII runes of an already quoted literal (the '+' flag of %q). */
function toASCII(q: string): string {
  let out = '';
  for (const ch of q) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out += ch;
    else if (c <= 0xffff) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return out;
}

/** %!verb(type=value); Go prints the value with the flags, width and precision still set. */
function badVerb(verb: string, v: unknown, top: boolean, f: Flags = NO_FLAGS): string {
  if (v === undefined || (v === null && top)) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${formatValue(v, 'v', f, false)})`;
}

/** Format one value under a verb, the way fmt's printArg/printValue do. */
export function formatValue(v: unknown, verb: string, f: Flags, top: boolean): string {
  if (verb === 'T') return v === null || v === undefined ? pad('<nil>', f) : fmtString(goTypeName(v), 's', f);
  if (v === undefined || v === null) {
    if (!top) return '<nil>';
    if (verb === 'v') return pad('<nil>', f);
    return badVerb(verb, v, top, f);
  }
  if (typeof v === 'boolean') {
    if (verb === 't' || verb === 'v') return pad(v ? 'true' : 'false', f);
    return badVerb(verb, v, top, f);
  }
  const iv = intOf(v);
  if (iv !== undefined) {
    switch (verb) {
      case 'v':
      case 'd':
      case 'b':
      case 'o':
      case 'O':
      case 'x':
      case 'X':
        return fmtInteger(iv, verb, f);
      case 'c':
        return pad(runeString(iv), f);
      case 'q':
        return pad(f.plus ? toASCII(quoteRune(iv)) : quoteRune(iv), f);
      case 'U': {
        // Go formats %U of a negative int64 as its uint64 bit pattern.
        const u = iv < 0n ? iv + 2n ** 64n : iv;
        const width = f.prec !== null && f.prec > 4 ? f.prec : 4;
        let s = `U+${u.toString(16).toUpperCase().padStart(width, '0')}`;
        if (f.sharp && u <= 0x10ffffn && isGoPrintable(Number(u))) s += ` '${runeString(iv)}'`;
        return pad(s, { ...f, zero: false });
      }
      default:
        return badVerb(verb, v, top, f);
    }
  }
  if (typeof v === 'number') {
    switch (verb) {
      case 'v':
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G':
        return fmtFloatVerb(v, verb, f);
      case 'x':
      case 'X':
      case 'b': {
        let h = verb === 'b' ? formatBinaryFloat(v) : formatHexFloat(v, verb === 'X', f.prec ?? -1);
        if (f.sharp && verb !== 'b' && Number.isFinite(v)) h = sharpFloat(h, verb, f.prec ?? -1);
        if (!Number.isFinite(v)) return fmtFloatVerb(v, 'g', f);
        const sign = h.startsWith('-') ? '-' : f.plus ? '+' : f.space ? ' ' : '';
        return padNumber(sign, h.replace(/^-/, ''), f, true);
      }
      default:
        return badVerb(verb, v, top, f);
    }
  }
  if (typeof v === 'string') {
    switch (verb) {
      case 'v':
        if (f.sharpV) return pad(goQuote(f.prec === null ? v : [...v].slice(0, f.prec).join('')), f);
        return fmtString(v, 's', f);
      case 's':
      case 'q':
      case 'x':
      case 'X':
        return fmtString(v, verb, f);
      default:
        return badVerb(verb, v, top, f);
    }
  }
  if (v instanceof Date) {
    if (verb === 'v' || verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') {
      return fmtString(goTimeString(v), verb === 'v' ? 's' : verb, f);
    }
    return badVerb(verb, v, top, f);
  }
  if (Array.isArray(v)) {
    if (verb === 'v' && f.sharpV) return `[]interface {}{${v.map((e) => sharpV(e, f)).join(', ')}}`;
    return `[${v.map((e) => formatValue(e, verb, f, false)).join(' ')}]`;
  }
  if (isMap(v)) {
    if (verb === 'v' && f.sharpV) {
      return `map[string]interface {}{${mapKeys(v)
        .map((k) => `${sharpV(k, f)}:${sharpV(v[k], f)}`)
        .join(', ')}}`;
    }
    return `map[${mapKeys(v)
      .map((k) => `${formatValue(k, verb, f, false)}:${formatValue(v[k], verb, f, false)}`)
      .join(' ')}]`;
  }
  return pad(String(v), f);
}

/** %#v inside an interface{} container: Go syntax with types for non-basic values. */
function sharpV(v: unknown, f: Flags): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  return formatValue(v, 'v', f, false);
}

function runeString(v: bigint): string {
  const n = Number(v);
  if (n < 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(n);
}

function quoteRune(v: bigint): string {
  const s = runeString(v);
  if (s === "'") return "'\\''";
  if (s === '"') return `'"'`;
  const q = goQuote(s);
  return `'${q.slice(1, -1)}'`;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  let prevString = false;
  args.forEach((a, i) => {
    const isString = typeof a === 'string';
    if (i > 0 && !isString && !prevString) out += ' ';
    out += formatValue(a, 'v', NO_FLAGS, true);
    prevString = isString;
  });
  return out;
}

/** fmt.Sprintln: always spaces, newline at the end. */
export function sprintln(args: unknown[]): string {
  return args.map((a) => formatValue(a, 'v', NO_FLAGS, true)).join(' ') + '\n';
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  let goodArgNum = true;
  const end = format.length;
  let i = 0;
  const parseArgIndex = (): void => {
    // [n] explicit argument index. Without a closing bracket Go skips just the '['.
    if (format[i] !== '[') return;
    reordered = true;
    const close = format.indexOf(']', i);
    if (close < 0 || end - i < 3) {
      goodArgNum = false;
      i += 1;
      return;
    }
    const digits = format.slice(i + 1, close);
    i = close + 1;
    const n = /^[0-9]+$/.test(digits) && digits.length < 8 ? Number(digits) : Number.NaN;
    if (!(n >= 1 && n <= args.length)) {
      goodArgNum = false;
      return;
    }
    argNum = n - 1;
  };
  // Go gives up on a width or precision past a million: the rest of the format is dropped.
  const readNum = (): number | null => {
    const start = i;
    let num = 0;
    while (i < end && format[i]! >= '0' && format[i]! <= '9') {
      if (num > 1e6) {
        i = end;
        return null;
      }
      num = num * 10 + (format.charCodeAt(i) - 48);
      i++;
    }
    return i > start ? num : null;
  };
  const tooLarge = (n: bigint): boolean => n > 1_000_000n || n < -1_000_000n;
  while (i < end) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f: Flags = { ...NO_FLAGS };
    goodArgNum = true;
    flags: for (; i < end; i++) {
      switch (format[i]) {
        case '#':
          f.sharp = true;
          break;
        case '0':
          f.zero = true;
          break;
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          break;
        case ' ':
          f.space = true;
          break;
        default:
          break flags;
      }
    }
    parseArgIndex();
    if (format[i] === '*') {
      i++;
      const a = args[argNum];
      const w = argNum < args.length ? intOf(a) : undefined;
      argNum++;
      if (w === undefined || tooLarge(w)) out += '%!(BADWIDTH)';
      else {
        f.width = Number(w);
        if (f.width < 0) {
          f.minus = true;
          f.width = -f.width;
        }
      }
    } else {
      f.width = readNum();
    }
    if (format[i] === '.') {
      i++;
      parseArgIndex();
      if (format[i] === '*') {
        i++;
        const p = argNum < args.length ? intOf(args[argNum]) : undefined;
        argNum++;
        if (p === undefined || p < 0n || tooLarge(p)) {
          out += '%!(BADPREC)';
          f.prec = null;
        } else f.prec = Number(p);
      } else f.prec = readNum() ?? 0;
    }
    if (f.minus) f.zero = false;
    parseArgIndex();
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === 'v') {
      // Go: '#' means Go syntax and '+' field names for v; neither is a numeric flag then.
      f.sharpV = f.sharp;
      f.sharp = false;
      f.plus = false;
    }
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (!goodArgNum) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argNum++];
    if (verb === 'w') {
      out += badVerb(verb, arg, true, f);
      continue;
    }
    out += formatValue(arg, verb, f, true);
  }
  if (!reordered && argNum < args.length) {
    out += `%!(EXTRA ${args
      .slice(argNum)
      .map((a) =>
        a === null || a === undefined ? '<nil>' : `${goTypeName(a)}=${formatValue(a, 'v', NO_FLAGS, true)}`,
      )
      .join(', ')})`;
  }
  return out;
}

export const PLAIN: Flags = NO_FLAGS;
export type { Flags };
