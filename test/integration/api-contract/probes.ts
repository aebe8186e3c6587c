/**
 * The contract probes: one ordered script of HTTP calls run against the real HyperFleet API
 * and against the double. Later probes use ids the earlier ones captured (`{c1}` in a path or
 * body is the id captured as `c1`); `{run}` is a token unique to the run, so names and
 * searches never collide with resources other tests created in the same API.
 */

export interface ProbeContext {
  /** Captured values (ids) and `run`. */
  vars: Record<string, string>;
  /** An RFC 3339 time `offsetMs` from now with nanosecond digits (the last one non-zero), remembered as sent. */
  time(offsetMs?: number): string;
}

export interface Probe {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** With `{var}` placeholders. */
  path: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON (placeholders in strings are filled). */
  body?: string | Record<string, unknown> | ((ctx: ProbeContext) => unknown);
  /** var name -> dotted path into the response JSON. */
  capture?: Record<string, string>;
  /**
   * The answer's `items` come in no defined order (the real API lists adapter statuses
   * without ORDER BY): sort them by this field before comparing.
   */
  itemsOrderedBy?: string;
}

const V1 = '/api/hyperfleet/v1';
const REQUIRED = 'knative-adapter';

function report(
  ctx: ProbeContext,
  generation: number,
  statuses: { available: string; applied?: string; health?: string; finalized?: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const conditions = [
    { type: 'Available', status: statuses.available, reason: 'Probe', message: 'available' },
    { type: 'Applied', status: statuses.applied ?? 'True', reason: 'Probe', message: 'applied' },
    { type: 'Health', status: statuses.health ?? 'True', reason: 'Healthy', message: 'ok' },
    ...(statuses.finalized ? [{ type: 'Finalized', status: statuses.finalized, reason: 'Probe' }] : []),
  ];
  return {
    adapter: REQUIRED,
    observed_generation: generation,
    observed_time: ctx.time(),
    conditions,
    data: { probe: true },
    ...extra,
  };
}

const cluster = (name: string, extra: Record<string, unknown> = {}) => ({
  kind: 'Cluster',
  name,
  spec: { region: 'eu', nodes: 3 },
  ...extra,
});

export const PROBES: Probe[] = [
  // --- readiness target and metadata
  { name: 'api metadata (readiness target, no auth)', method: 'GET', path: '/api/hyperfleet' },
  { name: 'unknown endpoint', method: 'GET', path: `${V1}/nothing-here` },
  { name: 'unknown path outside the API', method: 'GET', path: '/not-the-api' },

  // --- cluster create
  {
    name: 'create cluster without labels',
    method: 'POST',
    path: `${V1}/clusters`,
    body: cluster('ct-{run}-a'),
    capture: { c1: 'id' },
  },
  {
    name: 'create cluster with labels',
    method: 'POST',
    path: `${V1}/clusters`,
    body: cluster('ct-{run}-b', { labels: { probe: '{run}', env: 'test' } }),
    capture: { c2: 'id' },
  },
  {
    name: 'create cluster with empty labels',
    method: 'POST',
    path: `${V1}/clusters`,
    body: cluster('ct-{run}-c', { labels: {} }),
    capture: { c3: 'id' },
  },
  {
    name: 'create cluster: duplicate name',
    method: 'POST',
    path: `${V1}/clusters`,
    body: cluster('ct-{run}-a'),
  },
  { name: 'create cluster: name too short', method: 'POST', path: `${V1}/clusters`, body: cluster('ab') },
  {
    name: 'create cluster: name with capitals',
    method: 'POST',
    path: `${V1}/clusters`,
    body: cluster('CT-{run}-Upper'),
  },
  {
    name: 'create cluster: no spec',
    method: 'POST',
    path: `${V1}/clusters`,
    body: { kind: 'Cluster', name: 'ct-{run}-nospec' },
  },
  {
    name: 'create cluster: wrong kind',
    method: 'POST',
    path: `${V1}/clusters`,
    body: cluster('ct-{run}-kind', { kind: 'NodePool' }),
  },
  {
    name: 'create cluster: id given',
    method: 'POST',
    path: `${V1}/clusters`,
    body: cluster('ct-{run}-id', { id: 'abc' }),
  },
  { name: 'create cluster: malformed JSON', method: 'POST', path: `${V1}/clusters`, body: '{"kind":' },
  { name: 'create cluster: empty body', method: 'POST', path: `${V1}/clusters`, body: '' },

  // --- cluster get / list
  { name: 'get cluster', method: 'GET', path: `${V1}/clusters/{c1}` },
  { name: 'get cluster with labels', method: 'GET', path: `${V1}/clusters/{c2}` },
  { name: 'get cluster with empty labels', method: 'GET', path: `${V1}/clusters/{c3}` },
  { name: 'get missing cluster', method: 'GET', path: `${V1}/clusters/01900000-0000-7000-8000-000000000000` },
  {
    name: 'get cluster gzip',
    method: 'GET',
    path: `${V1}/clusters/{c1}`,
    headers: { 'accept-encoding': 'gzip' },
  },
  { name: 'list clusters by name', method: 'GET', path: `${V1}/clusters?search=name%3D%27ct-{run}-a%27` },
  { name: 'list clusters by label', method: 'GET', path: `${V1}/clusters?search=labels.probe%3D%27{run}%27` },
  {
    name: 'list clusters by name prefix, paged',
    method: 'GET',
    path: `${V1}/clusters?search=name+like+%27ct-{run}-%25%27&page=2&size=1`,
  },
  {
    name: 'list clusters by name prefix, default order',
    method: 'GET',
    path: `${V1}/clusters?search=name+like+%27ct-{run}-%25%27`,
  },
  { name: 'list clusters: bad search', method: 'GET', path: `${V1}/clusters?search=name%3D%3D%3D` },
  { name: 'list clusters: page 0', method: 'GET', path: `${V1}/clusters?page=0` },
  { name: 'list clusters: size 101', method: 'GET', path: `${V1}/clusters?size=101` },
  { name: 'list clusters: size not a number', method: 'GET', path: `${V1}/clusters?size=x` },
  {
    name: 'list clusters gzip',
    method: 'GET',
    path: `${V1}/clusters?search=name%3D%27ct-{run}-a%27`,
    headers: { 'accept-encoding': 'gzip' },
  },

  // --- cluster patch
  {
    name: 'patch cluster: same spec',
    method: 'PATCH',
    path: `${V1}/clusters/{c1}`,
    body: { spec: { region: 'eu', nodes: 3 } },
  },
  {
    name: 'patch cluster: new spec',
    method: 'PATCH',
    path: `${V1}/clusters/{c1}`,
    body: { spec: { region: 'eu', nodes: 5 } },
  },
  {
    name: 'patch cluster: labels',
    method: 'PATCH',
    path: `${V1}/clusters/{c1}`,
    body: { labels: { probe: '{run}', stage: 'two' } },
  },
  {
    name: 'patch cluster: same labels',
    method: 'PATCH',
    path: `${V1}/clusters/{c1}`,
    body: { labels: { probe: '{run}', stage: 'two' } },
  },
  {
    name: 'patch cluster: unknown field',
    method: 'PATCH',
    path: `${V1}/clusters/{c1}`,
    body: { name: 'renamed' },
  },
  { name: 'patch cluster: empty object', method: 'PATCH', path: `${V1}/clusters/{c1}`, body: {} },
  {
    name: 'patch missing cluster',
    method: 'PATCH',
    path: `${V1}/clusters/01900000-0000-7000-8000-000000000000`,
    body: { spec: { a: 1 } },
  },
  { name: 'get cluster after patches', method: 'GET', path: `${V1}/clusters/{c1}` },

  // --- cluster status
  { name: 'cluster statuses: none yet', method: 'GET', path: `${V1}/clusters/{c1}/statuses` },
  {
    name: 'status PUT: malformed observed_time',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => ({ ...report(ctx, 3, { available: 'True' }), observed_time: 'yesterday' }),
  },
  {
    name: 'status PUT: malformed JSON',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: '{"adapter":',
  },
  { name: 'status PUT: empty body', method: 'PUT', path: `${V1}/clusters/{c1}/statuses`, body: '' },
  {
    name: 'status PUT: observed_generation a string',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => ({ ...report(ctx, 3, { available: 'True' }), observed_generation: '3' }),
  },
  {
    name: 'status PUT: conditions an object',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => ({ ...report(ctx, 3, { available: 'True' }), conditions: {} }),
  },
  {
    name: 'status PUT: condition type a number',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => ({ ...report(ctx, 3, { available: 'True' }), conditions: [{ type: 1, status: 'True' }] }),
  },
  {
    name: 'status PUT: data an array',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => ({ ...report(ctx, 3, { available: 'True' }), data: [] }),
  },
  { name: 'status PUT: body an array', method: 'PUT', path: `${V1}/clusters/{c1}/statuses`, body: '[]' },
  {
    name: 'status PUT: no adapter',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => ({ ...report(ctx, 3, { available: 'True' }), adapter: '' }),
  },
  {
    name: 'status PUT: generation 0',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => report(ctx, 0, { available: 'True' }),
  },
  {
    name: 'status PUT: bad condition status',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => report(ctx, 3, { available: 'Yes' }),
  },
  {
    name: 'status PUT: observed_time far in the future',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => ({ ...report(ctx, 3, { available: 'True' }), observed_time: ctx.time(3_600_000) }),
  },
  {
    name: 'status PUT: observed_time far in the past',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => ({ ...report(ctx, 3, { available: 'True' }), observed_time: ctx.time(-3_600_000) }),
  },
  {
    name: 'status PUT: missing conditions',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => ({
      ...report(ctx, 3, { available: 'True' }),
      conditions: [{ type: 'Available', status: 'True' }],
    }),
  },
  {
    name: 'status PUT: generation ahead',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => report(ctx, 9, { available: 'True' }),
  },
  {
    name: 'status PUT: unknown adapter',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => ({ ...report(ctx, 3, { available: 'True' }), adapter: 'not-required' }),
  },
  {
    name: 'status PUT: missing cluster',
    method: 'PUT',
    path: `${V1}/clusters/01900000-0000-7000-8000-000000000000/statuses`,
    body: (ctx) => report(ctx, 1, { available: 'True' }),
  },
  {
    name: 'status PUT: Available False',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => report(ctx, 3, { available: 'False' }),
  },
  { name: 'get cluster after Available False', method: 'GET', path: `${V1}/clusters/{c1}` },
  {
    name: 'status PUT: Available True',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => report(ctx, 3, { available: 'True' }),
  },
  {
    name: 'status PUT: older generation',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => report(ctx, 2, { available: 'True' }),
  },
  {
    name: 'status PUT: stale observed_time',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => ({ ...report(ctx, 3, { available: 'True' }), observed_time: ctx.time(-60_000) }),
  },
  { name: 'get cluster reconciled', method: 'GET', path: `${V1}/clusters/{c1}` },
  {
    name: 'cluster statuses',
    method: 'GET',
    path: `${V1}/clusters/{c1}/statuses`,
    itemsOrderedBy: 'adapter',
  },
  {
    name: 'cluster statuses gzip',
    method: 'GET',
    path: `${V1}/clusters/{c1}/statuses`,
    headers: { 'accept-encoding': 'gzip' },
    itemsOrderedBy: 'adapter',
  },

  // --- nodepools
  {
    name: 'create nodepool',
    method: 'POST',
    path: `${V1}/clusters/{c1}/nodepools`,
    body: { kind: 'NodePool', name: 'np-{run}-a', spec: { replicas: 2 } },
    capture: { n1: 'id' },
  },
  {
    name: 'create nodepool with labels',
    method: 'POST',
    path: `${V1}/clusters/{c1}/nodepools`,
    body: { kind: 'NodePool', name: 'np-{run}-b', spec: { replicas: 1 }, labels: { probe: '{run}' } },
    capture: { n2: 'id' },
  },
  {
    name: 'create nodepool: missing cluster',
    method: 'POST',
    path: `${V1}/clusters/01900000-0000-7000-8000-000000000000/nodepools`,
    body: { kind: 'NodePool', name: 'np-{run}-x', spec: {} },
  },
  {
    name: 'create nodepool: wrong kind',
    method: 'POST',
    path: `${V1}/clusters/{c1}/nodepools`,
    body: { kind: 'Cluster', name: 'np-{run}-y', spec: {} },
  },
  { name: 'get nodepool', method: 'GET', path: `${V1}/clusters/{c1}/nodepools/{n1}` },
  { name: 'get nodepool under another cluster', method: 'GET', path: `${V1}/clusters/{c2}/nodepools/{n1}` },
  { name: 'list nodepools of cluster', method: 'GET', path: `${V1}/clusters/{c1}/nodepools` },
  {
    name: 'list nodepools of missing cluster',
    method: 'GET',
    path: `${V1}/clusters/01900000-0000-7000-8000-000000000000/nodepools`,
  },
  {
    name: 'list nodepools by label',
    method: 'GET',
    path: `${V1}/nodepools?search=labels.probe%3D%27{run}%27`,
  },
  {
    name: 'patch nodepool: same spec',
    method: 'PATCH',
    path: `${V1}/clusters/{c1}/nodepools/{n1}`,
    body: { spec: { replicas: 2 } },
  },
  {
    name: 'patch nodepool: new spec',
    method: 'PATCH',
    path: `${V1}/clusters/{c1}/nodepools/{n1}`,
    body: { spec: { replicas: 4 } },
  },
  {
    name: 'nodepool status PUT',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/nodepools/{n1}/statuses`,
    body: (ctx) => report(ctx, 2, { available: 'True' }),
  },
  {
    name: 'nodepool status PUT: malformed observed_time',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/nodepools/{n1}/statuses`,
    body: (ctx) => ({ ...report(ctx, 2, { available: 'True' }), observed_time: '2026-13-45' }),
  },
  { name: 'get nodepool reconciled', method: 'GET', path: `${V1}/clusters/{c1}/nodepools/{n1}` },
  {
    name: 'nodepool statuses',
    method: 'GET',
    path: `${V1}/clusters/{c1}/nodepools/{n1}/statuses`,
    itemsOrderedBy: 'adapter',
  },

  // --- delete, cascade, hard delete
  {
    name: 'delete missing cluster',
    method: 'DELETE',
    path: `${V1}/clusters/01900000-0000-7000-8000-000000000000`,
  },
  { name: 'delete cluster (cascade)', method: 'DELETE', path: `${V1}/clusters/{c1}` },
  { name: 'delete cluster again', method: 'DELETE', path: `${V1}/clusters/{c1}` },
  { name: 'get deleted cluster', method: 'GET', path: `${V1}/clusters/{c1}` },
  { name: 'get nodepool of deleted cluster', method: 'GET', path: `${V1}/clusters/{c1}/nodepools/{n1}` },
  {
    name: 'patch deleted cluster',
    method: 'PATCH',
    path: `${V1}/clusters/{c1}`,
    body: { spec: { region: 'us' } },
  },
  {
    name: 'cluster Finalized while nodepools remain',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => report(ctx, 4, { available: 'False', finalized: 'True' }),
  },
  {
    name: 'nodepool a Finalized',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/nodepools/{n1}/statuses`,
    body: (ctx) => report(ctx, 3, { available: 'False', finalized: 'True' }),
  },
  {
    name: 'nodepool b Finalized',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/nodepools/{n2}/statuses`,
    body: (ctx) => report(ctx, 2, { available: 'False', finalized: 'True' }),
  },
  { name: 'get hard-deleted nodepool', method: 'GET', path: `${V1}/clusters/{c1}/nodepools/{n1}` },
  {
    name: 'cluster Finalized',
    method: 'PUT',
    path: `${V1}/clusters/{c1}/statuses`,
    body: (ctx) => report(ctx, 4, { available: 'False', finalized: 'True' }),
  },
  { name: 'get hard-deleted cluster', method: 'GET', path: `${V1}/clusters/{c1}` },
  { name: 'delete cluster without nodepools', method: 'DELETE', path: `${V1}/clusters/{c3}` },
];
