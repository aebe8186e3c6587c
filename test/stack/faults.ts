import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { StackError } from './errors.ts';
import { http } from './http.ts';
import { maestroEnv } from './maestro.ts';
import { currentPid, saveStackChange } from './pids.ts';
import { isAlive, spawnDaemon, stopProcess, waitFor } from './proc.ts';
import type { StackInfo } from './types.ts';

/**
 * Faults on a running stack's peers for end-to-end runs: kill, stop, pause and restart one
 * process by its role. A restart re-runs the very command line the stack started (read from
 * /proc before the process goes), so these helpers never drift from stack.ts's flags; the new
 * pid is written back to stack.json so the stack's own stop still finds every process.
 */

interface Launch {
  argv: string[];
  cwd: string;
  uid: number;
  gid: number;
}

function launchOf(pid: number): Launch {
  // Empty arguments are real (PostgreSQL's `-k ''`): drop only the terminator's empty tail.
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  if (argv.at(-1) === '') argv.pop();
  const st = statSync(`/proc/${pid}`);
  return { argv, cwd: readlinkSync(`/proc/${pid}/cwd`), uid: st.uid, gid: st.gid };
}

function pidOf(info: StackInfo, role: string): number {
  const pid = currentPid(info, role);
  if (pid === undefined) throw new StackError('STACK_FAULT', `no process with role ${role} in this stack`);
  return pid;
}

function record(info: StackInfo, role: string, pid: number): void {
  saveStackChange(info, (s) => {
    s.pids[role] = pid;
  });
}

function relaunch(info: StackInfo, role: string, l: Launch): number {
  const [cmd, ...args] = l.argv;
  if (cmd === undefined) throw new StackError('STACK_FAULT', `${role}: empty command line`);
  const logFile = info.logs[role] ?? join(info.runDir, 'logs', `${role}.log`);
  const asOther = l.uid !== process.getuid?.() ? { uid: l.uid, gid: l.gid } : {};
  const env = role === 'postgres' ? process.env : maestroEnv();
  const pid = spawnDaemon(cmd, args, { cwd: l.cwd, env, logFile, ...asOther });
  record(info, role, pid);
  return pid;
}

function tcpOpen(address: string): Promise<boolean> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve) => {
    const s = connect({ host, port: Number(port) });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** SIGKILL the process (no graceful shutdown), as a node failure does. Returns the launch to restart it. */
export async function killPeer(info: StackInfo, role: string): Promise<Launch> {
  const pid = pidOf(info, role);
  const l = launchOf(pid);
  await stopProcess(pid, { signal: 'SIGKILL', graceMs: 5_000 });
  return l;
}

/** SIGTERM and wait (SIGINT for PostgreSQL: fast shutdown). Returns the launch to restart it. */
export async function stopPeer(info: StackInfo, role: string): Promise<Launch> {
  const pid = pidOf(info, role);
  const l = launchOf(pid);
  await stopProcess(pid, { signal: role === 'postgres' ? 'SIGINT' : 'SIGTERM', graceMs: 15_000 });
  return l;
}

/** Start a stopped peer again with its old command line; waits until it serves. */
export async function startPeer(info: StackInfo, role: string, l: Launch): Promise<number> {
  if (isAlive(pidOf(info, role))) throw new StackError('STACK_FAULT', `${role} is still running`);
  const pid = relaunch(info, role, l);
  const logs = info.logs[role] ? [info.logs[role]] : [];
  if (role === 'maestro') {
    await waitFor(
      async () => {
        const health = await http(info.maestro.healthUrl);
        const api = await http(`${info.maestro.httpUrl}/api/maestro/v1/consumers?size=1`);
        return health.status === 200 && api.status === 200 ? true : undefined;
      },
      { what: 'maestro server after restart', timeoutMs: 60_000, pid, logs, intervalMs: 200 },
    );
  } else if (role === 'postgres') {
    const address = `${info.postgres.host}:${info.postgres.port}`;
    await waitFor(async () => ((await tcpOpen(address)) ? true : undefined), {
      what: 'postgres after restart',
      timeoutMs: 30_000,
      pid,
      logs,
      intervalMs: 100,
    });
  }
  return pid;
}

export async function restartPeer(info: StackInfo, role: string, how: 'kill' | 'stop'): Promise<number> {
  const l = how === 'kill' ? await killPeer(info, role) : await stopPeer(info, role);
  return startPeer(info, role, l);
}

/** SIGSTOP: the process holds its sockets and answers nothing (a hung peer); `resume` sends SIGCONT. */
export function pausePeer(info: StackInfo, role: string): { resume: () => void } {
  const pid = pidOf(info, role);
  process.kill(pid, 'SIGSTOP');
  return { resume: () => process.kill(pid, 'SIGCONT') };
}
