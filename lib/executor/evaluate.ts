/**
 * Templates and CEL as the executor uses them: compiled once per text (the engines cache),
 * evaluated against the execution state, with the Go adapter's notion of a CEL "match"
 * (a bool is itself; anything else matches unless empty: null, "", or size 0).
 */
import { compileCel } from '../cel/index.ts';
import { compileTemplate } from '../template/index.ts';
import type { ExecutionState } from './state.ts';

export interface Clock {
  now: () => Date;
}

export function render(text: string, state: ExecutionState, clock: Clock): string {
  return compileTemplate(text).render(state.params, { now: clock.now });
}

export type CelOutcome = { ok: true; value: unknown; matched: boolean } | { ok: false; error: Error };

/** Evaluate a CEL expression. A parse error is thrown (the config is wrong); an evaluation error is a value. */
export function evaluateCel(expression: string, vars: Record<string, unknown>, clock: Clock): CelOutcome {
  const text = expression.trim();
  if (text === '') return { ok: true, value: true, matched: true };
  const result = compileCel(text).evaluate(vars, { now: clock.now });
  if (!result.ok) return { ok: false, error: result.error };
  return { ok: true, value: result.value, matched: isMatch(result.value) };
}

function isMatch(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === null || value === undefined || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  if (value instanceof Uint8Array) return value.length > 0;
  if (typeof value === 'object' && !(value instanceof Date)) return Object.keys(value).length > 0;
  return true;
}
