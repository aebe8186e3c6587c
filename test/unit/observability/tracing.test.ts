import { fileURLToPath } from 'node:url';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/observability/logger.ts';
import { createMetrics } from '../../../lib/observability/metrics.ts';
import { runtimeFromEnv } from '../../../lib/runtime/from-env.ts';
import { MemoryTransport } from '../../../lib/transport/memory.ts';
import { metricValue } from '../../support/function-harness.ts';
import { type ApiDouble, startHyperfleetApiDouble } from '../../support/hyperfleet-api-double.ts';
import { installTracing, uninstallTracing } from '../../support/tracing.ts';

const DEMO = fileURLToPath(new URL('../../../examples/demo/', import.meta.url));
const exporter = new InMemorySpanExporter();
let api: ApiDouble;

beforeAll(async () => {
  installTracing(exporter);
  api = await startHyperfleetApiDouble({ requiredAdapters: ['demo-adapter'] });
  api.putCluster({
    id: 'c7f3a1',
    name: 'demo',
    generation: 2,
    spec: { placement: { consumer: 'cluster1' } },
  });
});

afterAll(async () => {
  await api.close();
  uninstallTracing();
});

describe('tracing', () => {
  it('records a span per event (continuing the CloudEvent traceparent), per phase, per API call and per transport operation', async () => {
    const metrics = createMetrics();
    const transports = {
      kubernetes: new MemoryTransport('kubernetes'),
      maestro: new MemoryTransport('maestro'),
    };
    const runtime = runtimeFromEnv(
      {
        HYPERFLEET_ADAPTER_CONFIG: `${DEMO}adapter-config.yaml`,
        HYPERFLEET_TASK_CONFIG: `${DEMO}task-config.yaml`,
        HYPERFLEET_ADAPTER_MOUNTS: `/etc/adapter=${DEMO}`,
        HYPERFLEET_API_BASE_URL: api.url,
      },
      { log: createLogger({ level: 'silent' }), metrics, transports: async (c) => transports[c] },
    );
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const answer = await runtime.handle({
      id: 'evt-1',
      type: 'com.redhat.hyperfleet.cluster.reconcile',
      source: 'test',
      data: { id: 'c7f3a1', kind: 'Cluster', generation: 2 },
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    expect(answer.statusCode).toBe(200);

    const spans = exporter.getFinishedSpans();
    const byName = (n: string) => spans.filter((s) => s.name === n);
    const root = byName('hyperfleet.event')[0];
    expect(root?.spanContext().traceId).toBe(traceId);
    expect(root?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(root?.attributes['cloudevents.event_id']).toBe('evt-1');
    const rootId = root?.spanContext().spanId;
    const phases = ['phase param_extraction', 'phase preconditions', 'phase resources', 'phase post_actions'];
    for (const p of phases) expect(byName(p)[0]?.parentSpanContext?.spanId).toBe(rootId);
    const phaseId = (p: string) => byName(p)[0]?.spanContext().spanId;
    expect(byName('HyperFleet API GET')[0]?.parentSpanContext?.spanId).toBe(
      phaseId('phase param_extraction'),
    );
    const put = byName('HyperFleet API PUT')[0];
    expect(put?.parentSpanContext?.spanId).toBe(phaseId('phase post_actions'));
    expect(put?.attributes['http.response.status_code']).toBe(201);
    const transportSpans = spans.filter(
      (s) => s.name.startsWith('kubernetes ') || s.name.startsWith('maestro '),
    );
    expect(transportSpans.length).toBeGreaterThanOrEqual(3);
    for (const s of transportSpans) expect(s.parentSpanContext?.spanId).toBe(phaseId('phase resources'));
    // The API call carried the trace on: the double saw a traceparent of the same trace.
    const get = api.requests.find((r) => r.method === 'GET');
    expect(get?.headers['traceparent']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    // Transport operations were measured too.
    const text = await metrics.registry.metrics();
    expect(
      metricValue(text, 'hyperfleet_adapter_transport_operation_duration_seconds_count', {
        transport: 'kubernetes',
        operation: 'apply',
        outcome: 'ok',
      }),
    ).toBe(1);
    await runtime.shutdown();
  });
});
