import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { cacheRoot, defaultSay, goEnv, type Say, step, withLock } from './build.ts';
import { KNATIVE_RABBITMQ_VERSION } from './knative-crds.ts';
import { freePort, runToLog, spawnDaemon, stopProcess, waitFor } from './proc.ts';

/**
 * Knative's RabbitmqSource receive adapter (`knative.dev/eventing-rabbitmq` cmd/receive_adapter),
 * built from the module proxy into the stack cache keyed by version, and run natively with the
 * environment the RabbitmqSource controller gives its Deployment: it consumes one queue and
 * posts each message as a CloudEvent to its sink, acking after a 2xx and nacking (no requeue)
 * once its sender's retries are spent (it retries 404, 413, 425, 429, 502, 503 and 504 only).
 *
 * Outside a pod it still serves Knative's health probes on :8080 of every interface (a fixed
 * port; when taken, it logs the failure and carries on) and reads a kubeconfig for its
 * informers, though nothing it does here asks the API server anything.
 */

const MODULE = 'knative.dev/eventing-rabbitmq';
const COMMAND = `${MODULE}/cmd/receive_adapter`;

function adapterDir(): string {
  return join(cacheRoot(), `rabbitmq-receive-adapter-${KNATIVE_RABBITMQ_VERSION}`);
}

export function receiveAdapterPath(): string {
  return join(adapterDir(), 'bin', 'receive_adapter');
}

interface Stamp {
  version: string;
  seconds: number;
  builtAt: string;
}

function readStamp(): Stamp | undefined {
  try {
    return JSON.parse(readFileSync(join(adapterDir(), 'complete.json'), 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

/** Seconds the cached build took (for reports); undefined before the first build. */
export function receiveAdapterBuildSeconds(): number | undefined {
  return readStamp()?.seconds;
}

/**
 * The receive adapter binary, built when the cache lacks it. `go install module@version` needs
 * the proxy's version list, which the proxy here refuses; a throwaway module that requires the
 * release builds the same binary with the versions the release itself resolves.
 */
export async function ensureReceiveAdapter(say: Say = defaultSay): Promise<string> {
  const bin = receiveAdapterPath();
  const done = () => readStamp()?.version === KNATIVE_RABBITMQ_VERSION && existsSync(bin);
  if (done()) return bin;
  const dir = adapterDir();
  await withLock(dir, say, async () => {
    if (done()) return;
    const mod = join(dir, 'mod');
    mkdirSync(mod, { recursive: true });
    mkdirSync(join(dir, 'bin'), { recursive: true });
    writeFileSync(
      join(mod, 'go.mod'),
      `module hyperfleet.local/rabbitmq-receive-adapter-build\n\ngo 1.25.0\n\nrequire ${MODULE} ${KNATIVE_RABBITMQ_VERSION}\n`,
    );
    writeFileSync(join(mod, 'tools.go'), `//go:build tools\n\npackage tools\n\nimport _ "${COMMAND}"\n`);
    const env = await goEnv(say);
    const log = join(dir, 'build.log');
    const seconds = await step(
      say,
      `building rabbitmq receive adapter ${KNATIVE_RABBITMQ_VERSION}`,
      log,
      async () => {
        await runToLog('go', ['mod', 'tidy'], { cwd: mod, env, logFile: log });
        await runToLog('go', ['build', '-p', '2', '-o', bin, COMMAND], { cwd: mod, env, logFile: log });
      },
    );
    const stamp: Stamp = { version: KNATIVE_RABBITMQ_VERSION, seconds, builtAt: new Date().toISOString() };
    writeFileSync(join(dir, 'complete.json'), `${JSON.stringify(stamp, null, 2)}\n`);
  });
  return bin;
}

/** What a RabbitmqSource says about its receive adapter, as its controller turns it into env. */
export interface ReceiveAdapterOptions {
  /** amqp://user:password@host:port/vhost (the stack's `rabbitmq.url`). */
  amqpUrl: string;
  /** The queue it consumes; it must exist (the adapter declares it passively). */
  queue: string;
  /** spec.rabbitmqResourcesConfig.exchangeName (informational for the adapter). */
  exchange?: string;
  /** Where it posts each event: the function's URL here, the Broker's ingress in a cluster. */
  sink: string;
  /** The RabbitmqSource's name and namespace: they make up the envelope's `source`. */
  name: string;
  namespace: string;
  /** spec.rabbitmqResourcesConfig.parallelism (workers, default 1). */
  parallelism?: number;
  /** spec.delivery: retries of one post before the message is nacked. */
  delivery?: { retry: number; backoffPolicy: 'exponential' | 'linear'; backoffDelay: string };
  /** Informers need an API server even though this adapter reads nothing from it. */
  kubeconfigPath: string;
  logFile: string;
  /** Working directory (a run dir, so the stack's leak check finds a forgotten process). */
  cwd: string;
  say?: Say;
}

export interface ReceiveAdapterProcess {
  pid: number;
  logFile: string;
  /** The log's JSON lines so far (zap: severity, message, ...), parsed; other lines as `{ raw }`. */
  logs(): Record<string, unknown>[];
  stop(): Promise<void>;
}

/**
 * The env MakeReceiveAdapter (pkg/reconciler/source/resources) puts in the Deployment. The
 * controller builds RABBIT_URL without the vhost and passes the vhost on its own.
 */
export function receiveAdapterEnv(o: ReceiveAdapterOptions, ports: { profiling: number }): NodeJS.ProcessEnv {
  const url = new URL(o.amqpUrl);
  const vhost = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '';
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: o.cwd,
    RABBIT_URL: url.toString().replace(/\/$/, ''),
    RABBITMQ_VHOST: vhost,
    RABBITMQ_CHANNEL_PARALLELISM: String(o.parallelism ?? 1),
    RABBITMQ_EXCHANGE_NAME: o.exchange ?? '',
    RABBITMQ_QUEUE_NAME: o.queue,
    RABBITMQ_PREDECLARED: 'true',
    K_SINK: o.sink,
    NAME: o.name,
    NAMESPACE: o.namespace,
    // The controller passes config-logging; {} is Knative's default JSON logger.
    K_LOGGING_CONFIG: '{}',
    K_OBSERVABILITY_CONFIG: '{}',
    PROFILING_PORT: String(ports.profiling),
  };
  if (o.delivery) {
    env['HTTP_SENDER_RETRY'] = String(o.delivery.retry);
    env['HTTP_SENDER_BACKOFF_POLICY'] = o.delivery.backoffPolicy;
    env['HTTP_SENDER_BACKOFF_DELAY'] = o.delivery.backoffDelay;
  }
  return env;
}

function parseLog(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((raw) => {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (parsed !== null && typeof parsed === 'object') return { ...(parsed as object), raw };
      } catch {
        // not JSON: a Go panic or the runtime's own output
      }
      return { raw };
    });
}

async function consumers(amqpUrl: string, queue: string): Promise<number> {
  const conn = await connect(amqpUrl, { timeout: 3_000 });
  try {
    const channel = await conn.createChannel();
    return (await channel.checkQueue(queue)).consumerCount;
  } finally {
    await conn.close().catch(() => {});
  }
}

/** Starts the receive adapter and waits until it consumes from its queue. */
export async function startReceiveAdapter(o: ReceiveAdapterOptions): Promise<ReceiveAdapterProcess> {
  const bin = await ensureReceiveAdapter(o.say);
  const env = receiveAdapterEnv(o, { profiling: await freePort() });
  mkdirSync(o.cwd, { recursive: true });
  const pid = spawnDaemon(bin, [`--kubeconfig=${o.kubeconfigPath}`], {
    cwd: o.cwd,
    env,
    logFile: o.logFile,
  });
  const logs = () => (existsSync(o.logFile) ? parseLog(readFileSync(o.logFile, 'utf8')) : []);
  const proc: ReceiveAdapterProcess = {
    pid,
    logFile: o.logFile,
    logs,
    stop: async () => {
      await stopProcess(pid, { graceMs: 10_000 });
    },
  };
  try {
    // Consuming once the queue shows its consumer; a missing queue shows instead as a passive
    // declare error repeated each second, and the wait fails with the log attached.
    await waitFor(async () => ((await consumers(o.amqpUrl, o.queue)) > 0 ? true : undefined), {
      what: `rabbitmq receive adapter consuming ${o.queue}`,
      timeoutMs: 60_000,
      pid,
      logs: [o.logFile],
      intervalMs: 200,
    });
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return proc;
}
