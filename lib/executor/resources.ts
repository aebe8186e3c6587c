/**
 * Phase 3: resources, in list order, each through the transport its config names. The
 * generation rules live here, once, for every transport: absent -> create; same
 * `hyperfleet.io/generation` -> skip; different -> update, or with `recreate_on_change`
 * delete, wait (bounded) for the old object to go, create. A recreate whose old object is
 * still going answers "in progress" and finishes on a later event; it never blocks.
 */
import type { Resource, TaskConfig } from '../config/schema.ts';
import { AdapterError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { TemplateError } from '../template/errors.ts';
import type {
  KubeObject,
  ObjectRef,
  Transport,
  TransportClient,
  TransportContext,
} from '../transport/types.ts';
import { copyJson } from '../yaml-go/index.ts';
import { type Clock, evaluateCel, render } from './evaluate.ts';
import { generationOf, latestGeneration, manifestGvk, renderManifest, stampGeneration } from './manifest.ts';
import { discoverNested } from './nested.ts';
import type { ExecutionState } from './state.ts';
import { StepError } from './step-error.ts';

export type TransportProvider = (client: TransportClient) => Promise<Transport>;

/**
 * How a failed step shows in `adapter.executionError` (what status payloads read), as the Go
 * adapter sets it: `first` = the first such error wins and is listed in `resourceErrors`
 * (lifecycle when-expressions, deletes); `overwrite` = this step's error replaces any earlier
 * one (apply, discovery after apply); `none` = left to the phase, which reports
 * `{phase: "ResourceFailed", step: ""}` (a manifest or target cluster that did not render).
 */
type ErrorRecording = 'first' | 'overwrite' | 'none';

class ResourceStepError extends StepError {
  readonly recording: ErrorRecording;
  /** What `executionError.message` says: the cause alone, without the step's prefix. */
  readonly detail: string;
  constructor(step: string, message: string, recording: ErrorRecording, cause?: unknown) {
    super('resources', step, message, cause);
    this.recording = recording;
    this.detail = cause instanceof Error ? cause.message : cause === undefined ? message : String(cause);
  }
}

export type Operation = 'create' | 'update' | 'recreate' | 'recreate_pending' | 'skip' | 'delete';

export interface ResourceResult {
  name: string;
  transport: TransportClient;
  target?: string;
  status: 'success' | 'failed' | 'skipped';
  operation?: Operation;
  reason?: string;
  kind?: string;
  namespace?: string;
  resourceName?: string;
  error?: string;
  errorCode?: string;
}

export interface ResourceDeps {
  transports: TransportProvider;
  clock: Clock;
  signal: AbortSignal;
  log: Logger;
  /** The event's generation: stamped on manifests that carry none. */
  eventGeneration: bigint;
  /** How long a recreate waits for the old object to go before answering "in progress". */
  recreateWaitMs: number;
  recreatePollMs?: number;
  /** Sees every manifest as rendered and about to be applied (dry-run traces), skipped ones too. */
  onRendered?: (resource: string, object: KubeObject) => void;
  /** Told when a lifecycle delete starts and how it ended (the deletion metrics). */
  deletions?: DeletionObserver;
}

/**
 * A lifecycle delete as the Go adapter measures it: `begin` with the manifest's kind (the
 * in-progress gauge), the returned function once with the kind found and the outcome (the
 * counter and the duration). A kind that is empty is `Unknown`.
 */
export interface DeletionObserver {
  begin(kind: string): (kind: string, outcome: 'success' | 'error') => void;
}

function resourceType(kind: string): string {
  const trimmed = kind.trim();
  return trimmed === '' ? 'Unknown' : trimmed;
}

interface Target {
  transport: Transport;
  ctx: TransportContext;
}

async function targetFor(resource: Resource, state: ExecutionState, deps: ResourceDeps): Promise<Target> {
  const transport = await deps.transports(resource.transport.client);
  const ctx: TransportContext = { signal: deps.signal };
  if (resource.transport.client === 'maestro' && resource.transport.maestro) {
    try {
      ctx.targetCluster = render(resource.transport.maestro.target_cluster, state, deps.clock);
    } catch (err) {
      throw new ResourceStepError(resource.name, 'failed to render targetCluster template', 'none', err);
    }
  }
  return { transport, ctx };
}

/** Find the object a resource's `discovery` names; undefined when there is none. */
async function discover(
  resource: Resource,
  gvk: { apiVersion: string; kind: string },
  state: ExecutionState,
  target: Target,
  deps: ResourceDeps,
): Promise<KubeObject | undefined> {
  const d = resource.discovery;
  // "*" means every namespace (the e2e adapters discover cluster-scoped Namespaces with it),
  // as the Go adapter treats it; sent to a transport literally it would match nothing.
  const rendered = d.namespace ? render(d.namespace, state, deps.clock) : '';
  const namespace = rendered === '' || rendered === '*' ? undefined : rendered;
  if (d.by_name !== undefined) {
    const name = render(d.by_name, state, deps.clock);
    return target.transport.get({ ...gvk, name, ...(namespace ? { namespace } : {}) }, target.ctx);
  }
  const labelSelector: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.by_selectors?.label_selector ?? {})) {
    labelSelector[render(k, state, deps.clock)] = render(v, state, deps.clock);
  }
  const items = await target.transport.list(
    { ...gvk, ...(namespace ? { namespace } : {}), labelSelector },
    target.ctx,
  );
  return latestGeneration(items);
}

function refOf(obj: KubeObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
}

export interface ResourcesOutcome {
  results: ResourceResult[];
  error?: Error;
}

export async function runResources(
  task: TaskConfig,
  state: ExecutionState,
  deps: ResourceDeps,
): Promise<ResourcesOutcome> {
  const results: ResourceResult[] = [];
  const prediscovered = new Map<string, KubeObject | undefined>();
  if (task.resources.some((r) => r.lifecycle?.create || r.lifecycle?.delete)) {
    for (const resource of task.resources) {
      try {
        const target = await targetFor(resource, state, deps);
        const found = await discover(resource, manifestGvk(resource.manifest), state, target, deps);
        prediscovered.set(resource.name, found);
        if (found) state.resources.set(resource.name, found);
      } catch (err) {
        return { results, error: new StepError('resources', resource.name, 'pre-discovery failed', err) };
      }
    }
  }
  const deleteErrors: Error[] = [];
  for (const resource of task.resources) {
    const result: ResourceResult = {
      name: resource.name,
      transport: resource.transport.client,
      status: 'success',
    };
    results.push(result);
    try {
      await runOne(resource, result, state, deps, prediscovered);
    } catch (err) {
      const error =
        err instanceof StepError ? err : new ResourceStepError(resource.name, 'failed', 'overwrite', err);
      result.status = 'failed';
      result.error = error.message;
      result.errorCode = error.code;
      const recording = error instanceof ResourceStepError ? error.recording : 'overwrite';
      const detail = error instanceof ResourceStepError ? error.detail : error.message;
      if (recording === 'first') state.recordResourceError(resource.name, detail);
      else if (recording === 'overwrite')
        state.adapter.executionError = { phase: 'resources', step: resource.name, message: detail };
      deps.log.error(
        { resource: resource.name, err: error.message, code: error.code },
        `Resource[${resource.name}] processed: FAILED`,
      );
      deleteErrors.push(error);
      // A failed delete does not stop the others (each resource cleans up what it owns).
      if (result.operation !== 'delete') return { results, error: joinErrors(deleteErrors) };
    }
  }
  return deleteErrors.length > 0 ? { results, error: joinErrors(deleteErrors) } : { results };
}

/** A template failure worded as the Go adapter wraps it (`failed to render manifest template: failed to execute template: ...`). */
function goRenderError(err: unknown): unknown {
  if (!(err instanceof TemplateError)) return err;
  const stage = err.code === 'TEMPLATE_PARSE' ? 'parse' : 'execute';
  return new AdapterError(
    err.code,
    `failed to render manifest template: failed to ${stage} template: ${err.message}`,
    {
      cause: err,
    },
  );
}

function joinErrors(errors: Error[]): Error {
  if (errors.length === 1) return errors[0] as Error;
  const retryable = errors.some((e) => e instanceof AdapterError && e.retryable);
  return new AdapterError('RESOURCES_FAILED', errors.map((e) => e.message).join('\n'), {
    retryable,
    cause: errors[0],
  });
}

async function runOne(
  resource: Resource,
  result: ResourceResult,
  state: ExecutionState,
  deps: ResourceDeps,
  prediscovered: ReadonlyMap<string, KubeObject | undefined>,
): Promise<void> {
  const target = await targetFor(resource, state, deps);
  if (target.ctx.targetCluster !== undefined) result.target = target.ctx.targetCluster;
  const lifecycle = resource.lifecycle;

  if (lifecycle?.create && !state.resources.get(resource.name)) {
    const out = evaluateCel(lifecycle.create.when.expression, state.celVariables(), deps.clock);
    if (!out.ok) {
      result.operation = 'create';
      throw new ResourceStepError(
        resource.name,
        'failed to evaluate lifecycle.create.when',
        'first',
        out.error,
      );
    }
    if (!out.matched) {
      result.status = 'skipped';
      result.operation = 'skip';
      result.reason = 'lifecycle.create.when condition evaluated to false';
      state.adapter.resourcesSkipped = true;
      if (state.adapter.skipReason === '') state.adapter.skipReason = `${resource.name}: ${result.reason}`;
      return;
    }
  }

  if (lifecycle?.delete) {
    const out = evaluateCel(lifecycle.delete.when.expression, state.celVariables(), deps.clock);
    if (!out.ok) {
      result.operation = 'delete';
      throw new ResourceStepError(
        resource.name,
        'failed to evaluate lifecycle.delete.when',
        'first',
        out.error,
      );
    }
    if (out.matched) {
      result.operation = 'delete';
      await deleteResource(resource, result, state, target, deps, lifecycle.delete.propagationPolicy);
      return;
    }
  }

  let desired: KubeObject;
  try {
    desired = renderManifest(resource.manifest, state, deps.clock);
  } catch (err) {
    throw new ResourceStepError(resource.name, 'failed to render manifest', 'none', goRenderError(err));
  }
  if (generationOf(desired) === 0n) stampGeneration(desired, deps.eventGeneration);
  deps.onRendered?.(resource.name, copyJson(desired));
  result.kind = desired.kind;
  result.resourceName = desired.metadata.name ?? '';
  if (desired.metadata.namespace) result.namespace = desired.metadata.namespace;

  const ref = refOf(desired);
  // Pre-discovery (lifecycle configs) already looked for this very object: no second read.
  const existing =
    prediscovered.has(resource.name) && sameIdentity(resource, desired, state, deps)
      ? prediscovered.get(resource.name)
      : await target.transport.get(ref, target.ctx);
  let current: KubeObject | undefined;
  const newGen = generationOf(desired);
  if (!existing) {
    result.operation = 'create';
    result.reason = 'resource not found';
    current = await target.transport.apply(desired, { ...target.ctx, existing: null });
  } else if (generationOf(existing) === newGen) {
    result.operation = 'skip';
    result.reason = `generation ${newGen} unchanged`;
    current = existing;
  } else if (resource.recreate_on_change) {
    const changed = `generation changed ${generationOf(existing)}->${newGen}`;
    current = await recreate(desired, existing, target, deps);
    result.operation = current === existing ? 'recreate_pending' : 'recreate';
    result.reason =
      current === existing
        ? `${changed}, recreateOnChange=true: old object deletion in progress, create on a later event`
        : `${changed}, recreateOnChange=true`;
  } else {
    result.operation = 'update';
    result.reason = `generation changed ${generationOf(existing)}->${newGen}`;
    current = await target.transport.apply(desired, { ...target.ctx, existing });
  }
  deps.log.info(
    { resource: resource.name, operation: result.operation, reason: result.reason },
    `Resource[${resource.name}] processed: operation=${result.operation}`,
  );

  // What the apply step holds can stand for discovery when it is the same object with its
  // status: a Kubernetes apply answers with the stored object; a Maestro publish does not (the
  // status lives in Maestro's copy), so after a Maestro create or update, read it as Go does.
  const reusable = result.operation === 'skip' || resource.transport.client === 'kubernetes';
  const discovered =
    reusable && sameIdentity(resource, desired, state, deps)
      ? current
      : await discover(resource, { apiVersion: desired.apiVersion, kind: desired.kind }, state, target, deps);
  if (!discovered) {
    // As the Go adapter: what was just applied must be discoverable, or the config's discovery
    // does not name it (a selector that misses the rendered labels, say).
    throw new ResourceStepError(
      resource.name,
      'failed to discover resource after apply: not found by its discovery',
      'overwrite',
    );
  }
  state.resources.set(resource.name, discovered);
  for (const [nestedName, nested] of discoverNested(resource, discovered, state, deps.clock)) {
    if (nestedName === resource.name) continue;
    if (state.resources.has(nestedName)) {
      throw new ResourceStepError(
        resource.name,
        `nested discovery key collision: "${nestedName}" already exists in context`,
        'overwrite',
      );
    }
    state.resources.set(nestedName, nested);
  }
}

/** True when the resource's discovery names exactly the object just applied, so its answer can be reused. */
function sameIdentity(
  resource: Resource,
  desired: KubeObject,
  state: ExecutionState,
  deps: ResourceDeps,
): boolean {
  const d = resource.discovery;
  if (d.by_name === undefined) return false;
  const namespace = d.namespace ? render(d.namespace, state, deps.clock) : '';
  if (resource.transport.client === 'kubernetes' && namespace !== (desired.metadata.namespace ?? ''))
    return false;
  return render(d.by_name, state, deps.clock) === desired.metadata.name;
}

async function recreate(
  desired: KubeObject,
  existing: KubeObject,
  target: Target,
  deps: ResourceDeps,
): Promise<KubeObject> {
  const ref = refOf(existing);
  await target.transport.delete(ref, { ...target.ctx, propagationPolicy: 'Background' });
  const deadline = Date.now() + deps.recreateWaitMs;
  const poll = deps.recreatePollMs ?? 200;
  for (;;) {
    const still = await target.transport.get(ref, target.ctx);
    if (!still) return target.transport.apply(desired, { ...target.ctx, existing: null });
    if (Date.now() + poll > deadline || deps.signal.aborted) return existing;
    await new Promise((resolve) => setTimeout(resolve, poll));
  }
}

async function deleteResource(
  resource: Resource,
  result: ResourceResult,
  state: ExecutionState,
  target: Target,
  deps: ResourceDeps,
  propagationPolicy: 'Background' | 'Foreground' | 'Orphan',
): Promise<void> {
  const gvk = manifestGvk(resource.manifest);
  let kind = resourceType(gvk.kind);
  const finished = deps.deletions?.begin(kind);
  let outcome: 'success' | 'error' = 'error';
  try {
    let found: KubeObject | undefined;
    try {
      found = await discover(resource, gvk, state, target, deps);
    } catch (err) {
      throw new ResourceStepError(resource.name, 'failed to discover resource for deletion', 'first', err);
    }
    if (!found) {
      state.resources.set(resource.name, null);
      result.reason = 'resource already deleted or never existed';
      outcome = 'success';
      return;
    }
    result.kind = found.kind;
    if (found.kind) kind = resourceType(found.kind);
    result.resourceName = found.metadata.name ?? '';
    if (found.metadata.namespace) result.namespace = found.metadata.namespace;
    try {
      await target.transport.delete(refOf(found), { ...target.ctx, propagationPolicy });
    } catch (err) {
      throw new ResourceStepError(resource.name, 'failed to delete resource', 'first', err);
    }
    let after: KubeObject | undefined = found;
    try {
      after = await discover(resource, gvk, state, target, deps);
    } catch (err) {
      deps.log.debug(
        { resource: resource.name, err: (err as Error).message },
        'post-delete discovery failed',
      );
    }
    state.resources.set(resource.name, after ?? null);
    result.reason = 'lifecycle.delete.when evaluated to true';
    deps.log.info(
      { resource: resource.name, propagationPolicy, gone: after === undefined },
      `Resource[${resource.name}] delete: operation=delete propagationPolicy=${propagationPolicy}`,
    );
    outcome = 'success';
  } finally {
    finished?.(kind, outcome);
  }
}
