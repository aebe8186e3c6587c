import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from './errors.ts';
import { http } from './http.ts';
import { runToLog, spawnDaemon, waitFor } from './proc.ts';

/** Maestro server, its schema migration, consumers and one agent per consumer. */

export interface DbFiles {
  flags: string[];
}

/** Maestro reads each database setting from a file; the port file must not end in a newline. */
export function writeDbFiles(
  dir: string,
  db: { host: string; port: number; user: string; password: string; database: string },
): DbFiles {
  mkdirSync(dir, { recursive: true });
  const files = {
    host: join(dir, 'db.host'),
    port: join(dir, 'db.port'),
    user: join(dir, 'db.user'),
    password: join(dir, 'db.password'),
    name: join(dir, 'db.name'),
  };
  writeFileSync(files.host, db.host);
  writeFileSync(files.port, String(db.port));
  writeFileSync(files.user, db.user);
  writeFileSync(files.password, db.password, { mode: 0o600 });
  writeFileSync(files.name, db.database);
  return {
    flags: [
      `--db-host-file=${files.host}`,
      `--db-port-file=${files.port}`,
      `--db-user-file=${files.user}`,
      `--db-password-file=${files.password}`,
      `--db-name-file=${files.name}`,
      '--db-sslmode=disable',
      '--db-max-open-connections=20',
    ],
  };
}

/** The environment Maestro runs with: MAESTRO_ENV=testing would drop the database, so it is never inherited. */
export function maestroEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['MAESTRO_ENV'];
  return env;
}

export async function migrate(binary: string, db: DbFiles, cwd: string, logFile: string): Promise<void> {
  await runToLog(binary, ['migration', ...db.flags, '-v=2'], {
    cwd,
    env: maestroEnv(),
    logFile,
    timeoutMs: 120_000,
  });
}

export interface ServerPorts {
  http: number;
  grpc: number;
  broker: number;
  health: number;
  metrics: number;
}

export interface ServerOptions {
  binary: string;
  db: DbFiles;
  ports: ServerPorts;
  cwd: string;
  logFile: string;
  /** Extra flags (the TLS variant's gRPC security settings). */
  extraArgs?: string[];
  onPid?: (pid: number) => void;
}

export interface MaestroServer {
  pid: number;
  httpUrl: string;
  healthUrl: string;
  grpcAddress: string;
  grpcBrokerAddress: string;
}

export async function startServer(o: ServerOptions): Promise<MaestroServer> {
  const pid = spawnDaemon(
    o.binary,
    [
      'server',
      ...o.db.flags,
      '--server-hostname=127.0.0.1',
      '--message-broker-type=grpc',
      `--http-server-bindport=${o.ports.http}`,
      `--grpc-server-bindport=${o.ports.grpc}`,
      `--grpc-broker-bindport=${o.ports.broker}`,
      `--health-check-server-bindport=${o.ports.health}`,
      `--metrics-server-bindport=${o.ports.metrics}`,
      '--heartbeat-interval=3',
      ...(o.extraArgs ?? []),
      '-v=2',
    ],
    { cwd: o.cwd, env: maestroEnv(), logFile: o.logFile },
  );
  o.onPid?.(pid);
  const server: MaestroServer = {
    pid,
    httpUrl: `http://127.0.0.1:${o.ports.http}`,
    healthUrl: `http://127.0.0.1:${o.ports.health}/healthcheck`,
    grpcAddress: `127.0.0.1:${o.ports.grpc}`,
    grpcBrokerAddress: `127.0.0.1:${o.ports.broker}`,
  };
  await waitFor(
    async () => {
      const health = await http(server.healthUrl);
      const api = await http(`${server.httpUrl}/api/maestro/v1/consumers?size=1`);
      return health.status === 200 && api.status === 200 ? true : undefined;
    },
    { what: 'maestro server /healthcheck', timeoutMs: 60_000, pid, logs: [o.logFile], intervalMs: 250 },
  );
  return server;
}

export interface Consumer {
  id: string;
  name: string;
}

/** Registers a consumer, or returns the existing one of that name (a reused database keeps them). */
export async function ensureConsumer(httpUrl: string, name: string): Promise<Consumer> {
  const base = `${httpUrl}/api/maestro/v1/consumers`;
  const created = await http(base, { method: 'POST', body: { name } });
  if (created.status === 201) return created.json as Consumer;
  if (created.status === 409) {
    const found = await http(`${base}?search=${encodeURIComponent(`name='${name}'`)}`);
    const item = (found.json as { items?: Consumer[] } | undefined)?.items?.[0];
    if (item !== undefined) return item;
  }
  throw new StackError('STACK_MAESTRO_FAILED', `POST consumer ${name}: ${created.status} ${created.text}`);
}

export interface AgentOptions {
  binary: string;
  consumer: string;
  /** host:port of the server's gRPC broker, spelled differently per agent on one cluster. */
  brokerUrl: string;
  kubeconfig: string;
  listenPort: number;
  dir: string;
  logFile: string;
}

export function startAgent(o: AgentOptions): { pid: number } {
  mkdirSync(o.dir, { recursive: true });
  const sourceConfig = join(o.dir, 'workload-source.yaml');
  writeFileSync(sourceConfig, `url: ${o.brokerUrl}\n`);
  const pid = spawnDaemon(
    o.binary,
    [
      'agent',
      `--consumer-name=${o.consumer}`,
      '--workload-source-driver=grpc',
      `--workload-source-config=${sourceConfig}`,
      `--cloudevents-client-id=${o.consumer}-agent`,
      `--kubeconfig=${o.kubeconfig}`,
      `--listen=127.0.0.1:${o.listenPort}`,
      '--status-sync-interval=1s',
      // Never evict applied works because the server was briefly away during a test.
      '--appliedmanifestwork-eviction-grace-period=876000h',
      '-v=2',
    ],
    { cwd: o.dir, env: maestroEnv(), logFile: o.logFile },
  );
  return { pid };
}
