import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  type InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/**
 * Installs global OpenTelemetry for a test file, as the function's runtime does (async context,
 * W3C trace context), with every finished span handed at once to `exporter` in memory.
 */
export function installTracing(exporter: InMemorySpanExporter): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
}

/** Removes what installTracing installed, so the next test file starts without it. */
export function uninstallTracing(): void {
  trace.disable();
  propagation.disable();
  context.disable();
}
