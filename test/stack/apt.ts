import { StackError } from './errors.ts';
import { runCapture } from './proc.ts';

/**
 * Installs a Debian package for a peer the machine lacks (CI starts on a fresh machine):
 * `apt-get update`, then the package without its recommendations. A failure is a StackError
 * with `code`, carrying the end of apt-get's stderr.
 */
export async function aptInstall(pkg: string, code: string): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', pkg]]) {
    const res = await runCapture('apt-get', args, { env, timeoutMs: 600_000 });
    if (res.code !== 0) {
      throw new StackError(code, `apt-get ${args.join(' ')} failed: ${res.stderr.slice(-2000)}`);
    }
  }
}
