/**
 * Phase 4: post. Payloads are built first (each `build` tree: map keys and strings are Go
 * templates, `field`/`expression` values are computed with their `default`), stored as JSON
 * strings under their names (Go's json.Marshal: sorted keys, HTML-safe escapes), then the
 * post actions run in order; one whose body refers to a payload that `when` skipped is
 * skipped too.
 */

import { goJson } from '../cel/go-json.ts';
import type { BuildValue, LogAction, PostAction, TaskConfig } from '../config/schema.ts';
import type { Logger } from '../observability/logger.ts';
import { compileTemplate } from '../template/index.ts';
import { type ApiCaller, executeApiCall } from './api-call.ts';
import { type Clock, evaluateCel, render } from './evaluate.ts';
import { extractField } from './jsonpath.ts';
import type { ExecutionState } from './state.ts';
import { StepError } from './step-error.ts';

export interface PostActionResult {
  name: string;
  status: 'success' | 'failed' | 'skipped';
  skipReason?: string;
  apiCallMade: boolean;
  httpStatus?: number;
  /** The request as sent (method, URL, body), for dry-run traces and tests. */
  request?: { method: string; url: string; body?: string };
  error?: string;
}

export interface PostOutcome {
  payloads: Record<string, unknown>;
  results: PostActionResult[];
  error?: Error;
}

export interface PostDeps {
  api: ApiCaller;
  clock: Clock;
  signal: AbortSignal;
  log: Logger;
  traceparent?: string;
}

export function logAction(
  action: LogAction,
  state: ExecutionState,
  deps: { clock: Clock; log: Logger },
): void {
  let message: string;
  try {
    message = render(action.message, state, deps.clock);
  } catch (err) {
    deps.log.error({ err: (err as Error).message }, 'failed to render log message');
    return;
  }
  const level = action.level === 'warning' ? 'warn' : action.level;
  deps.log[level]({ source: 'config' }, `[config] ${message}`);
}

function buildValue(
  value: BuildValue,
  vars: Record<string, unknown>,
  state: ExecutionState,
  deps: PostDeps,
): unknown {
  switch (value.kind) {
    case 'literal':
      return value.value;
    case 'template':
      return render(value.template, state, deps.clock);
    case 'field': {
      const out = extractField(vars, value.field).value;
      return out === undefined || out === null ? (value.default ?? null) : out;
    }
    case 'expression': {
      const out = evaluateCel(value.expression, vars, deps.clock);
      if (!out.ok)
        deps.log.warn({ expression: value.expression, err: out.error.message }, 'CEL evaluation failed');
      const v = out.ok ? out.value : null;
      return v === undefined || v === null ? (value.default ?? null) : v;
    }
    case 'map': {
      const result: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value.entries)) {
        result[render(k, state, deps.clock)] = buildValue(v, vars, state, deps);
      }
      return result;
    }
    case 'list':
      return value.items.map((item) => buildValue(item, vars, state, deps));
  }
}

/** Whether a template reads `.name` at its top level (the Go adapter's check, on the parsed template). */
function referencesPayload(template: string, name: string): boolean {
  try {
    return compileTemplate(template).fieldRefs.includes(name);
  } catch {
    return true;
  }
}

export async function runPost(task: TaskConfig, state: ExecutionState, deps: PostDeps): Promise<PostOutcome> {
  const payloads: Record<string, unknown> = {};
  const skipped = new Set<string>();
  const results: PostActionResult[] = [];
  if (task.post.payloads.length > 0) {
    const vars = state.celVariables();
    try {
      for (const payload of task.post.payloads) {
        if (payload.when) {
          const out = evaluateCel(payload.when.expression, vars, deps.clock);
          if (!out.ok)
            throw new Error(
              `when condition evaluation error for payload '${payload.name}': ${out.error.message}`,
            );
          if (!out.matched) {
            skipped.add(payload.name);
            continue;
          }
        }
        let built: unknown;
        try {
          built = buildValue(payload.build, vars, state, deps);
        } catch (err) {
          throw new Error(`failed to build payload '${payload.name}': ${(err as Error).message}`);
        }
        payloads[payload.name] = built;
        state.params[payload.name] = goJson(built);
      }
    } catch (err) {
      const message = (err as Error).message;
      state.adapter.executionError = { phase: 'post_actions', step: 'build_payloads', message };
      return {
        payloads,
        results,
        error: new StepError('post_actions', 'build_payloads', 'failed to build post payloads', err),
      };
    }
  }
  for (const action of task.post.post_actions) {
    const result = await runAction(action, state, deps, skipped);
    results.push(result.result);
    if (result.error) {
      state.adapter.executionError = {
        phase: 'post_actions',
        step: action.name,
        message: result.error.message,
      };
      return { payloads, results, error: result.error };
    }
  }
  return { payloads, results };
}

async function runAction(
  action: PostAction,
  state: ExecutionState,
  deps: PostDeps,
  skippedPayloads: Set<string>,
): Promise<{ result: PostActionResult; error?: StepError }> {
  const result: PostActionResult = { name: action.name, status: 'success', apiCallMade: false };
  if (action.api_call?.body !== undefined) {
    for (const name of skippedPayloads) {
      if (referencesPayload(action.api_call.body, name)) {
        result.status = 'skipped';
        result.skipReason = `referenced payload '${name}' was skipped`;
        return { result };
      }
    }
  }
  if (action.when) {
    const out = evaluateCel(action.when.expression, state.celVariables(), deps.clock);
    if (!out.ok) {
      const error = new StepError(
        'post_actions',
        action.name,
        'failed to evaluate when condition',
        out.error,
      );
      result.status = 'failed';
      result.error = error.message;
      return { result, error };
    }
    if (!out.matched) {
      result.status = 'skipped';
      result.skipReason = `when condition evaluated to false: ${action.when.expression}`;
      return { result };
    }
  }
  if (action.log) logAction(action.log, state, deps);
  if (action.api_call) {
    result.apiCallMade = true;
    try {
      const resp = await executeApiCall(action.api_call, state, deps);
      result.httpStatus = resp.status;
      result.request = {
        method: resp.method,
        url: resp.url,
        ...(resp.sentBody === undefined ? {} : { body: resp.sentBody }),
      };
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      if (typeof status === 'number') result.httpStatus = status;
      const error = new StepError('post_actions', action.name, 'API call failed', err);
      result.status = 'failed';
      result.error = error.message;
      return { result, error };
    }
  }
  return { result };
}
