/**
 * `hyperfleet-adapter dry-run`: one event through the real executor with no cluster and no
 * API. API calls are answered from a canned-responses file (the Go adapter's format), the
 * cluster is an in-memory transport seeded from a discovery-overrides file. Prints a trace
 * of every phase (text or JSON) and exits 1 when the execution failed, 2 on bad input.
 */
import {
  ConfigError,
  type FlagValues,
  type LoadedConfigPair,
  loadConfigPair,
  parseMounts,
} from '../config/index.ts';
import {
  type ApiResponsesFile,
  cannedFetch,
  DryRunInputError,
  loadApiResponses,
  readJson,
} from '../dryrun/api-responses.ts';
import { type ExecutionResult, execute } from '../executor/executor.ts';
import { HyperfleetApiClient } from '../hyperfleet-api/index.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { EventRejectedError, parseEvent, requiredEventFields } from '../runtime/event.ts';
import { MemoryTransport, type TransportRecord } from '../transport/memory.ts';
import type { KubeObject } from '../transport/types.ts';
import { type DryRunReport, formatText } from './dry-run-report.ts';

export interface DryRunOptions {
  configFile: string;
  taskConfigFile: string;
  eventFile: string;
  apiResponsesFile?: string;
  discoveryFile?: string;
  mounts?: string[];
  output: 'text' | 'json';
  verbose: boolean;
  env?: Readonly<Record<string, string | undefined>>;
  /** A fixed clock, for reproducible output. */
  now?: () => Date;
  /** The Go adapter's override flags (`hyperfleet-api-base-url`, ...): flag > env > file. */
  flags?: FlagValues;
  /** The run's logger (default: silent, debug with `verbose`, on stderr). */
  log?: Logger;
  /** Called once the configuration loaded (its warnings, `debug_config`). */
  onLoaded?: (config: LoadedConfigPair) => void;
}

export interface Io {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

const DRY_RUN_BASE_URL = 'http://hyperfleet-api.dry-run';

async function loadDiscovery(path: string): Promise<Record<string, KubeObject>> {
  const json = await readJson(path, 'discovery overrides file');
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new DryRunInputError(`discovery overrides file ${path} must map names to objects`);
  }
  for (const [name, obj] of Object.entries(json)) {
    const o = obj as Record<string, unknown> | null;
    if (!o || typeof o !== 'object')
      throw new DryRunInputError(`discovery override "${name}" is not an object`);
    for (const field of ['apiVersion', 'kind']) {
      if (!(field in o))
        throw new DryRunInputError(`discovery override "${name}" is missing required field "${field}"`);
    }
    o['metadata'] ??= {};
  }
  return json as Record<string, KubeObject>;
}

function validBaseUrl(url: string | undefined): string {
  try {
    if (url) {
      new URL(url);
      return url;
    }
  } catch {
    // The examples ship placeholders such as CHANGE_ME; a dry run never dials it anyway.
  }
  return DRY_RUN_BASE_URL;
}

/** Run one dry run; returns the report (for tests) and the exit code. */
export async function dryRun(
  options: DryRunOptions,
): Promise<{ report: DryRunReport; result: ExecutionResult }> {
  const env = options.env ?? process.env;
  const { mounts, errors } = parseMounts(options.mounts ?? []);
  if (errors.length > 0) throw new DryRunInputError(errors.join('; '));
  const config = await loadConfigPair({
    configFile: options.configFile,
    taskConfigFile: options.taskConfigFile,
    mounts,
    env,
    purpose: 'dry-run',
    ...(options.flags ? { flags: options.flags } : {}),
  });
  options.onLoaded?.(config);
  const rawEvent = (await readJson(options.eventFile, 'event file')) as Record<string, unknown>;
  const event = parseEvent(rawEvent, requiredEventFields(config.task));
  const responses: ApiResponsesFile | undefined = options.apiResponsesFile
    ? await loadApiResponses(options.apiResponsesFile)
    : undefined;
  const canned = cannedFetch(responses);
  const overrides = options.discoveryFile ? await loadDiscovery(options.discoveryFile) : {};
  const records: TransportRecord[] = [];
  const transports = {
    kubernetes: new MemoryTransport('kubernetes', { discoveryOverrides: overrides, records }),
    maestro: new MemoryTransport('maestro', { discoveryOverrides: overrides, records, softDelete: true }),
  };
  const a = config.adapter.clients.hyperfleet_api;
  const api = new HyperfleetApiClient({
    baseUrl: validBaseUrl(a.base_url),
    version: a.version,
    timeoutMs: a.timeout_ms,
    // The Go dry-run client does not retry; canned answers are served once each.
    retryAttempts: 1,
    defaultHeaders: a.default_headers,
    fetch: canned.fetch,
    sleep: async () => {},
  });
  const log =
    options.log ?? createLogger({ level: options.verbose ? 'debug' : 'silent', destination: process.stderr });
  const rendered: DryRunReport['rendered'] = [];
  const result = await execute(config, event.data, AbortSignal.timeout(60_000), {
    api,
    transports: async (client) => transports[client],
    log,
    env,
    recreateWaitMs: 0,
    onRendered: (resource, object) => rendered.push({ resource, object }),
    ...(options.now ? { clock: { now: options.now } } : {}),
  });
  const report: DryRunReport = {
    adapter: config.adapter.adapter.name,
    event: { id: event.id, type: event.type, data: event.data },
    result,
    apiRequests: canned.requests,
    transportOperations: records,
    rendered,
  };
  return { report, result };
}

function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v),
    2,
  );
}

export async function runDryRun(options: DryRunOptions, io: Io): Promise<number> {
  try {
    const { report, result } = await dryRun(options);
    io.stdout.write(options.output === 'json' ? `${toJson(report)}\n` : formatText(report, options.verbose));
    return result.status === 'success' ? 0 : 1;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DryRunInputError || err instanceof EventRejectedError) {
      io.stderr.write(`dry-run: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
