/**
 * A reduced fault campaign on the real HyperFleet API and Sentinel: clusters through
 * e2e-cl-maestro (as the API's required adapter) with spec PATCHes coming throughout, while the
 * real peers fail: the HyperFleet API killed -9 and restarted, stopped and restarted,
 * PostgreSQL (the API's and Maestro's database) restarted, the Maestro server killed -9 and
 * restarted. Sentinel publishes at its own cadence; the bridge delivers with Trigger retries.
 * At the end every delivery ended handled or dead-lettered (none lost), and every cluster is
 * reconciled at its last generation with its work at that generation, or hard-deleted with
 * its work gone. Figures go to test/e2e/reports/real-api-fault-campaign.json (git-ignored).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { killPeer, restartPeer, startPeer } from '../../stack/faults.ts';
import { http } from '../../stack/http.ts';
import { eventually } from '../../support/eventually.ts';
import { bundleOf, type E2eFunction, startE2eFunction } from '../support/harness.ts';
import {
  clusterPath,
  compatAs,
  conditionOf,
  describeResource,
  hyperfleetPeers,
  RealApi,
  realApiEnv,
  requiredAdapter,
  SentinelBridge,
} from '../support/real-api.ts';

const stack = inject('stack');
const peers = hyperfleetPeers(stack);
const ADAPTER = requiredAdapter(stack);
const SOURCE = 'cl-maestro';
const CONSUMER = 'cluster1';
const CLUSTERS = Number(process.env['E2E_REAL_CAMPAIGN_CLUSTERS'] ?? 10);
const REPORT = fileURLToPath(new URL('../reports/real-api-fault-campaign.json', import.meta.url));
const api = new RealApi(peers.api);
const mine = new Set<string>();
const ids: string[] = [];
const faults: { at: string; what: string; ms: number }[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const spec = (n: number) => ({
  platform: {
    type: 'gcp',
    gcp: { subnets: [{ id: 's1', name: 'workers', cidr: `10.0.${n % 250}.0/24`, role: 'worker' }] },
  },
});

let f: E2eFunction;
let bridge: SentinelBridge;

async function apiServing(): Promise<void> {
  await eventually(
    'the HyperFleet API serving again',
    async () =>
      (await http(`${peers.api.baseUrl}/api/hyperfleet`).catch(() => ({ status: 0 }))).status === 200
        ? true
        : undefined,
    60_000,
    200,
  );
}

async function fault(what: string, run: () => Promise<void>): Promise<void> {
  const t0 = Date.now();
  await run();
  faults.push({ at: new Date(t0).toISOString(), what, ms: Date.now() - t0 });
  process.stdout.write(`real-api fault campaign: ${what} (${Date.now() - t0} ms)\n`);
}

beforeAll(async () => {
  const files = compatAs('e2e-cl-maestro', ADAPTER);
  f = await startE2eFunction(files, { ...realApiEnv(stack, files), HYPERFLEET_EVENT_TIMEOUT: '15s' });
  bridge = await new SentinelBridge({
    rabbitmq: peers.rabbitmq,
    sentinel: peers.clusters,
    target: f.fn.url,
    accept: (e) => mine.has(String((e['data'] as Record<string, unknown> | undefined)?.['id'])),
    retry: 6,
    backoffMs: 250,
  }).start();
  const stamp = Date.now().toString(36);
  for (let i = 0; i < CLUSTERS; i++) {
    const c = await api.createCluster(`fc-${stamp}-${i}`, spec(i));
    ids.push(c.id);
    mine.add(c.id);
  }
});

afterAll(async () => {
  await bridge?.stop();
  await f?.close();
});

describe('fault campaign on the real HyperFleet API', () => {
  it(`${CLUSTERS} clusters under real peer failures: none lost, every cluster right`, {
    timeout: 900_000,
  }, async () => {
    const started = Date.now();
    let updating = true;
    const patches = { sent: 0, ok: 0, failed: 0 };
    // A random cluster gets a new spec (a new generation) every 1.5 s, the API up or not.
    const updates = (async () => {
      let n = 1000;
      while (updating) {
        const id = ids[Math.floor(Math.random() * ids.length)] as string;
        patches.sent++;
        const res = await api
          .call('PATCH', clusterPath(id), { spec: spec(n++) })
          .catch(() => ({ status: 0 }));
        if (res.status === 200) patches.ok++;
        else patches.failed++;
        await sleep(1_500);
      }
    })();

    const schedule: [string, () => Promise<void>][] = [
      [
        'HyperFleet API kill -9, down 3 s, restarted',
        async () => {
          const launch = await killPeer(stack, 'hyperfleet-api');
          await sleep(3_000);
          await startPeer(stack, 'hyperfleet-api', launch);
          await apiServing();
        },
      ],
      [
        'HyperFleet API SIGTERM and restarted',
        async () => {
          await restartPeer(stack, 'hyperfleet-api', 'stop');
          await apiServing();
        },
      ],
      [
        'PostgreSQL stopped and restarted',
        async () => {
          await restartPeer(stack, 'postgres', 'stop');
          await apiServing();
        },
      ],
      [
        'Maestro server kill -9, down 3 s, restarted',
        async () => {
          const launch = await killPeer(stack, 'maestro');
          await sleep(3_000);
          await startPeer(stack, 'maestro', launch);
        },
      ],
    ];
    // Faults start once the first events are flowing.
    await bridge.next('a first delivery', () => true, 120_000);
    for (const [what, run] of schedule) {
      await sleep(5_000);
      await fault(what, run);
    }
    // Maestro's server re-creates its PostgreSQL listener about 10 s after a database restart
    // (maestro-listener-gap.test.ts): updates keep flowing past that window before they stop.
    await sleep(12_000);
    updating = false;
    await updates;

    const deleted = new Set(ids.filter((_, i) => i % 4 === 0));
    for (const id of deleted) {
      const res = await api.call('DELETE', clusterPath(id));
      expect(res.status, res.text).toBe(202);
    }
    const isRight = async (id: string): Promise<boolean> => {
      const r = await api.get(clusterPath(id));
      const b = await bundleOf(stack, SOURCE, CONSUMER, `${id}-${ADAPTER}`);
      if (deleted.has(id)) return r === undefined && b === undefined;
      const rec = conditionOf(r?.status, 'Reconciled');
      return (
        r !== undefined &&
        rec?.status === 'True' &&
        rec.observed_generation === r.generation &&
        b?.metadata.labels?.['hyperfleet.io/generation'] === String(r.generation)
      );
    };
    let wrong: string[] = [];
    await eventually(
      'every cluster in its right final state',
      async () => {
        wrong = [];
        for (const id of ids) if (!(await isRight(id))) wrong.push(id);
        return wrong.length === 0 ? true : undefined;
      },
      300_000,
      2_000,
    ).catch(() => undefined);
    const convergedMs = Date.now() - started;
    process.stdout.write(
      `real-api fault campaign: converged (${wrong.length} wrong) after ${convergedMs} ms; stopping the bridge\n`,
    );
    await bridge.stop();
    process.stdout.write('real-api fault campaign: bridge stopped\n');
    const counts = bridge.counts();
    const wrongState = await Promise.all(
      wrong.map(async (id) => ({
        id,
        deleted: deleted.has(id),
        api: describeResource(await api.get(clusterPath(id))),
      })),
    );
    const report = {
      startedAt: new Date(started).toISOString(),
      wallSeconds: (Date.now() - started) / 1000,
      convergedMs,
      clusters: CLUSTERS,
      deletedClusters: deleted.size,
      clustersRight: CLUSTERS - wrong.length,
      clustersWrong: wrongState,
      patches,
      events: counts,
      bridgeErrors: bridge.errors,
      faults,
      deadLetter: bridge.deliveries
        .filter((d) => d.outcome === 'dead-lettered')
        .map((d) => ({
          cluster: d.resourceId,
          generation: d.generation,
          statuses: d.statuses,
          answer: d.answer,
        })),
    };
    mkdirSync(fileURLToPath(new URL('../reports/', import.meta.url)), { recursive: true });
    writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(
      `real-api fault campaign: events ${counts.events}, handled ${counts.handled}, retried ${counts.retried}, dead-lettered ${counts.deadLettered}, lost ${counts.lost}, left in queue ${counts.leftInQueue}; patches ${patches.ok}/${patches.sent}; clusters right ${report.clustersRight}/${CLUSTERS}; ${report.wallSeconds.toFixed(0)} s; report ${REPORT}\n`,
    );
    expect(counts.inFlight).toBe(0);
    expect(counts.lost).toBe(0);
    expect(bridge.errors).toEqual([]);
    expect(wrong, JSON.stringify(wrongState.slice(0, 5))).toEqual([]);
    // The faults did bite: some deliveries were retried.
    expect(counts.retried).toBeGreaterThan(0);
  });
});
