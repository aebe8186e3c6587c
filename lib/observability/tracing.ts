/**
 * Traces: a span per event (its parent the CloudEvent's `traceparent`), per phase, per
 * HyperFleet API call and per transport operation, errors recorded. Only the OpenTelemetry
 * API is loaded eagerly (spans are no-ops until a provider is registered); the SDK and the
 * OTLP exporter load only when tracing is enabled (`HYPERFLEET_TRACING_ENABLED=true` or an
 * `OTEL_EXPORTER_OTLP_ENDPOINT`), so cold start does not pay for them otherwise.
 *
 * Attributes carry identities (event id, resource, phase, URL path, status), never values
 * of params or env: nothing secret reaches a trace.
 */
import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

const TRACER_NAME = 'hyperfleet-adapter';

export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** The context a CloudEvent's `traceparent` (W3C trace context extension) continues. */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(
    ROOT_CONTEXT,
    { traceparent },
    {
      get: (carrier, key) => carrier[key as keyof typeof carrier],
      keys: (carrier) => Object.keys(carrier),
    },
  );
}

/** The `traceparent` header for an outgoing call made inside the active span. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier['traceparent'];
}

/** Run `fn` inside a child span of the active context; errors are recorded and rethrown. */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  options: { parent?: Context; kind?: SpanKind } = {},
): Promise<T> {
  const parent = options.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { attributes, kind: options.kind ?? SpanKind.INTERNAL },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.recordException(err instanceof Error ? err : new Error(String(err)));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: err instanceof Error ? err.message : String(err),
        });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

export { SpanKind, SpanStatusCode };

let enabled: Promise<void> | undefined;

/** Register the SDK with an OTLP/HTTP exporter when the environment asks for tracing. */
export function setupTracingFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> | undefined {
  const on = env['HYPERFLEET_TRACING_ENABLED'] === 'true' || Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT']);
  if (!on) return undefined;
  enabled ??= (async () => {
    const [
      { BasicTracerProvider, BatchSpanProcessor },
      { OTLPTraceExporter },
      { AsyncLocalStorageContextManager },
      res,
    ] = await Promise.all([
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/resources'),
    ]);
    const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
    const provider = new BasicTracerProvider({
      resource: res.resourceFromAttributes({ 'service.name': env['OTEL_SERVICE_NAME'] ?? TRACER_NAME }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
    });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
  })();
  return enabled;
}
