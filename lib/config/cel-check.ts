/**
 * checkCel (lib/cel) as the config loader needs it: names CEL cannot spell are left out,
 * results are memoized, and a checker failure becomes a diagnostic instead of an exception.
 */
import { type CelDiagnostic, type CelType, checkCel } from '../cel/index.ts';

/**
 * CEL reserves some words (`namespace`, `package`, ...) that a param may still be named (the
 * e2e cl-maestro config has a `namespace` param): such a name can't be written in CEL, so it is
 * simply not declared. A checker crash becomes a problem, never an exception out of the loader.
 */
const CEL_RESERVED = new Set([
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'in',
  'true',
  'false',
  'null',
]);

export function safeCheckCel(expression: string, declared: Record<string, CelType>): CelDiagnostic[] {
  const usable: Record<string, CelType> = {};
  for (const [name, type] of Object.entries(declared)) if (!CEL_RESERVED.has(name)) usable[name] = type;
  // Checking builds a CEL environment (~0.3 ms); configs repeat the same expression over the
  // same names (every payload condition), and validate-on-every-start should stay cheap.
  const key = `${JSON.stringify(Object.entries(usable).sort())}\u0000${expression}`;
  const cached = CHECK_CACHE.get(key);
  if (cached) return cached;
  let result: CelDiagnostic[];
  try {
    result = checkCel(expression, usable);
  } catch (err) {
    result = [
      { kind: 'type', message: `CEL checker failed: ${err instanceof Error ? err.message : String(err)}` },
    ];
  }
  if (CHECK_CACHE.size >= CHECK_CACHE_MAX) CHECK_CACHE.delete(CHECK_CACHE.keys().next().value!);
  CHECK_CACHE.set(key, result);
  return result;
}

const CHECK_CACHE = new Map<string, CelDiagnostic[]>();
const CHECK_CACHE_MAX = 4096;

/** The engine's message without the (possibly long) expression it repeats. */
export function stripExpression(message: string, expression: string): string {
  return message
    .replace(` in ${JSON.stringify(expression)}`, '')
    .replace(/^CEL (parse|check|eval) error:?\s*/, '');
}
