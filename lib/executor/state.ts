/**
 * What one execution knows, and what templates and CEL see of it. The split follows the Go
 * adapter exactly, because configs depend on it:
 *
 * - templates see `params`: every param, capture and precondition response by name, plus
 *   `adapter` ({name, version}), `config`, `env`, `event`, and built payloads as JSON strings;
 * - CEL sees the same names, except that `adapter` is the execution metadata
 *   (executionStatus, resourcesSkipped, skipReason, errorReason, errorMessage,
 *   executionError, resourceErrors), plus `resources.<name>` (discovered objects; deleted
 *   ones are absent so `resources.?x.hasValue()` is false).
 *
 * One deliberate difference: `env` holds only the variables the config declares (`env.X`
 * param sources), never the whole process environment.
 */
import type { KubeObject } from '../transport/types.ts';

export type Phase = 'param_extraction' | 'preconditions' | 'resources' | 'post_actions';

export interface ExecutionErrorInfo {
  phase: string;
  step: string;
  message: string;
}

export interface AdapterMetadata {
  executionStatus: 'success' | 'failed';
  resourcesSkipped: boolean;
  skipReason: string;
  errorReason: string;
  errorMessage: string;
  executionError?: ExecutionErrorInfo;
  resourceErrors: Record<string, ExecutionErrorInfo>;
}

export class ExecutionState {
  // No prototype: a param named `__proto__` (a valid identifier, a plain map key in Go) is a
  // value like any other instead of replacing the object's prototype.
  readonly params: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  readonly event: Record<string, unknown>;
  readonly adapter: AdapterMetadata = {
    executionStatus: 'success',
    resourcesSkipped: false,
    skipReason: '',
    errorReason: '',
    errorMessage: '',
    resourceErrors: {},
  };
  /** Discovered objects by resource (and nested discovery) name; null = confirmed deleted. */
  readonly resources = new Map<string, KubeObject | null>();

  constructor(event: Record<string, unknown>) {
    this.event = event;
  }

  setError(reason: string, message: string): void {
    this.adapter.executionStatus = 'failed';
    this.adapter.errorReason = reason;
    this.adapter.errorMessage = message;
    this.adapter.executionError ??= { phase: reason, step: '', message };
  }

  setSkipped(reason: string, message: string): void {
    this.adapter.executionStatus = 'success';
    this.adapter.resourcesSkipped = true;
    this.adapter.skipReason = message !== '' ? message : reason;
  }

  recordResourceError(resource: string, message: string): void {
    const info = { phase: 'resources', step: resource, message };
    this.adapter.executionError ??= info;
    this.adapter.resourceErrors[resource] = info;
  }

  /** The variables CEL sees (a fresh object: CEL must not mutate state). */
  celVariables(): Record<string, unknown> {
    const resources: Record<string, unknown> = {};
    for (const [name, obj] of this.resources) if (obj) resources[name] = obj;
    const a = this.adapter;
    return {
      ...this.params,
      adapter: {
        executionStatus: a.executionStatus,
        resourcesSkipped: a.resourcesSkipped,
        skipReason: a.skipReason,
        errorReason: a.errorReason,
        errorMessage: a.errorMessage,
        executionError: a.executionError ? { ...a.executionError } : null,
        resourceErrors: Object.fromEntries(Object.entries(a.resourceErrors).map(([k, v]) => [k, { ...v }])),
      },
      resources,
      event: this.event,
    };
  }
}
