/**
 * One child process of the fuzz suite: for each configuration input the parent sends, it
 * lays out the files, runs `validate` and then (if valid) the verbose dry run in both output
 * forms, in-process, and answers with the exit codes and every byte written. An exception
 * escaping either command is a crash. The parent times each input and kills this process
 * when one hangs.
 */

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runDryRun } from '../../lib/cli/dry-run.ts';
import { main as validateMain } from '../../lib/cli/validate.ts';
import { compatExamplesDir } from '../differential/inputs.ts';
import type { ConfigInput } from './configs.ts';

export interface WorkerAnswer {
  id: string;
  validateCode: number;
  dryRunCodes: number[];
  output: string;
  crash?: string;
}

const root = mkdtempSync(path.join(tmpdir(), 'hf-fuzz-worker-'));
const seeds = path.join(root, 'seeds');
mkdirSync(seeds);

function capture(): {
  io: { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean } };
  text: () => string;
} {
  const parts: string[] = [];
  const stream = { write: (s: string) => parts.push(String(s)) > 0 };
  return { io: { stdout: stream, stderr: stream }, text: () => parts.join('') };
}

async function runInput(input: ConfigInput, n: number): Promise<WorkerAnswer> {
  const dir = path.join(root, `in-${n}`);
  if (input.base) {
    const seed = path.join(seeds, input.base);
    try {
      cpSync(path.join(compatExamplesDir(), input.base), seed, {
        recursive: true,
        force: false,
        errorOnExist: false,
      });
    } catch {
      // already there
    }
    cpSync(seed, dir, { recursive: true });
  } else {
    mkdirSync(dir);
  }
  for (const [name, text] of Object.entries(input.files))
    writeFileSync(path.join(dir, name), text.replaceAll('__DIR__', dir));
  for (const s of input.special ?? []) {
    const at = path.join(dir, s.name);
    if (s.kind === 'fifo') execFileSync('mkfifo', [at]);
    else if (s.kind === 'dir') mkdirSync(at);
    else symlinkSync(s.target as string, at);
  }
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...input.env };
  const mount = `/etc/adapter=${dir}`;
  const out = capture();
  const answer: WorkerAnswer = { id: input.id, validateCode: -1, dryRunCodes: [], output: '' };
  try {
    answer.validateCode = await validateMain(
      [
        '--config',
        path.join(dir, 'adapter-config.yaml'),
        '--task-config',
        path.join(dir, 'task-config.yaml'),
        '--mount',
        mount,
        ...(input.strict ? ['--strict'] : []),
      ],
      { ...out.io, env },
    );
    if (answer.validateCode === 0) {
      for (const output of ['json', 'text'] as const) {
        // Each command gets its own 2 s: the parent restarts its clock on this.
        process.send?.({ tick: true });
        answer.dryRunCodes.push(
          await runDryRun(
            {
              configFile: path.join(dir, 'adapter-config.yaml'),
              taskConfigFile: path.join(dir, 'task-config.yaml'),
              eventFile: path.join(dir, 'event.json'),
              apiResponsesFile: path.join(dir, 'api-responses.json'),
              mounts: [mount],
              output,
              verbose: true,
              env,
              now: () => new Date('2026-12-01T10:00:00Z'),
            },
            out.io,
          ),
        );
      }
    }
  } catch (err) {
    answer.crash = err instanceof Error ? (err.stack ?? err.message) : String(err);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  answer.output = out.text();
  return answer;
}

let count = 0;
process.on('message', (input: ConfigInput) => {
  runInput(input, count++).then(
    (answer) => process.send?.(answer),
    (err: unknown) =>
      process.send?.({ id: input.id, validateCode: -1, dryRunCodes: [], output: '', crash: String(err) }),
  );
});
process.on('uncaughtException', (err) => {
  process.send?.({
    id: 'uncaught',
    validateCode: -1,
    dryRunCodes: [],
    output: '',
    crash: err.stack ?? String(err),
  });
});
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
process.send?.({ ready: true });
