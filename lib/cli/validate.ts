/**
 * `hyperfleet-adapter validate`: load both config files exactly as the adapter would and say
 * whether they would run. Exit 0 + one summary line; 1 + every problem (file:line:col path:
 * message); 2 on a bad command line.
 */
import {
  ConfigError,
  formatProblem,
  type LoadedConfigPair,
  loadConfigPair,
  OVERRIDE_KEYS,
  parseMounts,
} from '../config/index.ts';
import { type FlagSpecs, parseArgs, UsageError } from './args.ts';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
}

const OVERRIDE_FLAG_SPECS: FlagSpecs = Object.fromEntries(
  OVERRIDE_KEYS.flatMap((k) =>
    k.flag ? [[k.flag, { type: k.kind === 'bool' ? 'boolean' : 'string' }]] : [],
  ),
);

const FLAGS = {
  config: { type: 'string', short: 'c' },
  'task-config': { type: 'string', short: 't' },
  mount: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  ...OVERRIDE_FLAG_SPECS,
} satisfies FlagSpecs;

export const USAGE = `Usage: hyperfleet-adapter validate --config <adapter-config.yaml> --task-config <task-config.yaml>
                                  [--mount /etc/adapter=<dir>]... [override flags]

Loads and checks both files as the adapter would: schema, names, template variables, CEL,
referenced files. Prints one summary line (exit 0) or every problem found (exit 1).

  -c, --config        AdapterConfig file (default: $HYPERFLEET_ADAPTER_CONFIG)
  -t, --task-config   AdapterTaskConfig file (default: $HYPERFLEET_TASK_CONFIG)
      --mount P=DIR   read absolute refs under container path P from local folder DIR
                      (repeatable; also $HYPERFLEET_ADAPTER_MOUNTS="P=DIR,P2=DIR2")
Overrides (flag > env > file), as in the Go adapter:
  ${OVERRIDE_KEYS.flatMap((k) => (k.flag ? [`--${k.flag}`] : [])).join(' ')}
`;

export async function main(argv: string[], io?: CliIo): Promise<number> {
  const stdout = io?.stdout ?? process.stdout;
  const stderr = io?.stderr ?? process.stderr;
  const env = io?.env ?? process.env;

  let flags: ReturnType<typeof parseArgs<typeof FLAGS>>['flags'];
  try {
    const parsed = parseArgs(argv, FLAGS);
    if (parsed.positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
    flags = parsed.flags;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    stderr.write(`hyperfleet-adapter validate: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    stdout.write(USAGE);
    return 0;
  }
  const configFile = flags.config ?? env['HYPERFLEET_ADAPTER_CONFIG'];
  const taskConfigFile = flags['task-config'] ?? env['HYPERFLEET_TASK_CONFIG'];
  const missing = [configFile ? '' : '--config', taskConfigFile ? '' : '--task-config'].filter(Boolean);
  const mounts = parseMounts(flags.mount ?? []);
  if (missing.length > 0 || mounts.errors.length > 0) {
    const reasons = [...missing.map((f) => `${f} is required`), ...mounts.errors];
    stderr.write(`hyperfleet-adapter validate: ${reasons.join('; ')}\n\n${USAGE}`);
    return 2;
  }

  const overrides: Record<string, string | boolean> = {};
  for (const key of OVERRIDE_KEYS) {
    const value = key.flag ? (flags as Record<string, string | boolean | undefined>)[key.flag] : undefined;
    if (key.flag && value !== undefined) overrides[key.flag] = value;
  }

  let loaded: LoadedConfigPair;
  try {
    loaded = await loadConfigPair({
      configFile: configFile!,
      taskConfigFile: taskConfigFile!,
      mounts: mounts.mounts,
      env,
      flags: overrides,
    });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) stderr.write(`${formatProblem(p)}\n`);
    const n = err.problems.length;
    stderr.write(`invalid: ${n} problem${n === 1 ? '' : 's'}\n`);
    return 1;
  }
  for (const w of loaded.warnings) stderr.write(`warning: ${formatProblem(w)}\n`);
  stdout.write(`${summary(loaded)}\n`);
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
