import { readFileSync, writeFileSync } from 'node:fs';
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

/**
 * Apply a change to this test file's copy of the stack and to stack.json, on top of what the
 * file holds now: writing a whole stale copy back would undo what other test files recorded
 * (a restarted peer's new pid).
 */
export function saveStackChange(info: StackInfo, change: (stack: StackInfo) => void): void {
  change(info);
  const file = join(info.runDir, 'stack.json');
  let latest: StackInfo;
  try {
    latest = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
    change(latest);
  } catch {
    latest = info;
  }
  writeFileSync(file, `${JSON.stringify(latest, null, 2)}\n`);
}
