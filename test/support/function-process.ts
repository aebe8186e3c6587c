import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { type EventMode, encodeCloudEvent, type InvokeAnswer, postMessage } from '../../tools/invoke.ts';

/**
 * The Knative function as production runs it: `faas-js-runtime ./functions/adapter/index.ts`
 * in its own Node 24 process, configured only through its environment and a ConfigMap-style
 * mount, reached only over HTTP. Its stdout is kept and parsed as the JSON log lines it is.
 */

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const ENTRY = join(ROOT, 'functions', 'adapter', 'index.ts');

export interface StartFunctionOptions {
  /** Folder holding adapter-config.yaml and task-config.yaml (mounted at /etc/adapter). */
  configDir: string;
  /** Added to the child's environment (the only other variables are PATH and HOME). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** `ready` (default): until /health/readiness answers 200; `listening`: until it answers at all. */
  waitFor?: 'ready' | 'listening';
}

export interface LogLine {
  [key: string]: unknown;
  msg?: string;
  level?: string | number;
  /** The text of the line as written. */
  raw: string;
}

export interface FunctionAnswer extends InvokeAnswer {
  /** The body parsed as JSON, when it is. */
  json: Record<string, unknown> | undefined;
}

export interface FunctionProcess {
  readonly url: string;
  readonly pid: number;
  /** Every line written so far, stdout and stderr, JSON-parsed where possible. */
  logs(): LogLine[];
  /** Waits for a log line matching `match` (already written or to come). */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** POST one CloudEvent (its structured JSON form) in the given mode. */
  send(event: Record<string, unknown>, mode?: EventMode): Promise<FunctionAnswer>;
  /** POST raw headers and body. */
  post(headers: Record<string, string>, body: string): Promise<FunctionAnswer>;
  get(path: string): Promise<FunctionAnswer>;
  /** The Prometheus exposition of `/metrics`. */
  metrics(): Promise<string>;
  kill(signal: NodeJS.Signals): void;
  /** Settles when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function toAnswer(a: InvokeAnswer): FunctionAnswer {
  let json: Record<string, unknown> | undefined;
  try {
    const v: unknown = JSON.parse(a.body);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) json = v as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { ...a, json };
}

export async function startFunction(options: StartFunctionOptions): Promise<FunctionProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(join(BIN, 'faas-js-runtime'), [ENTRY, '--port', String(port)], {
    // Not the repository root: faas-js-runtime merges a func.yaml found in its cwd over its flags.
    cwd: options.configDir,
    env: {
      PATH: `${BIN}${delimiter}${process.env['PATH'] ?? ''}`,
      HOME: process.env['HOME'] ?? '/tmp',
      HYPERFLEET_ADAPTER_CONFIG: join(options.configDir, 'adapter-config.yaml'),
      HYPERFLEET_TASK_CONFIG: join(options.configDir, 'task-config.yaml'),
      HYPERFLEET_ADAPTER_MOUNTS: `/etc/adapter=${options.configDir}`,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters = new Set<{ match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }>();
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const raw = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
        if (raw.trim() === '') continue;
        let line: LogLine = { raw };
        try {
          const parsed: unknown = JSON.parse(raw);
          if (parsed !== null && typeof parsed === 'object') line = { ...(parsed as object), raw };
        } catch {
          // Not JSON: kept as the raw text (a crash trace, the runtime's banner).
        }
        lines.push(line);
        for (const w of waiters) {
          if (w.match(line)) {
            waiters.delete(w);
            w.resolve(line);
          }
        }
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const url = `http://127.0.0.1:${port}`;
  const request = async (path: string, init: RequestInit = {}): Promise<FunctionAnswer> => {
    const res = await fetch(`${url}${path}`, init);
    return toAnswer({
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      body: await res.text(),
    });
  };

  const fn: FunctionProcess = {
    url,
    pid: child.pid ?? 0,
    logs: () => [...lines],
    waitForLog: (match, timeoutMs = 5000) => {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolveLine, reject) => {
        const waiter = {
          match,
          resolve: (l: LogLine) => {
            clearTimeout(timer);
            resolveLine(l);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `no matching log line within ${timeoutMs}ms; got:\n${lines.map((l) => l.raw).join('\n')}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    send: async (event, mode = 'structured') =>
      toAnswer(await postMessage(url, encodeCloudEvent(event, mode))),
    post: (headers, body) => request('/', { method: 'POST', headers, body }),
    get: (path) => request(path),
    metrics: async () => (await request('/metrics')).body,
    kill: (signal) => {
      if (!hasExited) child.kill(signal);
    },
    exited,
    stop: async (graceMs = 5000) => {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  for (;;) {
    if (hasExited) {
      throw new Error(`the function exited before it was ready:\n${lines.map((l) => l.raw).join('\n')}`);
    }
    try {
      const r = await fetch(`${url}/health/readiness`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (r.status === 200 || options.waitFor === 'listening') return fn;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await fn.stop();
      throw new Error(
        `the function was not ready within the timeout:\n${lines.map((l) => l.raw).join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
