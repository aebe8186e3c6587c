import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiDouble, startHyperfleetApiDouble } from '../../support/hyperfleet-api-double.ts';
import { EXCEPTIONS } from './exceptions.ts';
import { PROBES } from './probes.ts';
import { compareRuns, type Difference, type ProbeRun, runProbes } from './run-probes.ts';

/**
 * The API double against the real HyperFleet API: the same probe script runs against the
 * stack's API and a fresh double (same required adapters), and every answer must agree on
 * status, the headers a client reads, body fields and values (ids, request ids and times by
 * shape), error codes, generations, aggregated conditions and time precision, except for the
 * differences EXCEPTIONS lists with a reason.
 */

const stack = inject('stack');
const api = stack.hyperfleetApi;

describe('HyperFleet API contract: double vs real', () => {
  let double: ApiDouble;
  let real: ProbeRun;
  let fake: ProbeRun;
  let differences: Difference[];

  beforeAll(async () => {
    if (!api) {
      throw new Error(
        "the stack has no HyperFleet API: start it with the 'hyperfleet' peer group (HYPERFLEET_STACK_PEERS)",
      );
    }
    const required = api.requiredAdapters;
    double = await startHyperfleetApiDouble({
      requiredAdapters: { Cluster: required.cluster, NodePool: required.nodepool },
    });
    // One token per run: names and searches never meet resources other tests made.
    const run = randomBytes(3).toString('hex');
    real = await runProbes(api.baseUrl, PROBES, run);
    fake = await runProbes(double.url, PROBES, run);
    differences = compareRuns(real, fake);
  });
  afterAll(async () => {
    await double?.close();
  });

  it('runs every probe against both', () => {
    expect(PROBES.length).toBeGreaterThanOrEqual(67);
    expect(real.answers).toHaveLength(PROBES.length);
    expect(fake.answers).toHaveLength(PROBES.length);
    // The script exercises what it claims: creates, soft and hard deletes happened for real.
    const status = (name: string) => real.answers.find((a) => a.probe === name)?.status;
    expect(status('create cluster without labels')).toBe(201);
    expect(status('patch cluster: new spec')).toBe(200);
    expect(status('delete cluster (cascade)')).toBe(202);
    expect(status('get hard-deleted cluster')).toBe(404);
    expect(status('api metadata (readiness target, no auth)')).toBe(200);
  });

  it('finds no difference outside the exceptions list', () => {
    const listed = (d: Difference) => EXCEPTIONS.some((e) => e.probe === d.probe && e.path === d.path);
    const unlisted = differences
      .filter((d) => !listed(d))
      .map(
        (d) => `${d.probe} | ${d.path} | real=${JSON.stringify(d.real)} | double=${JSON.stringify(d.double)}`,
      );
    expect(unlisted).toEqual([]);
  });

  it('lists no exception that no longer happens', () => {
    const stale = EXCEPTIONS.filter(
      (e) => !differences.some((d) => d.probe === e.probe && d.path === e.path),
    );
    expect(stale.map((e) => `${e.probe} | ${e.path}`)).toEqual([]);
  });
});
