/**
 * How gopkg.in/yaml.v3 (v3.0.1, resolve.go) reads a plain scalar: the tag it resolves to and
 * the Go value. Unlike YAML 1.2's core schema it takes `0644` as octal 420, `1_000` as 1000,
 * `0b101` as 5, `08` as the float 8, a date as a time.Time, and only true/false (any case of
 * the three spellings) as booleans: `yes`, `on`, `y` stay strings.
 */
import { GoTime, type GoValue, INT64_MAX } from './values.ts';

export type ShortTag =
  | '!!null'
  | '!!bool'
  | '!!str'
  | '!!int'
  | '!!float'
  | '!!timestamp'
  | '!!merge'
  | string;

export class YamlGoError extends Error {}

const SPECIAL: ReadonlyMap<string, [ShortTag, GoValue]> = new Map<string, [ShortTag, GoValue]>([
  ...['true', 'True', 'TRUE'].map((s) => [s, ['!!bool', true]] as [string, [ShortTag, GoValue]]),
  ...['false', 'False', 'FALSE'].map((s) => [s, ['!!bool', false]] as [string, [ShortTag, GoValue]]),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, ['!!null', null]] as [string, [ShortTag, GoValue]]),
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, ['!!float', Number.NaN]] as [string, [ShortTag, GoValue]]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map(
    (s) => [s, ['!!float', Number.POSITIVE_INFINITY]] as [string, [ShortTag, GoValue]],
  ),
  ...['-.inf', '-.Inf', '-.INF'].map(
    (s) => [s, ['!!float', Number.NEGATIVE_INFINITY]] as [string, [ShortTag, GoValue]],
  ),
  ['<<', ['!!merge', '<<']],
]);

const LONG_PREFIX = 'tag:yaml.org,2002:';

export function shortTag(tag: string | undefined): string {
  if (!tag) return '';
  return tag.startsWith(LONG_PREFIX) ? `!!${tag.slice(LONG_PREFIX.length)}` : tag;
}

const RESOLVABLE = new Set(['', '!!str', '!!bool', '!!int', '!!float', '!!null', '!!timestamp']);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** resolve(tag, in): throws YamlGoError where yaml.v3 fails ("cannot decode ..."). */
export function resolve(tagIn: string, text: string): [ShortTag, GoValue] {
  const tag = shortTag(tagIn);
  if (!RESOLVABLE.has(tag)) return [tag, text];
  const [rtag, out] = resolveUntyped(tag, text);
  if (tag === '' || tag === rtag || tag === '!!str' || tag === '!!binary') return [rtag, out];
  if (tag === '!!float' && rtag === '!!int' && typeof out === 'bigint') return ['!!float', Number(out)];
  throw new YamlGoError(`cannot decode ${rtag} \`${text}\` as a ${tag}`);
}

function resolveUntyped(tag: string, text: string): [ShortTag, GoValue] {
  if (tag === '!!str' || tag === '!!binary') return ['!!str', text];
  const c = text === '' ? 'N' : text[0]!;
  const hint =
    c === '+' || c === '-'
      ? 'S'
      : c >= '0' && c <= '9'
        ? 'D'
        : 'yYnNtTfFoO~'.includes(c)
          ? 'M'
          : c === '.'
            ? '.'
            : '';
  if (hint === '') return ['!!str', text];
  const special = SPECIAL.get(text);
  if (special) return special;
  if (hint === '.') {
    const f = parseGoFloat(text);
    if (f !== undefined) return ['!!float', f];
    return ['!!str', text];
  }
  if (hint === 'D' || hint === 'S') {
    if (tag === '' || tag === '!!timestamp') {
      const t = parseTimestamp(text);
      if (t) return ['!!timestamp', t];
    }
    const plain = text.replaceAll('_', '');
    const i = parseGoInt(plain, true);
    if (i !== undefined && i >= -(1n << 63n) && i <= INT64_MAX) return ['!!int', i];
    const u = parseGoInt(plain, false);
    if (u !== undefined && u >= 0n && u < 1n << 64n) return ['!!int', u];
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = parseGoFloat(plain);
      if (f !== undefined) return ['!!float', f];
    }
    // yaml.v3 goes on to 0b/0o prefixes itself; ParseInt with base 0 has taken them already.
  }
  return ['!!str', text];
}

/** strconv.ParseInt/ParseUint with base 0 (no underscores left): sign only when signed. */
function parseGoInt(s: string, signed: boolean): bigint | undefined {
  let body = s;
  let negative = false;
  if (body[0] === '+' || body[0] === '-') {
    if (!signed) return undefined;
    negative = body[0] === '-';
    body = body.slice(1);
  }
  const p = body.slice(0, 2).toLowerCase();
  let base = 10;
  let digits = body;
  if (p === '0x' || p === '0o' || p === '0b') {
    base = p === '0x' ? 16 : p === '0o' ? 8 : 2;
    digits = body.slice(2);
  } else if (body.length > 1 && body[0] === '0') {
    base = 8;
    digits = body.slice(1);
  }
  const valid = base === 16 ? /^[0-9a-f]+$/i : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return undefined;
  const n = BigInt(base === 10 ? digits : `0${base === 16 ? 'x' : base === 8 ? 'o' : 'b'}${digits}`);
  return negative ? -n : n;
}

/** strconv.ParseFloat on a decimal literal: undefined where Go reports an error (bad syntax, overflow). */
function parseGoFloat(s: string): number | undefined {
  if (s.includes('_')) {
    if (!/^[-+]?(\d+(_\d+)*)?(\.(\d+(_\d+)*)?)?([eE][-+]?\d+(_\d+)*)?$/.test(s)) return undefined;
    s = s.replaceAll('_', '');
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return undefined;
  const f = Number(s);
  return Number.isFinite(f) ? f : undefined;
}

// ---------- timestamps (resolve.go parseTimestamp with time.Parse) ----------

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The layouts yaml.v3 tries, in order: date-time with T, t or space, and date only. */
export function parseTimestamp(s: string): GoTime | undefined {
  if (!/^\d{4}-/.test(s)) return undefined;
  for (const sep of ['T', 't', ' ', '']) {
    const t = parseLayout(s, sep);
    if (t) return t;
  }
  return undefined;
}

function parseLayout(s: string, sep: string): GoTime | undefined {
  let rest = s.slice(5);
  const year = Number(s.slice(0, 4));
  const num = (): number | undefined => {
    const m = /^\d\d?/.exec(rest);
    if (!m) return undefined;
    rest = rest.slice(m[0].length);
    return Number(m[0]);
  };
  const lit = (text: string): boolean => {
    if (!rest.startsWith(text)) return false;
    rest = rest.slice(text.length);
    return true;
  };
  const month = num();
  if (month === undefined || !lit('-')) return undefined;
  if (month < 1 || month > 12) return undefined;
  const day = num();
  if (day === undefined) return undefined;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nanos = 0;
  let offset = 0;
  let zone = 'UTC';
  if (sep !== '') {
    if (!lit(sep)) return undefined;
    const h = num();
    if (h === undefined || h >= 24 || !lit(':')) return undefined;
    const mi = num();
    if (mi === undefined || mi >= 60 || !lit(':')) return undefined;
    const se = num();
    if (se === undefined || se >= 60) return undefined;
    [hour, minute, second] = [h, mi, se];
    const frac = /^[.,](\d+)/.exec(rest);
    if (frac) {
      nanos = Number(frac[1]!.slice(0, 9).padEnd(9, '0'));
      rest = rest.slice(frac[0].length);
    }
    if (sep !== ' ') {
      if (lit('Z')) {
        // UTC
      } else {
        const z = /^([+-])(\d\d):(\d\d)/.exec(rest);
        if (!z) return undefined;
        const hh = Number(z[2]);
        const mm = Number(z[3]);
        if (hh > 24 || mm > 60) return undefined;
        offset = (z[1] === '-' ? -1 : 1) * (hh * 60 + mm);
        // A zero offset is the local zone (UTC where the adapter runs): printed as UTC.
        zone = offset === 0 ? 'UTC' : '';
        rest = rest.slice(z[0].length);
      }
    }
  }
  if (rest !== '') return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS[month - 1]!;
  if (day < 1 || day > days) return undefined;
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  at.setUTCHours(hour, minute, second, 0);
  const ms = at.getTime() - offset * 60_000;
  return new GoTime(BigInt(Math.floor(ms / 1000)), nanos, offset, zone);
}
