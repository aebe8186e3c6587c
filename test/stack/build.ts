import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StackError } from './errors.ts';
import { isAlive, runCapture, runToLog } from './proc.ts';
import {
  ETCD_VERSION,
  KUBERNETES_STAGING_VERSION,
  KUBERNETES_VERSION,
  MAESTRO_EXTRA_REQUIRES,
  MAESTRO_VERSION,
} from './versions.ts';

/**
 * Builds the peers' binaries from the Go module proxy into a version-keyed cache outside git.
 * Nothing built here is committed; the recipe is generated into the cache at run time.
 */

export interface StackBinaries {
  maestro: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubectl: string;
  etcd: string;
}

export type Say = (line: string) => void;
export const defaultSay: Say = (line) => process.stderr.write(`[stack] ${line}\n`);

export function cacheRoot(): string {
  const explicit = process.env['HYPERFLEET_STACK_CACHE'];
  if (explicit) return explicit;
  const xdg = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(xdg, 'hyperfleet-adapter', 'stack');
}

const MAESTRO_MODULE = 'github.com/openshift-online/maestro';
const KUBE_COMMANDS = ['kube-apiserver', 'kube-controller-manager', 'kubectl'] as const;

function maestroDir(): string {
  return join(cacheRoot(), `maestro-${MAESTRO_VERSION}`);
}

function kubeDir(): string {
  return join(cacheRoot(), `kubernetes-${KUBERNETES_VERSION}-etcd-${ETCD_VERSION}`);
}

/** Paths the binaries have once built; they may not exist yet. */
export function binaryPaths(): StackBinaries {
  return {
    maestro: join(maestroDir(), 'bin', 'maestro'),
    kubeApiserver: join(kubeDir(), 'bin', 'kube-apiserver'),
    kubeControllerManager: join(kubeDir(), 'bin', 'kube-controller-manager'),
    kubectl: join(kubeDir(), 'bin', 'kubectl'),
    etcd: join(kubeDir(), 'bin', 'etcd'),
  };
}

let goEnvPromise: Promise<NodeJS.ProcessEnv> | undefined;

/**
 * The environment every go command runs with. The checksum database is used when it answers;
 * only when it is unreachable are sums trusted from the proxy alone, and that is said aloud.
 */
export function goEnv(say: Say): Promise<NodeJS.ProcessEnv> {
  goEnvPromise ??= (async () => {
    const inherited = process.env['GOFLAGS'] ?? '';
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GOFLAGS: `${inherited} -mod=mod`.trim(),
      GOTOOLCHAIN: 'local',
    };
    // A non-login shell (CI) may not have the Go toolchain's usual install dir on PATH.
    const found = await runCapture('go', ['version'], { env }).catch(() => undefined);
    if (found?.code !== 0 && existsSync('/usr/local/go/bin/go')) {
      env['PATH'] = `/usr/local/go/bin:${env['PATH'] ?? ''}`;
    } else if (found?.code !== 0) {
      throw new StackError(
        'STACK_GO_MISSING',
        'the go command is not on PATH (Go 1.25+ is needed to build the peers)',
      );
    }
    const sumdb = (await runCapture('go', ['env', 'GOSUMDB'], { env })).stdout.trim();
    if (sumdb !== 'off' && !(await sumdbReachable(sumdb, env))) {
      say(`checksum database ${sumdb} unreachable: verifying modules against the proxy's sums only`);
      env['GONOSUMDB'] = '*';
      env['GONOSUMCHECK'] = '1';
      env['GOSUMDB'] = 'off';
    }
    return env;
  })();
  return goEnvPromise;
}

/** Go reaches the checksum database through the module proxy first, then directly; probe the same way. */
async function sumdbReachable(sumdb: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const name = sumdb.split(/\s+/)[0] ?? 'sum.golang.org';
  const host = name.includes('+') ? name.slice(0, name.indexOf('+')) : name;
  const proxies = (await runCapture('go', ['env', 'GOPROXY'], { env })).stdout
    .trim()
    .split(/[,|]/)
    .filter((p) => p.startsWith('http'));
  const probes = [
    ...proxies.map((p) => `${p.replace(/\/$/, '')}/sumdb/${host}/supported`),
    `https://${host}/latest`,
  ];
  for (const url of probes) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (res.ok) return true;
    } catch {
      // try the next way in
    }
  }
  return false;
}

/** A build directory's completion stamp, complete.json: what was built and how long each step took. */
export interface Stamp {
  versions: Record<string, string>;
  seconds: Record<string, number>;
  builtAt: string;
}

export function readStamp(dir: string): Stamp | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'complete.json'), 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

/** Marks a build directory complete; written last, so a build cut short leaves no stamp. */
export function writeStamp(
  dir: string,
  versions: Record<string, string>,
  seconds: Record<string, number>,
): void {
  const stamp: Stamp = { versions, seconds, builtAt: new Date().toISOString() };
  writeFileSync(join(dir, 'complete.json'), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** One builder per cache directory at a time, across processes (CI's integration and e2e projects). */
export async function withLock<T>(dir: string, say: Say, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, 'build.lock');
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = Number(readFileSync(lock, 'utf8'));
      if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) {
        rmSync(lock, { force: true });
        continue;
      }
      say(`waiting for build by process ${holder} in ${dir}`);
      await new Promise((r) => setTimeout(r, 5_000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Runs one build step, printing progress every 30 s so a cold build is never silent. */
export async function step(
  say: Say,
  label: string,
  logFile: string,
  run: () => Promise<void>,
): Promise<number> {
  const started = Date.now();
  say(`${label} ... (log: ${logFile})`);
  const ticker = setInterval(() => say(`${label}: ${Math.round((Date.now() - started) / 1000)} s`), 30_000);
  try {
    await run();
  } catch (err) {
    say(`${label} FAILED; log: ${logFile}`);
    try {
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n');
      say(`last lines of ${logFile}:\n${tail}`);
    } catch {
      // the log may not exist if the command never ran
    }
    throw err;
  } finally {
    clearInterval(ticker);
  }
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  say(`${label}: done in ${seconds} s`);
  return seconds;
}

/**
 * A throwaway Go module in `dir/mod` that requires Maestro (at the pinned version) and imports
 * `pkg`, so `go build pkg` builds it with the versions Maestro itself resolves.
 */
export function writeMaestroModule(
  dir: string,
  name: string,
  pkg: string,
): { mod: string; requires: Record<string, string> } {
  const mod = join(dir, 'mod');
  mkdirSync(mod, { recursive: true });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  const requires = { [MAESTRO_MODULE]: MAESTRO_VERSION, ...MAESTRO_EXTRA_REQUIRES };
  const lines = Object.entries(requires)
    .map(([m, v]) => `\t${m} ${v}\n`)
    .join('');
  writeFileSync(
    join(mod, 'go.mod'),
    `module hyperfleet.local/${name}\n\ngo 1.25.0\n\nrequire (\n${lines})\n`,
  );
  writeFileSync(join(mod, 'tools.go'), `//go:build tools\n\npackage tools\n\nimport _ "${pkg}"\n`);
  return { mod, requires };
}

async function buildMaestro(say: Say): Promise<void> {
  const dir = maestroDir();
  // `go install module@version` needs the proxy's version list (for deprecation notices),
  // which the proxy here refuses; a module requiring Maestro builds the same binary.
  const { mod, requires } = writeMaestroModule(dir, 'maestro-build', `${MAESTRO_MODULE}/cmd/maestro`);
  const env = await goEnv(say);
  const log = join(dir, 'build.log');
  const seconds: Record<string, number> = {};
  seconds['maestro'] = await step(say, `building maestro ${MAESTRO_VERSION}`, log, async () => {
    await runToLog('go', ['mod', 'tidy'], { cwd: mod, env, logFile: log });
    await runToLog(
      'go',
      ['build', '-p', '2', '-o', join(dir, 'bin', 'maestro'), `${MAESTRO_MODULE}/cmd/maestro`],
      {
        cwd: mod,
        env,
        logFile: log,
      },
    );
  });
  writeStamp(dir, requires, seconds);
}

/** The staging modules k8s.io/kubernetes replaces with local folders, read from its go.mod. */
async function stagingModules(env: NodeJS.ProcessEnv, log: string, cwd: string): Promise<string[]> {
  const info = await runCapture(
    'go',
    ['mod', 'download', '-json', `k8s.io/kubernetes@${KUBERNETES_VERSION}`],
    {
      cwd,
      env,
    },
  );
  writeFileSync(log, info.stdout + info.stderr, { flag: 'a' });
  const goMod = (JSON.parse(info.stdout || '{}') as { GoMod?: string }).GoMod;
  if (info.code !== 0 || goMod === undefined) {
    throw new StackError(
      'STACK_BUILD_FAILED',
      `go mod download k8s.io/kubernetes@${KUBERNETES_VERSION} failed`,
      {
        logs: [log],
      },
    );
  }
  const text = readFileSync(goMod, 'utf8');
  const modules = [...text.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\//gm)].map(
    (m) => m[1] as string,
  );
  if (modules.length < 20) {
    throw new StackError('STACK_BUILD_FAILED', `only ${modules.length} staging modules found in ${goMod}`, {
      logs: [log],
    });
  }
  return modules;
}

async function buildKubernetes(say: Say): Promise<void> {
  const dir = kubeDir();
  const mod = join(dir, 'mod');
  mkdirSync(join(mod, 'etcd'), { recursive: true });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  const env = await goEnv(say);
  const modLog = join(dir, 'build-modules.log');
  const seconds: Record<string, number> = {};
  let staging: string[] = [];
  seconds['modules'] = await step(
    say,
    `resolving k8s.io/kubernetes ${KUBERNETES_VERSION} modules`,
    modLog,
    async () => {
      writeFileSync(join(mod, 'go.mod'), 'module hyperfleet.local/kube-build\n\ngo 1.24.0\n');
      staging = await stagingModules(env, modLog, mod);
      writeFileSync(
        join(mod, 'go.mod'),
        [
          'module hyperfleet.local/kube-build',
          '',
          'go 1.24.0',
          '',
          `require k8s.io/kubernetes ${KUBERNETES_VERSION}`,
          '',
          'replace (',
          ...staging.map((m) => `\t${m} => ${m} ${KUBERNETES_STAGING_VERSION}`),
          ')',
          '',
        ].join('\n'),
      );
      writeFileSync(
        join(mod, 'tools.go'),
        `//go:build tools\n\npackage tools\n\nimport (\n${KUBE_COMMANDS.map((c) => `\t_ "k8s.io/kubernetes/cmd/${c}"\n`).join('')})\n`,
      );
      writeFileSync(
        join(mod, 'etcd', 'main.go'),
        'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n',
      );
      await runToLog('go', ['mod', 'tidy'], { cwd: mod, env, logFile: modLog });
    },
  );
  const pinned = readFileSync(join(mod, 'go.mod'), 'utf8').match(
    /go\.etcd\.io\/etcd\/server\/v3 (v\S+)/,
  )?.[1];
  if (pinned !== ETCD_VERSION) {
    throw new StackError(
      'STACK_BUILD_FAILED',
      `k8s.io/kubernetes ${KUBERNETES_VERSION} resolves etcd server ${pinned ?? '(none)'}, versions.ts says ${ETCD_VERSION}`,
      { logs: [modLog] },
    );
  }
  const ldflags = `-X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION}`;
  for (const cmd of KUBE_COMMANDS) {
    const log = join(dir, `build-${cmd}.log`);
    seconds[cmd] = await step(say, `building ${cmd} ${KUBERNETES_VERSION}`, log, () =>
      runToLog(
        'go',
        [
          'build',
          '-p',
          '2',
          '-ldflags',
          ldflags,
          '-o',
          join(dir, 'bin', cmd),
          `k8s.io/kubernetes/cmd/${cmd}`,
        ],
        { cwd: mod, env, logFile: log },
      ),
    );
  }
  const etcdLog = join(dir, 'build-etcd.log');
  seconds['etcd'] = await step(say, `building etcd ${ETCD_VERSION}`, etcdLog, () =>
    runToLog('go', ['build', '-p', '2', '-o', join(dir, 'bin', 'etcd'), './etcd'], {
      cwd: mod,
      env,
      logFile: etcdLog,
    }),
  );
  writeStamp(
    dir,
    { kubernetes: KUBERNETES_VERSION, staging: KUBERNETES_STAGING_VERSION, etcd: ETCD_VERSION },
    seconds,
  );
}

function complete(dir: string, binaries: string[]): boolean {
  return readStamp(dir) !== undefined && binaries.every((b) => existsSync(b));
}

/** Returns the binaries, building whichever component's cache lacks a completion stamp. */
export async function ensureBinaries(options: { say?: Say } = {}): Promise<StackBinaries> {
  const say = options.say ?? defaultSay;
  const bins = binaryPaths();
  if (!complete(maestroDir(), [bins.maestro])) {
    await withLock(maestroDir(), say, async () => {
      if (!complete(maestroDir(), [bins.maestro])) await buildMaestro(say);
    });
  }
  const kubeBins = [bins.kubeApiserver, bins.kubeControllerManager, bins.kubectl, bins.etcd];
  if (!complete(kubeDir(), kubeBins)) {
    await withLock(kubeDir(), say, async () => {
      if (!complete(kubeDir(), kubeBins)) await buildKubernetes(say);
    });
  }
  return bins;
}

/** Build seconds recorded in each component's stamp, for reports. */
export function buildTimes(): Record<string, Record<string, number>> {
  return {
    maestro: readStamp(maestroDir())?.seconds ?? {},
    kubernetes: readStamp(kubeDir())?.seconds ?? {},
  };
}

/** Directory of a module version in the Go module cache, downloading it if needed. */
export async function goModuleDir(module: string, version: string, say: Say = defaultSay): Promise<string> {
  const env = await goEnv(say);
  mkdirSync(cacheRoot(), { recursive: true });
  const out = await runCapture('go', ['mod', 'download', '-json', `${module}@${version}`], {
    env,
    cwd: cacheRoot(),
  });
  const info = JSON.parse(out.stdout || '{}') as { Dir?: string; Error?: string };
  if (out.code !== 0 || info.Dir === undefined) {
    throw new StackError(
      'STACK_MODULE_DOWNLOAD',
      `go mod download ${module}@${version}: ${info.Error ?? out.stderr}`,
    );
  }
  return info.Dir;
}
