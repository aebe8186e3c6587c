import { randomUUID } from 'node:crypto';
import type { ApiDouble, ResourceKind, ResourceView } from '../../support/hyperfleet-api-double.ts';

/**
 * A Sentinel-like driver for end-to-end runs. It polls the API double's resources, decides
 * to publish by Sentinel's rules (generation ahead of Reconciled's observed_generation;
 * Reconciled not True and older than `notReadyAgeMs`; Reconciled True and older than
 * `readyAgeMs`), and delivers each event to the function the way a Knative Trigger does:
 * retry with exponential backoff on retryable answers, dead letter after the last attempt.
 *
 * Every published event ends in exactly one of handled / deadLettered / rejected, or is
 * still in flight; `lost()` is what a drained driver cannot account for, and must be 0.
 */

export interface SentinelOptions {
  api: ApiDouble;
  /** The function's URL (POST /). */
  target: string;
  pollMs?: number;
  /** Sentinel republishes a resource whose Reconciled is not True after this age (prod 10 s). */
  notReadyAgeMs?: number;
  /** ... and one whose Reconciled is True after this age (prod 30 min). */
  readyAgeMs?: number;
  /** Trigger `delivery.retry`: attempts after the first. */
  retry?: number;
  /** Trigger `delivery.backoffDelay` for `backoffPolicy: exponential`: delay = base * 2^n. */
  backoffBaseMs?: number;
  /** Trigger `delivery.timeout`: one attempt's bound. */
  attemptTimeoutMs?: number;
  /**
   * One event per resource in delivery at a time. Sentinel itself does not track deliveries,
   * but with a fast poll it would otherwise pile up events the function answers identically.
   */
  oneInFlightPerResource?: boolean;
}

export type Outcome = 'handled' | 'deadLettered' | 'rejected';

export interface DeliveryAttempt {
  /** HTTP status, or 0 when no answer came (refused, reset, timeout). */
  status: number;
  error?: string;
  ms: number;
}

export interface EventRecord {
  id: string;
  kind: ResourceKind;
  resourceId: string;
  generation: number;
  /** Why Sentinel published it. */
  reason: string;
  publishedAt: number;
  attempts: DeliveryAttempt[];
  outcome?: Outcome;
  /** The function's answer body of the final attempt, parsed when JSON. */
  answer?: unknown;
  finishedAt?: number;
}

export interface SentinelCounts {
  sent: number;
  handled: number;
  retried: number;
  deadLettered: number;
  rejected: number;
  inFlight: number;
  lost: number;
}

interface Watched {
  kind: ResourceKind;
  id: string;
  /** The owning cluster of a nodepool. */
  clusterId?: string;
}

const KNATIVE_RETRYABLE = new Set([408, 429]);

/** Knative's rule: 5xx, 408, 429 and no answer at all are retried; 2xx ends it; other 4xx do not retry. */
export function retryable(status: number): boolean {
  return status === 0 || status >= 500 || KNATIVE_RETRYABLE.has(status);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SentinelDriver {
  readonly events: EventRecord[] = [];
  readonly deadLetter: EventRecord[] = [];
  private readonly o: Required<SentinelOptions>;
  private readonly watched = new Map<string, Watched>();
  private readonly inFlight = new Map<string, Promise<EventRecord>>();
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(options: SentinelOptions) {
    this.o = {
      pollMs: 250,
      notReadyAgeMs: 1_000,
      readyAgeMs: 30 * 60_000,
      retry: 5,
      backoffBaseMs: 200,
      attemptTimeoutMs: 30_000,
      oneInFlightPerResource: true,
      ...options,
    };
  }

  /** Start following a resource; it is dropped once the API has hard-deleted it. */
  watch(kind: ResourceKind, id: string, clusterId?: string): void {
    this.watched.set(`${kind}/${id}`, { kind, id, ...(clusterId ? { clusterId } : {}) });
  }

  watching(): number {
    return this.watched.size;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.pollOnce(), this.o.pollMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One Sentinel poll: publish for every watched resource that needs attention. */
  async pollOnce(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const [key, w] of this.watched) {
        const r = this.o.api.resource(w.kind, w.id);
        if (!r) {
          this.watched.delete(key);
          continue;
        }
        if (this.o.oneInFlightPerResource && this.busy.has(key)) continue;
        const reason = publishReason(r, Date.now(), this.o);
        if (reason) void this.publish(w, r.generation, reason);
      }
    } finally {
      this.polling = false;
    }
  }

  /** Publish one event for a resource now, whatever the rules say (a repeated event). */
  publishNow(kind: ResourceKind, id: string, clusterId?: string): Promise<EventRecord> {
    const r = this.o.api.resource(kind, id);
    return this.publish({ kind, id, ...(clusterId ? { clusterId } : {}) }, r?.generation ?? 1, 'explicit');
  }

  private publish(w: Watched, generation: number, reason: string): Promise<EventRecord> {
    const record: EventRecord = {
      id: randomUUID(),
      kind: w.kind,
      resourceId: w.id,
      generation,
      reason,
      publishedAt: Date.now(),
      attempts: [],
    };
    this.events.push(record);
    const key = `${w.kind}/${w.id}`;
    this.busy.add(key);
    const p = this.deliver(record, sentinelCloudEvent(w, generation, record.id)).finally(() => {
      this.inFlight.delete(record.id);
      this.busy.delete(key);
    });
    this.inFlight.set(record.id, p);
    return p;
  }

  private async deliver(record: EventRecord, event: Record<string, unknown>): Promise<EventRecord> {
    const body = JSON.stringify(event);
    for (let attempt = 0; ; attempt++) {
      const t0 = Date.now();
      let status = 0;
      let error: string | undefined;
      let text = '';
      try {
        const res = await fetch(this.o.target, {
          method: 'POST',
          headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
          body,
          signal: AbortSignal.timeout(this.o.attemptTimeoutMs),
        });
        status = res.status;
        text = await res.text();
      } catch (err) {
        error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
      record.attempts.push({ status, ms: Date.now() - t0, ...(error ? { error } : {}) });
      record.answer = parseMaybe(text);
      const done = (outcome: Outcome) => {
        record.outcome = outcome;
        record.finishedAt = Date.now();
        if (outcome === 'deadLettered') this.deadLetter.push(record);
        return record;
      };
      if (status >= 200 && status < 300) return done('handled');
      // The function's "processed, failed, nothing reported": its contract says dead letter now.
      if (status === 422) return done('deadLettered');
      if (!retryable(status)) return done('rejected');
      if (attempt >= this.o.retry) return done('deadLettered');
      await sleep(this.o.backoffBaseMs * 2 ** attempt);
    }
  }

  /** Resolves when no delivery is in flight (new ones may start if the poll is running). */
  async drain(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.inFlight.values()]), sleep(500)]);
    }
  }

  counts(): SentinelCounts {
    let handled = 0;
    let deadLettered = 0;
    let rejected = 0;
    let retried = 0;
    for (const e of this.events) {
      retried += Math.max(0, e.attempts.length - 1);
      if (e.outcome === 'handled') handled++;
      else if (e.outcome === 'deadLettered') deadLettered++;
      else if (e.outcome === 'rejected') rejected++;
    }
    const sent = this.events.length;
    const inFlight = this.inFlight.size;
    return {
      sent,
      handled,
      retried,
      deadLettered,
      rejected,
      inFlight,
      lost: sent - handled - deadLettered - rejected - inFlight,
    };
  }

  /** Events of one resource, in publish order. */
  eventsFor(kind: ResourceKind, id: string): EventRecord[] {
    return this.events.filter((e) => e.kind === kind && e.resourceId === id);
  }
}

/** Sentinel's decision for one resource at `now`, or undefined when it stays quiet. */
export function publishReason(
  r: ResourceView,
  now: number,
  ages: { notReadyAgeMs: number; readyAgeMs: number },
): string | undefined {
  const reconciled = r.status?.conditions?.find((c) => c.type === 'Reconciled');
  if (!reconciled) return 'never reconciled';
  if (r.generation > reconciled.observed_generation) return 'generation changed';
  const age = now - Date.parse(reconciled.last_updated_time);
  if (reconciled.status === 'True') return age > ages.readyAgeMs ? 'ready max age' : undefined;
  return age > ages.notReadyAgeMs ? 'not ready max age' : undefined;
}

/** Sentinel's CloudEvent: `{id, kind, href, generation}`, nodepools with `owner_references`. */
export function sentinelCloudEvent(
  w: { kind: ResourceKind; id: string; clusterId?: string },
  generation: number,
  id: string = randomUUID(),
): Record<string, unknown> {
  const base = '/api/hyperfleet/v1';
  const isPool = w.kind === 'NodePool';
  const clusterHref = `${base}/clusters/${w.clusterId ?? w.id}`;
  return {
    specversion: '1.0',
    id,
    source: 'hyperfleet-sentinel',
    type: `com.redhat.hyperfleet.${isPool ? 'nodepool' : 'cluster'}.reconcile`,
    datacontenttype: 'application/json',
    data: {
      id: w.id,
      kind: w.kind,
      href: isPool ? `${clusterHref}/nodepools/${w.id}` : clusterHref,
      generation,
      ...(isPool ? { owner_references: { id: w.clusterId, kind: 'Cluster', href: clusterHref } } : {}),
    },
  };
}

function parseMaybe(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
