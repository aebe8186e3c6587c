/**
 * The installed `hyperfleet-adapter` command from another folder, started by the machine's own
 * Node (not the Node 24 this package pins): `npx --prefix <clone> hyperfleet-adapter` as a user
 * types it, the bin file run directly, and the message when no Node 24 can be found.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(REPO, 'bin', 'hyperfleet-adapter.js');

/** PATH without the folders npm puts first (the pinned Node lives there). */
const MACHINE_PATH = (process.env['PATH'] ?? '')
  .split(path.delimiter)
  .filter((dir) => !dir.includes(`${path.sep}node_modules${path.sep}`) && !dir.endsWith('node_modules/.bin'))
  .join(path.delimiter);

function which(cmd: string): string {
  return execFileSync('sh', ['-c', `command -v ${cmd}`], { env: { PATH: MACHINE_PATH } })
    .toString()
    .trim();
}

const machineNode = which('node');
const machineVersion = execFileSync(machineNode, ['--version']).toString().trim();
const machineMajor = Number(machineVersion.replace(/^v/, '').split('.')[0]);

const scratch = mkdtempSync(path.join(tmpdir(), 'hf-launcher-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: scratch,
      env: { HOME: process.env['HOME'] ?? scratch, PATH: MACHINE_PATH, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe(`hyperfleet-adapter from another folder on the machine's Node (${machineVersion})`, () => {
  it('npx --prefix <clone> hyperfleet-adapter --help prints the usage', { timeout: 120_000 }, async () => {
    // A fresh npx cache: a cache from before the bin was renamed would hold a dead link.
    const cache = path.join(scratch, 'npm-cache');
    const { code, stdout, stderr } = await run(
      which('npx'),
      ['--prefix', REPO, 'hyperfleet-adapter', '--help'],
      {
        npm_config_cache: cache,
        npm_config_update_notifier: 'false',
      },
    );
    expect(stderr).not.toMatch(/ERR_UNKNOWN_FILE_EXTENSION|not found/);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^Usage: hyperfleet-adapter <command>/);
    expect(stdout).toContain('config-dump');
  });

  it('the bin file passes the exit code and output of the command through', { timeout: 60_000 }, async () => {
    const bad = await run(machineNode, [BIN, 'validate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--config is required');
    const good = await run(machineNode, [
      BIN,
      'validate',
      '-c',
      path.join(REPO, 'examples', 'demo', 'adapter-config.yaml'),
      '-t',
      path.join(REPO, 'examples', 'demo', 'task-config.yaml'),
      '--mount',
      `/etc/adapter=${path.join(REPO, 'examples', 'demo')}`,
    ]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^valid: adapter /);
  });

  it.runIf(machineMajor !== 24)(
    'names the Node it needs when there is no pinned Node to start',
    { timeout: 60_000 },
    async () => {
      // The package without its node_modules: the launcher, package.json and an entry.
      const pkg = path.join(scratch, 'bare');
      mkdirSync(path.join(pkg, 'bin'), { recursive: true });
      mkdirSync(path.join(pkg, 'lib', 'cli'), { recursive: true });
      copyFileSync(BIN, path.join(pkg, 'bin', 'hyperfleet-adapter.js'));
      copyFileSync(path.join(REPO, 'package.json'), path.join(pkg, 'package.json'));
      writeFileSync(path.join(pkg, 'lib', 'cli', 'main.ts'), 'throw new Error("must not run here");\n');
      const { code, stdout, stderr } = await run(machineNode, [
        path.join(pkg, 'bin', 'hyperfleet-adapter.js'),
        '--help',
      ]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toContain(`needs Node.js 24 (this is Node.js ${machineVersion.slice(1)})`);
      expect(stderr).toContain('npm ci');
    },
  );
});
