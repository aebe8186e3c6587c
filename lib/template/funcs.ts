/**
 * The Go hyperfleet-adapter's template function map (pkg/utils/template.go), plus the Sprig
 * helpers adapters commonly reach for (toJson, toYaml, b64enc, b64dec, sha256sum, required).
 * Argument order is Go's, so `{{ .x | replace "a" "b" }}` passes .x as the LAST argument,
 * exactly as in the Go adapter.
 */
import { createHash } from 'node:crypto';
import { FuncError, type TemplateFunc } from './builtins.ts';
import { formatFloat } from './floatfmt.ts';
import { formatValue, PLAIN } from './fmt.ts';
import { goQuote, parseGoFloat, underscoresOK } from './literals.ts';
import { formatGoTime } from './timefmt.ts';
import { GoInt, intOf, isMap, mapKeys, utf8Bytes, utf8Decode } from './values.ts';
import { toYaml } from './yaml.ts';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's int64(float64) conversion as amd64 does it: truncation, out-of-range → MinInt64. */
function truncToInt(f: number): bigint {
  if (!Number.isFinite(f) || f >= 2 ** 63 || f < -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(f));
}

/** strconv.Atoi / ParseInt(s, 10, 64): decimal with optional sign, else 0. */
function atoi(s: string): bigint {
  if (!/^[+-]?[0-9]+$/.test(s)) return 0n;
  const v = BigInt(s);
  if (v < INT64_MIN) return INT64_MIN;
  if (v > INT64_MAX) return INT64_MAX;
  return v;
}

function toInt(v: unknown): bigint {
  const i = intOf(v);
  if (i !== undefined) return i;
  if (typeof v === 'number') return truncToInt(v);
  if (typeof v === 'string') return atoi(v);
  return 0n;
}

/** strconv.ParseFloat(s, 64); 0 on error (±Inf on overflow, as Go returns with ErrRange). */
function parseFloat64(s: string): number {
  const lower = s.toLowerCase();
  const sign = lower.startsWith('-') ? -1 : 1;
  const body = lower.replace(/^[+-]/, '');
  if (body === 'inf' || body === 'infinity') return sign * Infinity;
  if (body === 'nan') return Number.NaN;
  if (/^0x/.test(body)) {
    // Hex floats need a p exponent in strconv.ParseFloat.
    return parseGoFloat(s) ?? 0;
  }
  if (s.includes('_') && !underscoresOK(s)) return 0;
  const clean = s.replace(/_/g, '');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(clean)) return 0;
  return Number(clean);
}

function toFloat(v: unknown): number {
  const i = intOf(v);
  if (i !== undefined) return Number(i);
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return parseFloat64(v);
  return 0;
}

/** Per-rune case mapping, keeping runes whose mapping is not a single rune (Go's unicode.To*). */
function mapRunes(s: string, f: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\u0130') {
      out += f === lowerRune ? 'i' : ch;
      continue;
    }
    const m = f(ch);
    out += [...m].length === 1 ? m : ch;
  }
  return out;
}
const lowerRune = (ch: string): string => ch.toLowerCase();
const upperRune = (ch: string): string => ch.toUpperCase();

const TITLE_WORD = /[\p{L}\p{M}\p{N}\p{Pc}'.:·\u2019]/u;
const MID = /['.:·\u2019]/u;
/**
 * cases.Title(language.English): the first cased letter of each word upper(title)-cased, the
 * rest lower-cased. Words break at characters that are not letters, marks, digits,
 * connector punctuation or mid-word punctuation (apostrophe, period, colon).
 */
function title(s: string): string {
  let out = '';
  let inWord = false;
  let prevMid = false;
  for (const ch of s) {
    const cased = ch.toLowerCase() !== ch.toUpperCase();
    const mid = MID.test(ch);
    if (prevMid && mid) inWord = false;
    if (cased) {
      if (!inWord) {
        const t = ch.toUpperCase();
        out += [...t].length === 1 ? t : ch;
        inWord = true;
      } else out += mapRunes(ch, lowerRune);
    } else {
      out += ch;
      if (!TITLE_WORD.test(ch)) inWord = false;
    }
    prevMid = mid;
  }
  return out;
}

/** unicode.IsSpace, for strings.TrimSpace (a scan, not a regex: no backtracking on long runs). */
function isGoSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

function trimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isGoSpace(s.charCodeAt(a))) a++;
  while (b > a && isGoSpace(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/** encoding/json.Marshal of decoded-JSON data, with Go's HTML-safe escaping. */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return jsonString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof GoInt) return v.value.toString();
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new FuncError(`json: unsupported value: ${formatFloat(v, 'g', -1)}`);
    const abs = Math.abs(v);
    if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
      return formatFloat(v, 'e', -1).replace(/e([+-])0(\d)$/, 'e$1$2');
    }
    return formatFloat(v, 'f', -1);
  }
  if (v instanceof Date) return jsonString(formatGoTime(v, '2006-01-02T15:04:05.999999999Z07:00'));
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (isMap(v))
    return `{${mapKeys(v)
      .map((k) => `${jsonString(k)}:${goJson(v[k])}`)
      .join(',')}}`;
  return 'null';
}

function jsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else if (c >= 0xd800 && c <= 0xdfff) out += '\ufffd';
    else out += ch;
  }
  return out + '"';
}

function b64dec(s: string): string {
  // Go's StdEncoding is strict: padding required, no whitespace other than \r\n skipped.
  const clean = s.replace(/[\r\n]/g, '');
  const bad = clean.search(/[^A-Za-z0-9+/=]/);
  const firstPad = clean.indexOf('=');
  if (bad >= 0) return `illegal base64 data at input byte ${bad}`;
  if (clean.length % 4 !== 0 || (firstPad >= 0 && firstPad < clean.length - 2) || /=[^=]/.test(clean)) {
    const at = firstPad >= 0 ? firstPad : clean.length - (clean.length % 4);
    return `illegal base64 data at input byte ${at}`;
  }
  return utf8Decode(Buffer.from(clean, 'base64'));
}

export const ADAPTER_FUNCS: Record<string, TemplateFunc> = {
  now: { params: [], call: (_a, env) => env.now() },
  date: { params: ['string', 'time'], call: (a) => formatGoTime(a[1] as Date, a[0] as string) },
  dateFormat: { params: ['string', 'time'], call: (a) => formatGoTime(a[1] as Date, a[0] as string) },
  lower: { params: ['string'], call: (a) => mapRunes(a[0] as string, lowerRune) },
  upper: { params: ['string'], call: (a) => mapRunes(a[0] as string, upperRune) },
  title: { params: ['string'], call: (a) => title(a[0] as string) },
  trim: { params: ['string'], call: (a) => trimSpace(a[0] as string) },
  trimPrefix: {
    params: ['string', 'string'],
    call: ([s, p]) => ((s as string).startsWith(p as string) ? (s as string).slice((p as string).length) : s),
  },
  trimSuffix: {
    params: ['string', 'string'],
    call: ([s, p]) =>
      (p as string).length > 0 && (s as string).endsWith(p as string)
        ? (s as string).slice(0, (s as string).length - (p as string).length)
        : s,
  },
  replace: {
    params: ['string', 'string', 'string'],
    call: ([s, o, n]) => replaceAll(s as string, o as string, n as string),
  },
  contains: { params: ['string', 'string'], call: ([s, sub]) => (s as string).includes(sub as string) },
  hasPrefix: { params: ['string', 'string'], call: ([s, p]) => (s as string).startsWith(p as string) },
  hasSuffix: { params: ['string', 'string'], call: ([s, p]) => (s as string).endsWith(p as string) },
  quote: { params: ['string'], call: (a) => goQuote(a[0] as string) },
  default: { params: ['any', 'any'], call: ([d, v]) => (v === null || v === undefined || v === '' ? d : v) },
  int: { params: ['any'], call: (a) => new GoInt(toInt(a[0])) },
  int64: { params: ['any'], call: (a) => toInt(a[0]) },
  float: { params: ['any'], call: (a) => toFloat(a[0]) },
  float64: { params: ['any'], call: (a) => toFloat(a[0]) },
  string: { params: ['any'], call: (a) => formatValue(a[0] === undefined ? null : a[0], 'v', PLAIN, true) },
};

/** strings.ReplaceAll; an empty `old` inserts `new` around every rune, as Go does. */
function replaceAll(s: string, old: string, repl: string): string {
  if (old === '') {
    const runes = [...s];
    return repl + runes.map((r) => r + repl).join('');
  }
  return s.split(old).join(repl);
}

export const HELPER_FUNCS: Record<string, TemplateFunc> = {
  toJson: {
    params: ['any'],
    call: (a) => {
      try {
        return goJson(a[0]);
      } catch {
        return '';
      }
    },
  },
  toYaml: { params: ['any'], call: (a) => toYaml(a[0]) },
  b64enc: { params: ['string'], call: (a) => Buffer.from(utf8Bytes(a[0] as string)).toString('base64') },
  b64dec: { params: ['string'], call: (a) => b64dec(a[0] as string) },
  sha256sum: {
    params: ['string'],
    call: (a) =>
      createHash('sha256')
        .update(a[0] as string, 'utf8')
        .digest('hex'),
  },
  required: {
    params: ['string', 'any'],
    call: ([msg, v]) => {
      if (v === null || v === undefined || v === '') throw new FuncError(msg as string);
      return v;
    },
  },
};
