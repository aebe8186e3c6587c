import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { cacheRoot, defaultSay, goEnv, readStamp, type Say, step, withLock, writeStamp } from './build.ts';
import { peerSource } from './peers.ts';
import { runToLog } from './proc.ts';
import {
  HYPERFLEET_API_COMMIT,
  HYPERFLEET_API_SPEC_VERSION,
  HYPERFLEET_BROKER_VERSION,
  HYPERFLEET_SENTINEL_COMMIT,
} from './versions.ts';

/**
 * Builds the real HyperFleet API and Sentinel from the peers' read-only source snapshots into
 * the stack cache, keyed by commit. Each tree is copied to a writable folder in the cache, its
 * openshift-hyperfleet modules are replaced by copies of the snapshots, and the code its
 * Makefile's `generate` target writes (OpenAPI types, stub.go) is generated there first.
 */

export interface HyperfleetBinaries {
  api: string;
  /** The spec the API validates requests against (`--server-openapi-schema-path`). */
  apiOpenapi: string;
  sentinel: string;
}

const SPEC_MODULE = 'github.com/openshift-hyperfleet/hyperfleet-api-spec';
const BROKER_MODULE = 'github.com/openshift-hyperfleet/hyperfleet-broker';
const OAPI_CODEGEN = 'github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen';

interface Component {
  name: 'hyperfleet-api' | 'sentinel';
  folder: string;
  commit: string;
  cmd: string;
  /** openshift-hyperfleet modules resolved from the snapshots: module -> [folder, version]. */
  replaces: Record<string, [string, string]>;
  /** -X flags naming the commit, as the component's Makefile sets them. */
  versionFlags: (version: string) => string[];
}

const API: Component = {
  name: 'hyperfleet-api',
  folder: 'hyperfleet-api',
  commit: HYPERFLEET_API_COMMIT,
  cmd: 'hyperfleet-api',
  replaces: { [SPEC_MODULE]: ['hyperfleet-api-spec', HYPERFLEET_API_SPEC_VERSION] },
  versionFlags: (v) => [
    `-X github.com/openshift-hyperfleet/hyperfleet-api/pkg/api.Version=${v}`,
    `-X github.com/openshift-hyperfleet/hyperfleet-api/pkg/api.Commit=${v}`,
  ],
};

const SENTINEL: Component = {
  name: 'sentinel',
  folder: 'hyperfleet-sentinel',
  commit: HYPERFLEET_SENTINEL_COMMIT,
  cmd: 'sentinel',
  replaces: {
    [SPEC_MODULE]: ['hyperfleet-api-spec', HYPERFLEET_API_SPEC_VERSION],
    [BROKER_MODULE]: ['hyperfleet-broker', HYPERFLEET_BROKER_VERSION],
  },
  versionFlags: (v) => [`-X main.version=${v}`, `-X main.commit=${v}`],
};

function componentDir(c: Component): string {
  const deps = Object.values(c.replaces)
    .map(([folder, version]) => `${folder.replace('hyperfleet-', '')}-${version}`)
    .join('-');
  return join(cacheRoot(), `${c.name}-${c.commit.slice(0, 12)}-${deps}`);
}

function binary(c: Component): string {
  return join(componentDir(c), 'bin', c.cmd);
}

/** Paths the binaries have once built; they may not exist yet. */
export function hyperfleetBinaryPaths(): HyperfleetBinaries {
  return {
    api: binary(API),
    apiOpenapi: join(componentDir(API), 'openapi', 'openapi.yaml'),
    sentinel: binary(SENTINEL),
  };
}

/** The commit each binary was built from, for `stack status`. */
export const hyperfleetCommits = { 'hyperfleet-api': API.commit, sentinel: SENTINEL.commit };

function complete(c: Component): boolean {
  const dir = componentDir(c);
  const extra = c === API ? [hyperfleetBinaryPaths().apiOpenapi] : [];
  return readStamp(dir) !== undefined && [binary(c), ...extra].every((f) => existsSync(f));
}

/** A writable copy of a read-only snapshot (root ignores modes; an ordinary user would not). */
function copyWritable(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  for (const entry of ['', ...readdirSync(to, { recursive: true, encoding: 'utf8' })]) {
    const path = join(to, entry);
    chmodSync(path, statSync(path).mode | 0o200);
  }
}

async function buildComponent(c: Component, say: Say): Promise<void> {
  const dir = componentDir(c);
  const src = join(dir, 'src');
  const log = join(dir, 'build.log');
  rmSync(log, { force: true });
  copyWritable(peerSource(c.folder, c.commit), src);
  const env = await goEnv(say);
  const versions: Record<string, string> = { [c.folder]: c.commit };
  for (const [module, [folder, version]] of Object.entries(c.replaces)) {
    const local = join(dir, 'deps', folder);
    copyWritable(peerSource(folder, version), local);
    await runToLog('go', ['mod', 'edit', '-replace', `${module}=${local}`], { cwd: src, env, logFile: log });
    versions[folder] = version;
  }
  const spec = join(dir, 'deps', 'hyperfleet-api-spec', 'schemas', 'core', 'openapi.yaml');
  const seconds: Record<string, number> = {};
  seconds['generate'] = await step(say, `generating ${c.name} OpenAPI types`, log, async () => {
    rmSync(join(src, 'pkg', 'api', 'openapi'), { recursive: true, force: true });
    mkdirSync(join(src, 'pkg', 'api', 'openapi'), { recursive: true });
    mkdirSync(join(src, 'openapi'), { recursive: true });
    cpSync(spec, join(src, 'openapi', 'openapi.yaml'));
    await runToLog('go', ['mod', 'download'], { cwd: src, env, logFile: log });
    await runToLog(
      'go',
      [
        'run',
        '-modfile=.bingo/oapi-codegen.mod',
        OAPI_CODEGEN,
        '--config',
        'openapi/oapi-codegen.yaml',
        'openapi/openapi.yaml',
      ],
      { cwd: src, env, logFile: log },
    );
    // What the Makefile's generate target writes beside the generated types.
    writeFileSync(
      join(src, 'pkg', 'api', 'openapi', 'stub.go'),
      'package openapi\n\nimport _ "github.com/oapi-codegen/runtime"\n',
    );
  });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  seconds['build'] = await step(say, `building ${c.name} ${c.commit.slice(0, 12)}`, log, () =>
    runToLog(
      'go',
      [
        'build',
        '-p',
        '2',
        '-trimpath',
        '-ldflags',
        ['-s', '-w', ...c.versionFlags(c.commit.slice(0, 12))].join(' '),
        '-o',
        binary(c),
        `./cmd/${c.cmd}`,
      ],
      // The Makefile's boringcrypto build needs cgo and a C toolchain; loopback tests need neither.
      { cwd: src, env: { ...env, CGO_ENABLED: '0' }, logFile: log },
    ),
  );
  if (c === API) {
    mkdirSync(join(dir, 'openapi'), { recursive: true });
    cpSync(spec, hyperfleetBinaryPaths().apiOpenapi);
  }
  writeStamp(dir, versions, seconds);
}

/** Returns the API and Sentinel binaries, building whichever lacks a completion stamp. */
export async function ensureHyperfleetBinaries(options: { say?: Say } = {}): Promise<HyperfleetBinaries> {
  const say = options.say ?? defaultSay;
  for (const c of [API, SENTINEL]) {
    if (complete(c)) continue;
    await withLock(componentDir(c), say, async () => {
      if (!complete(c)) await buildComponent(c, say);
    });
  }
  return hyperfleetBinaryPaths();
}

/** Build seconds recorded in each component's stamp, for reports. */
export function hyperfleetBuildTimes(): Record<string, Record<string, number>> {
  return {
    'hyperfleet-api': readStamp(componentDir(API))?.seconds ?? {},
    sentinel: readStamp(componentDir(SENTINEL))?.seconds ?? {},
  };
}
