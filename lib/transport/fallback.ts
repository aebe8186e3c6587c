/**
 * Opt-in fallback from Maestro to a direct apply (`clients.maestro.fallback`): when a call for
 * consumer X fails as MAESTRO_UNAVAILABLE after the Maestro transport's own retries, and a
 * kubeconfig is configured for X, the work's manifests are applied to (read from, deleted
 * from) X's cluster directly, and what comes back is ManifestWork-shaped, saying so in an
 * Applied condition and an annotation, so the executor's CEL sees it like any other status.
 *
 * Maestro stays the source of truth: every call goes to Maestro first, and the next call
 * after it is back goes there again. Only works this process has seen (applied, read or
 * listed) can be read or deleted directly, since their manifests are known only from them.
 */
import { MaestroError } from './maestro/errors.ts';
import type { MaestroHealth, MaestroTransport } from './maestro/transport.ts';
import type {
  Condition,
  FeedbackValue,
  ManifestCondition,
  ManifestWork,
  ResourceMeta,
} from './maestro/types.ts';
import type {
  DeleteOutcome,
  KubeObject,
  ListQuery,
  ObjectRef,
  Transport,
  TransportContext,
} from './types.ts';

export const FALLBACK_REASON = 'AppliedDirectlyMaestroUnavailable';
export const APPLIED_VIA_ANNOTATION = 'hyperfleet.io/applied-via';
export const APPLIED_VIA_FALLBACK = 'kubernetes-fallback';

/** What the fallback needs of a Direct transport; `resolveResource` (the real one has it) fills resourceMeta.resource. */
export type DirectTransport = Transport & {
  resolveResource?(apiVersion: string, kind: string, signal: AbortSignal): Promise<{ resource: string }>;
};

export interface DirectFallbackOptions {
  /** Consumer name -> kubeconfig path of that consumer's cluster. */
  kubeconfigs: Readonly<Record<string, string>>;
  /** Builds the Direct transport for one kubeconfig (default: createKubernetesTransport). */
  direct?: (kubeconfigPath: string) => Promise<DirectTransport>;
  /** Told once per fallback call, so an operator sees that Maestro was bypassed. */
  onFallback?: (e: {
    op: 'get' | 'list' | 'apply' | 'delete';
    consumer: string;
    work: string;
    cause: MaestroError;
  }) => void;
}

const MAX_KNOWN_WORKS = 10_000;

async function defaultDirect(kubeConfigPath: string): Promise<DirectTransport> {
  const { createKubernetesTransport } = await import('./kubernetes/index.ts');
  return createKubernetesTransport({ kubeConfigPath });
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i === -1
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

function manifestRef(m: KubeObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: m.apiVersion, kind: m.kind, name: m.metadata.name ?? '' };
  if (m.metadata.namespace) ref.namespace = m.metadata.namespace;
  return ref;
}

/** A JSONPaths feedback rule's value, for the plain `.a.b.c` paths rules use; others are left out. */
function feedbackValue(obj: KubeObject, path: string): FeedbackValue['fieldValue'] | undefined {
  if (!/^(\.[A-Za-z0-9_-]+)+$/.test(path)) return undefined;
  let v: unknown = obj;
  for (const key of path.slice(1).split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return { type: 'String', string: v };
  if (typeof v === 'boolean') return { type: 'Boolean', boolean: v };
  if (typeof v === 'number' && Number.isInteger(v)) return { type: 'Integer', integer: v };
  return { type: 'JsonRaw', jsonRaw: JSON.stringify(v) };
}

interface FeedbackRule {
  resourceIdentifier?: { group?: string; resource?: string; name?: string; namespace?: string };
  feedbackRules?: { type?: string; jsonPaths?: { name: string; path: string }[] }[];
}

function feedbackFor(work: ManifestWork, meta: ResourceMeta, obj: KubeObject) {
  const values: FeedbackValue[] = [];
  for (const cfg of (work.spec?.manifestConfigs ?? []) as FeedbackRule[]) {
    const id = cfg.resourceIdentifier ?? {};
    if ((id.group ?? '') !== meta.group || id.resource !== meta.resource || id.name !== meta.name) continue;
    if ((id.namespace ?? '') !== (meta.namespace ?? '')) continue;
    for (const rule of cfg.feedbackRules ?? []) {
      if (rule.type !== 'JSONPaths') continue;
      for (const jp of rule.jsonPaths ?? []) {
        const fieldValue = feedbackValue(obj, jp.path);
        if (fieldValue) values.push({ name: jp.name, fieldValue });
      }
    }
  }
  return values;
}

class DirectFallbackTransport implements MaestroTransport {
  readonly client = 'maestro' as const;
  private readonly maestro: MaestroTransport;
  private readonly o: DirectFallbackOptions;
  private readonly directs = new Map<string, Promise<DirectTransport>>();
  /** Last work seen per consumer/name: the only place the manifests of a work are known while Maestro is away. */
  private readonly works = new Map<string, ManifestWork>();

  constructor(maestro: MaestroTransport, options: DirectFallbackOptions) {
    this.maestro = maestro;
    this.o = options;
  }

  private remember(consumer: string, work: KubeObject | undefined): void {
    const name = work?.metadata.name;
    if (!work || !name || !(work as ManifestWork).spec?.workload) return;
    const key = `${consumer}/${name}`;
    this.works.delete(key);
    this.works.set(key, work as ManifestWork);
    if (this.works.size > MAX_KNOWN_WORKS) {
      const oldest = this.works.keys().next().value;
      if (oldest !== undefined) this.works.delete(oldest);
    }
  }

  /** The Direct transport to fall back on, or undefined when this failure must surface as it is. */
  private fallbackFor(err: unknown, ctx: TransportContext): { consumer: string; path: string } | undefined {
    if (!(err instanceof MaestroError) || err.code !== 'MAESTRO_UNAVAILABLE' || !err.retryable)
      return undefined;
    // Past the caller's deadline a direct call would fail too; the Maestro error says more.
    if (ctx.signal.aborted) return undefined;
    const consumer = ctx.targetCluster;
    const path = consumer ? this.o.kubeconfigs[consumer] : undefined;
    return consumer && path ? { consumer, path } : undefined;
  }

  private direct(consumer: string, path: string): Promise<DirectTransport> {
    let d = this.directs.get(consumer);
    if (!d) {
      d = (this.o.direct ?? defaultDirect)(path);
      // A bad kubeconfig is tried again on the next fallback, not cached.
      d.catch(() => this.directs.delete(consumer));
      this.directs.set(consumer, d);
    }
    return d;
  }

  private async resourceMeta(d: DirectTransport, m: KubeObject, ordinal: number, signal: AbortSignal) {
    const meta: ResourceMeta = {
      ordinal,
      ...splitApiVersion(m.apiVersion),
      kind: m.kind,
      name: m.metadata.name ?? '',
    };
    if (m.metadata.namespace) meta.namespace = m.metadata.namespace;
    if (d.resolveResource) meta.resource = (await d.resolveResource(m.apiVersion, m.kind, signal)).resource;
    return meta;
  }

  /** The work as the executor reads a Maestro one, its status built from the objects found directly. */
  private async synthesize(
    work: ManifestWork,
    consumer: string,
    d: DirectTransport,
    objects: (KubeObject | undefined)[],
    signal: AbortSignal,
  ): Promise<ManifestWork> {
    const manifests = work.spec?.workload?.manifests ?? [];
    const statuses: ManifestCondition[] = [];
    const missing: string[] = [];
    for (const [i, m] of manifests.entries()) {
      const meta = await this.resourceMeta(d, m, i, signal);
      const obj = objects[i];
      if (!obj)
        missing.push(`${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${meta.name}`);
      const applied: Condition = {
        type: 'Applied',
        status: obj ? 'True' : 'False',
        reason: FALLBACK_REASON,
        message: obj ? 'applied directly through the fallback kubeconfig' : 'not found on the cluster',
      };
      const entry: ManifestCondition = { resourceMeta: meta, conditions: [applied] };
      if (obj) entry.statusFeedback = { values: feedbackFor(work, meta, obj) };
      statuses.push(entry);
    }
    const message =
      missing.length === 0
        ? `Maestro unavailable: ${manifests.length} manifest(s) applied directly to consumer ${consumer}`
        : `Maestro unavailable: applied directly to consumer ${consumer}, but not found: ${missing.join(', ')}`;
    return {
      apiVersion: work.apiVersion,
      kind: work.kind,
      metadata: {
        ...work.metadata,
        namespace: consumer,
        annotations: { ...(work.metadata.annotations ?? {}), [APPLIED_VIA_ANNOTATION]: APPLIED_VIA_FALLBACK },
      },
      ...(work.spec ? { spec: work.spec } : {}),
      status: {
        conditions: [
          {
            type: 'Applied',
            status: missing.length === 0 ? 'True' : 'False',
            reason: FALLBACK_REASON,
            message,
            lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          },
        ],
        resourceStatus: { manifests: statuses },
      },
    };
  }

  private async readDirect(work: ManifestWork, consumer: string, path: string, signal: AbortSignal) {
    const d = await this.direct(consumer, path);
    const manifests = work.spec?.workload?.manifests ?? [];
    const objects = await Promise.all(manifests.map((m) => d.get(manifestRef(m), { signal })));
    if (objects.every((o) => o === undefined)) return undefined;
    return this.synthesize(work, consumer, d, objects, signal);
  }

  private tell(
    op: 'get' | 'list' | 'apply' | 'delete',
    consumer: string,
    work: string,
    cause: unknown,
  ): void {
    this.o.onFallback?.({ op, consumer, work, cause: cause as MaestroError });
  }

  async get(ref: ObjectRef, ctx: TransportContext): Promise<KubeObject | undefined> {
    try {
      const w = await this.maestro.get(ref, ctx);
      if (ctx.targetCluster) this.remember(ctx.targetCluster, w);
      return w;
    } catch (err) {
      const fb = this.fallbackFor(err, ctx);
      if (!fb) throw err;
      this.tell('get', fb.consumer, ref.name, err);
      const known = this.works.get(`${fb.consumer}/${ref.name}`);
      // A work never seen here reads as absent: the executor then applies it, and a server-side
      // apply of objects that already exist changes nothing.
      if (!known) return undefined;
      return this.readDirect(known, fb.consumer, fb.path, ctx.signal);
    }
  }

  async list(query: ListQuery, ctx: TransportContext): Promise<KubeObject[]> {
    try {
      const works = await this.maestro.list(query, ctx);
      if (ctx.targetCluster) for (const w of works) this.remember(ctx.targetCluster, w);
      return works;
    } catch (err) {
      const fb = this.fallbackFor(err, ctx);
      if (!fb) throw err;
      this.tell('list', fb.consumer, '(list)', err);
      const out: KubeObject[] = [];
      for (const [key, w] of this.works) {
        if (!key.startsWith(`${fb.consumer}/`)) continue;
        const labels = w.metadata.labels ?? {};
        if (!Object.entries(query.labelSelector).every(([k, v]) => labels[k] === v)) continue;
        const found = await this.readDirect(w, fb.consumer, fb.path, ctx.signal);
        if (found) out.push(found);
      }
      return out;
    }
  }

  async apply(
    obj: KubeObject,
    ctx: TransportContext & { existing?: KubeObject | null },
  ): Promise<KubeObject> {
    try {
      const stored = await this.maestro.apply(obj, ctx);
      if (ctx.targetCluster) this.remember(ctx.targetCluster, { ...obj, ...stored });
      return stored;
    } catch (err) {
      const fb = this.fallbackFor(err, ctx);
      if (!fb) throw err;
      const work = obj as ManifestWork;
      this.tell('apply', fb.consumer, work.metadata.name ?? '', err);
      const d = await this.direct(fb.consumer, fb.path);
      const objects: KubeObject[] = [];
      // In order, as the agent applies them: a Namespace before what lives in it.
      for (const m of work.spec?.workload?.manifests ?? [])
        objects.push(await d.apply(m, { signal: ctx.signal }));
      this.remember(fb.consumer, work);
      return this.synthesize(work, fb.consumer, d, objects, ctx.signal);
    }
  }

  async delete(ref: ObjectRef, ctx: TransportContext): Promise<DeleteOutcome> {
    try {
      return await this.maestro.delete(ref, ctx);
    } catch (err) {
      const fb = this.fallbackFor(err, ctx);
      const known = fb ? this.works.get(`${fb.consumer}/${ref.name}`) : undefined;
      // A work whose manifests are unknown here cannot be deleted directly: Maestro must do it.
      if (!fb || !known) throw err;
      this.tell('delete', fb.consumer, ref.name, err);
      const d = await this.direct(fb.consumer, fb.path);
      const manifests = [...(known.spec?.workload?.manifests ?? [])].reverse();
      let outcome: DeleteOutcome = 'gone';
      for (const m of manifests) {
        if ((await d.delete(manifestRef(m), { signal: ctx.signal })) === 'deleting') outcome = 'deleting';
      }
      if (outcome === 'gone') this.works.delete(`${fb.consumer}/${ref.name}`);
      return outcome;
    }
  }

  health(signal: AbortSignal): Promise<MaestroHealth> {
    return this.maestro.health(signal);
  }

  async close(): Promise<void> {
    const directs = [...this.directs.values()];
    this.directs.clear();
    await Promise.allSettled([this.maestro.close(), ...directs.map(async (d) => (await d).close())]);
  }
}

/** Wrap a Maestro transport with the direct fallback; calls that succeed on Maestro are unchanged. */
export function withDirectFallback(
  maestro: MaestroTransport,
  options: DirectFallbackOptions,
): MaestroTransport {
  return new DirectFallbackTransport(maestro, options);
}
