/**
 * Our side: the same files through `dryRun`, the function the `dry-run` and `serve
 * --dry-run-event` commands run (in process, same code path), exit code as the CLI computes
 * it, normalised into the shared Shape.
 */
import { dryRun } from '../../lib/cli/dry-run.ts';
import { ConfigError } from '../../lib/config/index.ts';
import { DryRunInputError } from '../../lib/dryrun/api-responses.ts';
import { EventRejectedError } from '../../lib/runtime/event.ts';
import type { Input } from './inputs.ts';
import { type ApiCall, canonical, PHASES, type Phase, parseBody, type Shape } from './shape.ts';

/** Our dry run reports an unchanged generation as `skip`; Go's dry-run store has no generations and always applies. */
function operation(op: string | undefined, reason: string | undefined): string {
  if (op === 'skip' && reason !== undefined && /^generation \d+ unchanged$/.test(reason)) return 'update';
  if (op === 'recreate_pending') return 'recreate';
  return op ?? '';
}

export async function ourShape(
  input: Input,
  env: Record<string, string>,
  paramNames: ReadonlySet<string>,
  now: number,
): Promise<Shape> {
  let run: Awaited<ReturnType<typeof dryRun>>;
  try {
    run = await dryRun({
      configFile: input.config,
      taskConfigFile: input.taskConfig,
      eventFile: input.event,
      ...(input.apiResponses ? { apiResponsesFile: input.apiResponses } : {}),
      ...(input.discovery ? { discoveryFile: input.discovery } : {}),
      output: 'json',
      verbose: false,
      env,
    });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DryRunInputError || err instanceof EventRejectedError) {
      return {
        outcome: 'refused',
        exitCodeRefused: 2,
        refusal: err.message.split('\n').slice(0, 3).join(' | ').slice(0, 400),
      };
    }
    throw err;
  }
  const { report, result } = run;
  const phases = Object.fromEntries(
    PHASES.map((p) => [p, result.errors[p] === undefined ? 'ok' : 'failed']),
  ) as Record<Phase, 'ok' | 'failed'>;
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(result.params)) if (paramNames.has(k)) params[k] = canonical(v, now);
  const envParam = result.params['env'];
  const apiCalls: ApiCall[] = report.apiRequests.map((r) => {
    const body = parseBody(r.body, now);
    return { method: r.method, url: r.url, status: r.status, ...(body === undefined ? {} : { body }) };
  });
  return {
    outcome: result.status,
    exitCode: result.status === 'success' ? 0 : 1,
    phases,
    params,
    envNames: envParam && typeof envParam === 'object' ? Object.keys(envParam).sort() : [],
    preconditions: result.preconditions.map((p) => ({
      name: p.name,
      matched: p.matched,
      failed: p.error !== undefined,
    })),
    resources: result.resources.map((r) => ({
      name: r.name,
      status: r.status,
      operation: operation(r.operation, r.reason),
      kind: r.kind ?? '',
      namespace: r.namespace ?? '',
      resourceName: r.resourceName ?? '',
      failed: r.status === 'failed',
    })),
    manifests: report.rendered.map((m) => ({ resource: m.resource, manifest: canonical(m.object, now) })),
    postActions: result.postActions.map((p) => ({ name: p.name, status: p.status })),
    apiCalls,
  };
}
