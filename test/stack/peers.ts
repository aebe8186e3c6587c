import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StackError } from './errors.ts';

/**
 * The HyperFleet peers' source snapshots: `../shared/peers` beside the repository (CI clones
 * next to a read-only `shared/`), or HYPERFLEET_PEERS_DIR. Read-only: builds copy from here.
 */

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function peersRoot(): string {
  return process.env['HYPERFLEET_PEERS_DIR'] || resolve(REPO_ROOT, '..', 'shared', 'peers');
}

/** The snapshot folder of one peer, checked to be the commit `expected` (from versions.ts). */
export function peerSource(folder: string, expected: string): string {
  const root = peersRoot();
  const readme = join(root, 'README.md');
  if (!existsSync(readme)) {
    throw new StackError(
      'STACK_PEERS_MISSING',
      `no HyperFleet peer sources at ${root} (expected ../shared/peers beside the repository; set HYPERFLEET_PEERS_DIR)`,
    );
  }
  const listed = listedCommit(readFileSync(readme, 'utf8'), folder);
  if (listed === undefined || !(expected.startsWith(listed) || listed.startsWith(expected))) {
    throw new StackError(
      'STACK_PEERS_MISMATCH',
      `${readme} lists ${folder}/ at ${listed ?? '(nothing)'}, test/stack/versions.ts pins ${expected}: update versions.ts`,
    );
  }
  const dir = join(root, folder);
  if (!existsSync(join(dir, 'go.mod')))
    throw new StackError('STACK_PEERS_MISSING', `${dir}/go.mod does not exist`);
  return dir;
}

/**
 * The commit (or tag) of a peer as the README table lists it, e.g. `hyperfleet-adapter` (for a
 * build keyed by what the snapshot is, where no version is pinned).
 */
export function peerCommit(folder: string, root: string = peersRoot()): string {
  const readme = join(root, 'README.md');
  let text: string;
  try {
    text = readFileSync(readme, 'utf8');
  } catch (err) {
    throw new StackError('STACK_PEERS_MISSING', `cannot read ${readme} (set HYPERFLEET_PEERS_DIR)`, {
      cause: err,
    });
  }
  const commit = listedCommit(text, folder);
  if (commit === undefined)
    throw new StackError('STACK_PEERS_MISSING', `${readme} lists no commit for ${folder}/`);
  return commit;
}

/** The commit or tag in the first README table row of `folder/` that has one (`| \`folder/\` | repo | <commit> ... |`). */
function listedCommit(readme: string, folder: string): string | undefined {
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells[1] !== `\`${folder}/\``) continue;
    const commit = cells[3]?.match(/^(v[\w.-]+|[0-9a-f]{7,40})/)?.[1];
    if (commit !== undefined) return commit;
  }
  return undefined;
}
