/**
 * Builds the function's runtime from its environment, the way the Knative Service sets it:
 * config paths (HYPERFLEET_ADAPTER_CONFIG, HYPERFLEET_TASK_CONFIG; default the ConfigMap mount
 * under /etc/adapter), mount map for refs (HYPERFLEET_ADAPTER_MOUNTS), the per-event deadline
 * (HYPERFLEET_EVENT_TIMEOUT, a Go duration, default 120s: below Knative's 300s request timeout).
 */

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { MAX_TIMER_MS, parseGoDuration } from '../config/duration.ts';
import { loadConfigPair } from '../config/index.ts';
import { type CliLogOptions, cliLogger, pinoLevel } from '../observability/log-settings.ts';
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

/**
 * The function's log settings as the Go adapter resolves them: the adapter config's `log:`
 * (level, format, output), under LOG_LEVEL, LOG_FORMAT and LOG_OUTPUT. Read before the config
 * is loaded (the logger reports the load); a file that cannot be read yet gives the defaults.
 */
export function logSettings(
  env: Readonly<Record<string, string | undefined>>,
  configFile: string,
): CliLogOptions {
  let file: Record<string, unknown> = {};
  try {
    const doc = parse(readFileSync(configFile, 'utf8')) as Record<string, unknown> | null;
    const spec = (doc?.['spec'] ?? doc) as Record<string, unknown> | null;
    const log = spec?.['log'];
    if (log !== null && typeof log === 'object') file = log as Record<string, unknown>;
  } catch {
    // the load itself says what is wrong with the file
  }
  const pick = (name: string, key: string) => {
    const fromEnv = env[name];
    if (fromEnv) return fromEnv;
    const fromFile = file[key];
    return typeof fromFile === 'string' && fromFile !== '' ? fromFile : undefined;
  };
  return {
    level: pick('LOG_LEVEL', 'level'),
    format: pick('LOG_FORMAT', 'format'),
    output: pick('LOG_OUTPUT', 'output'),
  };
}

/** The function's logger: JSON on stdout by default (Go's default), text or stderr when set. */
function functionLogger(settings: CliLogOptions): Logger {
  const format = settings.format?.toLowerCase() ?? 'json';
  const output = settings.output || 'stdout';
  const level = settings.level === undefined ? undefined : pinoLevel(settings.level);
  if (format === 'json' && output === 'stdout') return createLogger(level === undefined ? {} : { level });
  try {
    return cliLogger(settings, 'info', { stdout: process.stdout, stderr: process.stderr }, 'stdout');
  } catch (err) {
    const log = createLogger(level === undefined ? {} : { level });
    log.warn({ err: (err as Error).message }, 'log settings not usable: logging JSON to stdout');
    return log;
  }
}

export function runtimeFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  overrides: Partial<AdapterRuntimeOptions> & { log?: Logger; metrics?: Metrics } = {},
): AdapterRuntime {
  const configFile = env['HYPERFLEET_ADAPTER_CONFIG'] || DEFAULT_CONFIG;
  const taskConfigFile = env['HYPERFLEET_TASK_CONFIG'] || DEFAULT_TASK_CONFIG;
  const log = overrides.log ?? functionLogger(logSettings(env, configFile));
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
