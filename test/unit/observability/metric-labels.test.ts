import { describe, expect, it } from 'vitest';
import { adapterNameLabel, createMetrics } from '../../../lib/observability/metrics.ts';

describe('adapter_name, derived from the adapter name as the Go adapter derives it', () => {
  it.each([
    ['hyperfleet-adapter-gcp', 'gcp'],
    ['adapter-validation', 'validation'],
    ['test-adapter', 'test'],
    ['standalone', 'standalone'],
    // The prefix is tried first: both rules would apply.
    ['adapter-x-adapter', 'x-adapter'],
    ['hyperfleet-adapter-adapter', 'adapter'],
  ])('%s -> %s', (component, expected) => {
    expect(adapterNameLabel(component)).toBe(expected);
  });
});

describe('identify', () => {
  it('labels every series, and a renamed adapter relabels them at the next scrape', async () => {
    const metrics = createMetrics();
    metrics.eventsProcessed.inc({ status: 'success' });
    expect(await metrics.registry.metrics()).toContain(
      'hyperfleet_adapter_events_processed_total{status="success"} 1',
    );
    metrics.identify('maestro-adapter', { version: '1.2.3', commit: 'abc' });
    let text = await metrics.registry.metrics();
    expect(text).toContain(
      'hyperfleet_adapter_events_processed_total{status="success",component="maestro-adapter",version="1.2.3",adapter_name="maestro"} 1',
    );
    expect(text).toContain(
      'hyperfleet_adapter_build_info{component="maestro-adapter",version="1.2.3",commit="abc",adapter_name="maestro"} 1',
    );
    metrics.identify('adapter-gcp', { version: '1.2.3', commit: 'abc' });
    text = await metrics.registry.metrics();
    expect(text).toContain('adapter_name="gcp"');
    expect(text).not.toContain('"maestro');
  });
});
