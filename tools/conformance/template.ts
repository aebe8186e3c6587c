/**
 * Conformance plug-in for lib/template against Go's text/template (tools/oracle/cmd/template).
 * A vector is { id, template, data, now? }; data uses the shared typed-JSON convention:
 * {"$int":"5"} → bigint (int64), {"$time":"RFC3339"} → Date, {"$float":"NaN"} → number.
 */
import { compileTemplate, TemplateError } from '../../lib/template/index.ts';
import type { ConformanceSuite } from '../conformance.ts';

/** Same default clock as the oracle's DefaultNow. */
const DEFAULT_NOW = '2026-01-02T03:04:05Z';

export function decodeTyped(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeTyped);
  if (typeof v !== 'object' || v === null) return v;
  const entries = Object.entries(v);
  if (entries.length === 1) {
    const [k, inner] = entries[0]!;
    if (typeof inner === 'string') {
      if (k === '$int') return BigInt(inner);
      if (k === '$time') return new Date(inner);
      if (k === '$float') return inner === '+Inf' ? Infinity : inner === '-Inf' ? -Infinity : Number(inner);
    }
  }
  return Object.fromEntries(entries.map(([k, e]) => [k, decodeTyped(e)]));
}

export interface TemplateVector {
  id: string;
  template: string;
  data: unknown;
  now?: string;
}

export type TemplateOutcome =
  | { id: string; output: string }
  | { id: string; error: 'parse' | 'exec'; message: string };

/** Renders one vector; errors compare by class and full Go-style message. */
export function runVector(vector: TemplateVector): TemplateOutcome {
  const now = new Date(vector.now ?? DEFAULT_NOW);
  try {
    const t = compileTemplate(vector.template);
    return { id: vector.id, output: t.render(decodeTyped(vector.data), { now: () => now }) };
  } catch (e) {
    if (e instanceof TemplateError) {
      return { id: vector.id, error: e.code === 'TEMPLATE_PARSE' ? 'parse' : 'exec', message: e.message };
    }
    throw e;
  }
}

const suite: ConformanceSuite<TemplateVector, TemplateOutcome> = { name: 'template', run: runVector };
export default suite;
