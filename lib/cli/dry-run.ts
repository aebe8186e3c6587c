/**
 * `hyperfleet-adapter dry-run`: one event through the real executor with no cluster and no
 * API. API calls are answered from a canned-responses file (the Go adapter's format), the
 * cluster is an in-memory transport seeded from a discovery-overrides file. Prints a trace
 * of every phase (text or JSON) and exits 1 when the execution failed, 2 on bad input.
 */
import { ConfigError, loadConfigPair, parseMounts } from '../config/index.ts';
import {
  type ApiResponsesFile,
  cannedFetch,
  DryRunInputError,
  loadApiResponses,
  readJson,
} from '../dryrun/api-responses.ts';
import { type ExecutionResult, execute } from '../executor/executor.ts';
import { HyperfleetApiClient } from '../hyperfleet-api/index.ts';
import { createLogger } from '../observability/logger.ts';
import { EventRejectedError, parseEvent, requiredEventFields } from '../runtime/event.ts';
import { MemoryTransport, type TransportRecord } from '../transport/memory.ts';
import type { KubeObject } from '../transport/types.ts';
import { type FlagSpecs, parseArgs, UsageError } from './args.ts';
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
  });
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
  const log = createLogger({ level: options.verbose ? 'debug' : 'silent', destination: process.stderr });
  const result = await execute(config, event.data, AbortSignal.timeout(60_000), {
    api,
    transports: async (client) => transports[client],
    log,
    env,
    recreateWaitMs: 0,
    ...(options.now ? { clock: { now: options.now } } : {}),
  });
  const report: DryRunReport = {
    adapter: config.adapter.adapter.name,
    event: { id: event.id, type: event.type, data: event.data },
    result,
    apiRequests: canned.requests,
    transportOperations: records,
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

const USAGE = `Usage: hyperfleet-adapter dry-run --config <adapter-config.yaml> --task-config <task-config.yaml>
         --event <cloudevent.json> [--api-responses <file>] [--discovery <file>]
         [--mount /etc/adapter=<dir>]... [--output text|json] [--verbose]
`;

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

/** The flag names of each spelling: ours, and the Go adapter's `serve --dry-run-*`. */
interface Spelling {
  command: string;
  event: string;
  apiResponses: string;
  discovery: string;
  output: string;
  verbose: string;
}

const DRY_RUN: Spelling = {
  command: 'dry-run',
  event: 'event',
  apiResponses: 'api-responses',
  discovery: 'discovery',
  output: 'output',
  verbose: 'verbose',
};

const SERVE: Spelling = {
  command: 'serve',
  event: 'dry-run-event',
  apiResponses: 'dry-run-api-responses',
  discovery: 'dry-run-discovery',
  output: 'dry-run-output',
  verbose: 'dry-run-verbose',
};

export function main(argv: string[], io: Io = process): Promise<number> {
  return runWith(argv, io, DRY_RUN);
}

/** The Go adapter's spelling: `serve --dry-run-event ... --dry-run-api-responses ...`. */
export function serveMain(argv: string[], io: Io = process): Promise<number> {
  return runWith(argv, io, SERVE);
}

async function runWith(argv: string[], io: Io, names: Spelling): Promise<number> {
  const specs: FlagSpecs = {
    config: { type: 'string', short: 'c' },
    'task-config': { type: 'string', short: 't' },
    [names.event]: { type: 'string' },
    [names.apiResponses]: { type: 'string' },
    [names.discovery]: { type: 'string' },
    [names.output]: { type: 'string' },
    [names.verbose]: { type: 'boolean' },
    mount: { type: 'string', multiple: true },
  };
  let flags: Record<string, string | boolean | string[] | undefined>;
  try {
    const parsed = parseArgs(argv, specs);
    if (parsed.positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
    flags = parsed.flags;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`${names.command}: ${err.message}\n${USAGE}`);
    return 2;
  }
  const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
  if (names === SERVE && !str(names.event)) {
    io.stderr.write(
      'serve: this product serves events as a Knative function (npm start); only the dry-run mode (--dry-run-event) runs from the CLI\n',
    );
    return 2;
  }
  const config = str('config') ?? process.env['HYPERFLEET_ADAPTER_CONFIG'];
  const taskConfig = str('task-config') ?? process.env['HYPERFLEET_TASK_CONFIG'];
  const event = str(names.event);
  const output = str(names.output) ?? 'text';
  if (!config || !taskConfig || !event) {
    const missing = [
      !config && '--config',
      !taskConfig && '--task-config',
      !event && `--${names.event}`,
    ].filter(Boolean);
    io.stderr.write(`${names.command}: missing ${missing.join(', ')}\n${USAGE}`);
    return 2;
  }
  if (output !== 'text' && output !== 'json') {
    io.stderr.write(`${names.command}: --${names.output} must be text or json\n`);
    return 2;
  }
  const apiResponsesFile = str(names.apiResponses);
  const discoveryFile = str(names.discovery);
  return runDryRun(
    {
      configFile: config,
      taskConfigFile: taskConfig,
      eventFile: event,
      ...(apiResponsesFile ? { apiResponsesFile } : {}),
      ...(discoveryFile ? { discoveryFile } : {}),
      mounts: (flags['mount'] as string[] | undefined) ?? [],
      output,
      verbose: flags[names.verbose] === true,
    },
    io,
  );
}
