/**
 * CEL evaluation throughput on the compat examples' own expressions with realistic inputs
 * (the example vectors of the CEL conformance suite: every expression under six executor
 * scenarios). "cached" compiles once and evaluates, as the executor does; "uncached" parses
 * before every evaluation, as the Go adapter does.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CelProgram, clearCelCache, compileCel } from '../../lib/cel/index.ts';
import { decodeVars, type Json } from '../../test/conformance/cel/codec.ts';
import { timeSequential } from '../stats.ts';
import type { BenchSuite } from '../types.ts';

const VECTORS = fileURLToPath(new URL('../../test/conformance/cel/vectors.json', import.meta.url));
const NOW = new Date('2026-01-01T00:10:00Z');
const options = { now: () => NOW };

interface Case {
  id: string;
  expression: string;
  vars: Record<string, unknown>;
  program: CelProgram;
}

function loadCases(): Case[] {
  const vectors = JSON.parse(readFileSync(VECTORS, 'utf8')) as Array<{
    id: string;
    expression: string;
    vars: Json;
  }>;
  return vectors
    .filter((v) => v.id.startsWith('example.'))
    .map((v) => ({
      id: v.id,
      expression: v.expression,
      vars: decodeVars(v.vars) as Record<string, unknown>,
      program: compileCel(v.expression),
    }));
}

const suite: BenchSuite = async ({ quick }) => {
  const cases = loadCases();
  const n = quick ? 5_000 : 100_000;
  const warmup = quick ? 500 : 10_000;
  const distinct = new Set(cases.map((c) => c.expression)).size;

  let i = 0;
  const cached = await timeSequential(n, warmup, () => {
    const c = cases[i++ % cases.length]!;
    return c.program.evaluate(c.vars, options);
  });

  let j = 0;
  const uncached = await timeSequential(Math.ceil(n / 10), Math.ceil(warmup / 10), () => {
    const c = cases[j++ % cases.length]!;
    clearCelCache();
    return compileCel(c.expression).evaluate(c.vars, options);
  });

  // The longest expression with every resource present, so no branch short-circuits early.
  const applied = cases.filter((c) => c.id.endsWith('.applied'));
  const longest = applied.reduce((a, b) => (b.expression.length > a.expression.length ? b : a));
  const heavy = await timeSequential(Math.ceil(n / 4), Math.ceil(warmup / 4), () =>
    longest.program.evaluate(longest.vars, options),
  );
  clearCelCache();

  const extra = { cases: cases.length, expressions: distinct };
  return [
    {
      name: 'cel eval compat expressions (cached)',
      opsPerSec: cached.opsPerSec,
      p50Ms: cached.p50Ms,
      p99Ms: cached.p99Ms,
      extra,
    },
    {
      name: 'cel eval compat expressions (uncached: parse per eval)',
      opsPerSec: uncached.opsPerSec,
      p50Ms: uncached.p50Ms,
      p99Ms: uncached.p99Ms,
      extra,
    },
    {
      name: `cel eval longest compat expression, resources applied (${longest.expression.length} chars, cached)`,
      opsPerSec: heavy.opsPerSec,
      p50Ms: heavy.p50Ms,
      p99Ms: heavy.p99Ms,
    },
  ];
};

export default suite;
