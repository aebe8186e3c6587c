/**
 * The suite's inputs, each one set of files both adapters run: the Go adapter's own dry-run
 * fixtures (`test/testdata/dryrun/**`, every task config crossed with every canned-API file,
 * with and without its discovery file), its chart examples (`charts/examples/*`), the compat
 * scenarios test/unit/compat runs, and the generated corpus (corpus.ts).
 *
 * Files that name `/etc/adapter/...` (the ConfigMap mount of a deployment) are copied into
 * the run's temp dir with those paths rewritten to the copy, so both adapters read the very
 * same bytes and nothing outside the temp dir is written.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goAdapterSource, peersDir } from '../stack/go-adapter.ts';

export interface Input {
  /** Stable id, e.g. `fixture/kubernetes/api-404/discovery`: what exceptions name. */
  id: string;
  cwd: string;
  config: string;
  taskConfig: string;
  event: string;
  apiResponses?: string;
  discovery?: string;
  /** Environment both adapters run with (on top of PATH and HOME). */
  env: Record<string, string>;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function compatExamplesDir(): string {
  return process.env['HYPERFLEET_COMPAT_DIR'] || resolve(peersDir(), '..', 'compat', 'examples');
}

/** Flags of one `serve ...` command line in a fixture script, by name. */
function scriptFlags(script: string): Record<string, string> {
  const flags: Record<string, string> = {};
  const joined = script.replace(/\\\n/g, ' ');
  for (const m of joined.matchAll(/--([a-z-]+)[ =]("[^"]*"|\S+)/g)) {
    flags[m[1] as string] = (m[2] as string).replace(/^"|"$/g, '');
  }
  return flags;
}

const API_FILES: Record<string, string | undefined> = {
  'no-api-responses': undefined,
  api: 'dryrun-api-responses.json',
  'api-404': 'dryrun-404-api-responses.json',
  'api-delete': 'dryrun-delete-api-responses.json',
  'api-post-404': 'dryrun-post-action-404-api-responses.json',
};

/** Every Go fixture script verbatim, then each task config crossed with every canned-API file and with/without discovery. */
export function goFixtureInputs(): Input[] {
  const src = goAdapterSource();
  const dir = join(src, 'test', 'testdata', 'dryrun');
  const inputs: Input[] = [];
  const tasks: { name: string; config: string; task: string; discovery?: string; own?: string }[] = [];
  for (const sub of readdirSync(dir, { withFileTypes: true })) {
    if (!sub.isDirectory()) continue;
    const subDir = join(dir, sub.name);
    for (const script of readdirSync(subDir).filter((f) => f.endsWith('.sh'))) {
      const flags = scriptFlags(readFileSync(join(subDir, script), 'utf8'));
      const abs = (p: string | undefined) => (p === undefined ? undefined : resolve(src, p));
      const config = abs(flags['config']) as string;
      const task = abs(flags['task-config']) as string;
      const discovery = abs(flags['dry-run-discovery']);
      const api = abs(flags['dry-run-api-responses']);
      inputs.push({
        id: `fixture/${sub.name}/script`,
        cwd: src,
        config,
        taskConfig: task,
        event: abs(flags['dry-run-event']) as string,
        ...(api ? { apiResponses: api } : {}),
        ...(discovery ? { discovery } : {}),
        env: {},
      });
      tasks.push({
        name: sub.name,
        config,
        task,
        ...(discovery ? { discovery } : {}),
        ...(api && dirname(api) !== dir ? { own: api } : {}),
      });
      // Task configs beside the script's own that no script runs (the invalid variant).
      for (const other of readdirSync(subDir).filter(
        (f) => f.endsWith('.yaml') && join(subDir, f) !== task,
      )) {
        tasks.push({ name: `${sub.name}-${basename(other, '.yaml')}`, config, task: join(subDir, other) });
      }
    }
  }
  for (const t of tasks) {
    const apiFiles: Record<string, string | undefined> = { ...API_FILES };
    if (t.own) apiFiles['own-api'] = t.own;
    for (const [apiName, file] of Object.entries(apiFiles)) {
      for (const withDiscovery of t.discovery ? [true, false] : [false]) {
        const apiResponses = file === undefined ? undefined : file.startsWith('/') ? file : join(dir, file);
        inputs.push({
          id: `fixture/${t.name}/${apiName}/${withDiscovery ? 'discovery' : 'no-discovery'}`,
          cwd: src,
          config: t.config,
          taskConfig: t.task,
          event: join(dir, 'event.json'),
          ...(apiResponses ? { apiResponses } : {}),
          ...(withDiscovery && t.discovery ? { discovery: t.discovery } : {}),
          env: {},
        });
      }
    }
  }
  return inputs;
}

/** Copy files into `dest` under their mounted names, rewriting mount paths in YAML/JSON text to the copies. */
function materialise(
  files: { from: string; to: string }[],
  dest: string,
  mounts: Record<string, string>,
): void {
  mkdirSync(dest, { recursive: true });
  for (const f of files) {
    const target = join(dest, f.to);
    mkdirSync(dirname(target), { recursive: true });
    if (/\.(ya?ml|json)$/.test(f.from)) {
      let text = readFileSync(f.from, 'utf8');
      for (const [mount, local] of Object.entries(mounts)) text = text.split(`${mount}/`).join(`${local}/`);
      writeFileSync(target, text);
    } else {
      copyFileSync(f.from, target);
    }
  }
}

/** The chart examples, their files placed where their dryrun.sh mounts them, with every canned-API file. */
export function chartInputs(tmp: string): Input[] {
  const src = goAdapterSource();
  const examples = join(src, 'charts', 'examples');
  const dryrunDir = join(src, 'test', 'testdata', 'dryrun');
  const inputs: Input[] = [];
  for (const ex of readdirSync(examples, { withFileTypes: true })) {
    if (!ex.isDirectory()) continue;
    const script = readFileSync(join(examples, ex.name, 'dryrun.sh'), 'utf8');
    const dest = join(tmp, 'charts', ex.name);
    const mounts: Record<string, string> = {
      '/etc/adapter': join(dest, 'etc-adapter'),
      '/example': join(dest, 'example'),
      '/dryrun': join(dest, 'dryrun'),
    };
    const files: { from: string; to: string }[] = [];
    for (const m of script.matchAll(/-v "\$REPO_ROOT\/\$(EXAMPLE_DIR|DRYRUN_DIR)(\/[^"]*)?":(\/[^:]+):z/g)) {
      const base = m[1] === 'EXAMPLE_DIR' ? join(examples, ex.name) : dryrunDir;
      const from = join(base, m[2] ?? '');
      const mountedAt = m[3] as string;
      if (!from.endsWith('.yaml') && !from.endsWith('.json') && existsSync(from)) {
        for (const f of readdirSync(from).filter((n) => /\.(ya?ml|json)$/.test(n)))
          files.push({ from: join(from, f), to: join(mountedAt.slice(1), f) });
      } else {
        files.push({ from, to: mountedAt.slice(1) });
      }
    }
    const local = (p: string) => {
      for (const [mount, dir] of Object.entries(mounts))
        if (p.startsWith(`${mount}/`)) return dir + p.slice(mount.length);
      return p;
    };
    const renamed = files.map((f) => {
      const [mount] = Object.keys(mounts).filter((k) => `/${f.to}`.startsWith(`${k}/`));
      return {
        from: f.from,
        to: mount ? join(basename(mounts[mount] as string), `/${f.to}`.slice(mount.length)) : f.to,
      };
    });
    materialise(renamed, dest, mounts);
    const flags = scriptFlags(script.slice(script.indexOf('hyperfleet-adapter serve')));
    for (const [apiName, file] of Object.entries(API_FILES)) {
      for (const withDiscovery of [true, false]) {
        const discovery = flags['dry-run-discovery'];
        inputs.push({
          id: `chart/${ex.name}/${apiName}/${withDiscovery ? 'discovery' : 'no-discovery'}`,
          cwd: dest,
          config: local(flags['config'] as string),
          taskConfig: local(flags['task-config'] as string),
          event: local(flags['dry-run-event'] as string),
          ...(file ? { apiResponses: join(mounts['/dryrun'] as string, file) } : {}),
          ...(withDiscovery && discovery ? { discovery: local(discovery) } : {}),
          env: {},
        });
      }
    }
  }
  return inputs;
}

/** The compat scenarios test/unit/compat runs, with the env its harness sets. */
export async function compatInputs(tmp: string): Promise<Input[]> {
  const { E2E_KUBERNETES } = await import('../unit/compat/expected-e2e-kubernetes.ts');
  const { MAESTRO } = await import('../unit/compat/expected-maestro.ts');
  const { CHART_KUBERNETES } = await import('../unit/compat/expected-chart-kubernetes.ts');
  const { E2E_ENV } = await import('../unit/compat/harness.ts');
  const examplesDir = compatExamplesDir();
  const fixtures = join(REPO_ROOT, 'test', 'fixtures', 'compat');
  const inputs: Input[] = [];
  const copied = new Set<string>();
  for (const exp of [...E2E_KUBERNETES, ...MAESTRO, ...CHART_KUBERNETES]) {
    const dest = join(tmp, 'compat', exp.example);
    if (!copied.has(exp.example)) {
      copied.add(exp.example);
      const src = join(examplesDir, exp.example);
      materialise(
        readdirSync(src).map((f) => ({ from: join(src, f), to: f })),
        dest,
        { '/etc/adapter': dest },
      );
    }
    const fx = join(fixtures, exp.example, exp.scenario);
    const discovery =
      exp.discovery === 'scenario'
        ? join(fx, 'discovery.json')
        : exp.discovery === 'example'
          ? join(dest, 'dryrun-discovery.json')
          : undefined;
    inputs.push({
      id: `compat/${exp.example}/${exp.scenario}`,
      cwd: dest,
      config: join(dest, 'adapter-config.yaml'),
      taskConfig: join(dest, 'task-config.yaml'),
      event: join(fx, 'event.json'),
      apiResponses: join(fx, 'api-responses.json'),
      ...(discovery ? { discovery } : {}),
      env: { ...E2E_ENV },
    });
  }
  return inputs;
}
