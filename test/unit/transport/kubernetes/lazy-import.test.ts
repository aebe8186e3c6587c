import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

/**
 * A child process records every module resolution; the client library must be resolved only
 * once the factory runs, never by importing the transport module.
 */
const probe = (callFactory: boolean) => `
import { registerHooks } from 'node:module';
const seen = [];
registerHooks({ resolve(specifier, context, next) { if (specifier.startsWith('@kubernetes/client-node')) seen.push(specifier); return next(specifier, context); } });
const mod = await import('./lib/transport/kubernetes/index.ts');
const before = seen.length;
if (${callFactory}) {
  const t = await mod.createKubernetesTransport({ server: 'https://127.0.0.1:1', token: 'x' });
  await t.close();
}
process.stdout.write(JSON.stringify({ before, after: seen.length }));
`;

describe('@kubernetes/client-node is loaded lazily', () => {
  it('importing the transport module does not load it; creating a transport does', async () => {
    const { stdout: onlyImport } = await run(process.execPath, ['--input-type=module', '-e', probe(false)], {
      cwd: repoRoot,
    });
    expect(JSON.parse(onlyImport)).toEqual({ before: 0, after: 0 });
    const { stdout: created } = await run(process.execPath, ['--input-type=module', '-e', probe(true)], {
      cwd: repoRoot,
    });
    const counts = JSON.parse(created) as { before: number; after: number };
    expect(counts.before).toBe(0);
    expect(counts.after).toBeGreaterThan(0);
  }, 30_000);
});
