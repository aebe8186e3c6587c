/**
 * The Knative function (faas-js-runtime): one Sentinel CloudEvent in, one status out. All
 * the work is in lib/runtime; this file only wires the runtime's lifecycle hooks.
 */
import { createRequire } from 'node:module';
import { routeConsoleToLog } from '../../lib/observability/console.ts';
import { attachToRuntimeMetrics } from '../../lib/observability/metrics.ts';
import type { AdapterRuntime } from '../../lib/runtime/adapter-runtime.ts';
import { attributeProblem } from '../../lib/runtime/event.ts';
import { workAroundFaasRuntime } from '../../lib/runtime/faas-runtime-quirks.ts';
import { runtimeFromEnv } from '../../lib/runtime/from-env.ts';
import { claimEdgeRequest, edgeLimitsFromEnv, guardNextHttpServer } from '../../lib/runtime/http-edge.ts';

let runtime: AdapterRuntime | undefined;

function current(): AdapterRuntime {
  runtime ??= runtimeFromEnv(process.env);
  return runtime;
}

// faas-js-runtime's console output (stack traces with request bytes) as JSON log lines.
routeConsoleToLog(() => current().log);
// Its bogus execTimer error line and undefined metric labels.
workAroundFaasRuntime();

// The server faas-js-runtime creates next is fastify's: bounded before it reads a body.
// It also serves the HyperFleet health convention beside Knative's /health/* probes.
guardNextHttpServer(edgeLimitsFromEnv(process.env), {
  onRefusal: (refusal) => current().rejectAtEdge(refusal),
  onListening: (address) => current().log.info({ address }, `listening on ${address}`),
  routes: {
    '/healthz': async () => ({ status: 200, body: { status: 'ok' } }),
    '/readyz': () => current().readyz(),
  },
});

// A malformed CloudEvent fails in the runtime's own parser before `handle` runs, and the
// runtime would answer 500, so the Trigger would redeliver what can never be processed.
// Its parser and its attribute check (the cloudevents copy faas-js-runtime itself requires:
// it parses leniently, then calls `validate()`, so a missing `source` fails only there) are
// wrapped to mark the error 400 and count it.
const runtimeRequire = createRequire(createRequire(import.meta.url).resolve('faas-js-runtime'));
const { HTTP, CloudEvent } = runtimeRequire('cloudevents') as {
  HTTP: { toEvent: (message: unknown) => unknown };
  CloudEvent: { prototype: { validate: () => boolean } };
};
let parsing: unknown;
function rejectMalformed(err: unknown, reason = 'malformed_cloudevent'): never {
  // Always 400: the SDK's 406 for an unknown spec version would read as "retry elsewhere".
  // The reason as the answer's `code`, the label the rejection is counted under.
  if (err && typeof err === 'object') Object.assign(err, { statusCode: 400, code: reason });
  claimEdgeRequest((parsing as { headers?: unknown } | undefined)?.headers);
  current().rejectAtEdge({ status: 400, reason, message: (err as Error).message });
  throw err;
}
const toEvent = HTTP.toEvent.bind(HTTP);
HTTP.toEvent = (message: unknown) => {
  parsing = message;
  // The SDK makes up what is missing (an id, spec version 1.0) and takes any version for 1.0.
  const problem = attributeProblem(message as { headers?: unknown; body?: unknown });
  if (problem) rejectMalformed(new Error(problem.message), problem.reason);
  let event: unknown;
  try {
    event = toEvent(message);
  } catch (err) {
    rejectMalformed(err);
  }
  // A batch (application/cloudevents-batch+json) parses to an array the runtime cannot hand over.
  if (Array.isArray(event))
    rejectMalformed(new Error('batched CloudEvents are not accepted: one event per request'));
  return event;
};
const validate = CloudEvent.prototype.validate;
CloudEvent.prototype.validate = function validateOrReject(this: unknown) {
  try {
    return validate.call(this);
  } catch (err) {
    rejectMalformed(err);
  }
};

export async function init(): Promise<void> {
  const rt = current();
  attachToRuntimeMetrics(rt.metricsRegistry);
  await rt.readiness();
}

interface Context {
  cloudevent?: unknown;
  headers?: unknown;
}

export async function handle(
  context: Context,
): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  claimEdgeRequest(context.headers);
  return current().handle(context.cloudevent as Parameters<AdapterRuntime['handle']>[0]);
}

interface Reply {
  code(status: number): Reply;
  send(body: unknown): void;
}

export async function readiness(_request: unknown, reply: Reply): Promise<void> {
  const r = await current().readiness();
  reply.code(r.ready ? 200 : 503).send(r);
}

export async function liveness(_request: unknown, reply: Reply): Promise<void> {
  reply.code(200).send({ alive: true });
}

export async function shutdown(): Promise<void> {
  await runtime?.shutdown();
}
