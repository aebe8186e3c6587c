import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkStack } from '../../stack/health.ts';
import { http } from '../../stack/http.ts';
import { type SentinelSubscription, subscribeSentinel } from '../../stack/sentinel-queue.ts';
import type { HyperfleetApiInfo, RabbitmqInfo, SentinelInfo } from '../../stack/types.ts';
import { HYPERFLEET_API_COMMIT, HYPERFLEET_SENTINEL_COMMIT } from '../../stack/versions.ts';

/**
 * The real HyperFleet API, the real Sentinel and RabbitMQ, as the stack starts them: a cluster
 * created over HTTP reaches RabbitMQ as Sentinel's CloudEvent, and an adapter's status report
 * drives the API's aggregated conditions.
 */

const stack = inject('stack');

function peers(): { api: HyperfleetApiInfo; rabbitmq: RabbitmqInfo; sentinel: SentinelInfo } {
  const { hyperfleetApi: api, rabbitmq, sentinel } = stack;
  if (api === undefined || rabbitmq === undefined || sentinel === undefined) {
    throw new Error(`stack ${stack.runId} was started without the hyperfleet peers (HYPERFLEET_STACK_PEERS)`);
  }
  return { api, rabbitmq, sentinel };
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Condition {
  type: string;
  status: string;
  reason: string;
  observed_generation: number;
}

interface Resource {
  id: string;
  kind: string;
  href: string;
  generation: number;
  owner_references?: { id: string; kind: string; href: string };
  status: { conditions: Condition[] };
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await http(`${peers().api.baseUrl}/api/hyperfleet/v1${path}`, { method, body });
  return { status: res.status, json: res.json };
}

async function createCluster(name: string): Promise<Resource> {
  const res = await api('POST', '/clusters', { kind: 'Cluster', name, spec: { region: 'test' } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json as Resource;
}

function condition(resource: Resource, type: string): Condition | undefined {
  return resource.status.conditions.find((c) => c.type === type);
}

function report(adapter: string, generation: number, available: 'True' | 'False') {
  return {
    adapter,
    observed_generation: generation,
    observed_time: new Date().toISOString(),
    conditions: [
      { type: 'Available', status: available, reason: 'Tested', message: 'reported by the peers test' },
      { type: 'Applied', status: 'True', reason: 'Tested', message: 'reported by the peers test' },
      { type: 'Health', status: 'True', reason: 'Tested', message: 'reported by the peers test' },
    ],
    data: { from: 'peers-test' },
  };
}

const suffix = () => Math.random().toString(36).slice(2, 8);

// Each test owns its resources; Sentinel's 10 s debounce dominates, so they run side by side.
describe.concurrent('real HyperFleet peers', () => {
  let clusters: SentinelSubscription;
  let nodepools: SentinelSubscription;

  beforeAll(async () => {
    const { rabbitmq, sentinel } = peers();
    clusters = await subscribeSentinel(rabbitmq, sentinel.instances.clusters);
    nodepools = await subscribeSentinel(rabbitmq, sentinel.instances.nodepools);
  });

  afterAll(async () => {
    await clusters?.close();
    await nodepools?.close();
  });

  it('reports rabbitmq, hyperfleet-api and both sentinels healthy, with their versions and endpoints', async () => {
    const { api: apiInfo, rabbitmq } = peers();
    const health = Object.fromEntries((await checkStack(stack)).map((h) => [h.role, h]));
    for (const role of ['rabbitmq', 'epmd', 'hyperfleet-api', 'sentinel-clusters', 'sentinel-nodepools']) {
      expect({ role, healthy: health[role]?.healthy, detail: health[role]?.detail }).toMatchObject({
        healthy: true,
      });
    }
    expect(health['hyperfleet-api']?.version).toBe(HYPERFLEET_API_COMMIT.slice(0, 12));
    expect(health['hyperfleet-api']?.endpoint).toBe(apiInfo.baseUrl);
    expect(health['sentinel-clusters']?.version).toBe(HYPERFLEET_SENTINEL_COMMIT.slice(0, 12));
    expect(health['rabbitmq']?.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(health['rabbitmq']?.endpoint).toBe(`amqp://127.0.0.1:${rabbitmq.port}/${rabbitmq.vhost}`);
    // The root answers without credentials and names the build.
    const root = await http(`${apiInfo.baseUrl}/api/hyperfleet`);
    expect(root.status).toBe(200);
    expect(root.json).toMatchObject({ kind: 'API', version: HYPERFLEET_API_COMMIT.slice(0, 12) });
  });

  it('publishes a structured CloudEvent for a cluster created through the API', async () => {
    const created = await createCluster(`peers-${suffix()}`);
    expect(created).toMatchObject({
      kind: 'Cluster',
      generation: 1,
      href: `/api/hyperfleet/v1/clusters/${created.id}`,
    });
    expect(created.id).toMatch(UUID_V7);
    const message = await clusters.next(
      `event for cluster ${created.id}`,
      (m) => m.event.data['id'] === created.id,
      // Sentinel's default decision debounces a not-yet-reconciled resource for 10 s.
      60_000,
    );
    // Exchange named after the topic, empty routing key, and no AMQP property but the
    // persistent delivery mode and watermill's message-uuid header.
    expect(message.exchange).toBe('hyperfleet-clusters');
    expect(message.routingKey).toBe('');
    expect(message.properties.contentType).toBeUndefined();
    expect(message.properties.contentEncoding).toBeUndefined();
    expect(message.properties.messageId).toBeUndefined();
    expect(message.properties.type).toBeUndefined();
    expect(message.properties.deliveryMode).toBe(2);
    expect(message.properties.headers).toEqual({ _watermill_message_uuid: message.event.id });
    // The body is the whole CloudEvent in structured JSON mode, without a `time` attribute.
    expect(message.event).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(UUID_V7),
      source: 'hyperfleet-sentinel',
      type: 'com.redhat.hyperfleet.cluster.reconcile',
      datacontenttype: 'application/json',
      data: { id: created.id, kind: 'Cluster', href: created.href, generation: 1 },
    });
    expect(message.event.id).not.toBe(created.id);
    // Not reconciled yet: the next poll publishes it again, as a new event.
    const again = await clusters.next(
      `second event for cluster ${created.id}`,
      (m) => m.event.data['id'] === created.id && m.event.id !== message.event.id,
      30_000,
    );
    expect(again.event.data).toEqual(message.event.data);
  });

  it('publishes nodepool events carrying the owning cluster', async () => {
    const cluster = await createCluster(`peers-${suffix()}`);
    const res = await api('POST', `/clusters/${cluster.id}/nodepools`, {
      kind: 'NodePool',
      name: `pool-${suffix()}`,
      spec: {},
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const pool = res.json as Resource;
    const message = await nodepools.next(
      `event for nodepool ${pool.id}`,
      (m) => m.event.data['id'] === pool.id,
      // Sentinel's default decision debounces a not-yet-reconciled resource for 10 s.
      60_000,
    );
    expect(message.exchange).toBe('hyperfleet-nodepools');
    expect(message.event).toMatchObject({
      type: 'com.redhat.hyperfleet.nodepool.reconcile',
      source: 'hyperfleet-sentinel',
      data: {
        id: pool.id,
        kind: 'NodePool',
        href: pool.href,
        generation: 1,
        owner_references: { id: cluster.id, kind: 'Cluster', href: cluster.href },
      },
    });
  });

  it("aggregates Reconciled from the required adapters' reports only", async () => {
    const { api: apiInfo } = peers();
    const required = apiInfo.requiredAdapters.cluster[0] as string;
    const cluster = await createCluster(`peers-${suffix()}`);
    expect(condition(cluster, 'Reconciled')).toMatchObject({
      status: 'False',
      reason: 'ReconciledMissingAdapters',
    });
    expect(condition(cluster, 'LastKnownReconciled')).toMatchObject({ status: 'False' });

    const other = await api(
      'PUT',
      `/clusters/${cluster.id}/statuses`,
      report('not-required-adapter', 1, 'True'),
    );
    expect(other.status, JSON.stringify(other.json)).toBe(201);
    const afterOther = (await api('GET', `/clusters/${cluster.id}`)).json as Resource;
    expect(condition(afterOther, 'Reconciled')?.status).toBe('False');

    const notYet = await api('PUT', `/clusters/${cluster.id}/statuses`, report(required, 1, 'False'));
    expect(notYet.status, JSON.stringify(notYet.json)).toBe(201);
    const afterNotYet = (await api('GET', `/clusters/${cluster.id}`)).json as Resource;
    expect(condition(afterNotYet, 'Reconciled')?.status).toBe('False');

    const done = await api('PUT', `/clusters/${cluster.id}/statuses`, report(required, 1, 'True'));
    expect(done.status, JSON.stringify(done.json)).toBe(201);
    expect(done.json).toMatchObject({
      adapter: required,
      observed_generation: 1,
      data: { from: 'peers-test' },
    });
    const reconciled = (await api('GET', `/clusters/${cluster.id}`)).json as Resource;
    expect(condition(reconciled, 'Reconciled')).toMatchObject({
      status: 'True',
      reason: 'ReconciledAll',
      observed_generation: 1,
    });
    expect(condition(reconciled, 'LastKnownReconciled')).toMatchObject({
      status: 'True',
      observed_generation: 1,
    });

    const statuses = (await api('GET', `/clusters/${cluster.id}/statuses`)).json as {
      items: { adapter: string }[];
    };
    expect(statuses.items.map((s) => s.adapter).sort()).toEqual([required, 'not-required-adapter'].sort());
  });

  it('publishes again with the new generation after a spec change', async () => {
    const cluster = await createCluster(`peers-${suffix()}`);
    const patched = await api('PATCH', `/clusters/${cluster.id}`, { spec: { region: 'changed' } });
    expect(patched.status, JSON.stringify(patched.json)).toBe(200);
    expect((patched.json as Resource).generation).toBe(2);
    const message = await clusters.next(
      `generation-2 event for cluster ${cluster.id}`,
      (m) => m.event.data['id'] === cluster.id && m.event.data['generation'] === 2,
      // Sentinel's default decision debounces a not-yet-reconciled resource for 10 s.
      60_000,
    );
    expect(message.event.type).toBe('com.redhat.hyperfleet.cluster.reconcile');
  });
});
