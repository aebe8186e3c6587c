/**
 * One event through the four phases: params -> preconditions -> resources -> post. The
 * control flow and the `adapter.*` metadata reproduce the Go adapter's executor, so status
 * payloads come out the same:
 *
 * - a param failure ends the execution (no status is reported: the event is bad or a
 *   dependency is down, and the caller answers accordingly);
 * - a required API-call param or a precondition answered 404 by the API (the resource is
 *   gone) ends it quietly; an optional param answered 404 is left out and the run goes on;
 * - preconditions not met, or failing, skip the resources but still run post, so a status
 *   is reported with the reason;
 * - a post action answered 404 (hard-deleted resource) ends post quietly.
 *
 * Everything runs under the caller's AbortSignal (the per-event deadline).
 */
import type { AdapterConfig, TaskConfig } from '../config/schema.ts';
import { AdapterError } from '../errors.ts';
import { HyperfleetApiError, isSensitiveHeader } from '../hyperfleet-api/index.ts';
import type { Logger } from '../observability/logger.ts';
import { inSpan } from '../observability/tracing.ts';
import type { KubeObject } from '../transport/types.ts';
import type { ApiCaller } from './api-call.ts';
import type { Clock } from './evaluate.ts';
import { declaredEnv, extractParams, ResourceGoneError } from './params.ts';
import { type PostActionResult, runPost } from './post.ts';
import { type PreconditionResult, runPreconditions } from './preconditions.ts';
import {
  type DeletionObserver,
  type ResourceResult,
  runResources,
  type TransportProvider,
} from './resources.ts';
import { type AdapterMetadata, ExecutionState, type Phase } from './state.ts';

export const RESOURCE_NOT_FOUND = 'ResourceNotFound';

export interface PhaseError {
  message: string;
  code: string;
  retryable: boolean;
}

export interface ExecutionResult {
  status: 'success' | 'failed';
  phase: Phase;
  errors: Partial<Record<Phase, PhaseError>>;
  resourcesSkipped: boolean;
  skipReason: string;
  params: Record<string, unknown>;
  preconditions: PreconditionResult[];
  resources: ResourceResult[];
  payloads: Record<string, unknown>;
  postActions: PostActionResult[];
  adapter: AdapterMetadata;
  /** Some failure may go away if the event is delivered again (a dependency down, the deadline). */
  retryable: boolean;
  /** A post action's API call succeeded: the status reached the HyperFleet API. */
  statusReported: boolean;
}

export interface ExecutorDeps {
  api: ApiCaller;
  transports: TransportProvider;
  log: Logger;
  env: Readonly<Record<string, string | undefined>>;
  clock?: Clock;
  /** How long a recreate waits for the old object to go before answering "in progress". */
  recreateWaitMs?: number;
  traceparent?: string;
  /** Sees every rendered manifest (dry-run traces). */
  onRendered?: (resource: string, object: KubeObject) => void;
  /** Told of every lifecycle delete (the deletion metrics). */
  deletions?: DeletionObserver;
}

export interface LoadedConfig {
  adapter: AdapterConfig;
  task: TaskConfig;
  /** The folders `file:` param sources may read; the secret mounts only when absent. */
  fileRoots?: readonly string[];
}

function phaseError(err: unknown): PhaseError {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    message: e.message,
    code: e instanceof AdapterError ? e.code : 'INTERNAL',
    retryable: e instanceof AdapterError && e.retryable,
  };
}

function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = err; e !== undefined && chain.length < 8; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
    if (!(e instanceof Error)) break;
  }
  return chain;
}

function isResourceNotFound(err: unknown): boolean {
  return causeChain(err).some((e) => e instanceof HyperfleetApiError && e.isResourceNotFound);
}

/** The AdapterConfig as templates and `config.` sources see it; secrets never included. */
export function configMap(adapter: AdapterConfig): Record<string, unknown> {
  const copy = structuredClone(adapter) as unknown as Record<string, unknown>;
  const clients = copy['clients'] as Record<string, Record<string, unknown> | undefined>;
  const api = clients['hyperfleet_api'];
  if (api?.['default_headers']) {
    const headers = api['default_headers'] as Record<string, unknown>;
    for (const k of Object.keys(headers)) if (isSensitiveHeader(k)) headers[k] = '[REDACTED]';
  }
  return copy;
}

export async function execute(
  config: LoadedConfig,
  event: Record<string, unknown>,
  signal: AbortSignal,
  deps: ExecutorDeps,
): Promise<ExecutionResult> {
  const clock = deps.clock ?? { now: () => new Date() };
  const log = deps.log;
  const state = new ExecutionState(event);
  const result: ExecutionResult = {
    status: 'success',
    phase: 'param_extraction',
    errors: {},
    resourcesSkipped: false,
    skipReason: '',
    params: state.params,
    preconditions: [],
    resources: [],
    payloads: {},
    postActions: [],
    adapter: state.adapter,
    retryable: false,
    statusReported: false,
  };
  const fail = (phase: Phase, err: unknown) => {
    result.status = 'failed';
    result.errors[phase] = phaseError(err);
    if (result.errors[phase]?.retryable) result.retryable = true;
  };

  // Phase 1: params.
  const config_ = configMap(config.adapter);
  state.params['adapter'] = {
    name: config.adapter.adapter.name,
    version: config.adapter.adapter.version ?? '',
  };
  state.params['config'] = config_;
  state.params['env'] = declaredEnv(config.task, deps.env);
  state.params['event'] = event;
  const common = {
    api: deps.api,
    clock,
    signal,
    log,
    ...(deps.traceparent === undefined ? {} : { traceparent: deps.traceparent }),
  };
  try {
    await inSpan('phase param_extraction', {}, () =>
      extractParams(config.task, state, {
        ...common,
        env: deps.env,
        configMap: config_,
        ...(config.fileRoots ? { fileRoots: config.fileRoots } : {}),
      }),
    );
  } catch (err) {
    if (err instanceof ResourceGoneError) {
      log.info({ phase: 'param_extraction' }, 'resource not found (hard-deleted), nothing to do');
      result.resourcesSkipped = true;
      result.skipReason = RESOURCE_NOT_FOUND;
      state.setSkipped(RESOURCE_NOT_FOUND, '');
      return result;
    }
    fail('param_extraction', err);
    state.setError('ParameterExtractionFailed', (err as Error).message);
    log.error({ phase: 'param_extraction', err: (err as Error).message }, 'Phase param_extraction: FAILED');
    return result;
  }

  // Phase 2: preconditions.
  result.phase = 'preconditions';
  const pre = await inSpan('phase preconditions', {}, () =>
    runPreconditions(config.task, state, { ...common, env: deps.env, configMap: config_ }),
  );
  result.preconditions = pre.results;
  if (pre.error && isResourceNotFound(pre.error)) {
    log.info({ phase: 'preconditions' }, 'resource not found, stopping processing gracefully');
    result.resourcesSkipped = true;
    result.skipReason = RESOURCE_NOT_FOUND;
    state.setSkipped(RESOURCE_NOT_FOUND, '');
    delete state.adapter.executionError;
    return result;
  }
  if (pre.error) {
    fail('preconditions', pre.error);
    state.setError('PreconditionFailed', pre.error.message);
    result.resourcesSkipped = true;
    result.skipReason = 'PreconditionFailed';
    state.adapter.resourcesSkipped = true;
    state.adapter.skipReason = pre.error.message;
    log.error({ phase: 'preconditions', err: pre.error.message }, 'Phase preconditions: FAILED');
  } else if (!pre.allMatched) {
    result.resourcesSkipped = true;
    result.skipReason = pre.notMetReason ?? '';
    state.setSkipped('PreconditionNotMet', pre.notMetReason ?? '');
    log.info({ phase: 'preconditions', reason: pre.notMetReason }, 'Phase preconditions: NOT_MET');
  }

  // Phase 3: resources.
  result.phase = 'resources';
  if (!result.resourcesSkipped) {
    const res = await inSpan('phase resources', {}, () =>
      runResources(config.task, state, {
        transports: deps.transports,
        clock,
        signal,
        log,
        eventGeneration: eventGeneration(event),
        recreateWaitMs: deps.recreateWaitMs ?? 10_000,
        ...(deps.onRendered ? { onRendered: deps.onRendered } : {}),
        ...(deps.deletions ? { deletions: deps.deletions } : {}),
      }),
    );
    result.resources = res.results;
    if (res.error) {
      fail('resources', res.error);
      state.setError('ResourceFailed', res.error.message);
    }
  }

  // Phase 4: post.
  result.phase = 'post_actions';
  const post = await inSpan('phase post_actions', {}, () => runPost(config.task, state, common));
  result.payloads = post.payloads;
  result.postActions = post.results;
  result.statusReported = post.results.some((r) => r.apiCallMade && r.status === 'success');
  if (post.error && isResourceNotFound(post.error)) {
    log.info({ phase: 'post_actions' }, 'resource not found, skipping remaining post-actions');
    result.resourcesSkipped = true;
    result.skipReason = RESOURCE_NOT_FOUND;
    const last = result.postActions.at(-1);
    if (last) {
      last.status = 'skipped';
      last.skipReason = RESOURCE_NOT_FOUND;
      delete last.error;
    }
    if (result.status === 'success') {
      state.setSkipped(RESOURCE_NOT_FOUND, '');
      delete state.adapter.executionError;
    }
  } else if (post.error) {
    fail('post_actions', post.error);
  }
  if (signal.aborted) result.retryable = true;
  return result;
}

function eventGeneration(event: Record<string, unknown>): bigint {
  const g = event['generation'];
  if (typeof g === 'number' && Number.isFinite(g)) return BigInt(Math.trunc(g));
  if (typeof g === 'bigint') return g;
  if (typeof g === 'string' && /^\d+$/.test(g)) return BigInt(g);
  return 0n;
}
