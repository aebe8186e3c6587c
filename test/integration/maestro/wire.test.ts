import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DATA_TYPE,
  encodeSpecEvent,
  isHeartbeat,
  workResourceId,
} from '../../../lib/transport/maestro/codec.ts';
import { normalizeOptions } from '../../../lib/transport/maestro/options.ts';
import { acquireChannel, type MaestroChannel } from '../../../lib/transport/maestro/pool.ts';
import type { CloudEventMessage, ManifestWork } from '../../../lib/transport/maestro/types.ts';
import { eventually } from './helpers.ts';

/**
 * The protocol facts our client relies on that the reference marks as inferred, pinned
 * against the real server so a Maestro upgrade that changes them fails here first.
 */
const stack = inject('stack');
const consumer = stack.maestro.consumers[0] ?? 'cluster1';
const SOURCE = `hf-wire-${randomBytes(3).toString('hex')}`;
const options = normalizeOptions({
  grpc_server_address: stack.maestro.grpcAddress,
  http_server_address: stack.maestro.httpUrl,
  source_id: SOURCE,
  insecure: true,
  retry_attempts: 0,
});

let channel: MaestroChannel;
const received: CloudEventMessage[] = [];
let stream: ReturnType<MaestroChannel['subscribe']>;

const work: ManifestWork = {
  apiVersion: 'work.open-cluster-management.io/v1',
  kind: 'ManifestWork',
  metadata: { name: 'wire1' },
  spec: {
    workload: {
      manifests: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `${SOURCE}-cm`, namespace: 'default' },
          data: { a: 'b' },
        },
      ],
    },
  },
};
const id = workResourceId(SOURCE, consumer, 'wire1');
const publish = (action: 'create' | 'update' | 'delete', version: number, w: ManifestWork = work) =>
  channel.publish(
    encodeSpecEvent(action, w, { sourceId: SOURCE, consumer, version }),
    consumer,
    AbortSignal.timeout(10_000),
    10_000,
  );

async function bundle(): Promise<
  { version: number; deleted_at?: string; metadata: Record<string, unknown> } | undefined
> {
  const res = await fetch(`${stack.maestro.httpUrl}/api/maestro/v1/resource-bundles/${id}`);
  return res.status === 404
    ? undefined
    : ((await res.json()) as { version: number; metadata: Record<string, unknown> });
}

beforeAll(() => {
  channel = acquireChannel(options);
  stream = channel.subscribe({ source: SOURCE, cluster_name: '', data_type: DATA_TYPE });
  stream.on('data', (ev: CloudEventMessage) => received.push(ev));
  stream.on('error', () => {});
});

afterAll(() => {
  stream.cancel();
  channel.release();
});

describe('Maestro wire facts', () => {
  it('stores version 1 for a create sent with resourceversion 0, and refuses a second create', async () => {
    await publish('create', 0);
    expect((await bundle())?.version).toBe(1);
    await expect(publish('create', 0)).rejects.toMatchObject({ code: 'MAESTRO_ALREADY_EXISTS' });
  });

  it('bumps the version on every update, even with identical content', async () => {
    await publish('update', 1);
    expect((await bundle())?.version).toBe(2);
  });

  it('refuses an update with a stale version (optimistic lock) and one for a missing work', async () => {
    await expect(publish('update', 1)).rejects.toMatchObject({
      code: 'MAESTRO_STALE_VERSION',
      retryable: true,
    });
    const missing = { ...work, metadata: { name: 'wire-missing' } };
    await expect(publish('update', 1, missing)).rejects.toMatchObject({ code: 'MAESTRO_NOT_FOUND' });
  });

  it('streams status with resourceversion as ce_integer and our metadata in ce-metadata', async () => {
    const ev = await eventually('a status event', async () =>
      received.find((e) => !isHeartbeat(e) && e.attributes?.['ce-resourceid']?.ce_string === id),
    );
    expect(typeof ev.attributes?.['ce-resourceversion']?.ce_integer).toBe('number');
    expect(JSON.parse(ev.attributes?.['ce-metadata']?.ce_string ?? '{}')).toMatchObject({
      name: 'wire1',
      namespace: consumer,
    });
    expect(ev.attributes?.['ce-originalsource']?.ce_string).toBe('maestro');
  });

  it('soft-deletes (deleted_at and deletionTimestamp) until the agent confirms, and a repeated delete is accepted', async () => {
    const current = await bundle();
    if (!current) throw new Error('bundle missing');
    await publish('delete', current.version, { ...work, metadata: { ...current.metadata, name: 'wire1' } });
    const soft = await bundle();
    if (soft) {
      expect(soft.deleted_at).toBeDefined();
      await publish('delete', current.version, { ...work, metadata: { ...current.metadata, name: 'wire1' } });
    }
    await eventually('hard delete after the agent confirms', async () =>
      (await bundle()) === undefined ? true : undefined,
    );
    const deleted = received.find(
      (e) =>
        e.attributes?.['ce-resourceid']?.ce_string === id &&
        Buffer.from(e.binary_data ?? new Uint8Array())
          .toString('utf8')
          .includes('"Deleted"'),
    );
    expect(deleted).toBeDefined();
  });
});
