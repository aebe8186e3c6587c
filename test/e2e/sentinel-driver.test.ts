/**
 * The Sentinel-like driver's delivery semantics on their own, against a scripted HTTP
 * endpoint: the campaign's "0 dead-lettered" means something only if the driver does
 * dead-letter, retry and reject when the answers say so.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiDouble, startHyperfleetApiDouble } from '../support/hyperfleet-api-double.ts';
import { publishReason, SentinelDriver } from './support/sentinel.ts';

let api: ApiDouble;
let server: Server;
let url: string;
let script: number[] = [];

beforeAll(async () => {
  api = await startHyperfleetApiDouble({ requiredAdapters: ['x'] });
  api.putCluster({ id: 'c1', name: 'c1', generation: 1, spec: {} });
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(script.shift() ?? 200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.close();
  await api?.close();
});

const driver = (target = url) => new SentinelDriver({ api, target, retry: 3, backoffBaseMs: 10 });

describe('Sentinel-like driver delivery', () => {
  it('retries 503s with backoff and ends handled on the first 2xx', async () => {
    script = [503, 503, 200];
    const d = driver();
    const e = await d.publishNow('Cluster', 'c1');
    expect(e.outcome).toBe('handled');
    expect(e.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    expect(d.counts()).toMatchObject({ sent: 1, handled: 1, retried: 2, lost: 0 });
  });

  it('dead-letters after the last retry, and at once on 422', async () => {
    script = [503, 500, 429, 408, 422];
    const d = driver();
    const exhausted = await d.publishNow('Cluster', 'c1');
    expect(exhausted.outcome).toBe('deadLettered');
    expect(exhausted.attempts).toHaveLength(4);
    const unprocessable = await d.publishNow('Cluster', 'c1');
    expect(unprocessable.outcome).toBe('deadLettered');
    expect(unprocessable.attempts).toHaveLength(1);
    expect(d.deadLetter).toHaveLength(2);
    expect(d.counts()).toMatchObject({ sent: 2, deadLettered: 2, lost: 0 });
  });

  it('does not retry other 4xx: rejected', async () => {
    script = [400];
    const d = driver();
    expect((await d.publishNow('Cluster', 'c1')).outcome).toBe('rejected');
    expect(d.counts()).toMatchObject({ rejected: 1, retried: 0, lost: 0 });
  });

  it('retries when nothing answers (connection refused), then dead-letters', async () => {
    const d = driver('http://127.0.0.1:1');
    const e = await d.publishNow('Cluster', 'c1');
    expect(e.outcome).toBe('deadLettered');
    expect(e.attempts.every((a) => a.status === 0 && a.error)).toBe(true);
  });

  it("publishes by Sentinel's rules", () => {
    const r = api.resource('Cluster', 'c1');
    if (!r) throw new Error('seeded cluster missing');
    const now = Date.now();
    const ages = { notReadyAgeMs: 10_000, readyAgeMs: 1_800_000 };
    expect(publishReason({ ...r, status: { conditions: [] } }, now, ages)).toBe('never reconciled');
    const cond = (status: 'True' | 'False', gen: number, ageMs: number) => ({
      ...r,
      generation: 2,
      status: {
        conditions: [
          {
            type: 'Reconciled',
            status,
            observed_generation: gen,
            created_time: '',
            last_transition_time: '',
            last_updated_time: new Date(now - ageMs).toISOString(),
          },
        ],
      },
    });
    expect(publishReason(cond('True', 1, 0), now, ages)).toBe('generation changed');
    expect(publishReason(cond('False', 2, 5_000), now, ages)).toBeUndefined();
    expect(publishReason(cond('False', 2, 11_000), now, ages)).toBe('not ready max age');
    expect(publishReason(cond('True', 2, 60_000), now, ages)).toBeUndefined();
    expect(publishReason(cond('True', 2, 1_900_000), now, ages)).toBe('ready max age');
  });
});
