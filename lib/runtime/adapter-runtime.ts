/**
 * One warm instance of the adapter function: the config (reloaded on change), the HyperFleet
 * API client and the transports, shared by every invocation. Its answer to each event is the
 * ack Knative acts on:
 *
 * - 200: handled (including failures it reported to the API);
 * - 503: retry (a dependency down, or the per-event deadline hit, before the work was done);
 * - 422: processed but failed in a way redelivery cannot fix, and nothing reached the API:
 *        not retried, straight to the dead-letter sink, where it is seen;
 * - 400: never processable (not a CloudEvent, data missing); counted and logged.
 */

import { deadlineSignal } from '../abort.ts';
import type { LoadedConfig } from '../executor/executor.ts';
import { type ExecutionResult, execute } from '../executor/executor.ts';
import type { DeletionObserver, TransportProvider } from '../executor/resources.ts';
import { HyperfleetApiClient, redactUrl } from '../hyperfleet-api/index.ts';
import { instrumentTransport } from '../observability/instrument.ts';
import type { Logger } from '../observability/logger.ts';
import { deletionMetrics, type Metrics } from '../observability/metrics.ts';
import { contextFromTraceparent, inSpan, SpanKind } from '../observability/tracing.ts';
import { packageVersion } from '../package-root.ts';
import type { Transport } from '../transport/types.ts';
import { type ConfigSource, ConfigStore } from './config-store.ts';
import { type CloudEventLike, EventRejectedError, parseEvent, requiredEventFields } from './event.ts';
import type { EdgeRefusal } from './http-edge.ts';
import { TransportPool } from './transports.ts';

export interface Answer {
  statusCode: number;
  body: Record<string, unknown>;
}

export interface AdapterRuntimeOptions {
  config: ConfigSource;
  log: Logger;
  metrics: Metrics;
  env: Readonly<Record<string, string | undefined>>;
  /** Upper bound of one event's work; below the Knative request timeout. */
  eventTimeoutMs: number;
  /** Replace the network (tests, dry runs): a fetch for the API, a transport provider. */
  fetch?: typeof fetch;
  transports?: TransportProvider;
  recreateWaitMs?: number;
}

/** Whether one readiness detail (config, api, a transport's health) says it failed. */
function checkFailed(detail: unknown): boolean {
  const d = (detail ?? {}) as { ok?: boolean; ready?: boolean; current?: boolean; error?: unknown };
  return d.ok === false || d.ready === false || d.current === false || d.error !== undefined;
}

/** Readiness changes are logged at most this often. */
const READINESS_LOG_WINDOW_MS = 10_000;

export class AdapterRuntime {
  readonly configStore: ConfigStore;
  private readonly options: AdapterRuntimeOptions;
  /** The instance's JSON logger (faas-js-runtime's own console output is routed here). */
  readonly log: Logger;
  private readonly metrics: Metrics;
  private readonly deletions: DeletionObserver;
  private pool: TransportPool | undefined;
  private api: { generation: number; client: HyperfleetApiClient } | undefined;
  private inflight = 0;
  private drained: (() => void) | undefined;
  private readyState:
    | {
        ready: boolean;
        since: number;
        previousMs: number | undefined;
        loggedAt: number | undefined;
        logged: boolean;
        unlogged: number;
      }
    | undefined;
  private stopping = false;
  /** The config the last event ran with (transports are created from its client settings). */
  private lastConfig: LoadedConfig | undefined;

  constructor(options: AdapterRuntimeOptions) {
    this.options = options;
    this.log = options.log;
    this.metrics = options.metrics;
    this.configStore = new ConfigStore(options.config, options.log, options.metrics);
    options.metrics.up.set(1);
    this.deletions = deletionMetrics(options.metrics);
  }

  get metricsRegistry() {
    return this.metrics.registry;
  }

  /**
   * A request refused before it became an event (not a CloudEvent, over-size, too slow, not
   * JSON): counted and logged like any rejection.
   */
  rejectAtEdge(refusal: EdgeRefusal): void {
    this.metrics.eventsRejected.inc({ reason: refusal.reason });
    this.metrics.eventAnswers.inc({ answer: 'rejected' });
    this.log.warn({ reason: refusal.reason, status: refusal.status, err: refusal.message }, 'event rejected');
  }

  private apiClient(config: LoadedConfig): HyperfleetApiClient {
    if (this.api?.generation === this.configStore.generation) return this.api.client;
    const a = config.adapter.clients.hyperfleet_api;
    const metrics = this.metrics;
    const client = new HyperfleetApiClient({
      baseUrl: a.base_url ?? '',
      version: a.version,
      timeoutMs: a.timeout_ms,
      retryAttempts: a.retry_attempts,
      retryBackoff: a.retry_backoff,
      baseDelayMs: a.base_delay_ms,
      maxDelayMs: a.max_delay_ms,
      defaultHeaders: a.default_headers,
      ...(a.auth
        ? {
            tokenPath: a.auth.token_path,
            tokenCacheTtlMs: a.auth.token_cache_ttl_ms,
            authScheme: a.auth.scheme,
          }
        : {}),
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      onCall: (info) => {
        // Every refused attempt counts (the gateway's answer body is never logged).
        if (info.status === 401 || info.status === 403)
          metrics.apiAuthFailures.inc({ code: String(info.status) });
        if (info.willRetry) return;
        metrics.apiCalls.observe(
          { method: info.method, code: String(info.status ?? 0) },
          info.durationMs / 1000,
        );
      },
      onRefused: (info) => metrics.apiRequestsRefused.inc({ param: info.param }),
    });
    this.api = { generation: this.configStore.generation, client };
    return client;
  }

  private instrumented: TransportProvider | undefined;
  /** Pools replaced by a config reload with other client settings; closed once no event uses them. */
  private retired: TransportPool[] = [];
  private poolKey = '';

  /** The pool for the client settings of the config in use: a reload that changes them gets a new one. */
  private currentPool(): TransportPool {
    const clients = this.lastConfig?.adapter.clients;
    const key = JSON.stringify([clients?.kubernetes ?? null, clients?.maestro ?? null]);
    if (!this.pool || key !== this.poolKey) {
      if (this.pool) {
        this.retired.push(this.pool);
        this.log.info(
          'transport settings changed with the configuration: new connections from the next event on',
        );
      }
      const adapter = this.lastConfig?.adapter;
      this.pool = new TransportPool(() => {
        if (!adapter) throw new Error('configuration not loaded');
        return adapter;
      }, this.log);
      this.poolKey = key;
    }
    return this.pool;
  }

  /** Transports for this instance (pooled, or the ones given in options), each measured and traced. */
  private transports(): TransportProvider {
    if (this.instrumented) return this.instrumented;
    const given = this.options.transports;
    const wrapped = new Map<string, { pool: TransportPool | undefined; transport: Promise<Transport> }>();
    this.instrumented = (client) => {
      const pool = given ? undefined : this.currentPool();
      let entry = wrapped.get(client);
      if (!entry || entry.pool !== pool) {
        const created = given ? given(client) : (pool as TransportPool).get(client);
        const transport = created.then((t) => instrumentTransport(t, this.metrics));
        transport.catch(() => wrapped.delete(client));
        entry = { pool, transport };
        wrapped.set(client, entry);
      }
      return entry.transport;
    };
    return this.instrumented;
  }

  private closeRetiredPools(): void {
    const retired = this.retired;
    this.retired = [];
    for (const pool of retired) {
      pool
        .close()
        .catch((err: unknown) =>
          this.log.warn({ err: (err as Error).message }, 'closing old transports failed'),
        );
    }
  }

  /** Handle one CloudEvent (as faas-js-runtime hands it over) and say how to answer. */
  async handle(ce: CloudEventLike | undefined): Promise<Answer> {
    if (this.stopping) return { statusCode: 503, body: { outcome: 'retry', reason: 'shutting down' } };
    this.inflight++;
    const started = process.hrtime.bigint();
    try {
      return await this.handleInner(ce);
    } catch (err) {
      // Thrown out of here, an error reaches faas-js-runtime, which answers 500 (or fails on
      // an AdapterError's string `code` taken for a status) with nothing of ours logged.
      const message = (err as Error).message;
      this.metrics.errors.inc({ error_type: 'internal' });
      this.metrics.eventAnswers.inc({ answer: 'retry' });
      this.log.error(
        { event_id: typeof ce?.id === 'string' ? ce.id : '', err: message },
        'Event failed unexpectedly: asking for redelivery',
      );
      return { statusCode: 503, body: { outcome: 'retry', reason: 'internal error', error: message } };
    } finally {
      this.metrics.eventDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
      this.inflight--;
      if (this.inflight === 0) {
        this.closeRetiredPools();
        this.drained?.();
      }
    }
  }

  private async handleInner(ce: CloudEventLike | undefined): Promise<Answer> {
    let config: LoadedConfig;
    try {
      config = await this.currentConfig();
      this.lastConfig = config;
    } catch (err) {
      this.metrics.errors.inc({ error_type: 'config' });
      this.metrics.eventAnswers.inc({ answer: 'retry' });
      this.log.error({ err: (err as Error).message }, 'no valid configuration: asking for redelivery');
      return {
        statusCode: 503,
        body: { outcome: 'retry', reason: 'configuration invalid', error: (err as Error).message },
      };
    }
    let event: ReturnType<typeof parseEvent>;
    try {
      event = parseEvent(ce, requiredEventFields(config.task));
    } catch (err) {
      if (!(err instanceof EventRejectedError)) throw err;
      this.metrics.eventsRejected.inc({ reason: err.reason });
      this.metrics.eventAnswers.inc({ answer: 'rejected' });
      this.log.warn(
        {
          event_id: err.eventId ?? (err.envelopeIds.length > 0 ? '' : ((ce?.id as string | undefined) ?? '')),
          ...(err.envelopeIds.length > 0 ? { envelope_ids: err.envelopeIds } : {}),
          reason: err.reason,
          err: err.message,
        },
        'event rejected',
      );
      return { statusCode: 400, body: { outcome: 'rejected', reason: err.reason, error: err.message } };
    }
    const resourceKind = typeof event.data['kind'] === 'string' ? event.data['kind'] : 'resource';
    // A wrapped event is logged and traced by its own id; the envelope's is kept beside it to
    // find the delivery in the source's logs.
    const envelope = event.envelopes?.[0];
    const log = this.log.child({
      event_id: event.id,
      ...(envelope ? { envelope_id: envelope.id } : {}),
      resource_id: event.data['id'],
      resource_kind: resourceKind,
      adapter: config.adapter.adapter.name,
    });
    log.info(
      {
        type: event.type,
        source: event.source,
        ...(envelope ? { envelope_type: envelope.type, envelope_source: envelope.source } : {}),
      },
      'Event received',
    );
    const { signal, dispose } = deadlineSignal(this.options.eventTimeoutMs);
    const result = await inSpan(
      'hyperfleet.event',
      {
        'cloudevents.event_id': event.id,
        'cloudevents.event_type': event.type,
        ...(envelope
          ? { 'cloudevents.envelope.event_id': envelope.id, 'cloudevents.envelope.event_type': envelope.type }
          : {}),
        'hyperfleet.resource_id': String(event.data['id'] ?? ''),
        'hyperfleet.resource_kind': resourceKind,
        'hyperfleet.adapter': config.adapter.adapter.name,
      },
      async (span) => {
        const r = await execute(config, event.data, signal, {
          api: this.apiClient(config),
          transports: this.transports(),
          log,
          env: this.options.env,
          deletions: this.deletions,
          ...(this.options.recreateWaitMs === undefined
            ? {}
            : { recreateWaitMs: this.options.recreateWaitMs }),
          ...(event.traceparent === undefined ? {} : { traceparent: event.traceparent }),
        });
        span.setAttribute('hyperfleet.execution_status', r.status);
        if (r.status === 'failed') span.setStatus({ code: 2, message: Object.keys(r.errors).join(',') });
        return r;
      },
      { parent: contextFromTraceparent(event.traceparent), kind: SpanKind.SERVER },
    ).finally(dispose);
    return this.answer(result, event.id, signal, log);
  }

  private answer(result: ExecutionResult, eventId: string, signal: AbortSignal, log: Logger): Answer {
    const status = result.status === 'failed' ? 'failed' : result.resourcesSkipped ? 'skipped' : 'success';
    this.metrics.eventsProcessed.inc({ status });
    this.metrics.lastProcessed.set(Date.now() / 1000);
    for (const phase of Object.keys(result.errors)) this.metrics.errors.inc({ error_type: phase });
    const summary = {
      eventId,
      status,
      statusReported: result.statusReported,
      resourcesSkipped: result.resourcesSkipped,
      skipReason: result.skipReason,
      errors: result.errors,
    };
    if (result.status === 'success') {
      this.metrics.eventAnswers.inc({ answer: 'handled' });
      log.info({ status, skip_reason: result.skipReason || undefined }, 'Event processed');
      return { statusCode: 200, body: { outcome: 'handled', ...summary } };
    }
    if (result.retryable || signal.aborted) {
      this.metrics.eventAnswers.inc({ answer: 'retry' });
      log.warn(
        { errors: result.errors, deadline: signal.aborted },
        'Event failed on a transient error: asking for redelivery',
      );
      return { statusCode: 503, body: { outcome: 'retry', ...summary } };
    }
    if (result.statusReported) {
      this.metrics.eventAnswers.inc({ answer: 'handled' });
      log.warn({ errors: result.errors }, 'Event failed; the failure was reported to the API');
      return { statusCode: 200, body: { outcome: 'handled', ...summary } };
    }
    this.metrics.eventAnswers.inc({ answer: 'unprocessable' });
    log.error({ errors: result.errors }, 'Event failed and nothing was reported: sending to the dead letter');
    return { statusCode: 422, body: { outcome: 'unprocessable', ...summary } };
  }

  /** The config in use; the metrics are labelled with its adapter's name. */
  private async currentConfig(): Promise<LoadedConfig> {
    const config = await this.configStore.get();
    this.metrics.identify(config.adapter.adapter.name, {
      version: packageVersion(),
      commit: this.options.env['GIT_COMMIT'] ?? 'unknown',
    });
    return config;
  }

  /**
   * Readiness in the HyperFleet health convention (`/readyz`): `{status, checks, message}`, each
   * check `ok` or `error`, 503 while stopping or when a check fails, as the Go adapter answers.
   */
  async readyz(): Promise<{ status: number; body: Record<string, unknown> }> {
    if (this.stopping) return { status: 503, body: { status: 'error', message: 'server is shutting down' } };
    const r = await this.readiness();
    const checks: Record<string, 'ok' | 'error'> = {};
    for (const [name, detail] of Object.entries(r.details))
      checks[name] = checkFailed(detail) ? 'error' : 'ok';
    return r.ready
      ? { status: 200, body: { status: 'ok', checks } }
      : { status: 503, body: { status: 'error', message: 'not ready', checks } };
  }

  /** Ready when a valid config is loaded and every transport in use reports healthy. */
  async readiness(): Promise<{ ready: boolean; details: Record<string, unknown> }> {
    // Asking the store (not only remembering the last event's config) makes a probe notice a
    // ConfigMap change, so a rejected one shows here even before the next event arrives.
    const config = await this.currentConfig().catch(() => undefined);
    let ready = config !== undefined;
    const details: Record<string, unknown> = { config: this.configStore.status };
    if (this.stopping) ready = false;
    // A config that talks to Maestro is only ready when its channel is: open the transport
    // now, so a probe sees Maestro down before any event has used it (not only after one failed).
    if (config?.adapter.clients.maestro && !this.options.transports && !this.stopping) {
      this.lastConfig ??= config;
      await this.transports()('maestro').catch((err: unknown) => {
        details['maestro'] = { ok: false, error: (err as Error).message };
        ready = false;
      });
    }
    const base = config?.adapter.clients.hyperfleet_api.base_url;
    if (base && !this.stopping) {
      const api = await this.apiReachability(base);
      details['api'] = api;
      if (!api.ok) ready = false;
    }
    for (const t of (await this.pool?.active()) ?? []) {
      const health = (t as { health?: (s: AbortSignal) => Promise<{ ok?: boolean; ready?: boolean }> })
        .health;
      if (!health) continue;
      try {
        const h = await health.call(t, AbortSignal.timeout(2000));
        details[t.client] = h;
        if (t.client === 'maestro') {
          const grpcReady = (h as { grpc?: { ready?: boolean } }).grpc?.ready === true;
          const endpoint = config?.adapter.clients.maestro?.grpc_server_address ?? '';
          this.metrics.maestroChannelState.set({ endpoint }, grpcReady ? 1 : 0);
        }
        if (h.ok === false || h.ready === false) ready = false;
      } catch (err) {
        details[t.client] = { ok: false, error: (err as Error).message };
        ready = false;
      }
    }
    this.noteReadiness(ready, details);
    return { ready, details };
  }

  /**
   * Readiness changes are logged when they happen (with the failing checks, and how long the
   * previous state lasted), at most one line per 10 s: a state that lasts is logged at the
   * first probe after that, and one that came and went unlogged is counted in the next line.
   * A Maestro outage of half an hour with readiness 503 used to leave no line at all.
   */
  private noteReadiness(ready: boolean, details: Record<string, unknown>): void {
    const now = Date.now();
    let state = this.readyState;
    if (state === undefined || state.ready !== ready) {
      state = this.readyState = {
        ready,
        since: now,
        previousMs: state === undefined ? undefined : now - state.since,
        loggedAt: state?.loggedAt,
        logged: false,
        unlogged: state === undefined ? 0 : state.unlogged + (state.logged ? 0 : 1),
      };
    }
    if (state.logged || (state.loggedAt !== undefined && now - state.loggedAt < READINESS_LOG_WINDOW_MS))
      return;
    const failing = Object.fromEntries(Object.entries(details).filter(([, d]) => checkFailed(d)));
    const extra = {
      ...(state.previousMs === undefined ? {} : { previous_state_ms: state.previousMs }),
      ...(state.unlogged > 0 ? { changes_not_logged: state.unlogged } : {}),
    };
    if (ready)
      this.log.info(extra, state.previousMs === undefined ? 'instance ready' : 'instance ready again');
    else
      this.log.warn(
        { ...extra, failing: this.stopping ? { stopping: true } : failing },
        'instance not ready: Knative routes no events to it until this clears',
      );
    state.logged = true;
    state.loggedAt = now;
    state.unlogged = 0;
  }

  private apiProbe:
    | { base: string; at: number; result: { ok: boolean; status?: number; error?: string } }
    | undefined;

  /**
   * Whether the HyperFleet API answers at all (any HTTP status counts: 401 or 404 still prove
   * the server is there; no token is sent). Cached for a few seconds so probes stay cheap.
   */
  private async apiReachability(base: string): Promise<{ ok: boolean; status?: number; error?: string }> {
    const now = Date.now();
    if (this.apiProbe && this.apiProbe.base === base && now - this.apiProbe.at < 5000)
      return this.apiProbe.result;
    let result: { ok: boolean; status?: number; error?: string };
    try {
      // Without credentials: fetch refuses a URL that carries them, quoting it whole.
      const probe = redactUrl(new URL('/api/hyperfleet', base).href);
      const res = await (this.options.fetch ?? fetch)(probe, {
        method: 'GET',
        signal: AbortSignal.timeout(2000),
        redirect: 'manual',
      });
      await res.body?.cancel();
      result = { ok: true, status: res.status };
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      result = { ok: false, error: cause?.code ?? cause?.message ?? (err as Error).message };
    }
    this.apiProbe = { base, at: now, result };
    return result;
  }

  /**
   * Stop taking events, wait for those in flight (at most one event deadline: Knative's
   * termination grace is the revision timeout, above it), close connections.
   */
  async shutdown(graceMs = this.options.eventTimeoutMs): Promise<void> {
    this.stopping = true;
    // As the Go adapter does on a graceful stop: a scrape while draining says so.
    this.metrics.up.set(0);
    const started = Date.now();
    const inflight = this.inflight;
    this.log.info(
      { events_in_flight: inflight, grace_ms: graceMs },
      'draining: no new events, waiting for those in flight',
    );
    let drained = true;
    if (this.inflight > 0) {
      drained = await Promise.race([
        new Promise<boolean>((resolve) => {
          this.drained = () => resolve(true);
        }),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs).unref()),
      ]);
    }
    this.closeRetiredPools();
    await this.pool?.close();
    const took = { drain_ms: Date.now() - started, events_in_flight: this.inflight };
    if (drained) this.log.info(took, 'drained: connections closed, exiting');
    else
      this.log.warn(took, 'drain grace over with events still in flight: exiting (they will be redelivered)');
  }
}
