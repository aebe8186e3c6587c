import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { aptInstall } from './apt.ts';
import { StackError } from './errors.ts';
import { runCapture, spawnDaemon, waitFor } from './proc.ts';
import type { RabbitmqInfo } from './types.ts';

/**
 * A RabbitMQ node of its own per run (Debian's rabbitmq-server): its own epmd, node name,
 * Erlang cookie, database, config and plugins file in the run dir; AMQP and Erlang
 * distribution on free loopback ports; no plugins (so no management listener).
 */

type Say = (line: string) => void;

const SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

/** Debian's rabbitmq-server version, e.g. `3.10.8`, read from its package. */
export async function rabbitmqVersion(): Promise<string> {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own field syntax
  const res = await runCapture('dpkg-query', ['-W', '-f=${Version}', 'rabbitmq-server']);
  return res.code === 0 ? res.stdout.trim().replace(/-.*$/, '') : 'unknown';
}

async function epmdBinary(): Promise<string | undefined> {
  const which = await runCapture('sh', ['-c', 'command -v epmd']);
  return which.code === 0 && which.stdout.trim() !== '' ? which.stdout.trim() : undefined;
}

/** Installs Debian's rabbitmq-server when absent (CI starts on a fresh machine). */
export async function ensureRabbitmqBinaries(say: Say): Promise<{ server: string; epmd: string }> {
  const found = async () => {
    const epmd = await epmdBinary();
    return existsSync(SERVER) && epmd !== undefined ? { server: SERVER, epmd } : undefined;
  };
  const present = await found();
  if (present !== undefined) return present;
  if (process.getuid?.() !== 0) {
    throw new StackError('STACK_RABBITMQ_MISSING', `no ${SERVER} and not root to install rabbitmq-server`);
  }
  say('RabbitMQ not found: apt-get install rabbitmq-server');
  await aptInstall('rabbitmq-server', 'STACK_RABBITMQ_MISSING');
  const installed = await found();
  if (installed === undefined)
    throw new StackError('STACK_RABBITMQ_MISSING', `rabbitmq-server installed but no ${SERVER} or epmd`);
  return installed;
}

export interface RabbitmqPorts {
  amqp: number;
  dist: number;
  epmd: number;
}

export interface RabbitmqStart {
  runDir: string;
  runId: string;
  ports: RabbitmqPorts;
  logFile: string;
  epmdLogFile: string;
  say: Say;
  onPid: (role: 'rabbitmq' | 'epmd', pid: number) => void;
}

/** The environment every rabbitmq command of this node runs with (server and CLI tools alike). */
function nodeEnv(dir: string, nodeName: string, ports: RabbitmqPorts): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // The CLI tools and the server find the Erlang cookie in $HOME.
    HOME: dir,
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_USE_LONGNAME: 'false',
    RABBITMQ_DIST_PORT: String(ports.dist),
    ERL_EPMD_PORT: String(ports.epmd),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    // Never read the machine's /etc/rabbitmq/rabbitmq-env.conf.
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
    RABBITMQ_LOGS: '-',
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };
}

/** Starts epmd and the node, waits until an AMQP connection with the run's user opens. */
export async function startRabbitmq(o: RabbitmqStart): Promise<RabbitmqInfo> {
  const bins = await ensureRabbitmqBinaries(o.say);
  const dir = join(o.runDir, 'rabbitmq');
  mkdirSync(join(dir, 'log'), { recursive: true });
  const nodeName = `rabbit-${o.runId}@localhost`;
  const user = 'hyperfleet';
  const password = randomBytes(18).toString('hex');
  const vhost = 'hyperfleet';
  writeFileSync(join(dir, '.erlang.cookie'), randomBytes(20).toString('hex').toUpperCase(), { mode: 0o400 });
  writeFileSync(join(dir, 'rabbitmq-env.conf'), '');
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  writeFileSync(join(dir, 'advanced.config'), '[].\n');
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.1 = 127.0.0.1:${o.ports.amqp}`,
      `default_user = ${user}`,
      `default_pass = ${password}`,
      `default_vhost = ${vhost}`,
      'default_permissions.configure = .*',
      'default_permissions.read = .*',
      'default_permissions.write = .*',
      'log.console = true',
      'log.console.level = info',
      'log.file = false',
      // A busy CI disk must not block publishers.
      'disk_free_limit.absolute = 1MB',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const env = nodeEnv(dir, nodeName, o.ports);
  // Our own epmd on the run's port, started in the foreground so it is recorded and stopped
  // with the run (the node would otherwise fork a daemon epmd that outlives it).
  // Started through a link in the run dir so its command line names the run (the net that
  // catches a crashed start's processes looks for the run dir there).
  const epmd = join(dir, 'epmd');
  symlinkSync(bins.epmd, epmd);
  const epmdPid = spawnDaemon(epmd, ['-port', String(o.ports.epmd), '-address', '127.0.0.1'], {
    cwd: dir,
    env,
    logFile: o.epmdLogFile,
  });
  o.onPid('epmd', epmdPid);
  await waitFor(
    async () =>
      (await runCapture(bins.epmd, ['-port', String(o.ports.epmd), '-names'], { env })).code === 0
        ? true
        : undefined,
    { what: 'epmd', timeoutMs: 15_000, pid: epmdPid, logs: [o.epmdLogFile], intervalMs: 100 },
  );
  const pid = spawnDaemon(bins.server, [], { cwd: dir, env, logFile: o.logFile });
  o.onPid('rabbitmq', pid);
  const info: RabbitmqInfo = {
    host: '127.0.0.1',
    port: o.ports.amqp,
    user,
    password,
    vhost,
    url: `amqp://${user}:${password}@127.0.0.1:${o.ports.amqp}/${encodeURIComponent(vhost)}`,
    nodeName,
    version: await rabbitmqVersion(),
  };
  await waitFor(async () => ((await amqpPing(info.url)) ? true : undefined), {
    what: 'rabbitmq AMQP connection',
    timeoutMs: 90_000,
    pid,
    logs: [o.logFile],
    intervalMs: 250,
  });
  return info;
}

/** Opens a real AMQP connection and a channel, then closes them: the node accepts clients. */
export async function amqpPing(url: string): Promise<boolean> {
  const conn = await connect(url, { timeout: 3_000 });
  try {
    await (await conn.createChannel()).close();
    return true;
  } finally {
    await conn.close().catch(() => {});
  }
}
