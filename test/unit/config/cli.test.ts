import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../../lib/cli/args.ts';
import { main } from '../../../lib/cli/validate.ts';

const EXAMPLES = '/work/shared/compat/examples';
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/config');

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await main(argv, { stdout, stderr, env });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('parseArgs', () => {
  const specs = {
    config: { type: 'string', short: 'c' },
    mount: { type: 'string', multiple: true },
    verbose: { type: 'boolean' },
  } as const;

  it('reads --flag value, --flag=value, short aliases, repeated flags and booleans', () => {
    expect(parseArgs(['-c', 'a.yaml', '--mount', '/x=1', '--mount=/y=2', '--verbose', 'pos'], specs)).toEqual(
      {
        flags: { config: 'a.yaml', mount: ['/x=1', '/y=2'], verbose: true },
        positionals: ['pos'],
      },
    );
    expect(
      parseArgs(['--config=a', '--config', 'b', '--verbose=false', '--', '--not-a-flag'], specs),
    ).toEqual({
      flags: { config: 'b', verbose: false },
      positionals: ['--not-a-flag'],
    });
    expect(parseArgs(['-c=x.yaml'], specs).flags.config).toBe('x.yaml');
  });

  it('rejects unknown flags, missing values and bad booleans', () => {
    expect(() => parseArgs(['--nope'], specs)).toThrow(UsageError);
    expect(() => parseArgs(['--config'], specs)).toThrow('--config needs a value');
    expect(() => parseArgs(['--config', '--verbose'], specs)).toThrow('--config needs a value');
    expect(() => parseArgs(['--verbose=maybe'], specs)).toThrow('true or false');
    expect(() => parseArgs(['-z'], specs)).toThrow('unknown flag -z');
    expect(() => parseArgs(['--constructor', 'x'], specs)).toThrow('unknown flag --constructor');
  });
});

describe('hyperfleet-adapter validate', () => {
  it('exit 0 with a one-line summary for a valid pair', async () => {
    const dir = path.join(EXAMPLES, 'chart-maestro-two-resources');
    const r = await run([
      '--config',
      path.join(dir, 'adapter-config.yaml'),
      '--task-config',
      path.join(dir, 'task-config.yaml'),
      '--mount',
      `/etc/adapter=${dir}`,
    ]);
    expect(r).toEqual({
      code: 0,
      stdout:
        'valid: adapter maestro-two-resources-example 0.2.0: 8 params, 2 preconditions, 2 resources (2 maestro), 1 payload, 1 post action\n',
      stderr: '',
    });
  });

  it('counts resources per transport and prints warnings on stderr', async () => {
    const dir = path.join(EXAMPLES, 'e2e-cl-maestro');
    const good = path.join(FIXTURES, 'good');
    const mixed = await run([
      '-c',
      path.join(good, 'adapter-config.yaml'),
      '-t',
      path.join(good, 'task-config.yaml'),
    ]);
    expect(mixed.code).toBe(0);
    expect(mixed.stdout).toContain('2 resources (1 kubernetes, 1 maestro)');
    const warned = await run(
      ['-c', path.join(dir, 'adapter-config.yaml'), '-t', path.join(dir, 'task-config.yaml')],
      { RUN_ID: 'x', HYPERFLEET_ADAPTER_MOUNTS: `/etc/adapter=${dir}` },
    );
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(
      /^warning: .*task-config\.yaml:37:11 params\[6\]\.name: param `generation` is declared again/m,
    );
  });

  it('exit 1 listing every problem as file:line:col path: message (hint)', async () => {
    const dir = path.join(FIXTURES, 'broken', 'multiple-problems');
    const r = await run([
      '-c',
      path.join(FIXTURES, 'good', 'adapter-config.yaml'),
      '-t',
      path.join(dir, 'task-config.yaml'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(
      `${path.join(dir, 'task-config.yaml')}:4:11 params[0].type: invalid value string "strng": must be one of string, int, int64, float, float64, bool (did you mean \`string\`?)`,
    );
    expect(lines[5]).toBe('invalid: 5 problems');
  });

  it('takes the files from HYPERFLEET_ADAPTER_CONFIG / HYPERFLEET_TASK_CONFIG and override flags', async () => {
    const good = path.join(FIXTURES, 'good');
    const r = await run(['--hyperfleet-api-retry-backoff', 'sometimes', '--maestro-insecure'], {
      HYPERFLEET_ADAPTER_CONFIG: path.join(good, 'adapter-config.yaml'),
      HYPERFLEET_TASK_CONFIG: path.join(good, 'task-config.yaml'),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('clients.hyperfleet_api.retry_backoff: invalid value string "sometimes"');
    expect(r.stderr).toContain('(value from flag --hyperfleet-api-retry-backoff)');
  });

  it('exit 2 with usage for a bad command line', async () => {
    for (const argv of [
      [],
      ['--config'],
      ['--config', 'a.yaml'],
      ['--bogus'],
      ['-c', 'a', '-t', 'b', 'extra'],
      ['-c', 'a', '-t', 'b', '--mount', 'nonsense'],
    ]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain('Usage: hyperfleet-adapter validate');
    }
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--task-config');
  });

  it('a missing file is a problem (exit 1), not a crash', async () => {
    const r = await run(['-c', '/nonexistent/a.yaml', '-t', '/nonexistent/t.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/nonexistent/a.yaml cannot read AdapterConfig: file not found');
    expect(r.stderr).toContain('invalid: 2 problems');
  });
});
