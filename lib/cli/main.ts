#!/usr/bin/env node
/**
 * The command line: `validate`, `dry-run` (also spelled as the Go adapter's
 * `serve --dry-run-event ...`), `demo`. Each command loads only what it uses.
 */
const USAGE = `Usage: hyperfleet-adapter <command> [flags]

Commands:
  validate  --config <adapter-config.yaml> --task-config <task-config.yaml> [--mount /etc/adapter=<dir>]...
            Check a configuration; exit 0 with a summary, 1 listing every problem.
  dry-run   --config <file> --task-config <file> --event <cloudevent.json>
            [--api-responses <file>] [--discovery <file>] [--mount /etc/adapter=<dir>]...
            [--output text|json] [--verbose]
            Run one event through the adapter with no cluster and no API; print a trace of every phase.
  serve     --dry-run-event <file> [--dry-run-api-responses <file>] [--dry-run-discovery <file>]
            [--dry-run-output text|json] --config <file> --task-config <file>
            The Go adapter's spelling of dry-run. (Serving events is the Knative function: npm start.)
  demo      Dry-run the bundled example adapter (one direct and one Maestro resource) on a sample event.
`;

type Main = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Main>> = {
  validate: async () => (await import('../lib/cli/validate.ts')).main,
  'dry-run': async () => (await import('../lib/cli/dry-run.ts')).main,
  serve: async () => (await import('../lib/cli/dry-run.ts')).serveMain,
  demo: async () => (await import('../lib/cli/demo.ts')).main,
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
