import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall } from './apt.ts';
import { StackError } from './errors.ts';
import { runCapture, spawnDaemon, stopProcess, waitFor } from './proc.ts';

/**
 * A PostgreSQL cluster of its own per run: initdb in the run dir, trust auth on loopback, a
 * free port, no unix socket. Nothing is shared with other runs or with a system cluster.
 */

export interface PostgresHandle {
  pid: number;
  host: string;
  port: number;
  user: string;
  database: string;
  dataDir: string;
  logFile: string;
  /** e.g. 15.10, from `postgres --version`. */
  version: string;
}

type Say = (line: string) => void;

function usableBinDir(dir: string): boolean {
  return ['initdb', 'postgres'].every((b) => existsSync(join(dir, b)));
}

/** Newest /usr/lib/postgresql/<v>/bin holding initdb and postgres, else the dir `initdb` on PATH resolves into. */
async function findBinDir(): Promise<string | undefined> {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const dir = join(root, v, 'bin');
      if (usableBinDir(dir) && (await runCapture(join(dir, 'postgres'), ['--version'])).code === 0)
        return dir;
    }
  }
  const which = await runCapture('sh', ['-c', 'command -v initdb']);
  if (which.code === 0 && which.stdout.trim() !== '') {
    const dir = join(realpathSync(which.stdout.trim()), '..');
    if (usableBinDir(dir) && (await runCapture(join(dir, 'postgres'), ['--version'])).code === 0) return dir;
  }
  return undefined;
}

/** Installs Debian's postgresql when no server binaries are found (CI starts on a fresh machine). */
export async function ensurePostgresBinaries(say: Say): Promise<string> {
  const found = await findBinDir();
  if (found !== undefined) return found;
  if (process.getuid?.() !== 0) {
    throw new StackError(
      'STACK_POSTGRES_MISSING',
      'no PostgreSQL server binaries found and not root to install them',
    );
  }
  say('PostgreSQL server not found: apt-get install postgresql');
  await aptInstall('postgresql', 'STACK_POSTGRES_MISSING');
  const installed = await findBinDir();
  if (installed === undefined)
    throw new StackError('STACK_POSTGRES_MISSING', 'postgresql installed but no initdb');
  return installed;
}

/** PostgreSQL refuses to run as root; as root, run it as the postgres (or nobody) account. */
async function serverAccount(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const uid = await runCapture('id', ['-u', name]);
    const gid = await runCapture('id', ['-g', name]);
    if (uid.code === 0 && gid.code === 0) return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
  }
  throw new StackError(
    'STACK_POSTGRES_FAILED',
    'running as root and no postgres/nobody account to run PostgreSQL',
  );
}

export async function startPostgres(
  runDir: string,
  port: number,
  say: Say,
  onPid?: (pid: number) => void,
): Promise<PostgresHandle> {
  const binDir = await ensurePostgresBinaries(say);
  const account = await serverAccount();
  const base = join(runDir, 'postgres');
  const dataDir = join(base, 'data');
  const logFile = join(runDir, 'logs', 'postgres.log');
  mkdirSync(base, { recursive: true });
  if (account) chownSync(base, account.uid, account.gid);
  const asServer = account ?? {};
  const init = await runCapture(
    join(binDir, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
    { ...asServer, cwd: base },
  );
  if (init.code !== 0) {
    throw new StackError('STACK_POSTGRES_FAILED', `initdb failed: ${init.stderr.trim()}`);
  }
  const pid = spawnDaemon(
    join(binDir, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      '',
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    { ...asServer, cwd: base, logFile },
  );
  onPid?.(pid);
  await waitFor(
    async () => (readFileSync(logFile, 'utf8').includes('ready to accept connections') ? true : undefined),
    { what: 'postgres', timeoutMs: 30_000, pid, logs: [logFile], intervalMs: 100 },
  );
  const version =
    (await runCapture(join(binDir, 'postgres'), ['--version'])).stdout.match(/\d+(\.\d+)+/)?.[0] ?? '';
  const handle: PostgresHandle = {
    pid,
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    dataDir,
    logFile,
    version,
  };
  if (existsSync(join(binDir, 'createdb'))) {
    await createDatabase(handle, 'maestro');
    handle.database = 'maestro';
  }
  return handle;
}

/** Creates a database on the run's cluster (each peer that migrates a schema gets its own). */
export async function createDatabase(
  handle: { host: string; port: number; user: string; logFile: string },
  name: string,
): Promise<void> {
  const binDir = await findBinDir();
  if (binDir === undefined) throw new StackError('STACK_POSTGRES_MISSING', 'no PostgreSQL binaries');
  const res = await runCapture(join(binDir, 'createdb'), [
    '-h',
    handle.host,
    '-p',
    String(handle.port),
    '-U',
    handle.user,
    name,
  ]);
  if (res.code !== 0)
    throw new StackError('STACK_POSTGRES_FAILED', `createdb ${name}: ${res.stderr.trim()}`, {
      logs: [handle.logFile],
    });
}

/** Fast shutdown (SIGINT: roll back sessions, checkpoint, exit), then the cluster's files go. */
export async function stopPostgres(handle: { pid: number; dataDir: string }): Promise<void> {
  await stopProcess(handle.pid, { signal: 'SIGINT', graceMs: 15_000 });
  rmSync(join(handle.dataDir, '..'), { recursive: true, force: true });
}
