import type { ClientReadableStream, Metadata } from '@grpc/grpc-js';
import type { Logger } from '../../observability/logger.ts';
import { DATA_TYPE, decodeStatusEvent, isHeartbeat, type StatusUpdate } from './codec.ts';
import type { MaestroChannel } from './pool.ts';
import type { CloudEventMessage } from './types.ts';

export interface CachedStatus {
  update: StatusUpdate;
  receivedAt: number;
  /** Stream epoch the entry arrived in; a reconnect (a possible gap) invalidates older entries. */
  epoch: number;
}

// Each entry holds a whole work (spec + status): bound the memory a busy source can pin.
const MAX_ENTRIES = 2_000;
const BACKOFF_MIN_MS = 500;
// One stream per process: after a Maestro outage it should be back within seconds of the
// server, not up to half a minute later (statuses arriving meanwhile are read over REST).
const BACKOFF_MAX_MS = 8_000;

interface Waiter {
  version: number;
  resolve: (u: StatusUpdate | undefined) => void;
}

/**
 * The process's one Subscribe stream for a source: keeps the latest status of every work
 * of that source, reconnects with jittered backoff when the stream ends or heartbeats stop,
 * and never blocks in the data handler (Maestro's broadcaster stalls every subscriber of a
 * source when one stream's 100-event buffer is full).
 */
export class StatusStream {
  private readonly channel: MaestroChannel;
  private readonly sourceId: string;
  private readonly healthinessTimeoutMs: number;
  private readonly logger: Logger | undefined;
  private readonly entries = new Map<string, CachedStatus>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private call: ClientReadableStream<CloudEventMessage> | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private lastSeen = 0;
  private closed = false;
  private channelGeneration = -1;
  /** Incremented on every (re)subscribe. */
  epoch = 0;
  /** True from the server's `subscription-id` header (or first event) until the stream ends. */
  subscribed = false;
  eventsReceived = 0;
  /** Subscribe calls after the first: each one is a stream that broke (or went silent). */
  resubscribes = 0;
  private connects = 0;

  constructor(channel: MaestroChannel, sourceId: string, healthinessTimeoutMs: number, logger?: Logger) {
    this.channel = channel;
    this.sourceId = sourceId;
    this.healthinessTimeoutMs = healthinessTimeoutMs;
    this.logger = logger;
  }

  start(): void {
    if (this.call || this.closed || this.retryTimer) return;
    this.connect();
  }

  private connect(): void {
    this.retryTimer = undefined;
    if (this.closed) return;
    if (this.connects++ > 0) this.resubscribes++;
    this.epoch++;
    const epoch = this.epoch;
    this.channelGeneration = this.channel.generation;
    let call: ClientReadableStream<CloudEventMessage>;
    try {
      call = this.channel.subscribe({ source: this.sourceId, cluster_name: '', data_type: DATA_TYPE });
    } catch (err) {
      this.logger?.warn({ err }, 'maestro status subscribe failed');
      this.scheduleReconnect();
      return;
    }
    this.call = call;
    this.lastSeen = Date.now();
    call.on('metadata', (md: Metadata) => {
      if (epoch !== this.epoch) return;
      if (md.get('subscription-id').length > 0) {
        this.subscribed = true;
        this.attempt = 0;
      }
    });
    call.on('data', (ev: CloudEventMessage) => {
      if (epoch !== this.epoch) return;
      this.lastSeen = Date.now();
      // Older servers send no subscription-id header: any event proves the stream is registered.
      if (!this.subscribed) {
        this.subscribed = true;
        this.attempt = 0;
      }
      if (isHeartbeat(ev)) return;
      this.onEvent(ev, epoch);
    });
    const onEnd = (err?: Error) => {
      if (epoch !== this.epoch || this.closed) return;
      if (err) this.logger?.debug({ err: err.message }, 'maestro status stream ended');
      this.drop();
      this.scheduleReconnect();
    };
    call.on('error', onEnd);
    call.on('end', () => onEnd());
    this.armWatchdog();
  }

  private armWatchdog(): void {
    clearInterval(this.watchdog);
    const every = Math.max(250, Math.min(this.healthinessTimeoutMs / 4, 5_000));
    this.watchdog = setInterval(() => {
      // Certificates rotated: move the stream to the new client.
      const rotated = this.channel.generation !== this.channelGeneration;
      if (rotated || Date.now() - this.lastSeen > this.healthinessTimeoutMs) {
        if (!rotated)
          this.logger?.warn({ sourceId: this.sourceId }, 'maestro heartbeat missed; resubscribing');
        this.drop();
        this.scheduleReconnect(rotated ? 0 : undefined);
      }
    }, every);
    this.watchdog.unref();
  }

  private drop(): void {
    this.subscribed = false;
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    const call = this.call;
    this.call = undefined;
    this.epoch++; // entries from the old stream may have a gap after them
    if (call) {
      call.removeAllListeners('data');
      call.on('error', () => {});
      call.cancel();
    }
  }

  private scheduleReconnect(delayMs?: number): void {
    if (this.closed || this.retryTimer) return;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt++);
    const delay = delayMs ?? base / 2 + Math.random() * (base / 2);
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.retryTimer.unref();
  }

  private onEvent(ev: CloudEventMessage, epoch: number): void {
    const update = decodeStatusEvent(ev);
    if (!update) return;
    this.eventsReceived++;
    const prev = this.entries.get(update.resourceId);
    // The status of an older spec version never replaces a newer one.
    if (prev && prev.update.version > update.version && !update.deleted) return;
    this.entries.delete(update.resourceId); // re-insert: Map order is our LRU order
    this.entries.set(update.resourceId, { update, receivedAt: Date.now(), epoch });
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const waiting = this.waiters.get(update.resourceId);
    if (waiting) {
      for (const w of waiting) {
        if (update.version >= w.version || update.deleted) {
          waiting.delete(w);
          w.resolve(update);
        }
      }
      if (waiting.size === 0) this.waiters.delete(update.resourceId);
    }
  }

  /** The latest status seen for a work on the current, unbroken stream. */
  get(resourceId: string): CachedStatus | undefined {
    const e = this.entries.get(resourceId);
    if (!e || !this.subscribed || e.epoch !== this.epoch) return undefined;
    return e;
  }

  /** Resolve with the first status for `version` (or newer) within `timeoutMs`, else undefined. */
  waitFor(
    resourceId: string,
    version: number,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<StatusUpdate | undefined> {
    const cached = this.get(resourceId);
    if (cached && cached.update.version >= version) return Promise.resolve(cached.update);
    if (timeoutMs <= 0 || signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const set = this.waiters.get(resourceId) ?? new Set<Waiter>();
      this.waiters.set(resourceId, set);
      const finish = (u: StatusUpdate | undefined) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        set.delete(waiter);
        if (set.size === 0 && this.waiters.get(resourceId) === set) this.waiters.delete(resourceId);
        resolve(u);
      };
      const waiter: Waiter = { version, resolve: finish };
      const onAbort = () => finish(undefined);
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      set.add(waiter);
    });
  }

  health(): { subscribed: boolean; lastSeenMsAgo: number; entries: number; resubscribes: number } {
    return {
      subscribed: this.subscribed,
      lastSeenMsAgo: Date.now() - this.lastSeen,
      entries: this.entries.size,
      resubscribes: this.resubscribes,
    };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.drop();
    for (const set of this.waiters.values()) for (const w of set) w.resolve(undefined);
    this.waiters.clear();
  }
}

const streams = new Map<string, { stream: StatusStream; refs: number }>();

/** The process-wide stream for this channel and source; call the returned release when done. */
export function acquireStatusStream(
  channel: MaestroChannel,
  sourceId: string,
  healthinessTimeoutMs: number,
  logger?: Logger,
): { stream: StatusStream; release: () => void } {
  const key = `${channel.key}|${sourceId}`;
  let slot = streams.get(key);
  if (!slot) {
    slot = { stream: new StatusStream(channel, sourceId, healthinessTimeoutMs, logger), refs: 0 };
    streams.set(key, slot);
  }
  slot.refs++;
  const s = slot;
  let released = false;
  return {
    stream: s.stream,
    release: () => {
      if (released) return;
      released = true;
      if (--s.refs === 0) {
        s.stream.close();
        if (streams.get(key) === s) streams.delete(key);
      }
    },
  };
}
