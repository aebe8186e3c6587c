/**
 * What the e2e benchmarks read from outside a function process: its CPU time and RSS from
 * /proc, Maestro's own gRPC counters from its metrics endpoint, and the stack to run on.
 */
import { readFileSync } from 'node:fs';
import { percentile } from '../../../bench/stats.ts';
import type { StackInfo } from '../../stack/types.ts';

/** utime + stime of a process, in ms (Linux clock ticks are 10 ms). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the comm field: state is index 0, utime 11, stime 12.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** Maestro server's `grpc_server_called_total{source, type}`: what one source published. */
export async function maestroGrpcCalls(stack: StackInfo, source: string, type = 'Publish'): Promise<number> {
  const port = stack.ports?.['maestro-metrics'];
  if (port === undefined) return Number.NaN;
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  for (const line of text.split('\n')) {
    if (!line.startsWith('grpc_server_called_total{')) continue;
    if (line.includes(`source="${source}"`) && line.includes(`type="${type}"`))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

/** The stack named by HYPERFLEET_STACK_FILE, or one started (and stopped) for `fn`. */
export async function withStack<T>(fn: (stack: StackInfo) => Promise<T>): Promise<T> {
  const file = process.env['HYPERFLEET_STACK_FILE'];
  if (file) return fn(JSON.parse(readFileSync(file, 'utf8')) as StackInfo);
  const { startStack, stopStack } = await import('../../stack/stack.ts');
  const stack = await startStack();
  try {
    return await fn(stack);
  } finally {
    await stopStack(stack);
  }
}

export function percentiles(xs: number[]): { p50Ms: number; p99Ms: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { p50Ms: round(percentile(s, 50)), p99Ms: round(percentile(s, 99)) };
}

export const round = (n: number, d = 2) => Number(n.toFixed(d));
