/**
 * Builds the function's runtime from its environment, the way the Knative Service sets it:
 * config paths (HYPERFLEET_ADAPTER_CONFIG, HYPERFLEET_TASK_CONFIG; default the ConfigMap mount
 * under /etc/adapter), mount map for refs (HYPERFLEET_ADAPTER_MOUNTS), the per-event deadline
 * (HYPERFLEET_EVENT_TIMEOUT, a Go duration, default 120s: below Knative's 300s request timeout).
 */

import { MAX_TIMER_MS, parseGoDuration } from '../config/duration.ts';
import { loadConfigPair } from '../config/index.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { createMetrics, type Metrics } from '../observability/metrics.ts';
import { setupTracingFromEnv } from '../observability/tracing.ts';
import { AdapterRuntime, type AdapterRuntimeOptions } from './adapter-runtime.ts';

export const DEFAULT_CONFIG = '/etc/adapter/adapter-config.yaml';
export const DEFAULT_TASK_CONFIG = '/etc/adapter/task-config.yaml';
export const DEFAULT_EVENT_TIMEOUT_MS = 120_000;

/** The per-event deadline; a value that is not a positive Go duration stops the start, loudly. */
export function eventTimeout(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_EVENT_TIMEOUT_MS;
  const ms = parseGoDuration(text);
  if (ms === undefined || ms <= 0) {
    throw new Error(
      `HYPERFLEET_EVENT_TIMEOUT=${JSON.stringify(text)} is not a positive Go duration (e.g. 90s, 2m)`,
    );
  }
  if (ms > MAX_TIMER_MS) {
    // A Node timer longer than this fires at once: every event would be answered 503.
    throw new Error(
      `HYPERFLEET_EVENT_TIMEOUT=${JSON.stringify(text)} is longer than a timer can hold (at most ${MAX_TIMER_MS} ms, about 596h); the deadline must stay below Knative's request timeout anyway`,
    );
  }
  return ms;
}

export function runtimeFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  overrides: Partial<AdapterRuntimeOptions> & { log?: Logger; metrics?: Metrics } = {},
): AdapterRuntime {
  const configFile = env['HYPERFLEET_ADAPTER_CONFIG'] || DEFAULT_CONFIG;
  const taskConfigFile = env['HYPERFLEET_TASK_CONFIG'] || DEFAULT_TASK_CONFIG;
  const log = overrides.log ?? createLogger();
  const eventTimeoutMs = eventTimeout(env['HYPERFLEET_EVENT_TIMEOUT']);
  log.info(
    { config: configFile, task_config: taskConfigFile, event_timeout_ms: eventTimeoutMs },
    'adapter function starting',
  );
  setupTracingFromEnv(env)?.catch((err: unknown) =>
    log.error({ err: (err as Error).message }, 'tracing could not be enabled; continuing without traces'),
  );
  return new AdapterRuntime({
    config: {
      configFile,
      taskConfigFile,
      load: async () => {
        const loaded = await loadConfigPair({ configFile, taskConfigFile, env });
        for (const w of loaded.warnings)
          log.warn({ file: w.file, line: w.line, path: w.path }, `configuration warning: ${w.message}`);
        return loaded;
      },
    },
    log,
    metrics: overrides.metrics ?? createMetrics(),
    env,
    eventTimeoutMs,
    ...overrides,
  });
}
