/**
 * Go literal syntax: strconv.Quote/Unquote, strconv.IsPrint, and the integer and float
 * parsing rules (base prefixes, digit-separating underscores) the template parser and the
 * adapter's int/float functions rely on.
 */

/** Go's %q for a string (strconv.Quote): printable runes kept, others escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (c) {
      case 0x22:
        out += '\\"';
        continue;
      case 0x5c:
        out += '\\\\';
        continue;
      case 0x07:
        out += '\\a';
        continue;
      case 0x08:
        out += '\\b';
        continue;
      case 0x0c:
        out += '\\f';
        continue;
      case 0x0a:
        out += '\\n';
        continue;
      case 0x0d:
        out += '\\r';
        continue;
      case 0x09:
        out += '\\t';
        continue;
      case 0x0b:
        out += '\\v';
        continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      out += '\\ufffd';
    } else if (isGoPrintable(c)) {
      out += ch;
    } else if (c < 0x80) {
      out += `\\x${c.toString(16).padStart(2, '0')}`;
    } else if (c <= 0xffff) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else {
      out += `\\U${c.toString(16).padStart(8, '0')}`;
    }
  }
  return out + '"';
}

const GRAPHIC = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
/** strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isGoPrintable(c: number): boolean {
  if (c >= 0x20 && c < 0x7f) return true;
  if (c < 0xa1) return false;
  if (c === 0xad) return false;
  return GRAPHIC.test(String.fromCodePoint(c));
}

function stripUnderscores(body: string, digits: RegExp): string | null {
  // Go allows '_' only between digits (or after the base prefix).
  if (/__/.test(body) || body.endsWith('_')) return null;
  const clean = body.replace(/_/g, '');
  return digits.test(clean) ? clean : null;
}

/** strconv.ParseInt(text, 0, 64)-style parse without the range check; null when not an integer. */
export function parseGoInt(text: string): bigint | null {
  let s = text;
  let neg = false;
  if (s.startsWith('+') || s.startsWith('-')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  let v: string | null;
  let prefix = '';
  if (/^0[xX]/.test(s)) {
    prefix = '0x';
    v = stripUnderscores(s.slice(2).replace(/^_/, ''), /^[0-9a-fA-F]+$/);
  } else if (/^0[oO]/.test(s)) {
    prefix = '0o';
    v = stripUnderscores(s.slice(2).replace(/^_/, ''), /^[0-7]+$/);
  } else if (/^0[bB]/.test(s)) {
    prefix = '0b';
    v = stripUnderscores(s.slice(2).replace(/^_/, ''), /^[01]+$/);
  } else if (/^0[0-7_]+$/.test(s)) {
    prefix = '0o';
    v = stripUnderscores(s.slice(1), /^[0-7]+$/);
  } else {
    if (s.startsWith('_')) return null;
    v = stripUnderscores(s, /^[0-9]+$/);
  }
  if (v === null) return null;
  const b = BigInt(prefix + v);
  return neg ? -b : b;
}

/** strconv's underscoreOK: '_' only between digits (a base prefix counts as a digit). */
export function underscoresOK(text: string): boolean {
  let s = text;
  if (s.startsWith('+') || s.startsWith('-')) s = s.slice(1);
  let saw = '^';
  let i = 0;
  const hex = /^0[xX]/.test(s);
  if (/^0[xXbBoO]/.test(s)) {
    i = 2;
    saw = '0';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

export function parseGoFloat(text: string): number | null {
  if (text.includes('_') && !underscoresOK(text)) return null;
  const s = text.replace(/_/g, '');
  if (/^[+-]?0[xX]/.test(s)) {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(s);
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
    const mant = parseInt((m[2] || '0') + (m[3] ?? ''), 16) / 16 ** (m[3] ?? '').length;
    const v = mant * 2 ** Number(m[4]);
    return m[1] === '-' ? -v : v;
  }
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  const v = Number(s);
  // strconv.ParseFloat reports overflow as an error, which the parser treats as bad syntax.
  return Number.isFinite(v) ? v : null;
}

const SIMPLE_ESC: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/** One escape or rune at s[i]; returns [codepoint, nextIndex] or null on bad syntax. */
function unquoteOne(s: string, i: number, quote: string): [number, number] | null {
  const c = s[i];
  if (c === undefined) return null;
  if (c !== '\\') {
    if (c === quote || c === '\n') return null;
    const cp = s.codePointAt(i)!;
    return [cp, i + (cp > 0xffff ? 2 : 1)];
  }
  const e = s[i + 1];
  if (e === undefined) return null;
  const simple = SIMPLE_ESC[e];
  if (simple !== undefined) return [simple.charCodeAt(0), i + 2];
  if (e === quote && (quote === '"' || quote === "'")) return [quote.charCodeAt(0), i + 2];
  const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  if (hexLen > 0) {
    const h = s.slice(i + 2, i + 2 + hexLen);
    if (h.length !== hexLen || !/^[0-9a-fA-F]+$/.test(h)) return null;
    const v = parseInt(h, 16);
    if (e !== 'x' && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))) return null;
    return [v, i + 2 + hexLen];
  }
  if (e >= '0' && e <= '7') {
    const o = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(o)) return null;
    const v = parseInt(o, 8);
    if (v > 255) return null;
    return [v, i + 4];
  }
  return null;
}

/** strconv.Unquote for "..." and `...`; null on invalid syntax. */
export function goUnquote(q: string): string | null {
  if (q.length < 2) return null;
  const quote = q[0]!;
  if (q[q.length - 1] !== quote) return null;
  const body = q.slice(1, -1);
  if (quote === '`') {
    if (body.includes('`')) return null;
    return body.replace(/\r/g, '');
  }
  if (quote !== '"') return null;
  let out = '';
  let i = 0;
  while (i < body.length) {
    const r = unquoteOne(body, i, '"');
    if (r === null) return null;
    out += String.fromCodePoint(r[0]);
    i = r[1];
  }
  return out;
}

/** strconv.UnquoteChar on a 'x' constant: null = invalid syntax, 'malformed' = trailing text. */
export function goUnquoteChar(q: string): number | null | 'malformed' {
  const r = unquoteOne(q, 1, "'");
  if (r === null) return null;
  if (q.slice(r[1]) !== "'") return 'malformed';
  return r[0];
}
