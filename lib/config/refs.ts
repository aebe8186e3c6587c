/**
 * Files a task config points at (`manifest.ref`, `build_ref`). In a pod they are absolute
 * ConfigMap paths (`/etc/adapter/job.yaml`); outside one, a mount map says which local folder
 * stands for that path. A ref may only read inside its allowed root (the task config's
 * folder, or the folder of the mount it names): no `..` or symlink escapes.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RefResolver } from './schema.ts';

/** Container path -> local folder, e.g. { "/etc/adapter": "./examples/chart-maestro" }. */
export type MountMap = Record<string, string>;

/** A ref file bigger than this is not a manifest. */
const MAX_REF_BYTES = 4 * 1024 * 1024;

/**
 * "/etc/adapter=/x" entries, from `--mount` flags and/or HYPERFLEET_ADAPTER_MOUNTS
 * ("/etc/adapter=/x,/etc/maestro=/y"). Later entries win.
 */
export function parseMounts(entries: readonly string[]): { mounts: MountMap; errors: string[] } {
  const mounts: MountMap = {};
  const errors: string[] = [];
  for (const raw of entries.flatMap((e) => e.split(','))) {
    const entry = raw.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const target = eq > 0 ? entry.slice(0, eq).trim() : '';
    const dir = eq > 0 ? entry.slice(eq + 1).trim() : '';
    if (!target.startsWith('/') || dir === '') {
      errors.push(`invalid mount ${JSON.stringify(entry)}: expected /container/path=<local dir>`);
      continue;
    }
    mounts[path.posix.normalize(target).replace(/\/+$/, '') || '/'] = dir;
  }
  return { mounts, errors };
}

export function createRefResolver(options: { baseDir: string; mounts?: MountMap }): RefResolver {
  const baseDir = path.resolve(options.baseDir);
  const mounts = Object.entries(options.mounts ?? {}).sort((a, b) => b[0].length - a[0].length);

  return (ref) => {
    if (ref.includes('\0')) return { ok: false, message: 'ref contains a NUL byte' };
    let root: string;
    let rel: string;
    let rootLabel: string;
    if (path.posix.isAbsolute(ref)) {
      const mount = mounts.find(
        ([target]) => target === '/' || ref === target || ref.startsWith(`${target}/`),
      );
      if (mount) {
        root = path.resolve(mount[1]);
        rel = mount[0] === '/' ? ref.slice(1) : ref.slice(mount[0].length + 1);
        rootLabel = `mount ${mount[0]}=${mount[1]}`;
      } else if (isInside(baseDir, path.resolve(ref))) {
        root = baseDir;
        rel = path.relative(baseDir, path.resolve(ref));
        rootLabel = `the task config folder ${baseDir}`;
      } else {
        const top = `/${ref.split('/')[1] ?? ''}`;
        return {
          ok: false,
          message: `absolute ref ${JSON.stringify(ref)} is outside the task config folder and no mount covers it`,
          hint: `map it to a local folder: --mount ${path.posix.dirname(ref) === '/' ? top : path.posix.dirname(ref)}=<dir>`,
        };
      }
    } else {
      root = baseDir;
      rel = ref;
      rootLabel = `the task config folder ${baseDir}`;
    }
    const candidate = path.resolve(root, rel);
    if (!isInside(root, candidate)) {
      return { ok: false, message: `ref ${JSON.stringify(ref)} escapes ${rootLabel}` };
    }
    let real: string;
    try {
      real = realpathSync(candidate);
    } catch {
      return {
        ok: false,
        message: `referenced file ${JSON.stringify(ref)} not found (looked for ${candidate})`,
      };
    }
    let realRoot: string;
    try {
      realRoot = realpathSync(root);
    } catch {
      realRoot = root;
    }
    if (!isInside(realRoot, real)) {
      return {
        ok: false,
        message: `ref ${JSON.stringify(ref)} escapes ${rootLabel} through a symlink (to ${real})`,
      };
    }
    try {
      const stat = statSync(real);
      if (!stat.isFile())
        return { ok: false, message: `ref ${JSON.stringify(ref)} is not a regular file (${candidate})` };
      if (stat.size > MAX_REF_BYTES) {
        return { ok: false, message: `ref ${JSON.stringify(ref)} is larger than ${MAX_REF_BYTES} bytes` };
      }
      return { ok: true, path: candidate, text: readFileSync(real, 'utf8') };
    } catch (err) {
      return { ok: false, message: `cannot read ref ${JSON.stringify(ref)}: ${(err as Error).message}` };
    }
  };
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
