/**
 * `hyperfleet-adapter validate`: load both config files exactly as the adapter would and say
 * whether they would run. Exit 0 + one summary line (warnings before it); 1 + every problem
 * (file:line:col path: message), or with `--strict` also when there are warnings; 2 on a bad
 * command line. `config-dump` loads the same way and prints the merged configuration.
 */
import {
  ConfigError,
  formatProblem,
  type LoadedConfigPair,
  loadConfigPair,
  mergedConfigYaml,
  parseMounts,
} from '../config/index.ts';
import { parseArgs, UsageError } from './args.ts';
import { OVERRIDE_FLAG_SPECS, OVERRIDE_USAGE, overrideValues } from './override-flags.ts';

export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env?: NodeJS.ProcessEnv;
}

const FLAGS = {
  config: { type: 'string', short: 'c' },
  'task-config': { type: 'string', short: 't' },
  mount: { type: 'string', multiple: true },
  strict: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...OVERRIDE_FLAG_SPECS,
} as const;

export const USAGE = `Usage: hyperfleet-adapter validate --config <adapter-config.yaml> --task-config <task-config.yaml>
                                  [--mount /etc/adapter=<dir>]... [--strict] [--dry-run] [override flags]

Loads and checks both files as the adapter would: schema, names, template variables, CEL,
referenced files, the clients the task needs. Prints any warnings (what loads and runs, as in
the Go adapter, but is probably a mistake) and one summary line (exit 0), or every problem
found (exit 1).

  -c, --config        AdapterConfig file (default: $HYPERFLEET_ADAPTER_CONFIG)
  -t, --task-config   AdapterTaskConfig file (default: $HYPERFLEET_TASK_CONFIG)
      --mount P=DIR   read absolute refs under container path P from local folder DIR
                      (repeatable; also $HYPERFLEET_ADAPTER_MOUNTS="P=DIR,P2=DIR2")
      --strict        warnings are problems too (exit 1)
      --dry-run       check as a dry run loads it: what only serving needs (base_url, a Maestro
                      client that can connect) is a warning
${OVERRIDE_USAGE}`;

const DUMP_USAGE = `Usage: hyperfleet-adapter config-dump --config <adapter-config.yaml> --task-config <task-config.yaml>
                                     [--mount /etc/adapter=<dir>]... [override flags]

Loads both files as the adapter would and prints the merged configuration (env and flag
overrides applied, certificate paths and credential headers redacted) as YAML, as the Go
adapter's config-dump does. Exit 1 listing every problem when it does not load.
${OVERRIDE_USAGE}`;

type Loaded = { loaded: LoadedConfigPair } | { code: number };

/** Parse the shared flags and load; prints usage or problems itself. */
async function load(
  command: string,
  usage: string,
  argv: string[],
  io?: CliIo,
): Promise<Loaded & { strict?: boolean }> {
  const stdout = io?.stdout ?? process.stdout;
  const stderr = io?.stderr ?? process.stderr;
  const env = io?.env ?? process.env;
  let flags: Record<string, string | boolean | string[] | undefined>;
  let overrides: ReturnType<typeof overrideValues>;
  try {
    const parsed = parseArgs(argv, FLAGS);
    if (parsed.positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
    flags = parsed.flags;
    overrides = overrideValues(flags);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    stderr.write(`hyperfleet-adapter ${command}: ${err.message}\n\n${usage}`);
    return { code: 2 };
  }
  if (flags['help'] === true) {
    stdout.write(usage);
    return { code: 0 };
  }
  const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
  const configFile = str('config') ?? env['HYPERFLEET_ADAPTER_CONFIG'];
  const taskConfigFile = str('task-config') ?? env['HYPERFLEET_TASK_CONFIG'];
  const missing = [configFile ? '' : '--config', taskConfigFile ? '' : '--task-config'].filter(Boolean);
  const mounts = parseMounts((flags['mount'] as string[] | undefined) ?? []);
  if (missing.length > 0 || mounts.errors.length > 0) {
    const reasons = [...missing.map((f) => `${f} is required`), ...mounts.errors];
    stderr.write(`hyperfleet-adapter ${command}: ${reasons.join('; ')}\n\n${usage}`);
    return { code: 2 };
  }
  try {
    const loaded = await loadConfigPair({
      configFile: configFile!,
      taskConfigFile: taskConfigFile!,
      mounts: mounts.mounts,
      env,
      flags: overrides,
      purpose: flags['dry-run'] === true ? 'dry-run' : 'serve',
    });
    return { loaded, strict: flags['strict'] === true };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) stderr.write(`${formatProblem(p)}\n`);
    for (const w of err.warnings) stderr.write(`warning: ${formatProblem(w)}\n`);
    const n = err.problems.length;
    stderr.write(`invalid: ${n} problem${n === 1 ? '' : 's'}\n`);
    return { code: 1 };
  }
}

export async function main(argv: string[], io?: CliIo): Promise<number> {
  const stdout = io?.stdout ?? process.stdout;
  const stderr = io?.stderr ?? process.stderr;
  const result = await load('validate', USAGE, argv, io);
  if ('code' in result) return result.code;
  const { loaded, strict } = result;
  const n = loaded.warnings.length;
  if (strict && n > 0) {
    for (const w of loaded.warnings) stderr.write(`${formatProblem(w)}\n`);
    stderr.write(`invalid (--strict): ${n} warning${n === 1 ? '' : 's'}\n`);
    return 1;
  }
  for (const w of loaded.warnings) stderr.write(`warning: ${formatProblem(w)}\n`);
  stdout.write(`${summary(loaded)}\n`);
  return 0;
}

/** `config-dump`: the merged configuration as YAML on stdout (the Go adapter's command). */
export async function configDumpMain(argv: string[], io?: CliIo): Promise<number> {
  const stdout = io?.stdout ?? process.stdout;
  const stderr = io?.stderr ?? process.stderr;
  const result = await load('config-dump', DUMP_USAGE, argv, io);
  if ('code' in result) return result.code;
  for (const w of result.loaded.warnings) stderr.write(`warning: ${formatProblem(w)}\n`);
  stdout.write(mergedConfigYaml(result.loaded));
  return 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summary({ adapter, task }: LoadedConfigPair): string {
  const byTransport = new Map<string, number>();
  for (const r of task.resources)
    byTransport.set(r.transport.client, (byTransport.get(r.transport.client) ?? 0) + 1);
  const transports = [...byTransport].map(([client, n]) => `${n} ${client}`).join(', ');
  return [
    `valid: adapter ${adapter.adapter.name}${adapter.adapter.version ? ` ${adapter.adapter.version}` : ''}:`,
    `${plural(task.params.length, 'param')},`,
    `${plural(task.preconditions.length, 'precondition')},`,
    `${plural(task.resources.length, 'resource')}${transports ? ` (${transports})` : ''},`,
    `${plural(task.post.payloads.length, 'payload')},`,
    plural(task.post.post_actions.length, 'post action'),
  ].join(' ');
}
