/**
 * An in-memory transport: the dry-run's cluster and the executor tests' peer. It keeps
 * objects per (consumer, apiVersion, kind, namespace, name), records every operation, and
 * can be seeded with "discovery overrides" (objects keyed by rendered name, the Go
 * adapter's dry-run file format): an object applied under an overridden name is stored as
 * the override, so a dry run can show a ManifestWork with the status an agent would report.
 */
import { asFloat64, copyJson } from '../yaml-go/index.ts';
import type {
  DeleteOutcome,
  KubeObject,
  ListQuery,
  ObjectRef,
  Transport,
  TransportClient,
  TransportContext,
} from './types.ts';

export interface TransportRecord {
  client: TransportClient;
  operation: 'get' | 'list' | 'apply' | 'delete';
  target?: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
  labelSelector?: Record<string, string>;
  /** What was applied, for apply. */
  object?: KubeObject;
  /** found / not_found / created / updated / gone / deleting */
  outcome: string;
}

export interface MemoryTransportOptions {
  /** Objects keyed by rendered name (the Go adapter's dry-run discovery file). */
  discoveryOverrides?: Record<string, KubeObject>;
  /** Maestro deletes are soft: the work stays, with a deletion timestamp, until an agent confirms. */
  softDelete?: boolean;
  /** Shared log, so several transports (kubernetes + maestro) record into one trace. */
  records?: TransportRecord[];
  now?: () => Date;
}

const clone = copyJson;

export class MemoryTransport implements Transport {
  readonly client: TransportClient;
  readonly records: TransportRecord[];
  private readonly objects = new Map<string, KubeObject>();
  private readonly overrides: Record<string, KubeObject>;
  private readonly options: MemoryTransportOptions;

  constructor(client: TransportClient, options: MemoryTransportOptions = {}) {
    this.client = client;
    this.options = options;
    this.records = options.records ?? [];
    this.overrides = options.discoveryOverrides ?? {};
  }

  /** Put an object in place as if it already existed (test setup, dry-run overrides). */
  seed(obj: KubeObject, target?: string): void {
    this.objects.set(this.key(obj, target), clone(obj));
  }

  /** Every stored object, for assertions. */
  all(): KubeObject[] {
    return [...this.objects.values()].map(clone);
  }

  private key(
    ref: {
      apiVersion: string;
      kind: string;
      metadata?: KubeObject['metadata'];
      name?: string;
      namespace?: string;
    },
    target?: string,
  ): string {
    const name = ref.metadata?.name ?? ref.name ?? '';
    const ns = this.client === 'maestro' ? '' : (ref.metadata?.namespace ?? ref.namespace ?? '');
    return [target ?? '', ref.apiVersion, ref.kind, ns, name].join('\u0000');
  }

  /** Keys already seeded from overrides: seeded once, so a deleted override stays deleted. */
  private readonly seeded = new Set<string>();

  private seedOverrides(ref: { apiVersion: string; kind: string }, target?: string): void {
    for (const obj of Object.values(this.overrides)) {
      if (obj.apiVersion !== ref.apiVersion || obj.kind !== ref.kind) continue;
      const k = this.key(obj, target);
      if (this.seeded.has(k)) continue;
      this.seeded.add(k);
      if (!this.objects.has(k)) this.objects.set(k, clone(obj));
    }
  }

  async get(ref: ObjectRef, ctx: TransportContext): Promise<KubeObject | undefined> {
    ctx.signal.throwIfAborted();
    this.seedOverrides(ref, ctx.targetCluster);
    const found = this.objects.get(this.key(ref, ctx.targetCluster));
    this.records.push({
      client: this.client,
      operation: 'get',
      ...(ctx.targetCluster === undefined ? {} : { target: ctx.targetCluster }),
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }),
      name: ref.name,
      outcome: found ? 'found' : 'not_found',
    });
    return found ? clone(found) : undefined;
  }

  async list(query: ListQuery, ctx: TransportContext): Promise<KubeObject[]> {
    ctx.signal.throwIfAborted();
    this.seedOverrides(query, ctx.targetCluster);
    const prefix = `${ctx.targetCluster ?? ''}\u0000`;
    const items: KubeObject[] = [];
    for (const [k, obj] of this.objects) {
      if (!k.startsWith(prefix) || obj.apiVersion !== query.apiVersion || obj.kind !== query.kind) continue;
      if (this.client !== 'maestro' && query.namespace && obj.metadata.namespace !== query.namespace)
        continue;
      const labels = obj.metadata.labels ?? {};
      if (Object.entries(query.labelSelector).every(([lk, lv]) => labels[lk] === lv)) items.push(clone(obj));
    }
    this.records.push({
      client: this.client,
      operation: 'list',
      ...(ctx.targetCluster === undefined ? {} : { target: ctx.targetCluster }),
      apiVersion: query.apiVersion,
      kind: query.kind,
      ...(query.namespace === undefined ? {} : { namespace: query.namespace }),
      labelSelector: query.labelSelector,
      outcome: `${items.length} found`,
    });
    return items;
  }

  async apply(
    obj: KubeObject,
    ctx: TransportContext & { existing?: KubeObject | null },
  ): Promise<KubeObject> {
    ctx.signal.throwIfAborted();
    const k = this.key(obj, ctx.targetCluster);
    const existed = this.objects.has(k);
    const name = obj.metadata.name ?? '';
    const override = Object.hasOwn(this.overrides, name) ? this.overrides[name] : undefined;
    // Stored as the Go adapter's dry-run transport decodes the rendered JSON: integers beyond
    // 2^53 as the nearest float64 (the record keeps what was applied, every digit).
    const stored = override ? clone(override) : asFloat64(obj);
    // Maestro keeps a ManifestWork in its consumer's namespace and answers with it set.
    if (this.client === 'maestro' && ctx.targetCluster !== undefined && !override)
      stored.metadata.namespace = ctx.targetCluster;
    this.objects.set(k, stored);
    this.records.push({
      client: this.client,
      operation: 'apply',
      ...(ctx.targetCluster === undefined ? {} : { target: ctx.targetCluster }),
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      ...(obj.metadata.namespace === undefined ? {} : { namespace: obj.metadata.namespace }),
      name,
      object: clone(obj),
      outcome: existed ? 'updated' : 'created',
    });
    return clone(stored);
  }

  async delete(
    ref: ObjectRef,
    ctx: TransportContext & { propagationPolicy?: string },
  ): Promise<DeleteOutcome> {
    ctx.signal.throwIfAborted();
    const k = this.key(ref, ctx.targetCluster);
    const existing = this.objects.get(k);
    let outcome: DeleteOutcome = 'gone';
    if (existing && this.options.softDelete) {
      existing.metadata.deletionTimestamp ??= (this.options.now?.() ?? new Date()).toISOString();
      outcome = 'deleting';
    } else {
      this.objects.delete(k);
    }
    this.records.push({
      client: this.client,
      operation: 'delete',
      ...(ctx.targetCluster === undefined ? {} : { target: ctx.targetCluster }),
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }),
      name: ref.name,
      outcome,
    });
    return outcome;
  }

  async close(): Promise<void> {}
}
