/**
 * Every transport operation measured once, whatever the transport: a span and a latency
 * histogram labelled by transport, operation and outcome (ok or the error's code).
 */
import { AdapterError } from '../errors.ts';
import type { Transport } from '../transport/types.ts';
import type { Metrics } from './metrics.ts';
import { inSpan, SpanKind } from './tracing.ts';

type Op = 'get' | 'list' | 'apply' | 'delete';

export function instrumentTransport(transport: Transport, metrics: Metrics): Transport {
  const measure = async <T>(op: Op, attrs: Record<string, string>, fn: () => Promise<T>): Promise<T> => {
    const started = process.hrtime.bigint();
    let outcome = 'ok';
    try {
      return await inSpan(
        `${transport.client} ${op}`,
        { 'hyperfleet.transport': transport.client, ...attrs },
        fn,
        {
          kind: SpanKind.CLIENT,
        },
      );
    } catch (err) {
      outcome = err instanceof AdapterError ? err.code : 'error';
      throw err;
    } finally {
      metrics.transportOps.observe(
        { transport: transport.client, operation: op, outcome },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    }
  };
  const target = (ctx: { targetCluster?: string }): Record<string, string> =>
    ctx.targetCluster ? { 'hyperfleet.consumer': ctx.targetCluster } : {};
  const wrapped: Transport = {
    client: transport.client,
    get: (ref, ctx) =>
      measure('get', { 'k8s.kind': ref.kind, 'k8s.name': ref.name, ...target(ctx) }, () =>
        transport.get(ref, ctx),
      ),
    list: (query, ctx) =>
      measure('list', { 'k8s.kind': query.kind, ...target(ctx) }, () => transport.list(query, ctx)),
    apply: (obj, ctx) =>
      measure('apply', { 'k8s.kind': obj.kind, 'k8s.name': obj.metadata.name ?? '', ...target(ctx) }, () =>
        transport.apply(obj, ctx),
      ),
    delete: (ref, ctx) =>
      measure('delete', { 'k8s.kind': ref.kind, 'k8s.name': ref.name, ...target(ctx) }, () =>
        transport.delete(ref, ctx),
      ),
    close: () => transport.close(),
  };
  // Keep the transport's health signal (readiness) reachable through the wrapper.
  const health = (transport as { health?: unknown }).health;
  if (typeof health === 'function') Object.assign(wrapped, { health: health.bind(transport) });
  return wrapped;
}
