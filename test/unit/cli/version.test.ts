import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/version.ts';

function run(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): { code: Promise<number>; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    env,
  });
  return { code, out, err };
}

describe('version', () => {
  it("prints the Go adapter's three lines for this build, with its defaults", async () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
    ) as {
      version: string;
    };
    const r = run([]);
    expect(await r.code).toBe(0);
    // The Go binary built with no ldflags prints `0.0.0-dev`, `none`, `unknown` in this layout.
    expect(r.out.join('')).toBe(`Version:    ${version}\nCommit:     none\nBuild Date: unknown\n`);
  });

  it('takes the commit and build date the image build sets', async () => {
    const r = run([], { GIT_COMMIT: '3f746a5', BUILD_DATE: '2026-12-04T10:00:00Z' });
    expect(await r.code).toBe(0);
    expect(r.out.join('')).toContain('Commit:     3f746a5\nBuild Date: 2026-12-04T10:00:00Z\n');
  });

  it('refuses an argument it does not take', async () => {
    const r = run(['--short']);
    expect(await r.code).toBe(2);
    expect(r.err.join('')).toMatch(/unexpected argument "--short"/);
  });
});
