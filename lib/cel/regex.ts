import { createRequire } from 'node:module';
import type { RE2JS as RE2JSClass } from 're2js';

/**
 * CEL's `matches` as cel-go runs it: Go's regexp (RE2 syntax, leftmost-first, an unanchored
 * search, `.` is one code point, no lookaround or backreferences, linear time). re2js is a
 * port of RE2/J, itself a port of Go's regexp, so it accepts and refuses the same patterns
 * with the same messages (`error parsing regexp: missing closing ): `(``). A translation to
 * JS RegExp would match faster but backtrack (exponential on hostile patterns) and need its
 * own model of every RE2 construct JS lacks or reads differently.
 */

// Loaded on the first regular expression: configs without one do not pay its start-up cost.
let engine: typeof RE2JSClass | undefined;
function re2(): typeof RE2JSClass {
  engine ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JSClass }).RE2JS;
  return engine;
}

interface Compiled {
  matcher(input: string): { find(): boolean };
}

const CACHE_LIMIT = 500;
const cache = new Map<string, Compiled | Error>();

export class RegexSyntaxError extends Error {}

function compile(pattern: string): Compiled {
  let hit = cache.get(pattern);
  if (hit === undefined) {
    try {
      hit = re2().compile(pattern);
    } catch (err) {
      hit = new RegexSyntaxError(err instanceof Error ? err.message : String(err));
    }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(pattern, hit);
  }
  if (hit instanceof Error) throw hit;
  return hit;
}

/** Whether `pattern` matches anywhere in `input` (Go's regexp.MatchString); throws RegexSyntaxError. */
export function regexMatches(input: string, pattern: string): boolean {
  return compile(pattern).matcher(input).find();
}
