/**
 * Every dry-run command line the Go adapter ships (test/testdata/dryrun/<case>/*.sh and
 * charts/examples/<case>/dryrun.sh), run with only the binary replaced by ours: the flags must
 * all be understood (no usage error) and the exit code must agree with the trace's outcome.
 *
 * The testdata scripts run `go run ./cmd/adapter/main.go serve ...` from the Go tree's root.
 * The chart scripts run the binary in a container with `-v host:container` mounts: the files
 * are laid out under a temporary root the same way, the container paths on the command line are
 * prefixed with that root (nothing else changes), and the task config's absolute refs
 * (/etc/adapter/...) are read through HYPERFLEET_ADAPTER_MOUNTS.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../../..');
const PEERS = process.env['HYPERFLEET_PEERS_DIR'] ?? path.resolve(REPO, '../shared/peers');
const GO = path.join(PEERS, 'hyperfleet-adapter');
const BIN = path.join(REPO, 'bin', 'hyperfleet-adapter.js');
const OURS = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)}`;

if (!existsSync(path.join(GO, 'cmd', 'adapter', 'main.go'))) {
  throw new Error(
    `the Go adapter's tree is not at ${GO}: these tests run its fixture command lines (set HYPERFLEET_PEERS_DIR to the folder holding hyperfleet-adapter/)`,
  );
}

/** The script's lines, comments dropped (a comment ends at its newline, `\\` or not), continuations joined. */
function logicalLines(script: string): string[] {
  return script
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

interface Run {
  file: string;
  cwd: string;
  command: string;
  env: Record<string, string>;
}

function testdataRun(file: string): Run {
  const line = logicalLines(readFileSync(file, 'utf8')).find((l) => l.startsWith('go run '));
  if (!line) throw new Error(`${file}: no \`go run\` line`);
  const command = line.replace(/^go run \S+/, OURS);
  return { file, cwd: GO, command, env: {} };
}

function chartRun(file: string, root: string): Run {
  const lines = logicalLines(readFileSync(file, 'utf8'));
  const vars: Record<string, string> = { REPO_ROOT: GO };
  for (const l of lines) {
    const m = /^([A-Z_]+)="([^"$]*)"$/.exec(l);
    if (m) vars[m[1]!] = m[2]!;
  }
  const expand = (s: string) =>
    s.replace(/\$\{?([A-Z_]+)\}?/g, (all, name: string) => vars[name] ?? all).replace(/^"|"$/g, '');
  const run = lines.find((l) => l.includes(' run --rm '));
  if (!run) throw new Error(`${file}: no container run line`);
  for (const m of run.matchAll(/-v (\S+):(\/[^:\s]+)(?::z)?/g)) {
    const [host, inContainer] = [expand(m[1]!), m[2]!];
    if (inContainer === '/usr/local/bin/hyperfleet-adapter') continue;
    const target = path.join(root, inContainer);
    mkdirSync(path.dirname(target), { recursive: true });
    // Copies, not links: a ref reaching outside its mount through a symlink is refused.
    cpSync(host, target, { recursive: true });
  }
  const args = run.slice(
    run.indexOf('/usr/local/bin/hyperfleet-adapter ') + '/usr/local/bin/hyperfleet-adapter '.length,
  );
  const command = `${OURS} ${args.replace(/(^|\s)(\/(?:dryrun|etc|example)\/)/g, `$1${root}$2`)}`;
  return {
    file,
    cwd: root,
    command,
    env: { HYPERFLEET_ADAPTER_MOUNTS: `/etc/adapter=${path.join(root, 'etc', 'adapter')}` },
  };
}

function sh(run: Run): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `set -euo pipefail\n${run.command}`], {
      cwd: run.cwd,
      env: { ...process.env, ...run.env },
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

const testdata = readdirSync(path.join(GO, 'test', 'testdata', 'dryrun'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(path.join(d.parentPath, d.name))
      .filter((f) => f.endsWith('.sh'))
      .map((f) => path.join(d.parentPath, d.name, f)),
  )
  .sort();
const charts = readdirSync(path.join(GO, 'charts', 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(d.parentPath, d.name, 'dryrun.sh')))
  .map((d) => path.join(d.parentPath, d.name, 'dryrun.sh'))
  .sort();

/**
 * The outcome the Go adapter's own dry run prints for these command lines (it exits 0 either
 * way). The two Maestro charts reuse the testdata API answers, whose cluster has no
 * created_time: their `{{ .timestamp }}` param is absent and rendering fails in both.
 */
const GO_OUTCOME: Record<string, string> = {
  'charts/examples/maestro/dryrun.sh': 'failed',
  'charts/examples/maestro-two-resources/dryrun.sh': 'failed',
};

const scratch = mkdtempSync(path.join(tmpdir(), 'hf-go-cmdlines-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the Go adapter's dry-run command lines run on ours with only the binary changed", () => {
  it('finds the fixture scripts', () => {
    expect(testdata.length).toBeGreaterThanOrEqual(5);
    expect(charts.length).toBeGreaterThanOrEqual(3);
  });

  const runs = [
    ...testdata.map((f) => () => testdataRun(f)),
    ...charts.map((f, i) => () => chartRun(f, path.join(scratch, String(i)))),
  ];
  const names = [...testdata, ...charts].map((f) => path.relative(GO, f));
  runs.forEach((make, i) => {
    it(names[i]!, { timeout: 60_000 }, async () => {
      const run = make();
      const { code, stdout, stderr } = await sh(run);
      const context = `${run.command}\nexit ${code}\nstderr:\n${stderr}\nstdout (tail):\n${stdout.slice(-2000)}`;
      // A flag we do not understand is a usage error: exit 2 with "unknown flag".
      expect(stderr, context).not.toMatch(/unknown flag|needs a value|unexpected argument/);
      expect(code, context).not.toBe(2);
      // Exit code and outcome agree: 0 with a successful trace, 1 with a failed one.
      const outcome = /^Result: (\w+)/m.exec(stdout)?.[1]?.toLowerCase();
      expect(outcome, context).toBeDefined();
      expect(code, context).toBe(outcome === 'success' ? 0 : 1);
      expect(outcome, context).toBe(GO_OUTCOME[names[i]!] ?? 'success');
      // --debug-config=true prints the merged configuration, as the Go adapter logs it.
      if (/--debug-config(=true)?(\s|$)/.test(run.command))
        expect(stderr, context).toMatch(/^Loaded adapter configuration:\n(.*\n)*adapter:\n {4}name: /m);
    });
  });
});
