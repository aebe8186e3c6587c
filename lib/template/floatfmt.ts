/**
 * Go's float formatting (strconv.FormatFloat as used by fmt). Digits come from the exact
 * binary value, rounded half-to-even like Go, so `%.1f` of 0.25 is "0.2" as in Go (JS's
 * toFixed would say "0.3").
 */

interface Digits {
  /** Significant decimal digits, no leading or trailing zeros ("" for zero). */
  d: string;
  /** Decimal point position: value = 0.d × 10^dp. */
  dp: number;
}

const view = new DataView(new ArrayBuffer(8));

/** Exact decimal expansion of a finite non-negative double. */
function exactDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e: number;
  if (biased === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = biased - 1075;
  }
  let s: string;
  let dp: number;
  if (e >= 0) {
    s = (mant << BigInt(e)).toString();
    dp = s.length;
  } else {
    s = (mant * 5n ** BigInt(-e)).toString();
    dp = s.length + e;
  }
  return trim({ d: s, dp });
}

function trim(g: Digits): Digits {
  let d = g.d.replace(/0+$/, '');
  let dp = g.dp;
  const lead = d.length - d.replace(/^0+/, '').length;
  d = d.slice(lead);
  dp -= lead;
  if (d === '') dp = 0;
  return { d, dp };
}

/** Shortest digits that round-trip (what Go uses for precision -1). */
function shortestDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const [mant, exp] = x.toExponential().split('e') as [string, string];
  return trim({ d: mant.replace('.', ''), dp: Number(exp) + 1 });
}

/** Round to nd significant digits, half to even on the exact value. */
function roundTo(g: Digits, nd: number): Digits {
  if (nd < 0) return { d: '', dp: 0 };
  if (g.d.length <= nd) return g;
  const next = g.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else if (nd + 1 < g.d.length) up = true;
  else up = nd > 0 && (g.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  let d = g.d.slice(0, nd);
  let dp = g.dp;
  if (up) {
    const arr = d.split('').map(Number);
    let i = arr.length - 1;
    while (i >= 0 && arr[i] === 9) {
      arr[i] = 0;
      i--;
    }
    if (i < 0) {
      arr.unshift(1);
      dp++;
    } else arr[i]!++;
    d = arr.join('');
  }
  return trim({ d, dp });
}

function fmtE(g: Digits, prec: number, e: 'e' | 'E'): string {
  let s = g.d.length === 0 ? '0' : g.d[0]!;
  if (prec > 0) {
    s += '.';
    const rest = g.d.slice(1, 1 + prec);
    s += rest + '0'.repeat(prec - rest.length);
  }
  const exp = g.d.length === 0 ? 0 : g.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  const abs = Math.abs(exp);
  return `${s}${e}${sign}${abs < 10 ? '0' : ''}${abs}`;
}

function fmtF(g: Digits, prec: number): string {
  let s: string;
  if (g.dp > 0) {
    const intDigits = g.d.slice(0, g.dp);
    s = intDigits + '0'.repeat(g.dp - intDigits.length);
  } else s = '0';
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) {
      const j = g.dp + i - 1;
      s += j >= 0 && j < g.d.length ? g.d[j] : '0';
    }
  }
  return s;
}

/**
 * strconv.FormatFloat(x, fmt, prec, 64) for fmt in e E f F g G; prec -1 = shortest.
 * Returns the text with a leading '-' for negatives (and "-0" for negative zero).
 */
export function formatFloat(x: number, fmt: 'e' | 'E' | 'f' | 'F' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const abs = Math.abs(x);
  const shortest = prec < 0;
  let g: Digits;
  let p = prec;
  if (shortest) {
    g = shortestDigits(abs);
    if (fmt === 'e' || fmt === 'E') p = Math.max(g.d.length - 1, 0);
    else if (fmt === 'f' || fmt === 'F') p = Math.max(g.d.length - g.dp, 0);
    else p = g.d.length;
  } else {
    const exact = exactDigits(abs);
    if (fmt === 'e' || fmt === 'E') g = roundTo(exact, p + 1);
    else if (fmt === 'f' || fmt === 'F') g = roundTo(exact, exact.dp + p);
    else {
      if (p === 0) p = 1;
      g = roundTo(exact, p);
    }
  }
  let body: string;
  if (fmt === 'e' || fmt === 'E') body = fmtE(g, p, fmt);
  else if (fmt === 'f' || fmt === 'F') body = fmtF(g, p);
  else {
    let eprec = p;
    if (eprec > g.d.length && g.d.length >= g.dp) eprec = g.d.length;
    if (shortest) eprec = 6;
    const exp = g.dp - 1;
    if (g.d.length > 0 && (exp < -4 || exp >= eprec)) {
      body = fmtE(g, Math.min(p, g.d.length) - 1, fmt === 'g' ? 'e' : 'E');
    } else {
      if (p > g.dp) p = g.d.length;
      body = fmtF(g, Math.max(p - g.dp, 0));
    }
  }
  return neg ? `-${body}` : body;
}

/** strconv 'b' format: decimal mantissa and binary exponent, 4503599627370496p-52. */
export function formatBinaryFloat(x: number): string {
  const neg = x < 0 || Object.is(x, -0);
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e = -1074;
  if (biased !== 0) {
    mant |= 1n << 52n;
    e = biased - 1075;
  }
  return `${neg ? '-' : ''}${mant}p${e >= 0 ? '+' : ''}${e}`;
}

/** strconv 'x' format: 0x1.8p+01; prec -1 = shortest, else that many hex digits, rounded half-even. */
export function formatHexFloat(x: number, upper: boolean, prec = -1): string {
  const neg = x < 0 || Object.is(x, -0);
  let out: string;
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (x === 0) {
    exp = 0;
    mant = 0n;
  } else if (exp === 0) {
    // Subnormal: normalise so the leading digit is 1.
    exp = 1;
    while ((mant & (1n << 52n)) === 0n) {
      mant <<= 1n;
      exp--;
    }
    mant &= (1n << 52n) - 1n;
  }
  let e = x === 0 ? 0 : exp - 1023;
  let lead = x === 0 ? 0n : 1n;
  let frac = mant;
  let nd = 13;
  if (prec >= 0 && prec < 13) {
    const shift = BigInt(52 - 4 * prec);
    const q = frac >> shift;
    const rem = frac & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    let r = q;
    // Half to even, judged on the last kept digit (the leading 1 when no digits are kept).
    const odd = prec === 0 ? (lead & 1n) === 1n : (q & 1n) === 1n;
    if (rem > half || (rem === half && odd)) r = q + 1n;
    if (r >> BigInt(4 * prec) !== 0n) {
      // Carry into the leading digit: 0x1.ffp0 rounds to 0x1p+01.
      r = 0n;
      lead += 1n;
      if (lead === 2n) {
        lead = 1n;
        e++;
      }
    }
    frac = r;
    nd = prec;
  }
  let digits = nd === 0 ? '' : frac.toString(16).padStart(nd, '0');
  if (prec < 0) digits = digits.replace(/0+$/, '');
  else if (prec > 13) digits = digits + '0'.repeat(prec - 13);
  const es = Math.abs(e) < 10 ? `0${Math.abs(e)}` : `${Math.abs(e)}`;
  out = `0x${lead}${digits ? `.${digits}` : ''}p${e < 0 ? '-' : '+'}${es}`;
  if (upper) out = out.toUpperCase();
  return neg ? `-${out}` : out;
}
