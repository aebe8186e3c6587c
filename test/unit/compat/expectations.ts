/**
 * The shape of one scenario's expected outcome, and the condition values several examples
 * compute with the same CEL (copied literally from their expressions, not from a run).
 */

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

export type ApiResource =
  | { kind: 'Cluster'; id: string }
  | { kind: 'NodePool'; clusterId: string; id: string };

export interface AppliedExpectation {
  kind: string;
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ScenarioExpectation {
  example: string;
  scenario: string;
  /** What the scenario stands for, for the test name. */
  summary: string;
  adapter: string;
  discovery?: 'scenario' | 'example';
  resource: ApiResource;
  /** The resource carries deleted_time (the contract double must hold it soft-deleted). */
  deleting: boolean;
  apiCalls: readonly string[];
  /** adapter.skipReason when the preconditions were not met. */
  skipReason?: string;
  /** The status PUT, or null when the example's post actions send none for this input. */
  put: {
    url: string;
    observedGeneration: number;
    conditions: Condition[];
    /** undefined: the example builds no `data`. */
    data?: Record<string, unknown>;
  } | null;
  /** Per resource: "<name>: <operation> <Kind> [<namespace>/]<name> [@consumer] [<status>]". */
  resources: string[];
  /** The transport's writes (apply/delete), as harness.operations() prints them. */
  mutations: string[];
  applied: AppliedExpectation[];
  /** "<name>: <status>" per post action, when the example has several or skips one. */
  postActions?: readonly string[];
}

export const OBSERVED_TIME = '2026-11-26T10:00:00Z';
export const DRY_RUN_API = 'http://hyperfleet-api.dry-run/api/hyperfleet/v1';
export const CHART_API = 'http://hyperfleet-api:8000/api/hyperfleet/v1';

/** The Health condition every example computes from adapter.executionStatus / resourcesSkipped. */
export const HEALTHY: Condition = {
  type: 'Health',
  status: 'True',
  reason: 'Healthy',
  message: 'Adapter execution completed successfully',
};

export function healthSkipped(skipReason: string): Condition {
  return {
    type: 'Health',
    status: 'False',
    reason: 'ResourcesSkipped',
    message: `Resources skipped: ${skipReason}`,
  };
}

/** The e2e adapters' Finalized outside deletion. */
export const NOT_DELETING: Condition = {
  type: 'Finalized',
  status: 'False',
  reason: 'NotDeleting',
  message: 'Resource not marked for deletion',
};

export const CLEANUP_CONFIRMED: Condition = {
  type: 'Finalized',
  status: 'True',
  reason: 'CleanupConfirmed',
  message: 'All resources deleted; cleanup confirmed',
};

/** The chart examples' Finalized outside deletion: empty reason and message. */
export const CHART_NOT_DELETING: Condition = { type: 'Finalized', status: 'False', reason: '', message: '' };

/** The Go executor's not-met reason for an expression precondition that evaluated to false. */
export function celNotMet(name: string): string {
  return `precondition '${name}' not met: no specific details available`;
}

export function selector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
