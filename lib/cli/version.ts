/**
 * `hyperfleet-adapter version`: the Go adapter's three lines, for this build. The commit and
 * build date come from GIT_COMMIT and BUILD_DATE (set by the image build), with Go's defaults.
 */
import { packageVersion } from '../package-root.ts';
import type { CliIo } from './validate.ts';

export async function main(argv: string[], io?: CliIo): Promise<number> {
  const stdout = io?.stdout ?? process.stdout;
  const env = io?.env ?? process.env;
  if (argv.includes('--help') || argv.includes('-h')) {
    stdout.write('Usage: hyperfleet-adapter version\n\nPrint version information.\n');
    return 0;
  }
  if (argv.length > 0) {
    (io?.stderr ?? process.stderr).write(`version: unexpected argument ${JSON.stringify(argv[0])}\n`);
    return 2;
  }
  stdout.write(`Version:    ${packageVersion()}\n`);
  stdout.write(`Commit:     ${env['GIT_COMMIT'] || 'none'}\n`);
  stdout.write(`Build Date: ${env['BUILD_DATE'] || 'unknown'}\n`);
  return 0;
}
