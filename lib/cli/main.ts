/**
 * The command line: `validate`, `dry-run` (also spelled as the Go adapter's
 * `serve --dry-run-event ...`), `config-dump`, `demo`, `version`. Each command loads only what it uses.
 * Started by bin/hyperfleet-adapter.js, which finds a Node that can run it.
 */
const USAGE = `Usage: hyperfleet-adapter <command> [flags]

Commands:
  validate     -c <adapter-config.yaml> -t <task-config.yaml> [--mount /etc/adapter=<dir>]... [--strict]
               Check a configuration; exit 0 with a summary (and any warnings), 1 listing every problem.
  dry-run      -c <file> -t <file> --event <cloudevent.json>
               [--api-responses <file>] [--discovery <file>] [--mount /etc/adapter=<dir>]...
               [--output text|json] [--verbose]
               Run one event through the adapter with no cluster and no API; print a trace of every phase.
  serve        --dry-run-event <file> [--dry-run-api-responses <file>] [--dry-run-discovery <file>]
               [--dry-run-output text|json] [--dry-run-verbose] -c <file> -t <file>
               The Go adapter's spelling of dry-run, with every flag of its serve command (--log-level,
               --debug-config, overrides). Serving events is the Knative function: npm start.
  config-dump  -c <file> -t <file> [override flags]
               Print the merged configuration (files, env and flag overrides) as YAML, secrets redacted.
  demo         Dry-run the bundled example adapter (one direct and one Maestro resource) on a sample event.
  version      Print the version, commit and build date (as the Go adapter's version command does).

Every command takes --help.
`;

type Main = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Main>> = {
  validate: async () => (await import('./validate.ts')).main,
  'dry-run': async () => (await import('./dry-run-flags.ts')).main,
  serve: async () => (await import('./dry-run-flags.ts')).serveMain,
  'config-dump': async () => (await import('./validate.ts')).configDumpMain,
  demo: async () => (await import('./demo.ts')).main,
  version: async () => (await import('./version.ts')).main,
};

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const load = commands[command];
  if (!load) {
    process.stderr.write(`hyperfleet-adapter: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  return (await load())(rest);
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`hyperfleet-adapter: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
