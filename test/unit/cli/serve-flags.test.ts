/**
 * `serve` takes every flag of the Go adapter's serve command (read from its cmd/adapter/main.go),
 * with the same meaning: logging flags drive the run's logger, --debug-config prints the merged
 * configuration, overrides change the loaded config, numbers are checked as pflag checks them.
 * And `validate --strict`, `config-dump`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveMain } from '../../../lib/cli/dry-run-flags.ts';
import { configDumpMain, main as validateMain } from '../../../lib/cli/validate.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');
const PEERS = process.env['HYPERFLEET_PEERS_DIR'] ?? path.resolve(REPO, '../shared/peers');
const GO_MAIN = path.join(PEERS, 'hyperfleet-adapter', 'cmd', 'adapter', 'main.go');
const DEMO = path.join(REPO, 'examples', 'demo');
const GO_DRYRUN = path.join(PEERS, 'hyperfleet-adapter', 'test', 'testdata', 'dryrun');

if (!existsSync(GO_MAIN))
  throw new Error(`the Go adapter's main.go is not at ${GO_MAIN} (set HYPERFLEET_PEERS_DIR)`);

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
    },
  };
}

const demo = [
  '-c',
  path.join(DEMO, 'adapter-config.yaml'),
  '-t',
  path.join(DEMO, 'task-config.yaml'),
  '--dry-run-event',
  path.join(DEMO, 'event.json'),
  '--dry-run-api-responses',
  path.join(DEMO, 'api-responses.json'),
  '--dry-run-discovery',
  path.join(DEMO, 'discovery.json'),
  '--mount',
  `/etc/adapter=${DEMO}`,
];

interface GoFlag {
  name: string;
  short?: string;
  kind: string;
}

/** The flags the Go serve command registers (its own, addConfigPathFlags, addOverrideFlags). */
function goServeFlags(): GoFlag[] {
  const src = readFileSync(GO_MAIN, 'utf8');
  const serve = src.slice(src.indexOf('serveCmd := '), src.indexOf('configDumpCmd := '));
  const fn = (name: string) => {
    const start = src.indexOf(`func ${name}(`);
    return src.slice(start, src.indexOf('\n}\n', start));
  };
  const text = [serve, fn('addConfigPathFlags'), fn('addOverrideFlags')].join('\n');
  const flags: GoFlag[] = [];
  const re = /\.Flags\(\)\.(String|Bool|Int|Float64)(Var)?(P)?\((?:&\w+,\s*)?"([a-z-]+)"(?:,\s*"([a-z])")?/g;
  for (const m of text.matchAll(re))
    flags.push({ kind: m[1]!, name: m[4]!, ...(m[5] ? { short: m[5] } : {}) });
  return flags;
}

const scratch = mkdtempSync(path.join(tmpdir(), 'hf-serve-flags-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("serve: the Go adapter's flags", () => {
  const flags = goServeFlags();

  it('reads the Go serve command flags', () => {
    expect(flags.length).toBeGreaterThanOrEqual(39);
    expect(flags.map((f) => f.name)).toEqual(
      expect.arrayContaining(['debug-config', 'log-level', 'log-format', 'log-output', 'dry-run-event']),
    );
    expect(flags.filter((f) => f.short).map((f) => `${f.short}:${f.name}`)).toEqual([
      'c:config',
      't:task-config',
    ]);
  });

  it('accepts every one of them, long and short, with a value of its type', async () => {
    const value: Record<string, string> = { String: 'x', Bool: 'true', Int: '3', Float64: '2.5' };
    const argv = flags.flatMap((f) => [
      `--${f.name}=${value[f.kind]}`,
      ...(f.short ? [`-${f.short}`, 'x'] : []),
    ]);
    const { out, io } = capture();
    expect(await serveMain([...argv, '--help'], io), out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^Usage: hyperfleet-adapter serve/);
    // The control: a flag Go does not have is refused.
    const bad = capture();
    expect(await serveMain(['--no-such-flag', '--help'], bad.io)).toBe(2);
    expect(bad.out.stderr).toContain('unknown flag --no-such-flag');
  });

  it('checks numbers as pflag does', async () => {
    for (const [flag, kind] of [
      ['kubernetes-burst', 'an integer'],
      ['hyperfleet-api-retry', 'an integer'],
      ['kubernetes-qps', 'a number'],
    ]) {
      const { out, io } = capture();
      expect(await serveMain([...demo, `--${flag}`, 'many'], io)).toBe(2);
      expect(out.stderr).toContain(`--${flag} takes ${kind}, got "many"`);
    }
  });

  it('without --dry-run-event or --dry-run-api-responses says where events are served', async () => {
    const { out, io } = capture();
    expect(await serveMain(['-c', 'a.yaml', '-t', 'b.yaml'], io)).toBe(2);
    expect(out.stderr).toContain('Knative function');
  });

  it('--log-level, --log-format text, --log-output drive the logger', async () => {
    const text = capture();
    expect(await serveMain([...demo, '--log-level', 'info', '--log-format', 'text'], text.io)).toBe(0);
    const lines = text.out.stderr.split('\n').filter((l) => l.startsWith('time='));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/^time=\S+ level=INFO msg=/);
    const quiet = capture();
    expect(await serveMain([...demo, '--log-level', 'error'], quiet.io)).toBe(0);
    expect(quiet.out.stderr).not.toContain('"level":"info"');
    const json = capture();
    expect(await serveMain([...demo, '--log-level=debug', '--log-output=stdout'], json.io)).toBe(0);
    expect(json.out.stdout).toMatch(/^\{"level":"(debug|info)"/m);
    const off = capture();
    expect(await serveMain([...demo], off.io)).toBe(0);
    expect(off.out.stderr).toBe('');
    const bad = capture();
    expect(await serveMain([...demo, '--log-format', 'xml'], bad.io)).toBe(2);
  });

  it('--debug-config prints the merged configuration, overrides applied, secrets redacted', async () => {
    const config = path.join(scratch, 'adapter-config.yaml');
    const text = readFileSync(path.join(DEMO, 'adapter-config.yaml'), 'utf8').replace(
      '    retry_backoff: exponential\n',
      '    retry_backoff: exponential\n    default_headers:\n      Authorization: Bearer s3cr3t-token\n',
    );
    writeFileSync(config, text);
    const argv = demo.map((a) => (a.endsWith('adapter-config.yaml') ? config : a));
    const { out, io } = capture();
    expect(
      await serveMain(
        [...argv, '--debug-config=true', '--hyperfleet-api-base-url', 'http://override:9000'],
        io,
      ),
    ).toBe(0);
    expect(out.stderr).toMatch(/^Loaded adapter configuration:\n/m);
    expect(out.stderr).toContain('base_url: http://override:9000');
    expect(out.stderr).toContain('debug_config: true');
    expect(out.stderr).toContain('Authorization: "**REDACTED**"');
    expect(out.stderr).not.toContain('s3cr3t');
    // The override reached the API client too.
    expect(out.stdout).toContain('http://override:9000');
  });
});

describe('validate --strict and config-dump', () => {
  const goKubernetes = [
    '-c',
    path.join(GO_DRYRUN, 'dryrun-kubernetes-adapter-config.yaml'),
    '-t',
    path.join(GO_DRYRUN, 'kubernetes', 'dryrun-kubernetes-task-config.yaml'),
    '--hyperfleet-api-base-url',
    'http://api:8000',
  ];

  it("loads the Go adapter's kubernetes fixture with its undeclared CEL name as a warning", async () => {
    const { out, io } = capture();
    expect(await validateMain(goKubernetes, { ...io, env: {} })).toBe(0);
    expect(out.stderr).toMatch(
      /^warning: .*:42:19 params\[7\]\.source\.expression: CEL: undeclared reference to `non_existent`/m,
    );
    expect(out.stdout).toMatch(/^valid: adapter dryrun-adapter/);
  });

  it('--strict turns the warnings into problems (exit 1)', async () => {
    const { out, io } = capture();
    expect(await validateMain([...goKubernetes, '--strict'], { ...io, env: {} })).toBe(1);
    expect(out.stderr).toMatch(/params\[7\]\.source\.expression: CEL: undeclared reference/);
    expect(out.stderr).toMatch(/^invalid \(--strict\): 1 warning$/m);
    expect(out.stdout).toBe('');
  });

  it('a CEL type error is a warning, as the Go adapter only parses CEL; --strict refuses it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cel-type-'));
    try {
      const task = readFileSync(
        path.join(GO_DRYRUN, 'kubernetes', 'dryrun-kubernetes-task-config.yaml'),
        'utf8',
      );
      const changed = task.replace(/\n {8}non_existent\n/, '\n        has(event.nothing) ? 1 : null\n');
      expect(changed).not.toBe(task);
      writeFileSync(path.join(dir, 'task.yaml'), changed);
      const argv = [...goKubernetes.slice(0, 3), path.join(dir, 'task.yaml'), ...goKubernetes.slice(4)];
      const loose = capture();
      expect(await validateMain(argv, { ...loose.io, env: {} })).toBe(0);
      expect(loose.out.stderr).toMatch(
        /^warning: .*:42:19 params\[7\]\.source\.expression: CEL type error: .*Ternary branches/m,
      );
      const strict = capture();
      expect(await validateMain([...argv, '--strict'], { ...strict.io, env: {} })).toBe(1);
      expect(strict.out.stderr).toMatch(/^invalid \(--strict\): 1 warning$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without base_url validate refuses it (serving needs the API), as the Go adapter refuses to start', async () => {
    const { out, io } = capture();
    expect(await validateMain(goKubernetes.slice(0, 4), { ...io, env: {} })).toBe(1);
    expect(out.stderr).toContain('clients.hyperfleet_api.base_url: the task config calls the HyperFleet API');
    expect(out.stderr).toMatch(/^warning: .*non_existent/m);
  });

  it('--dry-run checks it as a dry run loads it: the missing base_url is a warning', async () => {
    const { out, io } = capture();
    expect(await validateMain([...goKubernetes.slice(0, 4), '--dry-run'], { ...io, env: {} })).toBe(0);
    expect(out.stderr).toMatch(
      /^warning: .*clients\.hyperfleet_api\.base_url: .*\(a dry run does not connect\)/m,
    );
    expect(out.stdout).toMatch(/^valid: /);
  });

  it('config-dump prints the merged configuration as YAML', async () => {
    const { out, io } = capture();
    expect(await configDumpMain(goKubernetes, { ...io, env: {} })).toBe(0);
    expect(out.stdout).toMatch(/^post:\n/);
    expect(out.stdout).toMatch(/^adapter:\n {4}name: dryrun-adapter$/m);
    expect(out.stdout).toMatch(/^clients:\n/m);
    expect(out.stdout).toContain('base_url: http://api:8000');
    expect(out.stdout).not.toContain('debug_config');
  });
});
