/**
 * End-to-end runs against the real HyperFleet API and the real Sentinel of the stack: a client
 * for the API's resources, the function process configured with a compat example whose adapter
 * name is one of the API's required adapters, and a bridge that delivers what Sentinel
 * publishes on RabbitMQ to the function as a Knative Trigger would.
 */
import { type Channel, type ChannelModel, type ConsumeMessage, connect } from 'amqplib';
import { http } from '../../stack/http.ts';
import type { HyperfleetApiInfo, RabbitmqInfo, SentinelInstanceInfo, StackInfo } from '../../stack/types.ts';
import { eventually } from '../../support/eventually.ts';
import { compatFiles, type E2eFunction, startE2eFunction } from './harness.ts';

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observed_generation?: number;
  last_transition_time?: string;
  last_updated_time?: string;
}

export interface ApiResource {
  id: string;
  kind: string;
  href: string;
  name: string;
  generation: number;
  spec: Record<string, unknown>;
  deleted_time?: string;
  owner_references?: { id: string; kind: string; href: string };
  status: { conditions: Condition[] };
}

export interface AdapterStatus {
  adapter: string;
  observed_generation: number;
  conditions: Condition[];
  data?: Record<string, unknown>;
  observed_time?: string;
  last_report_time?: string;
}

export interface ApiAnswer {
  status: number;
  json: unknown;
  text: string;
}

export function hyperfleetPeers(stack: StackInfo): {
  api: HyperfleetApiInfo;
  rabbitmq: RabbitmqInfo;
  clusters: SentinelInstanceInfo;
  nodepools: SentinelInstanceInfo;
} {
  const { hyperfleetApi: api, rabbitmq, sentinel } = stack;
  if (api === undefined || rabbitmq === undefined || sentinel === undefined)
    throw new Error(`stack ${stack.runId} was started without the hyperfleet peers (HYPERFLEET_STACK_PEERS)`);
  return { api, rabbitmq, clusters: sentinel.instances.clusters, nodepools: sentinel.instances.nodepools };
}

/** The adapter name every e2e config here runs under: the API's first required cluster adapter. */
export function requiredAdapter(stack: StackInfo): string {
  const { api } = hyperfleetPeers(stack);
  const name = api.requiredAdapters.cluster[0];
  if (name === undefined || !api.requiredAdapters.nodepool.includes(name))
    throw new Error(
      `no adapter is required for both clusters and nodepools: ${JSON.stringify(api.requiredAdapters)}`,
    );
  return name;
}

/** The real API's resources over HTTP (no auth: the stack runs it with JWT off). */
export class RealApi {
  readonly info: HyperfleetApiInfo;
  constructor(info: HyperfleetApiInfo) {
    this.info = info;
  }

  async call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const res = await http(`${this.info.baseUrl}/api/hyperfleet/v1${path}`, { method, body });
    return { status: res.status, json: res.json, text: res.text };
  }

  private async expect<T>(what: string, status: number, res: ApiAnswer): Promise<T> {
    if (res.status !== status) throw new Error(`${what}: ${res.status} (expected ${status}): ${res.text}`);
    return res.json as T;
  }

  async createCluster(name: string, spec: Record<string, unknown>): Promise<ApiResource> {
    return this.expect(
      'POST /clusters',
      201,
      await this.call('POST', '/clusters', { kind: 'Cluster', name, spec }),
    );
  }

  async createNodepool(clusterId: string, name: string, spec: Record<string, unknown>): Promise<ApiResource> {
    return this.expect(
      'POST nodepools',
      201,
      await this.call('POST', `/clusters/${clusterId}/nodepools`, { kind: 'NodePool', name, spec }),
    );
  }

  /** The resource, or undefined once the API answers 404 (hard-deleted). */
  async get(path: string): Promise<ApiResource | undefined> {
    const res = await this.call('GET', path);
    if (res.status === 404) return undefined;
    return this.expect(`GET ${path}`, 200, res);
  }

  async statuses(path: string): Promise<AdapterStatus[]> {
    const res = await this.call('GET', `${path}/statuses`);
    if (res.status === 404) return [];
    return (await this.expect<{ items?: AdapterStatus[] }>(`GET ${path}/statuses`, 200, res)).items ?? [];
  }

  async statusOf(path: string, adapter: string): Promise<AdapterStatus | undefined> {
    return (await this.statuses(path)).find((s) => s.adapter === adapter);
  }
}

export const clusterPath = (id: string) => `/clusters/${id}`;
export const nodepoolPath = (clusterId: string, id: string) => `/clusters/${clusterId}/nodepools/${id}`;

export function conditionOf(r: { conditions: Condition[] } | undefined, type: string): Condition | undefined {
  return r?.conditions.find((c) => c.type === type);
}

export function describeStatus(s: AdapterStatus | undefined): string {
  if (s === undefined) return 'no status';
  return `gen ${s.observed_generation}: ${s.conditions.map((c) => `${c.type}=${c.status}(${c.reason ?? ''})`).join(' ')}`;
}

export function describeResource(r: ApiResource | undefined): string {
  if (r === undefined) return 'gone (404)';
  const conds = r.status.conditions
    .map((c) => `${c.type}=${c.status}@${c.observed_generation ?? '?'}(${c.reason ?? ''})`)
    .join(' ');
  return `gen ${r.generation}${r.deleted_time ? ` deleted ${r.deleted_time}` : ''}: ${conds}`;
}

/**
 * Waits until the API's aggregated Reconciled condition is True at `generation` (its
 * observed_generation) and the adapter's own report is Applied/Available/Health True there.
 */
export async function waitReconciled(
  api: RealApi,
  path: string,
  adapter: string,
  generation: number,
  timeoutMs = 180_000,
): Promise<{ resource: ApiResource; status: AdapterStatus }> {
  let last: ApiResource | undefined;
  let lastStatus: AdapterStatus | undefined;
  return eventually(
    `Reconciled=True at generation ${generation} for ${path}`,
    async () => {
      last = await api.get(path);
      lastStatus = await api.statusOf(path, adapter);
      const rec = conditionOf(last?.status, 'Reconciled');
      if (last?.generation !== generation || rec?.status !== 'True' || rec.observed_generation !== generation)
        return undefined;
      if (lastStatus?.observed_generation !== generation) return undefined;
      const allTrue = ['Applied', 'Available', 'Health'].every(
        (t) => conditionOf(lastStatus, t)?.status === 'True',
      );
      return allTrue ? { resource: last, status: lastStatus } : undefined;
    },
    timeoutMs,
    500,
  ).catch((err: Error) => {
    throw new Error(
      `${err.message}; resource: ${describeResource(last)}; ${adapter}: ${describeStatus(lastStatus)}`,
    );
  });
}

/** Waits until GET answers 404: the API hard-deleted the resource. */
export async function waitHardDeleted(
  api: RealApi,
  path: string,
  adapter: string,
  timeoutMs = 180_000,
): Promise<void> {
  let last: ApiResource | undefined;
  let lastStatus: AdapterStatus | undefined;
  await eventually(
    `hard delete of ${path}`,
    async () => {
      last = await api.get(path);
      if (last === undefined) return true;
      lastStatus = await api.statusOf(path, adapter);
      return undefined;
    },
    timeoutMs,
    500,
  ).catch((err: Error) => {
    throw new Error(
      `${err.message}; resource: ${describeResource(last)}; ${adapter}: ${describeStatus(lastStatus)}`,
    );
  });
}

/**
 * A compat example's files with the adapter renamed (`adapter.name` is what the API's
 * `adapters.required` names, and the example's own name is not one of them). Nothing else of
 * the example changes.
 */
export function compatAs(example: string, adapterName: string): Record<string, string> {
  const files = compatFiles(example);
  const config = files['adapter-config.yaml'] ?? '';
  const renamed = config.replace(/^(adapter:\s*\n(?:\s*#.*\n)*\s+name:\s*)(\S+)/m, `$1${adapterName}`);
  if (renamed === config && !config.includes(`name: ${adapterName}`))
    throw new Error(`${example}/adapter-config.yaml: no adapter.name to rename`);
  return { ...files, 'adapter-config.yaml': renamed };
}

/** The env a pod would set: the real API, the stack's kube-apiserver and Maestro. */
export function realApiEnv(stack: StackInfo, files: Record<string, string>): Record<string, string> {
  const usesMaestro = (files['adapter-config.yaml'] ?? '').includes('maestro:');
  return {
    HYPERFLEET_API_BASE_URL: hyperfleetPeers(stack).api.baseUrl,
    HYPERFLEET_API_BASE_DELAY: '200ms',
    HYPERFLEET_KUBERNETES_KUBE_CONFIG_PATH: stack.kube.kubeconfigPath,
    ...(usesMaestro
      ? {
          HYPERFLEET_MAESTRO_GRPC_SERVER_ADDRESS: stack.maestro.grpcAddress,
          HYPERFLEET_MAESTRO_HTTP_SERVER_ADDRESS: stack.maestro.httpUrl,
        }
      : {}),
    NAMESPACE: 'hyperfleet',
    RUN_ID: 'e2e-real-api',
    LOG_LEVEL: process.env['E2E_FUNCTION_LOG_LEVEL'] ?? 'warn',
  };
}

export async function startRealApiFunction(
  stack: StackInfo,
  files: Record<string, string>,
): Promise<E2eFunction> {
  return startE2eFunction(files, realApiEnv(stack, files));
}

/** One Sentinel message as the bridge delivered it, and how it ended. */
export interface Delivery {
  /** Sentinel's CloudEvent id (a new UUIDv7 per publish). */
  eventId: string;
  /** data.id: the resource the event is about. */
  resourceId: string;
  generation: unknown;
  attempts: number;
  /** HTTP status of each attempt (0: no answer). */
  statuses: number[];
  outcome: 'handled' | 'dead-lettered' | 'in-flight';
  answer?: string;
  /** The AMQP body as Sentinel published it. */
  body: string;
  receivedAt: number;
}

export interface BridgeCounts {
  events: number;
  handled: number;
  /** Attempts beyond the first, over all events. */
  retried: number;
  deadLettered: number;
  inFlight: number;
  /** Received but neither handled nor dead-lettered once stopped. */
  lost: number;
  /** Still queued (never delivered) when the bridge stopped: Sentinel events published after the last one it took. */
  leftInQueue: number;
}

export interface BridgeOptions {
  rabbitmq: RabbitmqInfo;
  sentinel: SentinelInstanceInfo;
  /** The function's URL. */
  target: string;
  /** Only events whose data.id (or data.owner_references.id) this accepts are delivered; others are acked and counted as foreign. */
  accept?: (event: Record<string, unknown>) => boolean;
  /** Trigger delivery: retries after the first attempt, exponential backoff from `backoffMs`. */
  retry?: number;
  backoffMs?: number;
}

/**
 * Sentinel's exchange -> a durable queue of the bridge's own -> the function, as a Knative
 * Trigger delivers: the AMQP body (Sentinel's structured CloudEvent) is POSTed as
 * `application/cloudevents+json`; a 2xx acks; 5xx, 429, 408, 404 and no answer are retried
 * with exponential backoff; other 4xx or retries spent dead-letter the message (acked here,
 * counted). One message at a time (prefetch 1), as a Trigger with parallelism 1.
 */
export class SentinelBridge {
  readonly deliveries: Delivery[] = [];
  foreign = 0;
  /** AMQP connection and channel errors seen (the bridge keeps no hidden failure). */
  readonly errors: string[] = [];
  private conn: ChannelModel | undefined;
  private channel: Channel | undefined;
  private queue = '';
  private consumerTag = '';
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;
  private leftInQueue = 0;

  private readonly o: BridgeOptions;
  constructor(o: BridgeOptions) {
    this.o = o;
  }

  async start(): Promise<this> {
    this.conn = await connect(this.o.rabbitmq.url);
    this.conn.on('error', (err: Error) => {
      this.errors.push(`connection: ${err.message}`);
    });
    this.channel = await this.conn.createChannel();
    this.channel.on('error', (err: Error) => {
      this.errors.push(`channel: ${err.message}`);
    });
    await this.channel.assertExchange(this.o.sentinel.exchange, this.o.sentinel.exchangeType, {
      durable: true,
      autoDelete: false,
    });
    // Exclusive (gone with the connection) but not auto-delete: cancelling the consumer at
    // stop must leave the queue there, to count what it still holds.
    const q = await this.channel.assertQueue('', { exclusive: true, autoDelete: false });
    this.queue = q.queue;
    await this.channel.bindQueue(this.queue, this.o.sentinel.exchange, '#');
    await this.channel.prefetch(1);
    const { consumerTag } = await this.channel.consume(this.queue, (msg) => {
      if (msg === null) return;
      const p = this.handle(msg).finally(() => this.pending.delete(p));
      this.pending.add(p);
    });
    this.consumerTag = consumerTag;
    return this;
  }

  private async handle(msg: ConsumeMessage): Promise<void> {
    const body = msg.content.toString('utf8');
    let event: Record<string, unknown> = {};
    try {
      event = JSON.parse(body) as Record<string, unknown>;
    } catch {
      // Delivered as is: the function answers a body that is not a CloudEvent with a 4xx.
    }
    if (this.o.accept && !this.o.accept(event)) {
      this.foreign++;
      this.channel?.ack(msg);
      return;
    }
    const data = (event['data'] ?? {}) as Record<string, unknown>;
    const d: Delivery = {
      eventId: String(event['id'] ?? ''),
      resourceId: String(data['id'] ?? ''),
      generation: data['generation'],
      attempts: 0,
      statuses: [],
      outcome: 'in-flight',
      body,
      receivedAt: Date.now(),
    };
    this.deliveries.push(d);
    const retries = this.o.retry ?? 5;
    let delay = this.o.backoffMs ?? 200;
    for (;;) {
      d.attempts++;
      let status = 0;
      try {
        const res = await fetch(this.o.target, {
          method: 'POST',
          headers: { 'content-type': 'application/cloudevents+json' },
          body,
          signal: AbortSignal.timeout(60_000),
        });
        d.answer = await res.text();
        status = res.status;
      } catch (err) {
        d.answer = (err as Error).message;
      }
      d.statuses.push(status);
      if (status >= 200 && status < 300) {
        d.outcome = 'handled';
        break;
      }
      const retryable = status === 0 || status >= 500 || [404, 408, 429].includes(status);
      if (!retryable || d.attempts > retries || this.stopped) {
        d.outcome = 'dead-lettered';
        break;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay *= 2;
    }
    this.channel?.ack(msg);
  }

  /** Deliveries for one resource, oldest first. */
  for(resourceId: string): Delivery[] {
    return this.deliveries.filter((d) => d.resourceId === resourceId);
  }

  /** Resolves with the first delivery `match` accepts that has ended. */
  async next(what: string, match: (d: Delivery) => boolean, timeoutMs = 120_000): Promise<Delivery> {
    return eventually(
      what,
      async () => this.deliveries.find((d) => d.outcome !== 'in-flight' && match(d)),
      timeoutMs,
      200,
    );
  }

  counts(): BridgeCounts {
    const c: BridgeCounts = {
      events: 0,
      handled: 0,
      retried: 0,
      deadLettered: 0,
      inFlight: 0,
      lost: 0,
      leftInQueue: this.leftInQueue,
    };
    for (const d of this.deliveries) {
      c.events++;
      c.retried += d.attempts - 1;
      if (d.outcome === 'handled') c.handled++;
      else if (d.outcome === 'dead-lettered') c.deadLettered++;
      else c.inFlight++;
    }
    if (this.stopped) c.lost = c.inFlight;
    return c;
  }

  /** Waits for every delivery under way to end. */
  async drain(timeoutMs = 60_000): Promise<void> {
    await eventually(
      'bridge drained',
      async () => (this.pending.size === 0 ? true : undefined),
      timeoutMs,
      100,
    );
  }

  async stop(): Promise<void> {
    // No new deliveries; those under way finish their retries, then any still going is cut short.
    // Each AMQP step is bounded: a broker that does not answer must not hang the test's end.
    const bounded = <T>(p: Promise<T> | undefined) =>
      Promise.race([
        p?.catch(() => undefined),
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 10_000).unref()),
      ]);
    if (this.consumerTag) await bounded(this.channel?.cancel(this.consumerTag));
    await this.drain().catch(() => {});
    this.stopped = true;
    const q = await bounded(this.channel?.checkQueue(this.queue));
    this.leftInQueue = q?.messageCount ?? 0;
    await bounded(this.channel?.close());
    await bounded(this.conn?.close());
  }
}
