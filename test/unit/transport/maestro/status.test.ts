import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_TYPE, STATUS_UPDATE_TYPE } from '../../../../lib/transport/maestro/codec.ts';
import type { MaestroChannel } from '../../../../lib/transport/maestro/pool.ts';
import { StatusStream } from '../../../../lib/transport/maestro/status.ts';
import type { CloudEventMessage } from '../../../../lib/transport/maestro/types.ts';

class FakeCall extends EventEmitter {
  cancelled = false;
  cancel() {
    this.cancelled = true;
  }
  /** The server's subscribed signal: the `subscription-id` response header. */
  subscribed() {
    this.emit('metadata', { get: (k: string) => (k === 'subscription-id' ? ['sub-1'] : []) });
  }
}

function fakeChannel() {
  const calls: FakeCall[] = [];
  const requests: unknown[] = [];
  const channel = {
    key: 'k',
    generation: 0,
    subscribe(req: unknown) {
      requests.push(req);
      const c = new FakeCall();
      calls.push(c);
      return c;
    },
  };
  return { channel: channel as unknown as MaestroChannel, calls, requests };
}

function status(id: string, version: number, deleted = false): CloudEventMessage {
  return {
    id: `e-${id}-${version}`,
    source: 'agent',
    spec_version: '1.0',
    type: STATUS_UPDATE_TYPE,
    attributes: {
      'ce-resourceid': { ce_string: id },
      'ce-resourceversion': { ce_integer: version },
      'ce-clustername': { ce_string: 'cluster1' },
      'ce-metadata': { ce_string: JSON.stringify({ name: 'w1', namespace: 'cluster1' }) },
    },
    binary_data: Buffer.from(
      JSON.stringify({
        manifestBundle: { manifests: [] },
        conditions: [{ type: deleted ? 'Deleted' : 'Applied', status: 'True' }],
      }),
    ),
  };
}

const streams: StatusStream[] = [];
afterEach(() => {
  for (const s of streams.splice(0)) s.close();
  vi.useRealTimers();
});

function open(timeoutMs = 20_000) {
  const f = fakeChannel();
  const s = new StatusStream(f.channel, 'src', timeoutMs);
  streams.push(s);
  s.start();
  return { ...f, s };
}

describe('StatusStream', () => {
  it('subscribes by source with the manifestbundles data type', () => {
    const { requests } = open();
    expect(requests).toEqual([
      {
        source: 'src',
        cluster_name: '',
        data_type: 'io.open-cluster-management.works.v1alpha1.manifestbundles',
      },
    ]);
  });

  it('caches the newest status per work and skips heartbeats', () => {
    const { calls, s } = open();
    const call = calls[0];
    if (!call) throw new Error('no call');
    call.subscribed();
    call.emit('data', { id: 'h', spec_version: '1.0', type: HEARTBEAT_TYPE });
    call.emit('data', status('r1', 2));
    call.emit('data', status('r1', 1)); // late status of an older version
    expect(s.get('r1')?.update.version).toBe(2);
    expect(s.eventsReceived).toBe(2);
    expect(s.health().resubscribes).toBe(0);
    expect(s.get('r2')).toBeUndefined();
  });

  it('serves nothing before the server confirmed the subscription (header, or a first event from older servers)', () => {
    const { calls, s } = open();
    expect(s.subscribed).toBe(false);
    calls[0]?.emit('data', { id: 'h', spec_version: '1.0', type: HEARTBEAT_TYPE });
    expect(s.subscribed).toBe(true);
  });

  it('forgets entries across a reconnect (events may have been missed) and resubscribes with backoff', () => {
    vi.useFakeTimers();
    const { calls, s } = open();
    calls[0]?.subscribed();
    calls[0]?.emit('data', status('r1', 1));
    expect(s.get('r1')).toBeDefined();
    calls[0]?.emit('error', new Error('14 UNAVAILABLE'));
    expect(s.subscribed).toBe(false);
    expect(s.get('r1')).toBeUndefined();
    vi.advanceTimersByTime(1_000);
    expect(calls).toHaveLength(2);
    expect(s.health().resubscribes).toBe(1);
    calls[1]?.subscribed();
    expect(s.get('r1')).toBeUndefined();
    calls[1]?.emit('data', status('r1', 1));
    expect(s.get('r1')?.update.version).toBe(1);
  });

  it('resubscribes when heartbeats stop', () => {
    vi.useFakeTimers();
    const { calls } = open(1_000);
    calls[0]?.subscribed();
    vi.advanceTimersByTime(800);
    calls[0]?.emit('data', { id: 'h', spec_version: '1.0', type: HEARTBEAT_TYPE });
    vi.advanceTimersByTime(800);
    expect(calls).toHaveLength(1);
    vi.advanceTimersByTime(2_000);
    expect(calls[0]?.cancelled).toBe(true);
    expect(calls.length).toBeGreaterThanOrEqual(2);
  });

  it('waitFor resolves on the awaited version, or undefined at the timeout', async () => {
    const { calls, s } = open();
    calls[0]?.subscribed();
    const waiting = s.waitFor('r1', 3, 5_000, AbortSignal.timeout(5_000));
    calls[0]?.emit('data', status('r1', 2));
    calls[0]?.emit('data', status('r1', 3));
    expect((await waiting)?.version).toBe(3);
    expect(await s.waitFor('r9', 1, 20, AbortSignal.timeout(5_000))).toBeUndefined();
  });
});
