/**
 * Files the product ships beside its code (package.json, protos/, examples/), found from the
 * package root so the same code works run from source (lib/...) and compiled (dist/lib/...).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NAME = 'hyperfleet-adapter-knative';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === NAME)
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${NAME} package root above ${import.meta.url}`);
    dir = parent;
  }
}

let root: string | undefined;

/** An absolute path inside the package, e.g. packagePath('protos', 'x.proto'). */
export function packagePath(...segments: string[]): string {
  root ??= findRoot();
  return join(root, ...segments);
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}
