import { type SpawnOptions, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { StackError } from './errors.ts';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here; the path is named in the error when the command fails. */
  logFile: string;
  timeoutMs?: number;
}

/** Runs a command to completion with its output in `logFile`; rejects naming the log on a non-zero exit. */
export function runToLog(cmd: string, args: string[], options: RunOptions): Promise<void> {
  const fd = openSync(options.logFile, 'a');
  return new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', fd, fd],
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      closeSync(fd);
      reject(
        new StackError('STACK_COMMAND_FAILED', `${cmd} could not run`, {
          logs: [options.logFile],
          cause: err,
        }),
      );
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      closeSync(fd);
      if (code === 0) resolve();
      else
        reject(
          new StackError(
            'STACK_COMMAND_FAILED',
            `${cmd} ${args.slice(0, 3).join(' ')} exited ${code ?? signal}`,
            {
              logs: [options.logFile],
            },
          ),
        );
    });
  });
}

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a short command and returns its output; never throws on a non-zero exit. */
export function runCapture(
  cmd: string,
  args: string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    input?: string;
    timeoutMs?: number;
    uid?: number;
    gid?: number;
  } = {},
): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const spawnOptions: SpawnOptions = { cwd: options.cwd, env: options.env ?? process.env };
    if (options.uid !== undefined) spawnOptions.uid = options.uid;
    if (options.gid !== undefined) spawnOptions.gid = options.gid;
    const child = spawn(cmd, args, {
      ...spawnOptions,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    if (child.stdin) {
      // A command that exits before reading its input must not crash the caller with EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }
  });
}

export interface DaemonOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
  uid?: number;
  gid?: number;
}

/**
 * Starts a long-running peer in its own process group, output to `logFile`, not tied to this
 * process: `stack up` exits and leaves it running; the stack stops it by pid.
 */
export function spawnDaemon(cmd: string, args: string[], options: DaemonOptions): number {
  const fd = openSync(options.logFile, 'a');
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', fd, fd],
    detached: true,
  };
  if (options.uid !== undefined) spawnOptions.uid = options.uid;
  if (options.gid !== undefined) spawnOptions.gid = options.gid;
  const child = spawn(cmd, args, spawnOptions);
  closeSync(fd);
  // A failed exec surfaces as 'error'; without a listener it would crash the whole test run.
  child.on('error', () => {});
  child.unref();
  if (child.pid === undefined) {
    throw new StackError('STACK_SPAWN_FAILED', `${cmd} could not be started`, { logs: [options.logFile] });
  }
  return child.pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie still answers signal 0; it is dead for our purposes.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Sends `signal` to the process group the peer leads (so helpers it forked go too), then
 * SIGKILL after `graceMs`. Resolves once the leader is gone.
 */
export async function stopProcess(
  pid: number,
  options: { signal?: NodeJS.Signals; graceMs?: number } = {},
): Promise<'not-running' | 'stopped' | 'killed'> {
  if (!isAlive(pid)) return 'not-running';
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        // gone between the check and the signal
      }
    }
  };
  signalGroup(options.signal ?? 'SIGTERM');
  const deadline = Date.now() + (options.graceMs ?? 10_000);
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(100);
  }
  signalGroup('SIGKILL');
  for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
  return 'killed';
}

const handedOut = new Set<number>();

/** A TCP port on 127.0.0.1 free right now and not handed out before by this process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const p = typeof address === 'object' && address !== null ? address.port : 0;
        server.close(() => resolve(p));
      });
    });
    if (port > 0 && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new StackError('STACK_NO_PORT', 'no free port on 127.0.0.1');
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

/**
 * The last lines of a peer's log, indented, with URL credentials masked, for an error that
 * must say why a peer died where only the console survives (CI keeps no files).
 */
export function logTail(file: string, lines = 12, maxChars = 3_000): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const tail = text.trimEnd().split('\n').slice(-lines).join('\n').slice(-maxChars);
  return tail
    .replace(/(\w+:\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1***:***@')
    .split('\n')
    .map((l) => `    | ${l}`)
    .join('\n');
}

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Fail at once, naming the log, when this process dies while we wait. */
  pid?: number;
  logs?: string[];
}

/** Polls `check` until it returns a value other than undefined; errors from `check` count as "not yet". */
export async function waitFor<T>(check: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (options.pid !== undefined && !isAlive(options.pid)) {
      const tails = (options.logs ?? []).map((l) => logTail(l)).filter((t) => t !== '');
      const said = tails.length > 0 ? `; its last log lines:\n${tails.join('\n')}` : '';
      throw new StackError('STACK_PEER_EXITED', `${options.what}: process ${options.pid} exited${said}`, {
        logs: options.logs ?? [],
        cause: lastError,
      });
    }
    await sleep(options.intervalMs ?? 250);
  }
  throw new StackError('STACK_TIMEOUT', `${options.what}: not ready after ${options.timeoutMs} ms`, {
    logs: options.logs ?? [],
    cause: lastError,
  });
}
