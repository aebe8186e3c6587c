/**
 * `npm run test:differential -- --live`: the Go adapter in its normal mode and ours, each with
 * its own adapter name and its own queue on Sentinel's exchange, handle the same Sentinel
 * events for one cluster against one real stack (HyperFleet API, Sentinel, RabbitMQ, Maestro,
 * kube-apiserver). Both are required adapters of the API, so the aggregated Reconciled
 * condition and the hard delete wait for both. Per scenario, compared after normalization
 * (normalize.ts): the last status payload each PUT (as recorded on its way to the API), the
 * status the API holds for each, the distinct API calls each made, the ManifestWork each
 * published to Maestro and the objects the agent applied from it on the kube-apiserver.
 *
 * Scenarios, in order on one cluster: create, repeat, update, maestro-down (and its
 * recovery), precondition-not-met, delete to hard delete. A scenario whose wait fails is
 * reported as such (and fails the run) with what each side did by then.
 *
 * HYPERFLEET_STACK_FILE reuses a running stack whose adapters.required names both adapters;
 * otherwise the suite starts its own and stops it. Last line:
 * `differential --live: N scenarios, M identical, K excepted`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'amqplib';
import { startPeer, stopPeer } from '../../stack/faults.ts';
import { ensureGoAdapter } from '../../stack/go-adapter.ts';
import { subscribeSentinel } from '../../stack/sentinel-queue.ts';
import { startStack, stopStack } from '../../stack/stack.ts';
import type { StackInfo } from '../../stack/types.ts';
import { kubeGet } from '../../support/kube.ts';
import { LiveExceptions } from './exceptions.ts';
import { type Difference, diff, normalize, show } from './normalize.ts';
import {
  type RecordedCall,
  type Recorder,
  startGoAdapter,
  startOurAdapter,
  startRecorder,
  writeConfig,
} from './processes.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const EXAMPLE = resolve(HERE, '..', '..', '..', '..', 'shared', 'compat', 'examples', 'e2e-cl-maestro');
export const GO = 'cl-maestro-go';
export const OURS = 'cl-maestro-kn';

type Side = 'go' | 'ours';
interface SideView {
  adapter: string;
  recorder: Recorder;
}

interface Observed {
  /** Last status payload PUT in the scenario, as sent. */
  status: unknown;
  /** The API's stored status for this adapter (absent once hard-deleted). */
  stored: unknown;
  /** Distinct `METHOD path (status)` the adapter sent in the scenario, sorted. */
  calls: string[];
  /** The ManifestWork in Maestro (without server bookkeeping), or null when there is none. */
  work: unknown;
  /** What the agent applied: the namespace and configmap, or null when absent. */
  objects: { namespace: unknown; configmap: unknown };
}

interface ScenarioResult {
  name: string;
  seconds: number;
  /** A wait that did not complete (the scenario still compares what is there). */
  failure?: string;
  diffs: Difference[];
}

function say(msg: string): void {
  process.stdout.write(`${msg}\n`);
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${what}: not within ${timeoutMs / 1000} s${last instanceof Error ? ` (${last.message})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function main(argv: string[]): Promise<number> {
  const started = Date.now();
  const binary = await ensureGoAdapter();
  const reuse = process.env['HYPERFLEET_STACK_FILE'];
  const stack: StackInfo = reuse
    ? (JSON.parse(await readFile(reuse, 'utf8')) as StackInfo)
    : await startStack({ requiredAdapters: { cluster: [GO, OURS], nodepool: [GO, OURS] } });
  const tmp = mkdtempSync(join(tmpdir(), 'hyperfleet-live-differential-'));
  const cleanups: (() => Promise<void>)[] = [];
  let failed = true;
  try {
    const api = stack.hyperfleetApi;
    const sentinel = stack.sentinel?.instances.clusters;
    if (!api || !sentinel || !stack.rabbitmq)
      throw new Error('the stack has no HyperFleet peers (API, Sentinel, RabbitMQ)');
    for (const name of [GO, OURS])
      if (!api.requiredAdapters.cluster.includes(name))
        throw new Error(
          `the stack's adapters.required (${api.requiredAdapters.cluster.join(', ')}) lacks ${name}`,
        );

    const goDir = join(tmp, GO);
    const ourDir = join(tmp, OURS);
    writeConfig(EXAMPLE, goDir, GO);
    writeConfig(EXAMPLE, ourDir, OURS);
    const goRec = await startRecorder(api.baseUrl);
    const ourRec = await startRecorder(api.baseUrl);
    cleanups.push(goRec.close, ourRec.close);
    const events = await subscribeSentinel(stack.rabbitmq, sentinel);
    cleanups.push(events.close);
    const go = await startGoAdapter(binary, stack, sentinel, goDir, GO, goRec.url);
    cleanups.push(go.stop);
    const ours = await startOurAdapter(stack, sentinel, ourDir, OURS, ourRec.url);
    cleanups.push(ours.stop);
    say(
      `live differential: Go adapter ${GO} (pid ${go.pid}, log ${go.logFile}), ours ${OURS} (pid ${ours.fn.pid})`,
    );

    const sides: Record<Side, SideView> = {
      go: { adapter: GO, recorder: goRec },
      ours: { adapter: OURS, recorder: ourRec },
    };
    const v1 = `${api.baseUrl}/api/hyperfleet/v1`;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${v1}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
    };
    const created = await call('POST', '/clusters', {
      kind: 'Cluster',
      name: `live-${Date.now().toString(36)}`,
      spec: { region: 'live-1' },
    });
    if (created.status !== 201)
      throw new Error(`POST /clusters: ${created.status} ${JSON.stringify(created.json)}`);
    const clusterId = String(created.json?.['id']);
    say(`cluster ${clusterId}`);
    const statusPath = `/api/hyperfleet/v1/clusters/${clusterId}/statuses`;

    const puts = (side: Side, since: number): RecordedCall[] =>
      sides[side].recorder.calls.filter((c) => c.method === 'PUT' && c.path === statusPath && c.at >= since);
    const lastPut = (side: Side, since: number) => puts(side, since).at(-1)?.body as Payload | undefined;
    const bundle = async (adapter: string) => {
      let res: Response;
      try {
        res = await fetch(`${stack.maestro.httpUrl}/api/maestro/v1/resource-bundles?size=500`);
      } catch {
        return 'maestro unreachable';
      }
      const all = ((await res.json()) as { items: Record<string, unknown>[] }).items;
      const work = all.find((b) => (b['metadata'] as { name?: string })?.name === `${clusterId}-${adapter}`);
      if (!work) return null;
      const { id: _i, href: _h, version: _v, name: _n, status: _s, ...rest } = work;
      return rest;
    };
    const objects = async (adapter: string) => {
      const ns = `${clusterId.toLowerCase()}-${adapter}-namespace`;
      const namespace = (await kubeGet(stack, `/api/v1/namespaces/${ns}`)) ?? null;
      const configmap =
        (await kubeGet(
          stack,
          `/api/v1/namespaces/${ns}/configmaps/${clusterId.toLowerCase()}-${adapter}-configmap`,
        )) ?? null;
      const strip = (o: unknown) => {
        if (o === null) return null;
        const { status: _s, ...rest } = o as Record<string, unknown>;
        return rest;
      };
      return { namespace: strip(namespace), configmap: strip(configmap) };
    };
    const stored = async () => {
      const res = await call('GET', `/clusters/${clusterId}/statuses`);
      if (res.status === 404) return { go: null, ours: null };
      const items = (res.json?.['items'] ?? []) as { adapter?: string }[];
      return {
        go: items.find((i) => i.adapter === GO) ?? null,
        ours: items.find((i) => i.adapter === OURS) ?? null,
      };
    };
    const observe = async (since: number): Promise<Record<Side, Observed>> => {
      const st = await stored();
      const out = {} as Record<Side, Observed>;
      for (const side of ['go', 'ours'] as Side[]) {
        const { adapter, recorder } = sides[side];
        const names = { adapter, clusterId };
        out[side] = normalize(
          {
            status: lastPut(side, since) ?? null,
            stored: st[side],
            calls: [
              ...new Set(
                recorder.calls
                  .filter((c) => c.at >= since)
                  .map((c) => `${c.method} ${c.path.replace(/\?.*$/, '')} (${c.status})`),
              ),
            ].sort(),
            work: await bundle(adapter),
            objects: await objects(adapter),
          },
          names,
        ) as Observed;
      }
      return out;
    };

    let maestroLaunch: Awaited<ReturnType<typeof stopPeer>> | undefined;
    const restartMaestro = async () => {
      const launch = maestroLaunch;
      maestroLaunch = undefined;
      if (launch) await startPeer(stack, 'maestro', launch);
    };
    cleanups.push(restartMaestro);
    const exceptions = LiveExceptions.load(join(HERE, 'exceptions.json'));
    const results: ScenarioResult[] = [];
    const observedDir = join(tmp, 'observed');
    mkdirSync(observedDir);
    /**
     * One scenario: `run` drives it and waits for its outcome; `premise` says what the Go
     * adapter (the oracle) must show for the scenario to be the one it claims to be, so an
     * equality of two empty or unrelated outputs cannot pass.
     */
    const scenario = async (
      name: string,
      run: (since: number) => Promise<void>,
      premise: (go: Observed, since: number) => string | undefined,
      timing?: { paths: string[]; why: string },
    ) => {
      const since = Date.now();
      let failure: string | undefined;
      try {
        await run(since);
      } catch (err) {
        failure = err instanceof Error ? err.message : String(err);
      }
      const seen = await observe(since);
      failure ??= premise(seen.go, since);
      writeFileSync(
        join(observedDir, `${results.length + 1}-${name}.json`),
        `${JSON.stringify(seen, null, 2)}\n`,
      );
      const all = diff('', seen.go, seen.ours);
      // Fields that depend on when the Maestro agent's status lands relative to each adapter's
      // read are not compared in this scenario; they are printed, never hidden.
      const racy = (timing?.paths ?? []).map(globRe);
      const diffs = all.filter((d) => !racy.some((r) => r.test(d.path)));
      for (const d of all.filter((x) => !diffs.includes(x)))
        say(`  timing, not compared (${timing?.why}): ${d.path}: go=${show(d.go)} ours=${show(d.ours)}`);
      const seconds = Math.round((Date.now() - since) / 100) / 10;
      results.push({ name, seconds, diffs, ...(failure ? { failure } : {}) });
      say(
        `scenario ${name}: ${seconds} s, ${puts('go', since).length} Go / ${puts('ours', since).length} our status PUTs, ${diffs.length} differences${failure ? `, FAILED: ${failure}` : ''}`,
      );
    };
    const both = (what: string, ok: (p: Payload) => boolean, since: number, timeoutMs: number) =>
      until(
        what,
        async () => {
          const g = lastPut('go', since);
          const o = lastPut('ours', since);
          return g && o && ok(g) && ok(o) ? true : undefined;
        },
        timeoutMs,
      ).catch((err: Error) => {
        throw new Error(
          `${err.message}; last Go PUT ${describe(lastPut('go', since))}, ours ${describe(lastPut('ours', since))}`,
        );
      });
    const reconciled = async (generation: number, timeoutMs: number) =>
      until(
        `Reconciled True at generation ${generation}`,
        async () => {
          const c = await call('GET', `/clusters/${clusterId}`);
          const cond = conditions(c.json).find((x) => x.type === 'Reconciled');
          return cond?.status === 'True' && cond.observed_generation === generation ? true : undefined;
        },
        timeoutMs,
      );

    // 1. The first event for a new cluster: each creates its ManifestWork and reports.
    await scenario(
      'create',
      async (since) => {
        await both(
          'a status PUT at generation 1 from each',
          (p) => p.observed_generation === 1,
          since,
          90_000,
        );
      },
      (g) => expect(g, { generation: 1, work: true }),
      {
        paths: ['*.conditions[0].*', '*.conditions[1].*', '*.data.namespace.phase', '*.data.configmap.name'],
        why: "first event: whether the agent's Applied/Available status is in Maestro when the adapter reads the new ManifestWork back is a race (seen both ways on each side)",
      },
    );
    // 2. Sentinel repeats the event while the cluster is not reconciled; each adapter sees its
    //    own ManifestWork again (discovered, applied, available) until both are Available.
    await scenario(
      'repeat',
      async (since) => {
        await both(
          'Available True at generation 1 from each',
          (p) => p.observed_generation === 1 && cond(p, 'Available') === 'True',
          since,
          120_000,
        );
        await reconciled(1, 60_000);
      },
      (g) => expect(g, { generation: 1, work: true, objects: true, Available: 'True' }),
    );
    // 3. A spec change: generation 2, each updates its ManifestWork.
    await scenario(
      'update',
      async (since) => {
        const r = await call('PATCH', `/clusters/${clusterId}`, { spec: { region: 'live-2' } });
        if (r.status !== 200) throw new Error(`PATCH: ${r.status} ${JSON.stringify(r.json)}`);
        await both(
          'Available True at generation 2 from each',
          (p) => p.observed_generation === 2 && cond(p, 'Available') === 'True',
          since,
          120_000,
        );
        await reconciled(2, 60_000);
      },
      (g) => expect(g, { generation: 2, work: true, objects: true, Available: 'True' }),
    );
    // 4. Maestro is down when generation 3 arrives: what each reports; then Maestro is back.
    await scenario(
      'maestro-down',
      async (since) => {
        // Maestro stays down until the next scenario, so what is compared here is what each
        // reported while it was down (ours is redelivered on its 503 and would otherwise
        // succeed as soon as Maestro is back, before Go's next event).
        maestroLaunch = await stopPeer(stack, 'maestro');
        const r = await call('PATCH', `/clusters/${clusterId}`, { spec: { region: 'live-3' } });
        if (r.status !== 200) throw new Error(`PATCH: ${r.status} ${JSON.stringify(r.json)}`);
        await both(
          'a status PUT at generation 3 from each while Maestro is down',
          (p) => p.observed_generation === 3,
          since,
          90_000,
        );
      },
      (g) => expect(g, { generation: 3, Health: 'False' }),
    );
    await scenario(
      'maestro-recovered',
      async (since) => {
        await restartMaestro();
        await both(
          'Available True at generation 3 from each after Maestro is back',
          (p) => p.observed_generation === 3 && cond(p, 'Available') === 'True',
          since,
          180_000,
        );
        await reconciled(3, 60_000);
      },
      (g) => expect(g, { generation: 3, work: true, objects: true, Available: 'True' }),
    );
    // 5. Reconciled is True, so the task's precondition (deleting or not reconciled) is not met:
    //    Sentinel's last event for the cluster is published again to the exchange, byte for byte.
    await scenario(
      'precondition-not-met',
      async (since) => {
        const last = [...events.received].reverse().find((m) => m.event.data['id'] === clusterId);
        if (!last) throw new Error('no Sentinel event for the cluster was seen');
        const conn = await connect(stack.rabbitmq!.url);
        try {
          const ch = await conn.createConfirmChannel();
          ch.publish(sentinel.exchange, last.routingKey, Buffer.from(last.body), {
            deliveryMode: 2,
            headers: last.properties.headers,
          });
          await ch.waitForConfirms();
        } finally {
          await conn.close();
        }
        await both('a status PUT from each for the repeated event', () => true, since, 60_000);
      },
      (g) => expect(g, { generation: 3, work: true, HealthReason: 'ResourcesSkipped' }),
    );
    let deleteGeneration = Number.NaN;
    // 6. Delete: each deletes its ManifestWork, reports Finalized, and the API hard-deletes.
    await scenario(
      'delete',
      async (since) => {
        const r = await call('DELETE', `/clusters/${clusterId}`);
        // The API bumps the generation when it marks the deletion.
        deleteGeneration = Number(r.json?.['generation'] ?? Number.NaN);
        if (r.status !== 202 && r.status !== 200)
          throw new Error(`DELETE: ${r.status} ${JSON.stringify(r.json)}`);
        await until(
          'the cluster hard-deleted (GET 404)',
          async () => ((await call('GET', `/clusters/${clusterId}`)).status === 404 ? true : undefined),
          180_000,
        ).catch((err: Error) => {
          throw new Error(
            `${err.message}; last Go PUT ${describe(lastPut('go', since))}, ours ${describe(lastPut('ours', since))}`,
          );
        });
      },
      (g) => expect(g, { generation: deleteGeneration, work: false, objects: false, Finalized: 'True' }),
    );

    // What each side did, with times, for reading a difference next to the Go adapter's log.
    for (const side of ['go', 'ours'] as Side[])
      writeFileSync(
        join(tmp, `calls-${side}.json`),
        `${JSON.stringify(sides[side].recorder.calls, null, 1)}\n`,
      );
    writeFileSync(
      join(tmp, 'events.json'),
      `${JSON.stringify(
        events.received.map((m) => ({ body: m.event })),
        null,
        1,
      )}\n`,
    );
    writeFileSync(
      join(tmp, 'our-function.log'),
      `${ours.fn
        .logs()
        .map((l) => l.raw)
        .join('\n')}\n`,
    );

    // Report, checked against the exceptions both ways.
    let identical = 0;
    let excepted = 0;
    let failing = 0;
    for (const r of results) {
      const { covered, uncovered } = exceptions.classify(r.name, r.diffs);
      if (r.failure) failing++;
      else if (r.diffs.length === 0) identical++;
      else if (uncovered.length === 0) excepted++;
      else failing++;
      if (r.failure) say(`FAILED ${r.name}: ${r.failure}`);
      if (uncovered.length > 0) say(`DIFFERS ${r.name}`);
      for (const d of uncovered) say(`  ${d.path}: go=${show(d.go)} ours=${show(d.ours)}`);
      if (argv.includes('--show-excepted'))
        for (const [d, e] of covered)
          say(`  excepted (${e.class}) ${r.name} ${d.path}: go=${show(d.go)} ours=${show(d.ours)}`);
    }
    const stale = exceptions.stale();
    for (const s of stale)
      say(
        `STALE exception ${s.scenario} [${s.fields.join(', ')}]: covers no difference any more (${s.reason})`,
      );
    const deliveries = [...ours.answers.entries()].map(([s, n]) => `${s}: ${n}`).join(', ');
    say(
      `our deliveries by answer: ${deliveries}; Sentinel events seen for the cluster: ${events.received.filter((m) => m.event.data['id'] === clusterId).length}`,
    );
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    say(
      failing > 0 || stale.length > 0
        ? `${failing} scenarios failed or differ without an exception, ${stale.length} stale exceptions (${seconds} s)`
        : `all differences classified (${seconds} s)`,
    );
    say(`differential --live: ${results.length} scenarios, ${identical} identical, ${excepted} excepted`);
    failed = failing > 0 || stale.length > 0;
    return failed ? 1 : 0;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    if (!reuse)
      await stopStack(stack, { keepLogs: failed }).catch((err: unknown) =>
        say(`stopping the stack: ${String(err)}`),
      );
    if (argv.includes('--keep') || failed) say(`configs and Go adapter log kept in ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

interface Premise {
  generation: number;
  /** The ManifestWork is in Maestro (true) or gone (false). */
  work?: boolean;
  /** The agent's namespace and configmap are on the kube-apiserver (true) or gone (false). */
  objects?: boolean;
  Available?: string;
  Health?: string;
  HealthReason?: string;
  Finalized?: string;
}

/** What the Go adapter must show for a scenario to be what it claims; the reason it does not, if so. */
function expect(go: Observed, want: Premise): string | undefined {
  const p = go.status as Payload | null;
  const problems: string[] = [];
  if (!p) return 'premise: the Go adapter reported no status in this scenario';
  if (p.observed_generation !== want.generation)
    problems.push(`observed_generation ${p.observed_generation}, not ${want.generation}`);
  if (want.work !== undefined && (go.work !== null) !== want.work)
    problems.push(want.work ? 'no ManifestWork' : 'the ManifestWork is still there');
  const present = go.objects.namespace !== null && go.objects.configmap !== null;
  const absent = go.objects.namespace === null && go.objects.configmap === null;
  if (want.objects === true && !present) problems.push('the applied namespace/configmap are missing');
  if (want.objects === false && !absent) problems.push('the applied namespace/configmap are still there');
  for (const type of ['Available', 'Health', 'Finalized'] as const) {
    const w = want[type];
    if (w !== undefined && cond(p, type) !== w) problems.push(`${type} ${cond(p, type)}, not ${w}`);
  }
  const reason = p.conditions?.find((c) => c.type === 'Health')?.reason;
  if (want.HealthReason !== undefined && reason !== want.HealthReason)
    problems.push(`Health reason ${reason}, not ${want.HealthReason}`);
  return problems.length > 0 ? `premise not met on the Go side: ${problems.join('; ')}` : undefined;
}

interface Payload {
  adapter?: string;
  observed_generation?: number;
  conditions?: { type?: string; status?: string; reason?: string }[];
}

function globRe(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

function conditions(
  resource: Record<string, unknown> | undefined,
): { type?: string; status?: string; observed_generation?: number }[] {
  const status = resource?.['status'] as { conditions?: unknown[] } | undefined;
  return (status?.conditions ?? []) as { type?: string; status?: string; observed_generation?: number }[];
}

function cond(p: Payload, type: string): string | undefined {
  return p.conditions?.find((c) => c.type === type)?.status;
}

function describe(p: Payload | undefined): string {
  if (!p) return '(none)';
  return `gen ${p.observed_generation} ${(p.conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason}`).join(' ')}`;
}

export { main };

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(
        `differential --live: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
