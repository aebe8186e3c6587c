/**
 * Phase 2: preconditions, in order, stopping at the first that is not met or fails. A
 * precondition may call the API (its JSON answer is stored under the precondition's name and
 * fields are captured from it), then checks structured conditions or a CEL expression.
 */
import type { Precondition, TaskConfig } from '../config/schema.ts';
import type { Logger } from '../observability/logger.ts';
import { executeApiCall, parseJsonObject } from './api-call.ts';
import { type ConditionOutcome, evaluateCondition } from './conditions.ts';
import { evaluateCel } from './evaluate.ts';
import { extractField } from './jsonpath.ts';
import type { ParamDeps } from './params.ts';
import { logAction } from './post.ts';
import type { ExecutionState } from './state.ts';
import { StepError } from './step-error.ts';

export interface PreconditionResult {
  name: string;
  matched: boolean;
  apiCallMade: boolean;
  captured: Record<string, unknown>;
  conditions?: ConditionOutcome[];
  expression?: { text: string; value: unknown; error?: string };
  error?: string;
}

export interface PreconditionsOutcome {
  results: PreconditionResult[];
  allMatched: boolean;
  notMetReason?: string;
  error?: Error;
}

export async function runPreconditions(
  task: TaskConfig,
  state: ExecutionState,
  deps: ParamDeps & { log: Logger },
): Promise<PreconditionsOutcome> {
  const results: PreconditionResult[] = [];
  for (const pre of task.preconditions) {
    const result: PreconditionResult = { name: pre.name, matched: false, apiCallMade: false, captured: {} };
    results.push(result);
    try {
      await runOne(pre, result, state, deps);
    } catch (err) {
      const error = err as Error;
      result.error = error.message;
      state.adapter.executionError = { phase: 'preconditions', step: pre.name, message: error.message };
      return {
        results,
        allMatched: false,
        error: err instanceof StepError ? err : new StepError('preconditions', pre.name, error.message, err),
      };
    }
    if (!result.matched) {
      return {
        results,
        allMatched: false,
        notMetReason: `precondition '${pre.name}' not met: ${details(result)}`,
      };
    }
    deps.log.info({ precondition: pre.name }, `Precondition[${pre.name}] evaluated: MET`);
  }
  return { results, allMatched: true };
}

async function runOne(
  pre: Precondition,
  result: PreconditionResult,
  state: ExecutionState,
  deps: ParamDeps & { log: Logger },
): Promise<void> {
  if (pre.log) logAction(pre.log, state, deps);
  if (pre.api_call) {
    const resp = await executeApiCall(pre.api_call, state, deps);
    result.apiCallMade = true;
    const data = parseJsonObject(resp.body, `precondition "${pre.name}"`);
    state.params[pre.name] = data;
    // Captures see the answer's fields at top level and the answer under the precondition's name.
    const captureVars = { ...data, [pre.name]: data };
    for (const cap of pre.capture) {
      let value: unknown;
      if (cap.kind === 'expression') {
        const out = evaluateCel(cap.expression, captureVars, deps.clock);
        if (!out.ok)
          deps.log.warn({ capture: cap.name, err: out.error.message }, 'capture expression failed');
        value = out.ok ? out.value : null;
      } else {
        const field = extractField(captureVars, cap.field);
        value = field.value;
        if (field.error !== undefined && cap.default !== undefined) value = cap.default;
      }
      result.captured[cap.name] = value ?? null;
      state.params[cap.name] = value ?? null;
    }
  }
  const vars = state.celVariables();
  if (pre.conditions.length > 0) {
    result.conditions = pre.conditions.map((c) => evaluateCondition(vars, c.field, c.operator, c.value));
    result.matched = result.conditions.every((c) => c.matched);
  } else if (pre.expression !== undefined) {
    const out = evaluateCel(pre.expression, vars, deps.clock);
    result.expression = out.ok
      ? { text: pre.expression, value: out.value }
      : { text: pre.expression, value: null, error: out.error.message };
    result.matched = out.ok && out.matched;
  } else {
    result.matched = true;
  }
}

function goValue(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

function details(result: PreconditionResult): string {
  const parts: string[] = [];
  if (result.expression?.error) parts.push(`CEL error: ${result.expression.error}`);
  for (const c of result.conditions ?? []) {
    if (!c.matched)
      parts.push(`${c.field} ${c.operator} ${goValue(c.expected)} (actual: ${goValue(c.actual)})`);
  }
  return parts.length > 0 ? parts.join('; ') : 'no specific details available';
}
