/**
 * `npm run demo`: the bundled example adapter (examples/demo: one direct and one Maestro
 * resource) dry-run on a sample event, with canned API answers and a ManifestWork status as
 * a Maestro agent would report it. No cluster, no API, no network.
 */

import { parseArgs } from 'node:util';
import { packagePath } from '../package-root.ts';
import { type Io, runDryRun } from './dry-run.ts';

const DEMO = `${packagePath('examples', 'demo')}/`;

export async function main(argv: string[], io: Io = process): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { output: { type: 'string', default: 'text' }, verbose: { type: 'boolean', default: false } },
  });
  const output = values.output === 'json' ? 'json' : 'text';
  return runDryRun(
    {
      configFile: `${DEMO}adapter-config.yaml`,
      taskConfigFile: `${DEMO}task-config.yaml`,
      eventFile: `${DEMO}event.json`,
      apiResponsesFile: `${DEMO}api-responses.json`,
      discoveryFile: `${DEMO}discovery.json`,
      mounts: [`/etc/adapter=${DEMO}`],
      output,
      verbose: values.verbose === true,
      env: {},
    },
    io,
  );
}
