/**
 * Sentinel's events from RabbitMQ to the function through Knative's real RabbitmqSource
 * receive adapter (built from knative.dev/eventing-rabbitmq), on the queue and bindings the
 * shipped manifests declare: a message published exactly as hyperfleet-broker publishes it is
 * run by the function as Sentinel's event (not the envelope the adapter wraps it in), answered
 * and acked; a 503 is redelivered until it succeeds; what cannot be delivered is dead-lettered
 * with its body intact, never dropped.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ChannelModel, type ConfirmChannel, connect, type GetMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ReceiveAdapterProcess, startReceiveAdapter } from '../../stack/receive-adapter.ts';
import { eventually } from '../../support/eventually.ts';
import { type Harness, metricValue, startHarness, statusPuts } from '../../support/function-harness.ts';
import type { LogLine } from '../../support/function-process.ts';
import { at, type Doc } from '../knative/manifests.ts';
import {
  declareAsBroker,
  publishAsBroker,
  type StructuredEvent,
  sentinelClusterEvent,
} from './hyperfleet-broker.ts';
import { declareTopology, deleteTopology, only, renderWithSettings, triggerMatches } from './topology.ts';

const stack = inject('stack');
const tag = `it-${Date.now().toString(36)}`;
const exchange = `${tag}.clusters`;
const NAMESPACE = 'hyperfleet-it';
/** The test's sender policy: 6 retries, 0.5 s, 1 s, ... 3 s apart (10.5 s in all). */
const DELIVERY = { retry: 6, backoffPolicy: 'linear', backoffDelay: 'PT0.5S' } as const;

let docs: Doc[];
let conn: ChannelModel;
let channel: ConfirmChannel;
let h: Harness;
let ra: ReceiveAdapterProcess;
let queue: string;
let deadLetterQueue: string;

async function publish(event: StructuredEvent, body?: string): Promise<void> {
  publishAsBroker(channel, exchange, event, body);
  await channel.waitForConfirms();
}

/** Every message now in the dead-letter queue (taken off it). */
async function takeDeadLetters(): Promise<GetMessage[]> {
  const out: GetMessage[] = [];
  for (;;) {
    const m = await channel.get(deadLetterQueue, { noAck: true });
    if (m === false) return out;
    out.push(m);
  }
}

function logsOf(eventId: string, msg: string): LogLine[] {
  return h.fn.logs().filter((l) => l.event_id === eventId && l.msg === msg);
}

const REDELIVERY = 'Event failed on a transient error: asking for redelivery';

beforeAll(async () => {
  const rabbitmq = stack.rabbitmq;
  if (!rabbitmq)
    throw new Error('the stack was started without RabbitMQ (HYPERFLEET_STACK_PEERS excludes hyperfleet)');
  docs = await renderWithSettings(stack, { 'adapter-queue': tag, 'sentinel-exchange': exchange });
  const source = only(docs, 'RabbitmqSource');
  queue = String(at(source, 'spec', 'rabbitmqResourcesConfig', 'queueName'));
  deadLetterQueue = String(at(only(docs, 'Queue', 'hyperfleet-adapter-dead-letter'), 'spec', 'name'));
  conn = await connect(rabbitmq.url);
  channel = await conn.createConfirmChannel();
  // A refused declaration closes the channel; its error rejects the call that caused it.
  channel.on('error', () => {});
  // Sentinel declares its exchange as it starts; the topology binds to it.
  await declareAsBroker(channel, exchange);
  await declareTopology(channel, docs);
  h = await startHarness();
  const logs = join(stack.runDir, 'logs');
  mkdirSync(logs, { recursive: true });
  ra = await startReceiveAdapter({
    amqpUrl: rabbitmq.url,
    queue,
    sink: h.fn.url,
    name: String(at(source, 'metadata', 'name')),
    namespace: NAMESPACE,
    parallelism: Number(at(source, 'spec', 'rabbitmqResourcesConfig', 'parallelism')),
    delivery: DELIVERY,
    kubeconfigPath: stack.kube.kubeconfigPath,
    logFile: join(logs, `receive-adapter-${tag}.log`),
    cwd: join(stack.runDir, 'receive-adapter', tag),
  });
});

afterAll(async () => {
  await ra?.stop();
  await h?.close();
  if (channel && docs) await deleteTopology(channel, docs).catch(() => {});
  await channel?.deleteExchange(exchange).catch(() => {});
  await conn?.close().catch(() => {});
});

describe('the topology the manifests declare, on a real RabbitMQ', () => {
  it("agrees with Sentinel's exchange: declaring it again as hyperfleet-broker does is accepted", async () => {
    await expect(declareAsBroker(channel, exchange)).resolves.toBeUndefined();
    const q = await channel.checkQueue(queue);
    expect(q.consumerCount).toBe(1);
  });
});

describe('a Sentinel event through the real receive adapter', () => {
  it('runs the inner event: the cluster in its data, its own id; answered 200 and acked', async () => {
    const clusterId = `${tag}-ready`;
    h.api.putCluster({ id: clusterId, name: 'through-rabbitmq', generation: 4, spec: { ready: true } });
    const event = sentinelClusterEvent(clusterId, 4, {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    await publish(event);

    const processed = await eventually(
      'the event processed',
      async () => logsOf(event.id, 'Event processed')[0],
    );
    expect(processed).toMatchObject({ status: 'success', resource_id: clusterId });
    const received = logsOf(event.id, 'Event received')[0] as LogLine;
    // The envelope the receive adapter made: a new id, its own type and a source naming the queue.
    expect(received['envelope_id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(received['envelope_id']).not.toBe(event.id);
    expect(received).toMatchObject({
      type: event.type,
      source: event.source,
      resource_id: clusterId,
      envelope_type: 'dev.knative.rabbitmq.event',
      envelope_source: `/apis/v1/namespaces/${NAMESPACE}/rabbitmqsources/hyperfleet-sentinel#${queue}`,
    });
    // The shipped Trigger selects exactly this envelope.
    const trigger = only(docs, 'Trigger');
    expect(
      triggerMatches(trigger, {
        type: String(received['envelope_type']),
        source: String(received['envelope_source']),
      }),
    ).toBe(true);
    expect(triggerMatches(trigger, { type: event.type, source: event.source })).toBe(false);

    const put = statusPuts(h.api).find((p) => p.path === `/api/hyperfleet/v1/clusters/${clusterId}/statuses`);
    expect(put?.status).toBe(201);
    expect(put?.body).toMatchObject({ adapter: 'function-test-adapter', observed_generation: 4 });
    const calls = h.api.requests.filter((r) => r.path.includes(clusterId));
    expect(calls.map((r) => r.method)).toEqual(['GET', 'PUT']);
    for (const c of calls) expect(c.headers['traceparent']).toContain('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(h.api.requests.some((r) => r.path.includes(String(received['envelope_id'])))).toBe(false);
    await eventually('the receive adapter acked', async () =>
      ra.logs().some((l) => l['message'] === 'Successfully sent event to sink') ? true : undefined,
    );
    expect(await takeDeadLetters()).toEqual([]);
  });

  it('a 503 (API down) is redelivered by the receive adapter until the function can do the work', async () => {
    const clusterId = `${tag}-retry`;
    h.api.putCluster({ id: clusterId, name: 'retried', generation: 1, spec: { ready: true } });
    await h.api.setDown(true);
    const event = sentinelClusterEvent(clusterId, 1);
    try {
      await publish(event);
      await eventually('two answers asking for redelivery', async () =>
        logsOf(event.id, REDELIVERY).length >= 2 ? true : undefined,
      );
    } finally {
      await h.api.setDown(false);
    }
    await eventually(
      'the event processed after the API came back',
      async () => logsOf(event.id, 'Event processed')[0],
    );
    const attempts = logsOf(event.id, 'Event received');
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    // One AMQP delivery, posted again by the sender: the same envelope every time.
    expect(new Set(attempts.map((l) => l['envelope_id'])).size).toBe(1);
    expect(
      statusPuts(h.api).filter((p) => p.path === `/api/hyperfleet/v1/clusters/${clusterId}/statuses`),
    ).toHaveLength(1);
    expect(await takeDeadLetters()).toEqual([]);
  });

  it('retries spent: the message is dead-lettered with its body intact, and replaying it works', async () => {
    const clusterId = `${tag}-dead`;
    h.api.putCluster({ id: clusterId, name: 'dead-lettered', generation: 2, spec: { ready: true } });
    const event = sentinelClusterEvent(clusterId, 2);
    const body = JSON.stringify(event);
    await h.api.setDown(true);
    let dead: GetMessage[] = [];
    try {
      await publish(event, body);
      dead = await eventually('the message in the dead-letter queue', async () => {
        const got = await takeDeadLetters();
        return got.length > 0 ? got : undefined;
      });
    } finally {
      await h.api.setDown(false);
    }
    // The first post and every retry were answered 503; then the sender gave up.
    expect(logsOf(event.id, REDELIVERY)).toHaveLength(DELIVERY.retry + 1);
    expect(dead).toHaveLength(1);
    const [message] = dead as [GetMessage];
    expect(message.content.toString('utf8')).toBe(body);
    expect(message.properties.headers?.['_watermill_message_uuid']).toBe(event.id);
    expect(message.properties.headers?.['x-death']?.[0]).toMatchObject({ queue, reason: 'rejected' });
    expect(logsOf(event.id, 'Event processed')).toEqual([]);

    // The runbook's replay: republish the body to Sentinel's exchange.
    await publish(event, message.content.toString('utf8'));
    await eventually('the replayed event processed', async () => logsOf(event.id, 'Event processed')[0]);
    expect(
      statusPuts(h.api).filter((p) => p.path === `/api/hyperfleet/v1/clusters/${clusterId}/statuses`),
    ).toHaveLength(1);
  });

  it('a 400 (the envelope carries no CloudEvent) is not retried: dead-lettered at once', async () => {
    const rejectedBefore =
      metricValue(await h.fn.metrics(), 'hyperfleet_adapter_events_rejected_total', {
        reason: 'envelope_malformed',
      }) ?? 0;
    const marker = `${tag}-not-an-event`;
    const body = JSON.stringify({ id: marker, kind: 'Cluster', generation: 1 });
    await publish({ specversion: '1.0', id: marker, source: 'x', type: 'x' }, body);
    const dead = await eventually('the message in the dead-letter queue', async () => {
      const got = await takeDeadLetters();
      return got.length > 0 ? got : undefined;
    });
    expect(dead.map((m) => m.content.toString('utf8'))).toEqual([body]);
    const rejections = h.fn
      .logs()
      .filter((l) => l.msg === 'event rejected' && String(l['err']).includes('specversion'));
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({ reason: 'envelope_malformed' });
    expect(
      metricValue(await h.fn.metrics(), 'hyperfleet_adapter_events_rejected_total', {
        reason: 'envelope_malformed',
      }),
    ).toBe(rejectedBefore + 1);
    expect(h.api.requests.some((r) => r.path.includes(marker))).toBe(false);
  });

  it('nothing is left unacked: once the receive adapter stops, its queue is empty', async () => {
    // An unacked delivery returns to the queue when its consumer's connection closes.
    await ra.stop();
    const q = await channel.checkQueue(queue);
    expect(q).toMatchObject({ messageCount: 0, consumerCount: 0 });
    expect(await takeDeadLetters()).toEqual([]);
    // The AMQP password in RABBIT_URL never reached its log.
    const password = stack.rabbitmq?.password ?? '';
    expect(password.length).toBeGreaterThan(0);
    expect(ra.logs().some((l) => String(l['raw']).includes(password))).toBe(false);
  });
});

/**
 * The whole loop with the real peers: a cluster created in the real HyperFleet API, the real
 * Sentinel publishing for it, the shipped topology on Sentinel's exchange, the real receive
 * adapter, and the function reporting to the real API as one of its required adapters.
 */
describe('the real Sentinel and HyperFleet API', () => {
  const sentinelTag = `${tag}-s`;
  let sDocs: Doc[];
  let sHarness: Harness;
  let sAdapter: ReceiveAdapterProcess;
  let api: string;
  let adapterName: string;

  /** Only this file's clusters: Sentinel publishes for every cluster in the API. */
  const taskConfig = `
params:
  - name: clusterId
    source: event.id
    type: string
    required: true
  - name: cluster
    source:
      api_call:
        method: GET
        url: /clusters/{{ .clusterId }}
  - name: generation
    source: cluster.generation
    type: int
  - name: clusterName
    source: cluster.name
preconditions:
  - name: createdByThisTest
    expression: 'clusterName.startsWith("${sentinelTag}")'
post:
  payloads:
    - name: statusPayload
      build:
        adapter: "{{ .adapter.name }}"
        observed_generation:
          expression: generation
        observed_time: '{{ now | date "2006-01-02T15:04:05Z07:00" }}'
        conditions:
          - type: Applied
            status: "True"
            reason: NothingToApply
            message: "cluster {{ .clusterName }}"
          - type: Available
            status: "True"
            reason: Delivered
            message: "delivered through the RabbitmqSource receive adapter"
          - type: Health
            status:
              expression: 'adapter.executionStatus == "success" ? "True" : "False"'
            reason:
              expression: 'adapter.executionStatus == "success" ? "Healthy" : "ExecutionFailed"'
            message: ok
  post_actions:
    - name: reportStatus
      when:
        expression: "!adapter.resourcesSkipped"
      api_call:
        method: PUT
        url: /clusters/{{ .clusterId }}/statuses
        headers:
          - name: Content-Type
            value: application/json
        body: "{{ .statusPayload }}"
`;

  beforeAll(async () => {
    const { rabbitmq, sentinel, hyperfleetApi } = stack;
    if (!rabbitmq || !sentinel || !hyperfleetApi)
      throw new Error('the stack was started without the HyperFleet peers (RabbitMQ, API, Sentinel)');
    api = hyperfleetApi.baseUrl;
    adapterName = hyperfleetApi.requiredAdapters.cluster[0] ?? '';
    if (adapterName === '') throw new Error('the API requires no cluster adapter');
    const sentinelExchange = sentinel.instances.clusters.exchange;
    sDocs = await renderWithSettings(stack, {
      'adapter-queue': sentinelTag,
      'sentinel-exchange': sentinelExchange,
    });
    // Sentinel declares its exchange when it first publishes; until then the binding has no
    // exchange to bind to (the operator would retry), so declare it as hyperfleet-broker does.
    await declareAsBroker(channel, sentinelExchange);
    await declareTopology(channel, sDocs);
    const adapterConfig = [
      'adapter:',
      `  name: ${adapterName}`,
      '  version: "0.1.0"',
      'clients:',
      '  hyperfleet_api:',
      `    base_url: ${api}`,
      '    version: v1',
      '    timeout: 5s',
      '    retry_attempts: 3',
      '    retry_backoff: constant',
      '    base_delay: 100ms',
      '',
    ].join('\n');
    sHarness = await startHarness({ adapterConfig, taskConfig, env: { HYPERFLEET_API_BASE_URL: api } });
    const source = only(sDocs, 'RabbitmqSource');
    sAdapter = await startReceiveAdapter({
      amqpUrl: rabbitmq.url,
      queue: String(at(source, 'spec', 'rabbitmqResourcesConfig', 'queueName')),
      sink: sHarness.fn.url,
      name: String(at(source, 'metadata', 'name')),
      namespace: NAMESPACE,
      delivery: DELIVERY,
      kubeconfigPath: stack.kube.kubeconfigPath,
      logFile: join(stack.runDir, 'logs', `receive-adapter-${sentinelTag}.log`),
      cwd: join(stack.runDir, 'receive-adapter', sentinelTag),
    });
  });

  afterAll(async () => {
    await sAdapter?.stop();
    await sHarness?.close();
    if (sDocs) await deleteTopology(channel, sDocs).catch(() => {});
  });

  it("a new cluster: Sentinel's event reaches the function, which reports, and the API's Reconciled turns True", async () => {
    const created = await fetch(`${api}/api/hyperfleet/v1/clusters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'Cluster', name: `${sentinelTag}-one`, spec: {} }),
    });
    expect(created.status).toBe(201);
    const cluster = (await created.json()) as { id: string };
    const processed = await eventually(
      'the function to process Sentinel’s event for the new cluster',
      async () =>
        sHarness.fn.logs().find((l) => l.msg === 'Event processed' && l['resource_id'] === cluster.id),
      90_000,
    );
    expect(processed).toMatchObject({ status: 'success' });
    const received = sHarness.fn
      .logs()
      .find((l) => l.msg === 'Event received' && l.event_id === processed.event_id) as LogLine;
    expect(received).toMatchObject({
      type: 'com.redhat.hyperfleet.cluster.reconcile',
      source: expect.stringContaining('sentinel'),
      envelope_type: 'dev.knative.rabbitmq.event',
    });
    expect(received['envelope_id']).not.toBe(received.event_id);
    expect(
      triggerMatches(only(sDocs, 'Trigger'), {
        type: String(received['envelope_type']),
        source: String(received['envelope_source']),
      }),
    ).toBe(true);
    const reconciled = await eventually(
      'the API to aggregate our report into Reconciled=True',
      async () => {
        const res = await fetch(`${api}/api/hyperfleet/v1/clusters/${cluster.id}`);
        const body = (await res.json()) as { status?: { conditions?: { type: string; status: string }[] } };
        const c = body.status?.conditions?.find((x) => x.type === 'Reconciled');
        return c?.status === 'True' ? c : undefined;
      },
      90_000,
    );
    expect(reconciled.status).toBe('True');
    const statuses = await fetch(`${api}/api/hyperfleet/v1/clusters/${cluster.id}/statuses`);
    expect(statuses.status).toBe(200);
    expect(JSON.stringify(await statuses.json())).toContain(adapterName);
    // No event was refused on the way: every delivery Sentinel made was run.
    expect(sHarness.fn.logs().filter((l) => l.msg === 'event rejected')).toEqual([]);
  });
});
