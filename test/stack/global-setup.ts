import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { StackError } from './errors.ts';
import { checkStack } from './health.ts';
import { startStack, stopStack } from './stack.ts';
import type { StackInfo } from './types.ts';

/**
 * vitest globalSetup for the integration and e2e projects. HYPERFLEET_STACK_FILE pointing at
 * a running stack's stack.json reuses it and leaves it running; otherwise a fresh stack is
 * built if needed, started, and stopped when the run ends (logs kept if a test failed).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const file = process.env['HYPERFLEET_STACK_FILE'];
  if (file) {
    if (!existsSync(file))
      throw new StackError('STACK_FILE_MISSING', `HYPERFLEET_STACK_FILE=${file} does not exist`);
    const info = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
    const sick = (await checkStack(info)).filter((h) => !h.healthy);
    if (sick.length > 0) {
      throw new StackError(
        'STACK_UNHEALTHY',
        `stack ${info.runId} from ${file} is unhealthy: ${sick.map((h) => `${h.role}: ${h.detail}`).join('; ')}`,
      );
    }
    project.provide('stack', info);
    return async () => {};
  }
  const info = await startStack();
  project.provide('stack', info);
  return async () => {
    // Keep the peers' logs whenever a test failed, so the failure can be read next to them.
    const failed =
      project.vitest.state.getCountOfFailedTests() > 0 ||
      project.vitest.state.getFailedFilepaths().length > 0;
    // Tests may have added peers (TLS servers) and recorded them in stack.json.
    const file = join(info.runDir, 'stack.json');
    const latest = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StackInfo) : info;
    await stopStack(latest, { keepLogs: failed });
  };
}
