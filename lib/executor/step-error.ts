/**
 * A failure of one step of one phase (`[resources] clusterNamespace: failed to apply: ...`).
 * It keeps the cause's stable code and retryability, so the function's answer (retry or not)
 * follows what actually failed underneath.
 */
import { AdapterError } from '../errors.ts';
import type { Phase } from './state.ts';

const DEFAULT_CODES: Record<Phase, string> = {
  param_extraction: 'PARAM_EXTRACTION_FAILED',
  preconditions: 'PRECONDITION_FAILED',
  resources: 'RESOURCE_FAILED',
  post_actions: 'POST_ACTION_FAILED',
};

export class StepError extends AdapterError {
  readonly phase: Phase;
  readonly step: string;

  constructor(phase: Phase, step: string, message: string, cause?: unknown) {
    const detail = cause instanceof Error && !message.includes(cause.message) ? `: ${cause.message}` : '';
    super(
      cause instanceof AdapterError ? cause.code : DEFAULT_CODES[phase],
      `[${phase}] ${step}: ${message}${detail}`,
      {
        cause,
        retryable: cause instanceof AdapterError && cause.retryable,
      },
    );
    this.phase = phase;
    this.step = step;
  }
}
