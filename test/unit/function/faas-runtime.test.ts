import { hostname } from 'node:os';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Harness, startHarness } from '../../support/function-harness.ts';

// faas-js-runtime 3.0.2's defects as a served function shows them, worked around: a 400 it
// answers itself logs a bogus `req.execTimer is not a function` error, and its metric labels
// read variables a Knative pod may not have.

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

test('a body fastify refuses is answered 400 and logged once by the edge, without the execTimer error', async () => {
  // Binary mode with JSON data: fastify's own JSON parser reads it, and refuses these.
  const binary = { 'ce-specversion': '1.0', 'ce-id': 'e1', 'ce-source': 's', 'ce-type': 't' };
  const bodies = ['{"broken', ''];
  for (const body of bodies) {
    const r = await h.fn.post({ ...binary, 'content-type': 'application/json' }, body);
    expect(r.status).toBe(400);
  }
  // The edge's own line for each refusal arrives (after the answer); fastify's line, logged
  // when the answer is written, would be there by then.
  const refusals = () => h.fn.logs().filter((l) => l['reason'] === 'malformed_request');
  await h.fn.waitForLog(() => refusals().length >= bodies.length);
  expect(refusals()).toHaveLength(bodies.length);
  expect(h.fn.logs().filter((l) => JSON.stringify(l).includes('execTimer'))).toEqual([]);
});

test('faas_* metrics name the instance and the version', async () => {
  const metrics = await h.fn.metrics();
  const line = metrics.split('\n').find((l) => l.startsWith('faas_invocations{')) ?? '';
  expect(line).toContain(`faas_instance="${hostname()}"`);
  expect(line).not.toContain('"undefined');
  expect(line).toMatch(/faas_version="\d+\.\d+\.\d+"/);
});
