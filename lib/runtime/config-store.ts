/**
 * The adapter's configuration as a warm instance holds it. Files are mounted from a
 * ConfigMap and updated in place by the kubelet (an atomic symlink swap), so each
 * invocation asks, at most once per `checkIntervalMs`, whether the files changed; a change
 * is loaded and validated before it replaces the config in use. The files are the two
 * configs and every file they reference (`manifest.ref`, `build_ref`), so editing only a
 * referenced manifest reloads too. An invalid new config keeps the last good one: said in the
 * logs, in readiness, and in a metric.
 */
import { realpath, stat } from 'node:fs/promises';
import type { LoadedConfig } from '../executor/executor.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';

export interface ConfigSource {
  configFile: string;
  taskConfigFile: string;
  load(): Promise<LoadedConfig>;
}

export interface ConfigStatus {
  /** The config in use came from the current files (false: the last reload was rejected). */
  current: boolean;
  loadedAt?: string;
  /** Why the last reload was rejected. */
  rejected?: string;
}

async function fingerprint(files: string[]): Promise<string> {
  const parts = await Promise.all(
    files.map(async (f) => {
      try {
        const real = await realpath(f);
        const s = await stat(real);
        return `${real}:${s.mtimeMs}:${s.size}:${s.ino}`;
      } catch (err) {
        return `${f}:missing:${(err as NodeJS.ErrnoException).code ?? ''}`;
      }
    }),
  );
  return parts.join('|');
}

/**
 * The files a loaded config read besides its own two: every `{ ref, path }` the task config
 * holds (a manifest ref, a payload's build_ref), wherever it sits in the tree.
 */
export function referencedFiles(config: LoadedConfig): string[] {
  const found = new Set<string>();
  const stack: unknown[] = [config.task];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    const o = v as Record<string, unknown>;
    if (typeof o['ref'] === 'string' && typeof o['path'] === 'string') found.add(o['path']);
    for (const child of Array.isArray(v) ? v : Object.values(o)) stack.push(child);
  }
  return [...found].sort();
}

export class ConfigStore {
  private config: LoadedConfig | undefined;
  private seen = '';
  /** What the config in use referenced: watched with the config files. */
  private refs: string[] = [];
  private checkedAt = 0;
  private inflight: Promise<void> | undefined;
  private status_: ConfigStatus = { current: false };
  /** Bumped on every successful (re)load: caches keyed on the config compare it. */
  generation = 0;

  private readonly source: ConfigSource;
  private readonly log: Logger;
  private readonly metrics: Metrics | undefined;
  private readonly checkIntervalMs: number;

  constructor(source: ConfigSource, log: Logger, metrics?: Metrics, checkIntervalMs = 1000) {
    this.source = source;
    this.log = log;
    this.metrics = metrics;
    this.checkIntervalMs = checkIntervalMs;
  }

  get status(): ConfigStatus {
    return { ...this.status_ };
  }

  /** The config to use now; loads it the first time, reloads it when the files changed. */
  async get(): Promise<LoadedConfig> {
    const now = Date.now();
    if (!this.config || now - this.checkedAt >= this.checkIntervalMs) {
      this.inflight ??= this.refresh().finally(() => {
        this.inflight = undefined;
      });
      await this.inflight;
    }
    if (!this.config) throw new Error(this.status_.rejected ?? 'configuration not loaded');
    return this.config;
  }

  private async refresh(): Promise<void> {
    this.checkedAt = Date.now();
    const files = [this.source.configFile, this.source.taskConfigFile];
    const fp = await fingerprint([...files, ...this.refs]);
    if (fp === this.seen) return;
    const first = this.config === undefined;
    try {
      const loaded = await this.source.load();
      this.config = loaded;
      const refs = referencedFiles(loaded);
      // The fingerprint taken before loading covers the same refs in the usual case; only
      // when the refs changed are the new ones fingerprinted, after the load.
      if (refs.join('|') !== this.refs.join('|')) {
        this.refs = refs;
        this.seen = await fingerprint([...files, ...refs]);
      } else this.seen = fp;
      this.generation++;
      this.status_ = { current: true, loadedAt: new Date().toISOString() };
      this.metrics?.configValid.set(1);
      if (!first) this.metrics?.configReloads.inc({ result: 'applied' });
      this.log.info(
        { files, adapter: loaded.adapter.adapter.name },
        first ? 'configuration loaded' : 'configuration reloaded',
      );
    } catch (err) {
      this.seen = fp;
      const message = (err as Error).message;
      this.status_ = { ...this.status_, current: false, rejected: message };
      this.metrics?.configValid.set(0);
      if (!first) this.metrics?.configReloads.inc({ result: 'rejected' });
      this.log.error(
        { files, err: message },
        first
          ? 'configuration invalid: no config to serve with'
          : 'new configuration rejected: keeping the last good one',
      );
    }
  }
}
