import type { Logger } from '../../observability/logger.ts';
import type {
  DeleteOutcome,
  KubeObject,
  ListQuery,
  ObjectRef,
  Transport,
  TransportContext,
} from '../types.ts';
import {
  encodeSpecEvent,
  type SpecAction,
  specFromBundle,
  toManifestBundle,
  workResourceId,
} from './codec.ts';
import { MaestroError, MaestroInvalidBundleError, MaestroUnderDeletionError } from './errors.ts';
import { readToken, WatchedFiles } from './files.ts';
import type { MaestroOptions } from './options.ts';
import { acquireChannel, type MaestroChannel, openUnpooledChannel } from './pool.ts';
import { buildListSearch, MaestroRest, resourceBundleToWork } from './rest.ts';
import { withRetry } from './retry.ts';
import { acquireStatusStream, type StatusStream } from './status.ts';
import type { ManifestWork } from './types.ts';
import { validateWork } from './validation.ts';

export interface MaestroHealth {
  ok: boolean;
  grpc: { state: string; ready: boolean };
  rest: { ok: boolean; error?: string };
  statusStream?: { subscribed: boolean; lastSeenMsAgo: number; entries: number; resubscribes: number };
  /** `get` calls answered from the status stream without a REST round trip. */
  cacheHits: number;
}

/** The Maestro transport: Transport plus a readiness probe. */
export interface MaestroTransport extends Transport {
  readonly client: 'maestro';
  health(signal: AbortSignal): Promise<MaestroHealth>;
}

export interface MaestroTransportDeps {
  logger?: Logger;
  /** Bypass the pool (a private connection closed with the transport): benchmarks only. */
  unpooled?: boolean;
}

const MAX_KNOWN = 20_000;

/** With token auth the REST calls carry the same bearer token (the REST client sends it over https only). */
function restToken(o: MaestroOptions): { token?: () => string } {
  const file = o.auth.mode === 'token' ? o.auth.tokenFile : undefined;
  if (!file) return {};
  const files = new WatchedFiles([file], 1_000);
  return { token: () => readToken(files, file) };
}

/** Codes that mean "what we believed about the stored work is out of date": re-read once and retry. */
const REREAD_CODES = new Set(['MAESTRO_STALE_VERSION', 'MAESTRO_ALREADY_EXISTS', 'MAESTRO_NOT_FOUND']);

export class MaestroTransportImpl implements MaestroTransport {
  readonly client = 'maestro' as const;
  private readonly o: MaestroOptions;
  private readonly logger: Logger | undefined;
  private readonly channel: MaestroChannel;
  private readonly rest: MaestroRest;
  private readonly stream: StatusStream | undefined;
  private readonly releaseStream: (() => void) | undefined;
  /** Latest Maestro version this process read or wrote, per resource id: what makes a cached status trustworthy. */
  private readonly known = new Map<string, { version: number; at: number }>();
  private closed = false;
  private cacheHits = 0;

  constructor(options: MaestroOptions, deps: MaestroTransportDeps = {}) {
    this.o = options;
    this.logger = deps.logger;
    this.channel = deps.unpooled ? openUnpooledChannel(options) : acquireChannel(options);
    this.rest = new MaestroRest({
      baseUrl: options.httpUrl,
      timeoutMs: options.timeoutMs,
      skipVerify: options.rest.skipVerify,
      ...(options.rest.caFile ? { caFile: options.rest.caFile } : {}),
      ...restToken(options),
    });
    if (options.subscribeStatus && !deps.unpooled) {
      const s = acquireStatusStream(
        this.channel,
        options.sourceId,
        options.healthinessTimeoutMs,
        this.logger,
      );
      this.stream = s.stream;
      this.releaseStream = s.release;
      this.stream.start();
    }
  }

  private consumer(ctx: TransportContext, name: string): string {
    const c = ctx.targetCluster;
    if (!c) {
      throw new MaestroInvalidBundleError(
        `ManifestWork "${name}": no target consumer (transport.maestro.target_cluster rendered empty)`,
      );
    }
    return c;
  }

  private remember(id: string, version: number): void {
    this.known.delete(id);
    this.known.set(id, { version, at: Date.now() });
    if (this.known.size > MAX_KNOWN) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }

  /** A status-stream copy of the work, only when it describes the version we know is current. */
  private fromCache(id: string): ManifestWork | undefined {
    if (!this.stream || this.o.statusCacheMaxAgeMs <= 0) return undefined;
    const k = this.known.get(id);
    if (!k || Date.now() - k.at > this.o.statusCacheMaxAgeMs) return undefined;
    const entry = this.stream.get(id);
    if (!entry || entry.update.deleted || entry.update.version !== k.version) return undefined;
    return structuredClone(entry.update.work);
  }

  private async read(id: string, signal: AbortSignal): Promise<ManifestWork | undefined> {
    const rb = await withRetry(this.o.retryAttempts, signal, () => this.rest.getBundle(id, signal));
    if (!rb) {
      this.known.delete(id);
      return undefined;
    }
    this.remember(id, rb.version ?? 0);
    return resourceBundleToWork(rb);
  }

  async get(ref: ObjectRef, ctx: TransportContext): Promise<KubeObject | undefined> {
    const consumer = this.consumer(ctx, ref.name);
    const id = workResourceId(this.o.sourceId, consumer, ref.name);
    const cached = this.fromCache(id);
    if (cached) {
      this.cacheHits++;
      return cached;
    }
    return await this.read(id, ctx.signal);
  }

  async list(query: ListQuery, ctx: TransportContext): Promise<KubeObject[]> {
    const consumer = this.consumer(ctx, '(list)');
    const search = buildListSearch(this.o.sourceId, consumer, query.labelSelector);
    if (search === undefined) return [];
    const bundles = await withRetry(this.o.retryAttempts, ctx.signal, () =>
      this.rest.listBundles(search, ctx.signal),
    );
    return bundles.map((rb) => {
      this.remember(rb.id, rb.version ?? 0);
      return resourceBundleToWork(rb);
    });
  }

  private publish(
    action: SpecAction,
    work: ManifestWork,
    consumer: string,
    version: number,
    signal: AbortSignal,
  ) {
    const event = encodeSpecEvent(action, work, { sourceId: this.o.sourceId, consumer, version });
    return withRetry(this.o.retryAttempts, signal, () =>
      this.channel.publish(event, consumer, signal, this.o.timeoutMs),
    );
  }

  async apply(
    obj: KubeObject,
    ctx: TransportContext & { existing?: KubeObject | null },
  ): Promise<KubeObject> {
    const work = obj as ManifestWork;
    const name = work.metadata?.name ?? '';
    const consumer = this.consumer(ctx, name);
    validateWork(work, consumer);
    const id = workResourceId(this.o.sourceId, consumer, name);
    let existing =
      ctx.existing === null
        ? undefined
        : ((ctx.existing as ManifestWork | undefined) ?? (await this.read(id, ctx.signal)));
    for (let attempt = 0; ; attempt++) {
      try {
        if (!existing) {
          await this.publish('create', work, consumer, 0, ctx.signal);
          return await this.stored(work, consumer, id, 1, ctx.signal);
        }
        if (existing.metadata['deletionTimestamp']) {
          throw new MaestroUnderDeletionError(
            `ManifestWork "${name}" on consumer "${consumer}" is being deleted; it can be applied again once the agent confirms the deletion`,
          );
        }
        const version = Number(existing.metadata['generation'] ?? existing.metadata['resourceVersion'] ?? 0);
        await this.publish('update', work, consumer, version, ctx.signal);
        return await this.stored(work, consumer, id, version + 1, ctx.signal);
      } catch (err) {
        // One re-read and retry; a second conflict means someone else keeps writing: let the event retry.
        if (attempt > 0 || !(err instanceof MaestroError) || !REREAD_CODES.has(err.code)) throw err;
        this.logger?.debug(
          { work: name, consumer, code: err.code },
          'maestro apply: re-reading after conflict',
        );
        existing = await this.read(id, ctx.signal);
      }
    }
  }

  /** The work as Maestro now stores it, built locally: Publish wrote it synchronously, so no re-read is needed. */
  private async stored(
    work: ManifestWork,
    consumer: string,
    id: string,
    version: number,
    signal: AbortSignal,
  ): Promise<ManifestWork> {
    this.remember(id, version);
    const out: ManifestWork = {
      apiVersion: work.apiVersion,
      kind: work.kind,
      metadata: {
        ...work.metadata,
        namespace: consumer,
        uid: id,
        resourceVersion: String(version),
        generation: version,
      },
      spec: specFromBundle(toManifestBundle(work)),
    };
    if (this.stream && this.o.waitForStatusMs > 0) {
      const update = await this.stream.waitFor(id, version, this.o.waitForStatusMs, signal);
      if (update && update.version === version && !update.deleted) out.status = update.work.status;
    }
    return out;
  }

  async delete(ref: ObjectRef, ctx: TransportContext): Promise<DeleteOutcome> {
    const consumer = this.consumer(ctx, ref.name);
    const id = workResourceId(this.o.sourceId, consumer, ref.name);
    const current = await this.read(id, ctx.signal);
    if (!current) return 'gone';
    // Soft-deleted already: the agent has not confirmed yet. Usually publishing again changes
    // nothing; but a delete published while the server could not pass it on (its database
    // listener is down for seconds after a PostgreSQL restart) is stored and never reaches the
    // agent, so a delete that stays unconfirmed is published again.
    const deletedAt = Date.parse(String(current.metadata['deletionTimestamp'] ?? ''));
    if (!Number.isNaN(deletedAt) && Date.now() - deletedAt < this.o.redeleteAfterMs) return 'deleting';
    const version = Number(current.metadata['generation'] ?? 0);
    try {
      await this.publish('delete', current, consumer, version, ctx.signal);
    } catch (err) {
      if (err instanceof MaestroError && err.code === 'MAESTRO_NOT_FOUND') return 'gone';
      throw err;
    }
    this.known.delete(id);
    return 'deleting';
  }

  async health(signal: AbortSignal): Promise<MaestroHealth> {
    let state = this.channel.state();
    const ready = state === 'READY' || (await this.channel.waitReady(Math.min(this.o.timeoutMs, 2_000)));
    if (ready) state = 'READY';
    const rest: MaestroHealth['rest'] = { ok: true };
    try {
      await this.rest.ping(signal);
    } catch (err) {
      rest.ok = false;
      rest.error = (err as Error).message;
    }
    const out: MaestroHealth = {
      ok: ready && rest.ok,
      grpc: { state, ready },
      rest,
      cacheHits: this.cacheHits,
    };
    if (this.stream) out.statusStream = this.stream.health();
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.releaseStream?.();
    this.channel.release();
    this.rest.close();
  }
}
