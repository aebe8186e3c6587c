import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot, defaultSay, goEnv, type Say, step, withLock, writeMaestroModule } from './build.ts';
import { StackError } from './errors.ts';
import { runCapture, runToLog } from './proc.ts';
import type { StackInfo } from './types.ts';
import { MAESTRO_VERSION } from './versions.ts';

/**
 * Maestro's own Go work client, the reference our TypeScript source client must interoperate
 * with: `examples/manifestwork/client.go` of the Maestro module at the pinned version, a CLI on
 * the grpcsource ManifestWork client (open-cluster-management.io/sdk-go's cloudevents source
 * client underneath; REST for get/list, gRPC CloudEvents for create/patch/delete). Built like
 * the server, from a throwaway module in the version-keyed cache, never committed.
 */

const MAESTRO_MODULE = 'github.com/openshift-online/maestro';
const CLIENT_PACKAGE = `${MAESTRO_MODULE}/examples/manifestwork`;

function clientDir(): string {
  return join(cacheRoot(), `maestro-client-${MAESTRO_VERSION}`);
}

export function maestroClientPath(): string {
  return join(clientDir(), 'bin', 'maestro-client');
}

async function buildClient(say: Say): Promise<void> {
  const dir = clientDir();
  // The same requirements as the server's build, so both resolve the same sdk-go.
  const { mod, requires } = writeMaestroModule(dir, 'maestro-client-build', CLIENT_PACKAGE);
  const env = await goEnv(say);
  const log = join(dir, 'build.log');
  const seconds = await step(say, `building maestro's Go work client ${MAESTRO_VERSION}`, log, async () => {
    await runToLog('go', ['mod', 'tidy'], { cwd: mod, env, logFile: log });
    await runToLog('go', ['build', '-p', '2', '-o', maestroClientPath(), CLIENT_PACKAGE], {
      cwd: mod,
      env,
      logFile: log,
    });
  });
  const sdk = (
    await runCapture('go', ['list', '-m', 'open-cluster-management.io/sdk-go'], { cwd: mod, env })
  ).stdout.trim();
  writeFileSync(
    join(dir, 'complete.json'),
    `${JSON.stringify({ versions: requires, sdkGo: sdk, seconds: { client: seconds }, builtAt: new Date().toISOString() }, null, 2)}\n`,
  );
}

/** The client binary, built on first use (about 15 s when the server's modules are cached). */
export async function ensureMaestroClient(say: Say = defaultSay): Promise<string> {
  const done = () => existsSync(join(clientDir(), 'complete.json')) && existsSync(maestroClientPath());
  if (!done()) {
    await withLock(clientDir(), say, async () => {
      if (!done()) await buildClient(say);
    });
  }
  return maestroClientPath();
}

/** The sdk-go version the client was built with (what Maestro pins), for reports. */
export function maestroClientSdkVersion(): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(clientDir(), 'complete.json'), 'utf8')) as { sdkGo?: string }).sdkGo;
  } catch {
    return undefined;
  }
}

export interface GoListedWork {
  consumer: string;
  name: string;
  uid: string;
  created: string;
}

/** Maestro's Go client bound to one stack, source id and consumer. */
export interface GoWorkClient {
  /** Create the work, or patch it when it exists (the client's own get-then-create-or-patch). */
  apply(work: object): Promise<void>;
  /** The work as the Go client returns it (JSON of a workv1.ManifestWork), undefined when not found. */
  get(name: string): Promise<Record<string, unknown> | undefined>;
  /** The works of this source on the consumer (name, uid, creation). */
  list(): Promise<GoListedWork[]>;
  delete(name: string): Promise<void>;
}

export function goWorkClient(
  binary: string,
  stack: StackInfo,
  o: { sourceId: string; consumer: string; scratchDir: string },
): GoWorkClient {
  const flags = [
    `--source=${o.sourceId}`,
    `--consumer-name=${o.consumer}`,
    `--maestro-server=${stack.maestro.httpUrl}`,
    `--grpc-server=${stack.maestro.grpcAddress}`,
  ];
  mkdirSync(o.scratchDir, { recursive: true });
  let n = 0;
  const run = async (args: string[]) => {
    const r = await runCapture(binary, [...args, ...flags], { timeoutMs: 60_000 });
    return r;
  };
  const fail = (what: string, r: { code: number | null; stdout: string; stderr: string }) =>
    new StackError(
      'STACK_MAESTRO_CLIENT',
      `maestro Go client ${what} exited ${r.code}: ${(
        r.stderr
          .split('\n')
          .filter((l) => !/^I\d{4}/.test(l))
          .join('\n') || r.stdout
      ).slice(-600)}`,
    );
  return {
    async apply(work) {
      const file = join(o.scratchDir, `work-${n++}.json`);
      writeFileSync(file, JSON.stringify(work));
      const r = await run(['apply', file]);
      if (r.code !== 0) throw fail('apply', r);
    },
    async get(name) {
      const r = await run(['get', name]);
      if (r.code !== 0) {
        if (/not ?found/i.test(r.stderr)) return undefined;
        throw fail('get', r);
      }
      // A header line, then the work as indented JSON.
      const start = r.stdout.indexOf('\n{');
      if (start === -1) throw fail('get (no JSON in output)', r);
      return JSON.parse(r.stdout.slice(start + 1)) as Record<string, unknown>;
    },
    async list() {
      const r = await run(['list']);
      if (r.code !== 0) throw fail('list', r);
      if (r.stdout.includes('No manifestworks found')) return [];
      const rows = r.stdout
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('List ') && !l.startsWith('Consumer '));
      return rows.map((l) => {
        const [consumer = '', name = '', uid = '', created = ''] = l.trim().split(/\s+/);
        return { consumer, name, uid, created };
      });
    },
    async delete(name) {
      const r = await run(['delete', name]);
      if (r.code !== 0) throw fail('delete', r);
    },
  };
}
