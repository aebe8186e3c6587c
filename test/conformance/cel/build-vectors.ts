/**
 * Regenerates vectors.json: every CEL expression in the compat examples under each scenario
 * of scenarios.ts (vars narrowed to the identifiers the expression reads), plus the
 * language-feature vectors of features.ts and edges.ts. Run: npx node test/conformance/cel/build-vectors.ts
 * then the oracle: (cd tools/oracle && go run ./cmd/cel -in ../../test/conformance/cel/vectors.json
 * -out ../../test/conformance/cel/expected.json).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { compileCel } from '../../../lib/cel/index.ts';
import { encodeVars, type Json } from './codec.ts';
import { EDGES, REGEX } from './edges.ts';
import { FEATURES } from './features.ts';
import { SCENARIOS } from './scenarios.ts';

const here = dirname(fileURLToPath(import.meta.url));
const examplesDir = '/work/shared/compat/examples';

interface Vector {
  id: string;
  expression: string;
  vars: Json;
  now?: string;
}

function expressionsOf(doc: unknown, into: Map<string, string>, example: string): void {
  const walk = (v: unknown, key: string): void => {
    if (Array.isArray(v)) for (const e of v) walk(e, '');
    else if (v !== null && typeof v === 'object') for (const [k, e] of Object.entries(v)) walk(e, k);
    else if (key === 'expression' && typeof v === 'string' && !into.has(v.trim())) into.set(v.trim(), example);
  };
  walk(doc, '');
}

const expressions = new Map<string, string>();
for (const example of readdirSync(examplesDir).sort()) {
  const text = readFileSync(join(examplesDir, example, 'task-config.yaml'), 'utf8');
  expressionsOf(parse(text), expressions, example);
}

const vectors: Vector[] = [];
let n = 0;
for (const [expression, example] of expressions) {
  n++;
  const identifiers = compileCel(expression).identifiers;
  const resourceNames = [...new Set([...expression.matchAll(/resources\.\??(\w+)/g)].map((m) => m[1]!))];
  for (const scenario of SCENARIOS) {
    const all = scenario.vars(resourceNames);
    const vars = Object.fromEntries(identifiers.filter((i) => i in all).map((i) => [i, all[i]]));
    vectors.push({ id: `example.${example}.${n}.${scenario.name}`, expression, vars: encodeVars(vars) });
  }
}
const features = [...FEATURES, ...REGEX, ...EDGES];
for (const [id, expression, vars, now] of features) {
  const v: Vector = { id: `feature.${id}`, expression, vars: encodeVars(vars ?? {}) };
  if (now !== undefined) v.now = now;
  vectors.push(v);
}

const ids = new Set<string>();
for (const v of vectors) {
  if (ids.has(v.id)) throw new Error(`duplicate vector id ${v.id}`);
  ids.add(v.id);
}
writeFileSync(join(here, 'vectors.json'), `${JSON.stringify(vectors, null, 1)}\n`);
console.log(`${vectors.length} vectors (${expressions.size} example expressions, ${features.length} features)`);
