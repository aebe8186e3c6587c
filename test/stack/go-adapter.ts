import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot, defaultSay, goEnv, type Say, step, withLock } from './build.ts';
import { peerCommit, peersRoot as peersDir } from './peers.ts';
import { runToLog } from './proc.ts';

export { peerCommit, peersDir };

/**
 * Builds the real Go hyperfleet-adapter (the oracle of the differential suite) from the peers'
 * source snapshots. The snapshots are read-only and the module proxy does not serve the
 * openshift-hyperfleet modules, so the adapter and hyperfleet-broker are copied into the stack
 * cache and the broker is resolved with a `replace`. Keyed by the commit the peers' README lists.
 */

const BROKER_MODULE = 'github.com/openshift-hyperfleet/hyperfleet-broker';

export function goAdapterDir(): string {
  return join(cacheRoot(), `hyperfleet-adapter-${peerCommit('hyperfleet-adapter').slice(0, 12)}`);
}

/** Path of the binary once built; it may not exist yet. */
export function goAdapterBinary(): string {
  return join(goAdapterDir(), 'bin', 'hyperfleet-adapter');
}

/** The Go adapter's source snapshot (read-only): its fixtures are the suite's inputs. */
export function goAdapterSource(): string {
  return join(peersDir(), 'hyperfleet-adapter');
}

function complete(dir: string): boolean {
  return existsSync(join(dir, 'complete.json')) && existsSync(join(dir, 'bin', 'hyperfleet-adapter'));
}

async function build(dir: string, say: Say): Promise<void> {
  const peers = peersDir();
  const adapterCommit = peerCommit('hyperfleet-adapter', peers);
  const brokerCommit = peerCommit('hyperfleet-broker', peers);
  const src = join(dir, 'src');
  const broker = join(dir, 'hyperfleet-broker');
  rmSync(src, { recursive: true, force: true });
  rmSync(broker, { recursive: true, force: true });
  cpSync(join(peers, 'hyperfleet-adapter'), src, { recursive: true });
  cpSync(join(peers, 'hyperfleet-broker'), broker, { recursive: true });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  const env = await goEnv(say);
  const log = join(dir, 'build.log');
  const seconds = await step(
    say,
    `building the Go hyperfleet-adapter ${adapterCommit.slice(0, 12)}`,
    log,
    async () => {
      await runToLog('go', ['mod', 'edit', '-replace', `${BROKER_MODULE}=${broker}`], {
        cwd: src,
        env,
        logFile: log,
      });
      await runToLog(
        'go',
        ['build', '-p', '2', '-o', join(dir, 'bin', 'hyperfleet-adapter'), './cmd/adapter'],
        {
          cwd: src,
          env,
          logFile: log,
        },
      );
    },
  );
  const stamp = {
    versions: { 'hyperfleet-adapter': adapterCommit, 'hyperfleet-broker': brokerCommit },
    seconds: { 'hyperfleet-adapter': seconds },
    builtAt: new Date().toISOString(),
  };
  writeFileSync(join(dir, 'complete.json'), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** Returns the Go adapter binary, building it into the stack cache when it is not there yet. */
export async function ensureGoAdapter(options: { say?: Say } = {}): Promise<string> {
  const say = options.say ?? defaultSay;
  const dir = goAdapterDir();
  if (!complete(dir)) {
    await withLock(dir, say, async () => {
      if (!complete(dir)) await build(dir, say);
    });
  }
  return goAdapterBinary();
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureGoAdapter().then(
    (bin) => process.stdout.write(`${bin}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
