/**
 * Where a `file:` param source may read. The Go adapter opens any path, so an event-driven
 * config could put `/etc/passwd` into a status payload; we read only under the task config's
 * folder, the mounts, the Kubernetes secret mounts and what HYPERFLEET_FILE_PARAM_ROOTS adds
 * (`/` restores Go's behaviour). A path outside them is a load warning (Go loads it) and a
 * refusal when the param is extracted.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { MountMap } from './refs.ts';

/** Secret and service-account token mounts, as a pod has them. */
export const DEFAULT_FILE_ROOTS: readonly string[] = ['/var/run/secrets', '/run/secrets'];

export const FILE_ROOTS_ENV = 'HYPERFLEET_FILE_PARAM_ROOTS';

/** The allowed roots, absolute and normalized, without duplicates. */
export function fileParamRoots(options: {
  taskConfigFile?: string;
  mounts?: MountMap;
  env?: Readonly<Record<string, string | undefined>>;
}): string[] {
  const roots = [...DEFAULT_FILE_ROOTS];
  if (options.taskConfigFile) roots.push(path.dirname(path.resolve(options.taskConfigFile)));
  for (const [target, dir] of Object.entries(options.mounts ?? {})) roots.push(target, path.resolve(dir));
  for (const entry of (options.env?.[FILE_ROOTS_ENV] ?? '').split(/[:,]/)) {
    const trimmed = entry.trim();
    if (trimmed !== '' && path.isAbsolute(trimmed)) roots.push(trimmed);
  }
  return [...new Set(roots.map((r) => path.resolve(r)))];
}

/** The entries of HYPERFLEET_FILE_PARAM_ROOTS that are not absolute paths (ignored, worth a warning). */
export function invalidRootEntries(env: Readonly<Record<string, string | undefined>>): string[] {
  return (env[FILE_ROOTS_ENV] ?? '')
    .split(/[:,]/)
    .map((e) => e.trim())
    .filter((e) => e !== '' && !path.isAbsolute(e));
}

export function isInsideAny(roots: readonly string[], candidate: string): boolean {
  return roots.some((root) => {
    const rel = path.relative(root, candidate);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
  });
}

/** Why `file` may not be read under `roots` (following symlinks), or undefined when it may. */
export async function fileRootProblem(file: string, roots: readonly string[]): Promise<string | undefined> {
  const resolved = path.resolve(file);
  const outside = `file "${file}" is outside the folders a file param may read (${roots.join(', ')}); add its folder to ${FILE_ROOTS_ENV}`;
  if (!isInsideAny(roots, resolved)) return outside;
  let real: string;
  try {
    real = await realpath(resolved);
  } catch {
    return undefined; // not there: opening it gives the usual error
  }
  const realRoots = await Promise.all(roots.map((r) => realpath(r).catch(() => r)));
  if (!isInsideAny(realRoots, real) && !isInsideAny(roots, real))
    return `file "${file}" leads outside the folders a file param may read through a symlink (to ${real}); add its folder to ${FILE_ROOTS_ENV}`;
  return undefined;
}
