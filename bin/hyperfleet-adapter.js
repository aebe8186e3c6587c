#!/usr/bin/env node
/**
 * The installed `hyperfleet-adapter` command. Plain JavaScript that any Node can start
 * (`npx --prefix <clone> hyperfleet-adapter` runs whatever `node` the machine has): on the
 * Node the package pins (24) it runs the CLI in this process; on another Node it re-runs
 * itself on the pinned Node from node_modules, and says which Node it needs when there is none.
 *
 * The CLI is the TypeScript source (lib/cli/main.ts, run by Node 24's type stripping), or its
 * compiled copy (dist/lib/cli/main.js, `npm run build`) when the sources are not there or sit
 * under node_modules, where Node refuses to strip types.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const NEEDED_MAJOR = 24;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function entry() {
  const source = path.join(root, 'lib', 'cli', 'main.ts');
  const compiled = path.join(root, 'dist', 'lib', 'cli', 'main.js');
  const underNodeModules = root.split(path.sep).includes('node_modules');
  if (existsSync(source) && !underNodeModules) return source;
  if (existsSync(compiled)) return compiled;
  return undefined;
}

/** The pinned Node: the `node` package of this project, or of the project that installed it. */
function pinnedNode() {
  const exe = process.platform === 'win32' ? 'node.exe' : 'node';
  for (let dir = root; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', 'node', 'bin', exe);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function fail(message) {
  process.stderr.write(`hyperfleet-adapter: ${message}\n`);
  process.exitCode = 1;
}

const major = Number(process.versions.node.split('.')[0]);
const main = entry();
if (main === undefined) {
  fail(`cannot find the CLI in ${root} (lib/cli/main.ts, or dist/ after \`npm run build\`)`);
} else if (major === NEEDED_MAJOR || (main.endsWith('.js') && major > NEEDED_MAJOR)) {
  await import(pathToFileURL(main).href);
} else {
  const node = pinnedNode();
  if (node === undefined) {
    fail(
      `needs Node.js ${NEEDED_MAJOR} (this is Node.js ${process.versions.node}); ` +
        `run \`npm ci\` in ${root} to install the pinned Node.js ${NEEDED_MAJOR}, or start it with Node.js ${NEEDED_MAJOR}`,
    );
  } else {
    const child = spawn(node, [main, ...process.argv.slice(2)], { stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
    child.on('error', (err) => fail(`cannot start ${node}: ${err.message}`));
    child.on('exit', (code, signal) => {
      if (signal) {
        for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.removeListener(s, forward);
        process.kill(process.pid, signal);
      } else process.exitCode = code ?? 1;
    });
  }
}
