import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A folder laid out as the kubelet lays out a ConfigMap volume: every file is a symlink to
 * `..data/<file>`, `..data` is a symlink to a timestamped folder holding the real files, and
 * an update writes a new timestamped folder and swaps `..data` with one rename (atomic).
 * A reader that follows the symlinks sees the old files or the new ones, never a mix.
 */
export interface ConfigMount {
  /** The mount point (what HYPERFLEET_ADAPTER_MOUNTS maps /etc/adapter to). */
  readonly dir: string;
  /** `dir/<name>` for a file of the mount. */
  path(name: string): string;
  /** Replace the whole content, as a ConfigMap update does. */
  swap(files: Record<string, string>): Promise<void>;
  remove(): Promise<void>;
}

export async function createConfigMount(files: Record<string, string>): Promise<ConfigMount> {
  const dir = await mkdtemp(join(tmpdir(), 'hf-config-mount-'));
  let generation = 0;
  let linked = new Set<string>();

  async function writeVersion(content: Record<string, string>): Promise<string> {
    generation++;
    const stamp = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${generation}`;
    await mkdir(join(dir, stamp));
    for (const [name, text] of Object.entries(content)) await writeFile(join(dir, stamp, name), text);
    return stamp;
  }

  async function linkFiles(names: string[]): Promise<void> {
    for (const name of names) {
      if (linked.has(name)) continue;
      await symlink(join('..data', name), join(dir, name));
    }
    for (const name of linked) if (!names.includes(name)) await rm(join(dir, name), { force: true });
    linked = new Set(names);
  }

  const first = await writeVersion(files);
  await symlink(first, join(dir, '..data'));
  await linkFiles(Object.keys(files));
  let current = first;

  return {
    dir,
    path: (name) => join(dir, name),
    swap: async (content) => {
      const next = await writeVersion(content);
      // The kubelet's swap: a temporary link renamed over `..data`.
      await symlink(next, join(dir, '..data_tmp'));
      await rename(join(dir, '..data_tmp'), join(dir, '..data'));
      await linkFiles(Object.keys(content));
      await rm(join(dir, current), { recursive: true, force: true });
      current = next;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
