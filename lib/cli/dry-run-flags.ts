/**
 * The command lines of a dry run: ours (`dry-run --event ...`) and the Go adapter's
 * (`serve --dry-run-event ...`), which takes every flag of the Go `serve` command so that a
 * command line written for the Go binary runs with only the binary's name changed:
 *
 * | Go `serve` flag | here |
 * |---|---|
 * | `-c, --config`, `-t, --task-config` | the two files (else $HYPERFLEET_ADAPTER_CONFIG / $HYPERFLEET_TASK_CONFIG, else Go's standard paths) |
 * | `--dry-run-event`, `--dry-run-api-responses`, `--dry-run-discovery` | the dry run's inputs |
 * | `--dry-run-verbose`, `--dry-run-output text\|json` | the trace's detail and form |
 * | `--log-level`, `--log-format`, `--log-output` | the logger of the run (stderr, off unless asked or verbose) |
 * | `--debug-config` | print the merged, redacted configuration (YAML) on stderr |
 * | `--hyperfleet-api-*`, `--maestro-*`, `--kubernetes-*`, `--broker-*` | config overrides (flag > env > file) |
 *
 * `serve` without `--dry-run-event`/`--dry-run-api-responses` would consume a broker in Go;
 * here events arrive through Knative (`npm start`), so it says so and exits 2.
 */
import { existsSync } from 'node:fs';
import { formatProblem, type LoadedConfigPair, mergedConfigYaml } from '../config/index.ts';
import { cliLogger } from '../observability/log-settings.ts';
import { type FlagSpecs, parseArgs, UsageError } from './args.ts';
import { type DryRunOptions, type Io, runDryRun } from './dry-run.ts';
import { OVERRIDE_FLAG_SPECS, OVERRIDE_USAGE, overrideValues } from './override-flags.ts';

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

/** Where the Go adapter looks for its config when neither the flag nor the env names one. */
const STANDARD_CONFIG_PATHS = ['/etc/hyperfleet/config.yaml', './configs/config.yaml'];

function usage(n: Spelling): string {
  return `Usage: hyperfleet-adapter ${n.command} -c <adapter-config.yaml> -t <task-config.yaml> --${n.event} <cloudevent.json>
         [--${n.apiResponses} <file>] [--${n.discovery} <file>] [--${n.output} text|json] [--${n.verbose}]
         [--mount /etc/adapter=<dir>]... [--log-level L] [--log-format json|text] [--log-output stdout|stderr]
         [--debug-config] [override flags]

Runs one event through the adapter with canned API answers and an in-memory cluster, and prints
a trace of every phase. Exit 0 when the execution succeeded, 1 when it failed, 2 on bad input.
${OVERRIDE_USAGE}`;
}

export function main(argv: string[], io: Io = process): Promise<number> {
  return runWith(argv, io, DRY_RUN);
}

/** The Go adapter's spelling: `serve --dry-run-event ... --dry-run-api-responses ...`. */
export function serveMain(argv: string[], io: Io = process): Promise<number> {
  return runWith(argv, io, SERVE);
}

function specsOf(n: Spelling): FlagSpecs {
  return {
    config: { type: 'string', short: 'c' },
    'task-config': { type: 'string', short: 't' },
    [n.event]: { type: 'string' },
    [n.apiResponses]: { type: 'string' },
    [n.discovery]: { type: 'string' },
    [n.output]: { type: 'string' },
    [n.verbose]: { type: 'boolean' },
    mount: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
    ...OVERRIDE_FLAG_SPECS,
  };
}

async function runWith(argv: string[], io: Io, n: Spelling): Promise<number> {
  let options: DryRunOptions | undefined;
  try {
    const parsed = parseArgs(argv, specsOf(n));
    if (parsed.positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
    const flags = parsed.flags as Record<string, string | boolean | string[] | undefined>;
    if (flags['help'] === true) {
      io.stdout.write(usage(n));
      return 0;
    }
    const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
    if (n === SERVE && !str(n.event) && !str(n.apiResponses)) {
      io.stderr.write(
        'serve: this product serves events as a Knative function (npm start); only the dry-run mode (--dry-run-event) runs from the CLI\n',
      );
      return 2;
    }
    const config =
      str('config') ??
      (process.env['HYPERFLEET_ADAPTER_CONFIG'] || STANDARD_CONFIG_PATHS.find((p) => existsSync(p)));
    const taskConfig = str('task-config') ?? (process.env['HYPERFLEET_TASK_CONFIG'] || undefined);
    const event = str(n.event);
    const output = str(n.output) ?? 'text';
    const missing = [!config && '--config', !taskConfig && '--task-config', !event && `--${n.event}`];
    if (missing.some(Boolean)) throw new UsageError(`missing ${missing.filter(Boolean).join(', ')}`);
    if (output !== 'text' && output !== 'json')
      throw new UsageError(`--${n.output} must be text or json, got ${JSON.stringify(output)}`);
    const verbose = flags[n.verbose] === true;
    const log = cliLogger(
      { level: str('log-level'), format: str('log-format'), output: str('log-output') },
      verbose ? 'debug' : 'silent',
      io,
    );
    const apiResponsesFile = str(n.apiResponses);
    const discoveryFile = str(n.discovery);
    options = {
      configFile: config!,
      taskConfigFile: taskConfig!,
      eventFile: event!,
      ...(apiResponsesFile ? { apiResponsesFile } : {}),
      ...(discoveryFile ? { discoveryFile } : {}),
      mounts: (flags['mount'] as string[] | undefined) ?? [],
      output,
      verbose,
      flags: overrideValues(flags),
      log,
      onLoaded: (loaded) => reportLoaded(loaded, io),
    };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`${n.command}: ${err.message}\n\n${usage(n)}`);
    return 2;
  }
  return runDryRun(options, io);
}

/** Warnings (file:line path: message) and, with debug_config, the merged config, on stderr. */
export function reportLoaded(loaded: LoadedConfigPair, io: Io): void {
  for (const w of loaded.warnings) io.stderr.write(`warning: ${formatProblem(w)}\n`);
  if (loaded.adapter.debug_config)
    io.stderr.write(`Loaded adapter configuration:\n${mergedConfigYaml(loaded)}`);
}
