/**
 * The product's Prometheus metrics. Names follow the Go adapter where the same thing is
 * measured (`hyperfleet_adapter_events_processed_total{status}`, ...), so existing
 * dashboards and alerts keep working; the rest are ours (transports, API calls, reloads).
 * Every series carries the Go adapter's `component`, `version` and `adapter_name` labels
 * once a config has loaded (`identify`).
 *
 * One registry per process. faas-js-runtime serves `/metrics` from a registry of its own
 * that a function cannot reach, so `attachToRuntimeMetrics` makes every other registry's
 * exposition end with ours: one scrape shows runtime and adapter metrics together.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeletionObserver } from '../executor/resources.ts';

const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120];
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
// The Go adapter's, so its dashboard's quantiles read the same.
const DELETION_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120];

/**
 * The Go adapter's `adapter_name` label: the adapter's name (its `component`) without a
 * `hyperfleet-adapter-` or `adapter-` prefix or an `-adapter` suffix, so dashboards filter on
 * `gcp` for `gcp-adapter`.
 */
export function adapterNameLabel(component: string): string {
  if (component.startsWith('hyperfleet-adapter-')) return component.slice('hyperfleet-adapter-'.length);
  if (component.startsWith('adapter-')) return component.slice('adapter-'.length);
  if (component.endsWith('-adapter')) return component.slice(0, -'-adapter'.length);
  return component;
}

/** What the build says about itself (the `version` and `commit` labels). */
export interface BuildIdentity {
  version: string;
  commit: string;
}

export function createMetrics(registry = new Registry()) {
  const registers = [registry];
  let identified = '';
  return {
    registry,
    /**
     * Labels every metric of ours as the Go adapter labels its own: `component` (the
     * adapter's name from its config), `version` (this build's) and `adapter_name`, and sets
     * `build_info` for that component. Called when a config loads; a reload that renames the
     * adapter relabels every series at the next scrape.
     */
    identify(component: string, build: BuildIdentity): void {
      if (identified === component) return;
      identified = component;
      registry.setDefaultLabels({
        component,
        version: build.version,
        adapter_name: adapterNameLabel(component),
      });
      this.buildInfo.reset();
      this.buildInfo.set({ component, version: build.version, commit: build.commit }, 1);
    },
    eventsProcessed: new Counter({
      name: 'hyperfleet_adapter_events_processed_total',
      help: 'Total number of CloudEvents processed by the adapter',
      labelNames: ['status'] as const,
      registers,
    }),
    eventDuration: new Histogram({
      name: 'hyperfleet_adapter_event_processing_duration_seconds',
      help: 'Duration of event processing in seconds',
      buckets: DURATION_BUCKETS,
      registers,
    }),
    errors: new Counter({
      name: 'hyperfleet_adapter_errors_total',
      help: 'Total number of errors encountered by the adapter',
      labelNames: ['error_type'] as const,
      registers,
    }),
    eventsRejected: new Counter({
      name: 'hyperfleet_adapter_events_rejected_total',
      help: 'Events answered as never processable (malformed CloudEvent, missing data)',
      labelNames: ['reason'] as const,
      registers,
    }),
    eventAnswers: new Counter({
      name: 'hyperfleet_adapter_event_answers_total',
      help: 'HTTP answers given to the event source, by class (handled, retry, rejected)',
      labelNames: ['answer'] as const,
      registers,
    }),
    buildInfo: new Gauge({
      name: 'hyperfleet_adapter_build_info',
      help: 'Build information for the adapter',
      labelNames: ['component', 'version', 'commit'] as const,
      registers,
    }),
    up: new Gauge({
      name: 'hyperfleet_adapter_up',
      help: 'Whether the adapter is up and running',
      registers,
    }),
    apiCalls: new Histogram({
      name: 'hyperfleet_adapter_api_call_duration_seconds',
      help: 'HyperFleet API calls by method and status code (0 = no answer)',
      labelNames: ['method', 'code'] as const,
      buckets: CALL_BUCKETS,
      registers,
    }),
    apiAuthFailures: new Counter({
      name: 'hyperfleet_adapter_api_auth_failures_total',
      help: 'HyperFleet API attempts answered 401 or 403 (credentials refused), by status code',
      labelNames: ['code'] as const,
      registers,
    }),
    apiRequestsRefused: new Counter({
      name: 'hyperfleet_adapter_api_requests_refused_total',
      help: 'HyperFleet API requests never sent because a value would have steered the URL, by param',
      labelNames: ['param'] as const,
      registers,
    }),
    transportOps: new Histogram({
      name: 'hyperfleet_adapter_transport_operation_duration_seconds',
      help: 'Transport operations (get, list, apply, delete) by transport and outcome',
      labelNames: ['transport', 'operation', 'outcome'] as const,
      buckets: CALL_BUCKETS,
      registers,
    }),
    configReloads: new Counter({
      name: 'hyperfleet_adapter_config_reloads_total',
      help: 'Configuration reloads after a change of the mounted files, by result',
      labelNames: ['result'] as const,
      registers,
    }),
    configValid: new Gauge({
      name: 'hyperfleet_adapter_config_valid',
      help: '1 when the mounted configuration is the one in use, 0 when the last reload was rejected',
      registers,
    }),
    resourcesDeleted: new Counter({
      name: 'hyperfleet_adapter_resources_deleted_total',
      help: 'Total number of adapter resource deletion operations',
      labelNames: ['resource_type', 'status'] as const,
      registers,
    }),
    deletionDuration: new Histogram({
      name: 'hyperfleet_adapter_resource_deletion_duration_seconds',
      help: 'Duration of resource deletion operations in seconds',
      labelNames: ['resource_type'] as const,
      buckets: DELETION_BUCKETS,
      registers,
    }),
    deletionsInProgress: new Gauge({
      name: 'hyperfleet_adapter_resource_deletions_in_progress',
      help: 'Number of resource deletions currently in progress',
      labelNames: ['resource_type'] as const,
      registers,
    }),
    lastProcessed: new Gauge({
      name: 'hyperfleet_adapter_last_processed_timestamp_seconds',
      help: 'Unix time at which this instance last finished processing an event',
      registers,
    }),
    maestroChannelState: new Gauge({
      name: 'hyperfleet_adapter_maestro_channel_ready',
      help: '1 when the pooled gRPC channel to Maestro is READY',
      labelNames: ['endpoint'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Lifecycle deletes counted, timed and tracked in progress, by kind, as the Go adapter does. */
export function deletionMetrics(metrics: Metrics): DeletionObserver {
  return {
    begin(kind) {
      const started = process.hrtime.bigint();
      metrics.deletionsInProgress.inc({ resource_type: kind });
      return (finalKind, outcome) => {
        metrics.deletionsInProgress.dec({ resource_type: kind });
        metrics.resourcesDeleted.inc({ resource_type: finalKind, status: outcome });
        metrics.deletionDuration.observe(
          { resource_type: finalKind },
          Number(process.hrtime.bigint() - started) / 1e9,
        );
      };
    },
  };
}

let attached = false;

/** Append `registry`'s exposition to every other registry's (the runtime's own `/metrics`). */
export function attachToRuntimeMetrics(registry: Registry): void {
  if (attached) return;
  attached = true;
  const original = Registry.prototype.metrics;
  Registry.prototype.metrics = async function metrics(this: Registry): Promise<string> {
    const own = await original.call(this);
    if (this === registry) return own;
    return `${own}\n${await original.call(registry)}`;
  };
}
