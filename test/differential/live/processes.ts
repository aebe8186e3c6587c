/**
 * The two adapters of the live differential, side by side on one stack: the Go adapter in its
 * normal mode (hyperfleet-broker subscriber on its own queue bound to Sentinel's exchange) and
 * ours as the function process, fed from its own queue on the same exchange by a minimal AMQP
 * bridge (structured CloudEvent POST, ack on 2xx, requeue otherwise). Each reaches the real
 * API through a recording proxy, so every call and status payload it made is kept, also after
 * the API has hard-deleted the resource.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Channel, type ChannelModel, connect } from 'amqplib';
import type { SentinelInstanceInfo, StackInfo } from '../../stack/types.ts';
import { type FunctionProcess, startFunction } from '../../support/function-process.ts';

export interface RecordedCall {
  at: number;
  method: string;
  path: string;
  body: unknown;
  status: number;
}

export interface Recorder {
  url: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}

/** An HTTP proxy to the real API that keeps every request (method, path, JSON body) and its status. */
export async function startRecorder(target: string): Promise<Recorder> {
  const calls: RecordedCall[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let body: unknown;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          body = raw.toString('utf8');
        }
      }
      const headers = { ...req.headers, host: upstream.host };
      const out = httpRequest(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers },
        (up) => {
          calls.push({
            at: Date.now(),
            method: req.method ?? '',
            path: req.url ?? '',
            body,
            status: up.statusCode ?? 0,
          });
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.on('error', (err) => {
        calls.push({ at: Date.now(), method: req.method ?? '', path: req.url ?? '', body, status: 0 });
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`recorder: ${err.message}`);
      });
      out.end(raw);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** One config folder per adapter: the example's files, the adapter's name, refs to this folder. */
export function writeConfig(example: string, dir: string, adapter: string): void {
  mkdirSync(dir, { recursive: true });
  const adapterConfig = readFileSync(join(example, 'adapter-config.yaml'), 'utf8')
    .replace(/^(\s*name:\s*)cl-maestro\s*$/m, `$1${adapter}`)
    .replace(/^(\s*source_id:\s*)"cl-maestro"/m, `$1"${adapter}"`)
    .replace(/^(\s*client_id:\s*)"cl-maestro-client"/m, `$1"${adapter}-client"`)
    .replace(/^(\s*level:\s*)debug/m, '$1info');
  if (!adapterConfig.includes(`name: ${adapter}`))
    throw new Error(
      `${example}/adapter-config.yaml: adapter.name is not cl-maestro; the live suite renames it`,
    );
  writeFileSync(join(dir, 'adapter-config.yaml'), adapterConfig);
  writeFileSync(
    join(dir, 'task-config.yaml'),
    readFileSync(join(example, 'task-config.yaml'), 'utf8').replaceAll('/etc/adapter/', `${dir}/`),
  );
  writeFileSync(join(dir, 'manifestwork.yaml'), readFileSync(join(example, 'manifestwork.yaml'), 'utf8'));
}

/** The variables a deployment sets for both adapters (endpoints of the stack). */
export function commonEnv(stack: StackInfo, apiUrl: string): Record<string, string> {
  return {
    HYPERFLEET_API_BASE_URL: apiUrl,
    HYPERFLEET_API_BASE_DELAY: '50ms',
    HYPERFLEET_KUBERNETES_KUBE_CONFIG_PATH: stack.kube.kubeconfigPath,
    HYPERFLEET_MAESTRO_GRPC_SERVER_ADDRESS: stack.maestro.grpcAddress,
    HYPERFLEET_MAESTRO_HTTP_SERVER_ADDRESS: stack.maestro.httpUrl,
    NAMESPACE: 'hyperfleet',
    RUN_ID: 'live',
  };
}

export interface GoAdapter {
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

async function waitHttp(url: string, what: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive()) throw new Error(`${what} exited before it was ready`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready at ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * `hyperfleet-adapter serve` with a broker.yaml (BROKER_CONFIG_FILE) on the stack's RabbitMQ:
 * its queue is `<topic>-<subscription_id>` bound to the exchange `<topic>` (type topic, as
 * Sentinel declares it). Its health (8080) and metrics (9090) ports are fixed in the binary.
 */
export async function startGoAdapter(
  binary: string,
  stack: StackInfo,
  sentinel: SentinelInstanceInfo,
  dir: string,
  adapter: string,
  apiUrl: string,
): Promise<GoAdapter> {
  const rabbitmq = stack.rabbitmq;
  if (!rabbitmq) throw new Error('the stack has no RabbitMQ (start it with the hyperfleet peers)');
  const brokerFile = join(dir, 'broker.yaml');
  writeFileSync(
    brokerFile,
    `broker:\n  type: rabbitmq\n  rabbitmq:\n    url: ${JSON.stringify(rabbitmq.url)}\n    exchange_type: topic\nsubscriber:\n  parallelism: 1\n`,
    { mode: 0o600 },
  );
  const logFile = join(dir, 'go-adapter.log');
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(
    binary,
    ['serve', '--config', join(dir, 'adapter-config.yaml'), '--task-config', join(dir, 'task-config.yaml')],
    {
      cwd: dir,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: dir,
        BROKER_CONFIG_FILE: brokerFile,
        HYPERFLEET_BROKER_SUBSCRIPTION_ID: adapter,
        HYPERFLEET_BROKER_TOPIC: sentinel.topic,
        ...commonEnv(stack, apiUrl),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited = false;
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  void done.then(() => {
    exited = true;
  });
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(t);
  };
  try {
    await waitHttp('http://127.0.0.1:8080/readyz', `the Go adapter (log ${logFile})`, 60_000, () => !exited);
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid: child.pid ?? 0, logFile, stop };
}

export interface OurAdapter {
  fn: FunctionProcess;
  /** Deliveries answered by the function, by status. */
  answers: Map<number, number>;
  stop(): Promise<void>;
}

/** The function process plus its own durable queue on Sentinel's exchange, delivered as structured CloudEvents. */
export async function startOurAdapter(
  stack: StackInfo,
  sentinel: SentinelInstanceInfo,
  dir: string,
  adapter: string,
  apiUrl: string,
): Promise<OurAdapter> {
  const rabbitmq = stack.rabbitmq;
  if (!rabbitmq) throw new Error('the stack has no RabbitMQ (start it with the hyperfleet peers)');
  const fn = await startFunction({
    configDir: dir,
    env: { ...commonEnv(stack, apiUrl), LOG_LEVEL: 'info' },
    readyTimeoutMs: 60_000,
  });
  const answers = new Map<number, number>();
  let conn: ChannelModel;
  let channel: Channel;
  try {
    conn = await connect(rabbitmq.url);
    channel = await conn.createChannel();
    await channel.assertExchange(sentinel.exchange, sentinel.exchangeType, {
      durable: true,
      autoDelete: false,
    });
    const queue = `${sentinel.topic}-${adapter}`;
    await channel.assertQueue(queue, { durable: true, autoDelete: false });
    await channel.bindQueue(queue, sentinel.exchange, '#');
    await channel.prefetch(1);
    await channel.consume(queue, (msg) => {
      if (msg === null) return;
      void (async () => {
        let status = 0;
        try {
          const res = await fetch(fn.url, {
            method: 'POST',
            headers: { 'content-type': 'application/cloudevents+json' },
            body: msg.content,
            signal: AbortSignal.timeout(60_000),
          });
          await res.arrayBuffer();
          status = res.status;
        } catch {
          status = 0;
        }
        answers.set(status, (answers.get(status) ?? 0) + 1);
        if (status >= 200 && status < 300) channel.ack(msg);
        // A refused delivery goes back to the queue; a short pause keeps a failing peer from a hot loop.
        else
          setTimeout(() => {
            try {
              channel.nack(msg, false, true);
            } catch {
              // the channel closed meanwhile: RabbitMQ requeues the unacked message itself
            }
          }, 1000);
      })();
    });
  } catch (err) {
    await fn.stop();
    throw err;
  }
  return {
    fn,
    answers,
    stop: async () => {
      await channel.close().catch(() => {});
      await conn.close().catch(() => {});
      await fn.stop();
    },
  };
}
