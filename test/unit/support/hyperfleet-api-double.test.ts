import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiDouble, startHyperfleetApiDouble } from '../../support/hyperfleet-api-double.ts';

const V1 = '/api/hyperfleet/v1';

let api: ApiDouble;
let cleanup: (() => Promise<void>)[] = [];

async function double(options: Parameters<typeof startHyperfleetApiDouble>[0]): Promise<ApiDouble> {
  const d = await startHyperfleetApiDouble(options);
  cleanup.push(() => d.close());
  return d;
}

beforeEach(async () => {
  cleanup = [];
  api = await double({ requiredAdapters: ['adapter-one', 'two'] });
});
afterEach(async () => {
  for (const c of cleanup) await c();
});

interface Answer {
  status: number;
  contentType: string | null;
  body: string;
  json: Record<string, unknown>;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(api.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {}
  return { status: res.status, contentType: res.headers.get('content-type'), body: text, json };
}

type Cond = { type: string; status: string; reason?: string; message?: string };

// Reports sent back to back must carry increasing observed_time: the API keeps the first of two
// reports with the same generation and time (millisecond precision), as the real one does.
let lastTime = 0;
function nextObservedTime(): string {
  lastTime = Math.max(lastTime + 1, Date.now());
  return new Date(lastTime).toISOString();
}

function report(
  adapter: string,
  generation: number,
  overrides: Record<string, unknown> = {},
  extra: Cond[] = [],
) {
  const available = (overrides['available'] as string | undefined) ?? 'True';
  const { available: _ignored, ...rest } = overrides;
  return {
    adapter,
    observed_generation: generation,
    observed_time: nextObservedTime(),
    conditions: [
      { type: 'Applied', status: 'True', reason: 'Applied', message: 'applied' },
      {
        type: 'Available',
        status: available,
        reason: `Avail${available}`,
        message: `available ${available}`,
      },
      { type: 'Health', status: 'True', reason: 'Healthy', message: 'healthy' },
      ...extra,
    ],
    data: { note: 'x' },
    ...rest,
  };
}

function condition(view: { status: { conditions: { type: string }[] } } | undefined, type: string) {
  return view?.status.conditions.find((c) => c.type === type) as
    | { type: string; status: string; reason?: string; observed_generation: number }
    | undefined;
}

describe('resources', () => {
  it('serves a seeded cluster with the documented fields, and a nodepool under its cluster', async () => {
    const c = api.putCluster({ id: 'c1', name: 'alpha', spec: { region: 'eu' }, labels: { env: 'dev' } });
    expect(c.href).toBe(`${V1}/clusters/c1`);
    const got = await call('GET', `${V1}/clusters/c1`);
    expect(got.status).toBe(200);
    expect(got.contentType).toBe('application/json');
    expect(got.json).toMatchObject({
      kind: 'Cluster',
      id: 'c1',
      href: `${V1}/clusters/c1`,
      name: 'alpha',
      generation: 1,
      spec: { region: 'eu' },
      labels: { env: 'dev' },
      created_by: 'system@hyperfleet.local',
      updated_by: 'system@hyperfleet.local',
    });
    for (const f of ['created_time', 'updated_time']) expect(Date.parse(got.json[f] as string)).not.toBeNaN();
    expect(got.json['deleted_time']).toBeUndefined();
    // Required adapters exist, so conditions are initialised at creation.
    expect(condition(got.json as never, 'Reconciled')).toMatchObject({
      status: 'False',
      reason: 'ReconciledMissingAdapters',
    });

    api.putNodepool('c1', { id: 'np1', name: 'pool' });
    const np = await call('GET', `${V1}/clusters/c1/nodepools/np1`);
    expect(np.status).toBe(200);
    expect(np.json).toMatchObject({
      kind: 'NodePool',
      href: `${V1}/clusters/c1/nodepools/np1`,
      owner_references: { id: 'c1', kind: 'Cluster', href: `${V1}/clusters/c1` },
    });
    const list = await call('GET', `${V1}/clusters/c1/nodepools`);
    expect(list.json).toMatchObject({ total: 1, items: [{ id: 'np1' }] });
    expect((await call('GET', `${V1}/clusters`)).json).toMatchObject({ total: 1, items: [{ id: 'c1' }] });
  });

  it('answers 404 problem+json for unknown resources and NTF-000 for unknown routes', async () => {
    api.putCluster({ id: 'c1' });
    api.putCluster({ id: 'c2' });
    api.putNodepool('c1', { id: 'np1' });
    const missing = await call('GET', `${V1}/clusters/nope`);
    expect(missing.status).toBe(404);
    expect(missing.contentType).toBe('application/problem+json');
    expect(missing.json).toMatchObject({
      status: 404,
      code: 'HYPERFLEET-NTF-001',
      type: 'https://api.hyperfleet.io/errors/not-found',
      instance: `${V1}/clusters/nope`,
    });
    // A nodepool under the wrong cluster is not found.
    expect((await call('GET', `${V1}/clusters/c2/nodepools/np1`)).status).toBe(404);
    const route = await call('GET', `${V1}/widgets/1`);
    expect(route.status).toBe(404);
    expect(route.json['code']).toBe('HYPERFLEET-NTF-000');
  });
});

describe('status PUT', () => {
  beforeEach(() => {
    api.putCluster({ id: 'c1', generation: 2 });
  });

  it('201: stores the status (an upsert keyed on adapter) and returns it', async () => {
    const res = await call('PUT', `${V1}/clusters/c1/statuses`, report('adapter-one', 2));
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ adapter: 'adapter-one', observed_generation: 2, data: { note: 'x' } });
    expect((res.json['conditions'] as Cond[]).map((c) => c.type)).toEqual(['Applied', 'Available', 'Health']);
    const again = await call(
      'PUT',
      `${V1}/clusters/c1/statuses`,
      report('adapter-one', 2, { available: 'False' }),
    );
    expect(again.status).toBe(201);
    const stored = api.statuses('Cluster', 'c1');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.conditions.find((c) => c.type === 'Available')?.status).toBe('False');
    const listed = await call('GET', `${V1}/clusters/c1/statuses`);
    expect(listed.json).toMatchObject({ total: 1, items: [{ adapter: 'adapter-one' }] });
  });

  it('201 on a nodepool status, 404 when the nodepool is not under that cluster', async () => {
    api.putCluster({ id: 'c2' });
    api.putNodepool('c1', { id: 'np1' });
    expect((await call('PUT', `${V1}/clusters/c1/nodepools/np1/statuses`, report('two', 1))).status).toBe(
      201,
    );
    expect(api.statuses('NodePool', 'np1')).toHaveLength(1);
    const wrong = await call('PUT', `${V1}/clusters/c2/nodepools/np1/statuses`, report('two', 1));
    expect(wrong.status).toBe(404);
    expect(wrong.json['code']).toBe('HYPERFLEET-NTF-001');
  });

  it('204: observed_generation ahead of the resource', async () => {
    const res = await call('PUT', `${V1}/clusters/c1/statuses`, report('adapter-one', 3));
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expect(api.statuses('Cluster', 'c1')).toHaveLength(0);
  });

  it('204: observed_generation behind the stored one', async () => {
    await call('PUT', `${V1}/clusters/c1/statuses`, report('adapter-one', 2));
    expect((await call('PUT', `${V1}/clusters/c1/statuses`, report('adapter-one', 1))).status).toBe(204);
    expect(api.statuses('Cluster', 'c1')[0]?.observed_generation).toBe(2);
  });

  it('204: observed_time older than the stored one at the same generation', async () => {
    const t = Date.now();
    await call(
      'PUT',
      `${V1}/clusters/c1/statuses`,
      report('adapter-one', 2, { observed_time: new Date(t).toISOString() }),
    );
    const older = report('adapter-one', 2, {
      observed_time: new Date(t - 5000).toISOString(),
      available: 'False',
    });
    expect((await call('PUT', `${V1}/clusters/c1/statuses`, older)).status).toBe(204);
    expect(api.statuses('Cluster', 'c1')[0]?.conditions.find((c) => c.type === 'Available')?.status).toBe(
      'True',
    );
  });

  it('Available Unknown: stored the first time (201, no aggregation), discarded (204) once a status exists', async () => {
    const first = await call(
      'PUT',
      `${V1}/clusters/c1/statuses`,
      report('adapter-one', 2, { available: 'Unknown' }),
    );
    expect(first.status).toBe(201);
    expect(condition(api.resource('Cluster', 'c1'), 'AdapterOneSuccessful')).toBeUndefined();
    const second = await call(
      'PUT',
      `${V1}/clusters/c1/statuses`,
      report('adapter-one', 2, { available: 'Unknown' }),
    );
    expect(second.status).toBe(204);
  });

  const now = Date.now();
  const cases: [string, unknown, RegExp][] = [
    ['empty adapter', report('', 2), /adapter is required/],
    ['observed_generation < 1', report('adapter-one', 0), /observed_generation must be >= 1/],
    [
      'empty condition type',
      report('adapter-one', 2, {}, [{ type: '', status: 'True' }]),
      /condition type cannot be empty/,
    ],
    [
      'duplicate condition type',
      report('adapter-one', 2, {}, [{ type: 'Health', status: 'True' }]),
      /duplicate condition type 'Health'/,
    ],
    [
      'bad status value',
      report('adapter-one', 2, {}, [{ type: 'Extra', status: 'Maybe' }]),
      /invalid status value 'Maybe'/,
    ],
    [
      'observed_time 6 min ahead',
      report('adapter-one', 2, { observed_time: new Date(now + 6 * 60_000).toISOString() }),
      /future/,
    ],
    [
      'observed_time 31 min old',
      report('adapter-one', 2, { observed_time: new Date(now - 31 * 60_000).toISOString() }),
      /past/,
    ],
  ];
  for (const [name, body, detail] of cases) {
    it(`400: ${name}`, async () => {
      const res = await call('PUT', `${V1}/clusters/c1/statuses`, body);
      expect(res.status).toBe(400);
      expect(res.contentType).toBe('application/problem+json');
      expect(res.json).toMatchObject({ status: 400, title: 'Validation Failed', code: 'HYPERFLEET-VAL-000' });
      expect(res.json['detail']).toMatch(detail);
      expect(api.statuses('Cluster', 'c1')).toHaveLength(0);
    });
  }

  for (const missing of ['Applied', 'Available', 'Health']) {
    it(`400: mandatory condition ${missing} missing`, async () => {
      const body = report('adapter-one', 2);
      body.conditions = body.conditions.filter((c) => c.type !== missing);
      const res = await call('PUT', `${V1}/clusters/c1/statuses`, body);
      expect(res.status).toBe(400);
      expect(res.json['detail']).toMatch(new RegExp(`missing mandatory condition '${missing}'`));
    });
  }

  it('400 malformed: empty body and invalid JSON', async () => {
    for (const raw of ['', '{not json']) {
      const res = await call('PUT', `${V1}/clusters/c1/statuses`, raw);
      expect(res.status).toBe(400);
      expect(res.json['code']).toBe('HYPERFLEET-VAL-006');
    }
  });

  // The real API decodes the body into its Go struct first: a wrong JSON type or a time that
  // is not RFC 3339 is a malformed request (VAL-006), worded as Go's decoder words it.
  const undecodable: [string, unknown, RegExp][] = [
    [
      'observed_generation a string',
      { ...report('adapter-one', 2), observed_generation: '2' },
      /^Invalid request format: json: cannot unmarshal string into Go struct field AdapterStatusCreateRequest\.observed_generation of type int32$/,
    ],
    [
      'conditions an object',
      { ...report('adapter-one', 2), conditions: {} },
      /cannot unmarshal object into Go struct field AdapterStatusCreateRequest\.conditions/,
    ],
    ['body an array', [], /cannot unmarshal array into Go value of type openapi\.AdapterStatusCreateRequest/],
    [
      'observed_time not a time',
      { ...report('adapter-one', 2), observed_time: 'yesterday' },
      /parsing time "yesterday"/,
    ],
  ];
  for (const [name, body, detail] of undecodable) {
    it(`400 malformed: ${name}`, async () => {
      const res = await call('PUT', `${V1}/clusters/c1/statuses`, body);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ title: 'Malformed Request', code: 'HYPERFLEET-VAL-006' });
      expect(res.json['detail']).toMatch(detail);
      expect(api.statuses('Cluster', 'c1')).toHaveLength(0);
    });
  }

  it('checks in the real order: body before resource, discard before the mandatory conditions', async () => {
    expect((await call('PUT', `${V1}/clusters/none/statuses`, report('', 1))).status).toBe(400);
    expect((await call('PUT', `${V1}/clusters/none/statuses`, report('adapter-one', 1))).status).toBe(404);
    const stale = report('adapter-one', 9);
    stale.conditions = stale.conditions.filter((c) => c.type !== 'Health');
    expect((await call('PUT', `${V1}/clusters/c1/statuses`, stale)).status).toBe(204);
  });

  it('keeps a condition last_transition_time while its status is unchanged', async () => {
    const t0 = Date.now() - 60_000;
    await call(
      'PUT',
      `${V1}/clusters/c1/statuses`,
      report('adapter-one', 2, { observed_time: new Date(t0).toISOString() }),
    );
    await call(
      'PUT',
      `${V1}/clusters/c1/statuses`,
      report('adapter-one', 2, { observed_time: new Date(t0 + 1000).toISOString() }),
    );
    const conds = api.statuses('Cluster', 'c1')[0]?.conditions ?? [];
    expect(conds.find((c) => c.type === 'Health')?.last_transition_time).toBe(new Date(t0).toISOString());
  });
});

describe('aggregation', () => {
  it('Reconciled, LastKnownReconciled and <Adapter>Successful follow the required adapters', async () => {
    api.putCluster({ id: 'c1' });
    const put = (b: unknown) => call('PUT', `${V1}/clusters/c1/statuses`, b);

    await put(report('adapter-one', 1));
    let c = api.resource('Cluster', 'c1');
    expect(condition(c, 'Reconciled')).toMatchObject({
      status: 'False',
      reason: 'ReconciledMissingAdapters',
    });
    expect(condition(c, 'LastKnownReconciled')).toMatchObject({
      status: 'False',
      reason: 'AdaptersMissingReports',
    });
    expect(condition(c, 'AdapterOneSuccessful')).toMatchObject({ status: 'True', observed_generation: 1 });
    expect(condition(c, 'TwoSuccessful')).toBeUndefined();

    // An adapter that is not required never shows up.
    await put(report('bystander', 1));
    expect(condition(api.resource('Cluster', 'c1'), 'BystanderSuccessful')).toBeUndefined();

    await put(report('two', 1));
    c = api.resource('Cluster', 'c1');
    expect(condition(c, 'Reconciled')).toMatchObject({
      status: 'True',
      reason: 'ReconciledAll',
      observed_generation: 1,
    });
    expect(condition(c, 'LastKnownReconciled')).toMatchObject({ status: 'True', observed_generation: 1 });
    expect(c?.status.conditions.map((x) => x.type)).toEqual([
      'Reconciled',
      'LastKnownReconciled',
      'AdapterOneSuccessful',
      'TwoSuccessful',
    ]);

    // A new generation: Reconciled drops, LastKnownReconciled stays True for generation 1.
    api.bumpGeneration('Cluster', 'c1');
    c = api.resource('Cluster', 'c1');
    expect(condition(c, 'Reconciled')).toMatchObject({ status: 'False', observed_generation: 2 });
    expect(condition(c, 'LastKnownReconciled')).toMatchObject({ status: 'True', observed_generation: 1 });

    // A failure at the new generation does not clear what generation 1 achieved.
    await put(report('adapter-one', 2, { available: 'False' }));
    c = api.resource('Cluster', 'c1');
    expect(condition(c, 'AdapterOneSuccessful')).toMatchObject({ status: 'False', observed_generation: 2 });
    expect(condition(c, 'LastKnownReconciled')).toMatchObject({ status: 'True', observed_generation: 1 });

    await put(report('adapter-one', 2));
    await put(report('two', 2));
    c = api.resource('Cluster', 'c1');
    expect(condition(c, 'Reconciled')).toMatchObject({ status: 'True', observed_generation: 2 });
    expect(condition(c, 'LastKnownReconciled')).toMatchObject({ status: 'True', observed_generation: 2 });
  });

  it('Available=False at the tracked generation clears LastKnownReconciled', async () => {
    api.putCluster({ id: 'c1' });
    const put = (b: unknown) => call('PUT', `${V1}/clusters/c1/statuses`, b);
    await put(report('adapter-one', 1));
    await put(report('two', 1));
    await put(report('two', 1, { available: 'False' }));
    const c = api.resource('Cluster', 'c1');
    expect(condition(c, 'Reconciled')).toMatchObject({ status: 'False' });
    expect(condition(c, 'LastKnownReconciled')).toMatchObject({
      status: 'False',
      reason: 'AdapterReportedNotAvailable',
    });
  });
});

describe('deletion', () => {
  const finalized = (adapter: string, gen: number) =>
    report(adapter, gen, { available: 'False' }, [
      { type: 'Finalized', status: 'True', reason: 'CleanedUp', message: 'gone' },
    ]);

  it('soft delete keeps the resource readable; hard delete once every required adapter is finalized', async () => {
    api.putCluster({ id: 'c1' });
    const soft = api.markDeleted('Cluster', 'c1');
    expect(soft?.deleted_time).toBeDefined();
    expect(soft?.generation).toBe(2);
    const got = await call('GET', `${V1}/clusters/c1`);
    expect(got.status).toBe(200);
    expect(got.json['deleted_time']).toBe(soft?.deleted_time);

    // Finalized at the old generation does not count.
    expect((await call('PUT', `${V1}/clusters/c1/statuses`, finalized('adapter-one', 1))).status).toBe(201);
    expect((await call('PUT', `${V1}/clusters/c1/statuses`, finalized('adapter-one', 2))).status).toBe(201);
    expect(api.resource('Cluster', 'c1')).toBeDefined();
    expect(condition(api.resource('Cluster', 'c1'), 'Reconciled')).toMatchObject({
      status: 'False',
      reason: 'ReconciledMissingAdapters',
    });

    const last = await call('PUT', `${V1}/clusters/c1/statuses`, finalized('two', 2));
    expect(last.status).toBe(201);
    expect(last.json['adapter']).toBe('two');
    expect(api.resource('Cluster', 'c1')).toBeUndefined();
    expect((await call('GET', `${V1}/clusters/c1`)).status).toBe(404);
    expect((await call('PUT', `${V1}/clusters/c1/statuses`, finalized('two', 2))).status).toBe(404);
  });

  it('a cluster outlives its nodepools: cascade soft delete, children hard-deleted first', async () => {
    api.putCluster({ id: 'c1' });
    api.putNodepool('c1', { id: 'np1' });
    api.markDeleted('Cluster', 'c1');
    expect(api.resource('NodePool', 'np1')?.deleted_time).toBeDefined();

    for (const a of ['adapter-one', 'two']) await call('PUT', `${V1}/clusters/c1/statuses`, finalized(a, 2));
    expect(api.resource('Cluster', 'c1')).toBeDefined();

    for (const a of ['adapter-one', 'two'])
      await call('PUT', `${V1}/clusters/c1/nodepools/np1/statuses`, finalized(a, 2));
    expect(api.resource('NodePool', 'np1')).toBeUndefined();

    await call('PUT', `${V1}/clusters/c1/statuses`, finalized('two', 2));
    expect(api.resource('Cluster', 'c1')).toBeUndefined();
  });

  it('without required adapters a delete is immediate, as in the real API', async () => {
    const bare = await double({ requiredAdapters: [] });
    bare.putCluster({ id: 'c1' });
    expect(bare.markDeleted('Cluster', 'c1')).toBeUndefined();
    expect(bare.resource('Cluster', 'c1')).toBeUndefined();
  });
});

describe('faults, auth and recording', () => {
  it('failNext answers the next n requests with the fault, then recovers; requests are recorded', async () => {
    api.putCluster({ id: 'c1' });
    api.failNext(2, { status: 429, headers: { 'retry-after': '3' } });
    const a = await fetch(`${api.url}${V1}/clusters/c1`);
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('3');
    expect(((await a.json()) as { code: string }).code).toBe('HYPERFLEET-LMT-001');
    expect((await fetch(`${api.url}${V1}/clusters/c1`)).status).toBe(429);
    expect((await fetch(`${api.url}${V1}/clusters/c1`)).status).toBe(200);
    expect(api.requests.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(api.requests[0]).toMatchObject({ method: 'GET', path: `${V1}/clusters/c1` });
  });

  it('per-route faults only hit the matching route', async () => {
    api.putCluster({ id: 'c1' });
    api.failNext(1, 500, { method: 'PUT', path: /\/statuses$/ });
    expect((await call('GET', `${V1}/clusters/c1`)).status).toBe(200);
    expect((await call('PUT', `${V1}/clusters/c1/statuses`, report('two', 1))).status).toBe(500);
    expect((await call('PUT', `${V1}/clusters/c1/statuses`, report('two', 1))).status).toBe(201);
  });

  it('reset drops the connection; delayMs answers late', async () => {
    api.putCluster({ id: 'c1' });
    api.failNext(1, 'reset');
    await expect(fetch(`${api.url}${V1}/clusters/c1`)).rejects.toThrow();
    expect(api.requests.at(-1)?.status).toBe(0);
    api.failNext(1, { delayMs: 150 });
    const t = performance.now();
    expect((await fetch(`${api.url}${V1}/clusters/c1`)).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);
  });

  it('setDown refuses or resets connections until brought back', async () => {
    api.putCluster({ id: 'c1' });
    await api.setDown(true);
    await expect(fetch(`${api.url}${V1}/clusters/c1`)).rejects.toThrow();
    await api.setDown(false);
    expect((await fetch(`${api.url}${V1}/clusters/c1`)).status).toBe(200);
    await api.setDown(true, 'reset');
    await expect(fetch(`${api.url}${V1}/clusters/c1`)).rejects.toThrow();
    await api.setDown(false);
    expect((await fetch(`${api.url}${V1}/clusters/c1`)).status).toBe(200);
  });

  it('requireToken: 401 problem+json without or with a wrong bearer token', async () => {
    const secured = await double({ requireToken: 's3cret' });
    secured.putCluster({ id: 'c1' });
    const none = await fetch(`${secured.url}${V1}/clusters/c1`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { code: string }).code).toBe('HYPERFLEET-AUT-001');
    const wrong = await fetch(`${secured.url}${V1}/clusters/c1`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(((await wrong.json()) as { code: string }).code).toBe('HYPERFLEET-AUT-002');
    const ok = await fetch(`${secured.url}${V1}/clusters/c1`, {
      headers: { authorization: 'Bearer s3cret' },
    });
    expect(ok.status).toBe(200);
    expect(secured.requests.at(-1)?.headers['authorization']).toBe('Bearer s3cret');
  });
});

describe('HTTP writes, lists and the envelope, as the real API answers them', () => {
  const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const spec = { region: 'eu' };

  it('POST creates a cluster (201, UUIDv7 id, empty labels present) and refuses bad ones in the real order', async () => {
    const created = await call('POST', `${V1}/clusters`, { kind: 'Cluster', name: 'alpha', spec });
    expect(created.status).toBe(201);
    expect(created.json['id']).toMatch(UUIDV7);
    expect(created.json).toMatchObject({
      generation: 1,
      labels: {},
      spec,
      href: `${V1}/clusters/${created.json['id']}`,
    });
    const refused: [unknown, number, string, RegExp][] = [
      [{ kind: 'Cluster', name: 'alpha', spec }, 409, 'HYPERFLEET-CNF-001', /already exists/],
      [{ kind: 'Cluster', name: 'ab', spec }, 400, 'HYPERFLEET-VAL-000', /at least 3/],
      [{ kind: 'Cluster', name: 'Alpha', spec }, 400, 'HYPERFLEET-VAL-000', /lowercase/],
      [{ kind: 'NodePool', name: 'beta', spec }, 400, 'HYPERFLEET-VAL-000', /kind must be 'Cluster'/],
      [{ kind: 'Cluster', name: 'beta' }, 400, 'HYPERFLEET-VAL-000', /spec is required/],
      [{ id: 'x', kind: 'Cluster', name: 'beta', spec }, 400, 'HYPERFLEET-VAL-000', /id must be empty/],
      ['{"kind":', 400, 'HYPERFLEET-VAL-006', /Invalid JSON/],
    ];
    for (const [body, status, code, detail] of refused) {
      const res = await call('POST', `${V1}/clusters`, body);
      expect([res.status, res.json['code']]).toEqual([status, code]);
      expect(res.json['detail']).toMatch(detail);
    }
  });

  it('PATCH bumps the generation only for a real change; 409 once marked for deletion', async () => {
    const c = (await call('POST', `${V1}/clusters`, { kind: 'Cluster', name: 'alpha', spec })).json;
    const same = await call('PATCH', `${V1}/clusters/${c['id']}`, { spec });
    expect([same.status, same.json['generation']]).toEqual([200, 1]);
    const changed = await call('PATCH', `${V1}/clusters/${c['id']}`, { spec: { region: 'us' } });
    expect([changed.status, changed.json['generation']]).toEqual([200, 2]);
    const labels = await call('PATCH', `${V1}/clusters/${c['id']}`, { labels: { a: 'b' } });
    expect(labels.json['generation']).toBe(3);
    expect((await call('PATCH', `${V1}/clusters/${c['id']}`, { name: 'x' })).json['code']).toBe(
      'HYPERFLEET-VAL-005',
    );
    expect((await call('PATCH', `${V1}/clusters/${c['id']}`, {})).json['detail']).toBe(
      'at least one field must be provided for update',
    );
    expect((await call('DELETE', `${V1}/clusters/${c['id']}`)).status).toBe(202);
    const late = await call('PATCH', `${V1}/clusters/${c['id']}`, { spec });
    expect([late.status, late.json['code']]).toEqual([409, 'HYPERFLEET-CNF-003']);
  });

  it('DELETE answers 202 with the soft-deleted resource and cascades to nodepools; 404 for none', async () => {
    const c = (await call('POST', `${V1}/clusters`, { kind: 'Cluster', name: 'alpha', spec })).json;
    const np = await call('POST', `${V1}/clusters/${c['id']}/nodepools`, {
      kind: 'NodePool',
      name: 'pool',
      spec,
    });
    expect(np.status).toBe(201);
    const del = await call('DELETE', `${V1}/clusters/${c['id']}`);
    expect(del.status).toBe(202);
    expect(del.json).toMatchObject({ generation: 2, deleted_by: 'system@hyperfleet.local' });
    const child = await call('GET', `${V1}/clusters/${c['id']}/nodepools/${np.json['id']}`);
    expect(child.json).toMatchObject({ generation: 2 });
    expect(child.json['deleted_time']).toBeTypeOf('string');
    expect((await call('DELETE', `${V1}/clusters/${c['id']}`)).json['generation']).toBe(2);
    const none = await call('DELETE', `${V1}/clusters/01900000-0000-7000-8000-000000000000`);
    expect([none.status, none.json['detail']]).toEqual([404, 'Cluster not found']);
  });

  it('lists with search, paging (newest first) and the real parameter errors', async () => {
    for (const name of ['one', 'two', 'three']) {
      await call('POST', `${V1}/clusters`, {
        kind: 'Cluster',
        name,
        spec,
        labels: { set: name === 'two' ? 'b' : 'a' },
      });
    }
    const byLabel = await call('GET', `${V1}/clusters?search=${encodeURIComponent("labels.set='a'")}`);
    expect((byLabel.json['items'] as { name: string }[]).map((i) => i.name)).toEqual(['three', 'one']);
    const paged = await call('GET', `${V1}/clusters?page=2&size=1`);
    expect(paged.json).toMatchObject({ page: 2, size: 1, total: 3 });
    expect((paged.json['items'] as { name: string }[])[0]?.name).toBe('two');
    const like = await call('GET', `${V1}/clusters?search=${encodeURIComponent("name like 't%'")}`);
    expect(like.json['total']).toBe(2);
    expect((await call('GET', `${V1}/clusters?size=101`)).json['code']).toBe('HYPERFLEET-VAL-004');
    expect((await call('GET', `${V1}/clusters?page=x`)).json['code']).toBe('HYPERFLEET-VAL-003');
    expect((await call('GET', `${V1}/clusters?search=name===`)).json['code']).toBe('HYPERFLEET-VAL-005');
  });

  it('X-Request-Id on routed answers equals the problem trace_id; unknown routes have neither', async () => {
    const res = await fetch(`${api.url}${V1}/clusters/01900000-0000-7000-8000-000000000000`);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(UUIDV7);
    expect(((await res.json()) as { trace_id: string }).trace_id).toBe(id);
    const unknown = await fetch(`${api.url}/elsewhere`);
    expect(unknown.headers.get('x-request-id')).toBeNull();
    expect(((await unknown.json()) as { trace_id: string }).trace_id).toBe('');
  });

  it('GET /api/hyperfleet answers 200 without a token (the readiness target); v1 still needs one', async () => {
    const secured = await double({ requireToken: 's3cret' });
    const meta = await fetch(`${secured.url}/api/hyperfleet`);
    expect(meta.status).toBe(200);
    expect(await meta.json()).toMatchObject({ id: 'hyperfleet', kind: 'API', href: '/api/hyperfleet' });
    expect((await fetch(`${secured.url}${V1}/clusters`)).status).toBe(401);
  });

  it('gzips when asked, with the real Vary headers', async () => {
    const { request } = await import('node:http');
    const { gunzipSync } = await import('node:zlib');
    const raw = await new Promise<{ enc: string | undefined; vary: string | undefined; body: Buffer }>(
      (resolve) => {
        request(`${api.url}${V1}/clusters`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              enc: res.headers['content-encoding'],
              vary: res.headers['vary'],
              body: Buffer.concat(chunks),
            }),
          );
        }).end();
      },
    );
    expect([raw.enc, raw.vary]).toEqual(['gzip', 'Authorization']);
    expect(JSON.parse(gunzipSync(raw.body).toString())).toMatchObject({ items: [], total: 0 });
  });

  it('times: resource columns in microseconds, adapter texts kept verbatim in condition documents', async () => {
    const c = (await call('POST', `${V1}/clusters`, { kind: 'Cluster', name: 'alpha', spec })).json;
    expect(c['created_time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/);
    const sent = `${new Date().toISOString().slice(0, 23)}123457Z`;
    const first = await call('PUT', `${V1}/clusters/${c['id']}/statuses`, {
      ...report('adapter-one', 1),
      observed_time: sent,
    });
    expect(first.status).toBe(201);
    // The inserting PUT answers from the request; later reads show the microsecond column.
    expect(first.json['last_report_time']).toBe(sent);
    const listed = (await call('GET', `${V1}/clusters/${c['id']}/statuses`)).json['items'] as Record<
      string,
      unknown
    >[];
    expect(listed[0]?.['last_report_time']).toBe(sent.replace(/457Z$/, 'Z'));
    const conditions = (listed[0]?.['conditions'] ?? []) as { last_transition_time: string }[];
    expect(conditions[0]?.last_transition_time).toBe(sent);
  });
});
