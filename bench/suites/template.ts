/**
 * Go-template render throughput on the compat examples' own templates (the manifest files
 * and every templated string of task-config.yaml) with realistic data, taken from the
 * template conformance vectors. "cached" compiles once and renders, as the executor does;
 * "uncached" parses before every render, as the Go adapter does.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CompiledTemplate, compileTemplate, compileTemplateUncached } from '../../lib/template/index.ts';
import { decodeTyped } from '../../tools/conformance/template.ts';
import { timeSequential } from '../stats.ts';
import type { BenchResult, BenchSuite } from '../types.ts';

const VECTORS = fileURLToPath(new URL('../../test/conformance/template/vectors.json', import.meta.url));
const NOW = new Date('2026-01-02T03:04:05Z');
const options = { now: () => NOW };

interface Case {
  id: string;
  text: string;
  data: unknown;
  compiled: CompiledTemplate;
}

/** Compat vectors that render (the missing-key variants exist to test errors, not speed). */
function loadCases(): Case[] {
  const vectors = JSON.parse(readFileSync(VECTORS, 'utf8')) as Array<{
    id: string;
    template: string;
    data: unknown;
  }>;
  const cases: Case[] = [];
  for (const v of vectors.filter((x) => x.id.startsWith('compat-'))) {
    const data = decodeTyped(v.data);
    const compiled = compileTemplate(v.template);
    try {
      compiled.render(data, options);
    } catch {
      continue;
    }
    cases.push({ id: v.id, text: v.template, data, compiled });
  }
  return cases;
}

async function measure(label: string, cases: Case[], quick: boolean): Promise<BenchResult[]> {
  const n = quick ? 2_000 : 50_000;
  const warmup = quick ? 200 : 5_000;
  const bytes = cases.reduce((sum, c) => sum + c.text.length, 0) / cases.length;
  let i = 0;
  const cached = await timeSequential(n, warmup, () => {
    const c = cases[i++ % cases.length]!;
    return c.compiled.render(c.data, options);
  });
  let j = 0;
  const uncached = await timeSequential(n, warmup, () => {
    const c = cases[j++ % cases.length]!;
    return compileTemplateUncached(c.text).render(c.data, options);
  });
  const extra = { templates: cases.length, 'avg chars': Math.round(bytes) };
  return [
    {
      name: `template render ${label} (cached)`,
      ...cached,
      extra: { ...extra, 'cpu ms/op': cached.cpuMsPerOp },
    },
    {
      name: `template render ${label} (uncached)`,
      ...uncached,
      extra: {
        ...extra,
        'cpu ms/op': uncached.cpuMsPerOp,
        'cached speed-up': `${(cached.opsPerSec / uncached.opsPerSec).toFixed(1)}x`,
      },
    },
  ];
}

const suite: BenchSuite = async ({ quick }) => {
  const cases = loadCases();
  const manifests = cases.filter((c) => !/-task-\d+$/.test(c.id));
  const builds = cases.filter((c) => /-task-\d+$/.test(c.id));
  const biggest = manifests.filter((c) => c.id.startsWith('compat-e2e-cl-maestro-manifestwork-'));
  if (manifests.length === 0 || builds.length === 0 || biggest.length === 0) {
    throw new Error(
      'template vectors have no compat cases; regenerate test/conformance/template/vectors.json',
    );
  }
  return [
    ...(await measure('compat manifests', manifests, quick)),
    ...(await measure('compat build/url/body strings', builds, quick)),
    ...(await measure('e2e-cl-maestro manifestwork', biggest, quick)),
  ];
};

export default suite;
