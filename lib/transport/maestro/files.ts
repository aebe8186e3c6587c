import { readFileSync, statSync } from 'node:fs';
import { headerValueProblem } from '../../hyperfleet-api/headers.ts';
import { registerSecret } from '../../observability/logger.ts';
import { MaestroConfigError } from './errors.ts';

/**
 * A set of credential files (CA, client cert/key, token) read once and re-read when any of
 * them changes on disk, checked at most every `checkEveryMs` so hot paths pay one `stat` per
 * interval. Kubernetes rotates mounted secrets by swapping a symlink, which changes mtime.
 */
export class WatchedFiles {
  readonly paths: readonly string[];
  private readonly checkEveryMs: number;
  private contents = new Map<string, Buffer>();
  private signature = '';
  private checkedAt = 0;
  /** Bumped whenever the contents changed; consumers compare it to rebuild what depends on them. */
  version = 0;

  constructor(paths: (string | undefined)[], checkEveryMs = 5_000) {
    this.paths = paths.filter((p): p is string => typeof p === 'string' && p !== '');
    this.checkEveryMs = checkEveryMs;
    this.refresh(true);
  }

  /** Re-stat the files if the interval elapsed; returns true when the contents changed. */
  refresh(force = false): boolean {
    const now = Date.now();
    if (!force && now - this.checkedAt < this.checkEveryMs) return false;
    this.checkedAt = now;
    if (this.paths.length === 0) return false;
    let sig: string;
    try {
      sig = this.paths.map((p) => `${p}:${statSync(p).mtimeMs}:${statSync(p).size}`).join('|');
    } catch (cause) {
      if (this.signature === '')
        throw new MaestroConfigError(`cannot read Maestro credential files`, { cause });
      return false; // mid-rotation: keep using what we have
    }
    if (sig === this.signature) return false;
    const next = new Map<string, Buffer>();
    try {
      for (const p of this.paths) next.set(p, readFileSync(p));
    } catch (cause) {
      if (this.signature === '')
        throw new MaestroConfigError(`cannot read Maestro credential files`, { cause });
      return false;
    }
    this.contents = next;
    this.signature = sig;
    this.version++;
    return true;
  }

  get(path: string | undefined): Buffer | undefined {
    return path ? this.contents.get(path) : undefined;
  }
}

/**
 * Bearer token from a file, trimmed; an empty file is a configuration error, as in the Go
 * client. So is a token gRPC metadata cannot carry (a line break inside it, a non-ASCII
 * character): grpc-js would refuse it with an error quoting the whole value.
 */
export function readToken(files: WatchedFiles, path: string): string {
  files.refresh();
  const token = files.get(path)?.toString('utf8').trim() ?? '';
  if (token === '') throw new MaestroConfigError(`Maestro token file ${path} is empty`);
  registerSecret(token);
  const problem = headerValueProblem(token, { asciiOnly: true });
  if (problem) throw new MaestroConfigError(`Maestro token file ${path} ${problem}`);
  return token;
}
