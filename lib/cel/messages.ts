/**
 * cel-js error text rewritten to cel-go's wording where the two say the same thing, so
 * operators see the messages the Go adapter's documentation and logs use.
 */
const BY_CODE: Record<string, (summary: string) => string> = {
  no_such_key: (s) => s.replace(/^No such key: /, 'no such key: '),
  unknown_variable: (s) => s.replace(/^Unknown variable: (.*)$/, 'no such attribute(s): $1'),
  division_by_zero: () => 'division by zero',
  modulo_by_zero: () => 'modulus by zero',
  numeric_overflow: () => 'integer overflow',
};

export function engineReason(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; summary?: unknown; message?: unknown };
    const summary =
      typeof e.summary === 'string' ? e.summary : typeof e.message === 'string' ? e.message : String(err);
    const rewrite = typeof e.code === 'string' ? BY_CODE[e.code] : undefined;
    return rewrite ? rewrite(summary) : summary;
  }
  return String(err);
}
