import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackInfo } from './types.ts';

/**
 * The pids the stack's peers run as now. A restart (by a fault-injecting test file) rewrites
 * stack.json; the copy a test file got from `inject('stack')` keeps the pids of the processes
 * that were replaced.
 */
export function currentPids(info: StackInfo): Record<string, number> {
  try {
    const latest = JSON.parse(readFileSync(join(info.runDir, 'stack.json'), 'utf8')) as StackInfo;
    return { ...info.pids, ...latest.pids };
  } catch {
    return info.pids;
  }
}

export function currentPid(info: StackInfo, role: string): number | undefined {
  return currentPids(info)[role];
}
