/**
 * The dry-run trace as a person reads it: each phase, what it decided and why, every API
 * request and transport operation, and the status payloads sent. Only the config's own
 * params are listed (not `config`, `env`, `event`): nothing beyond what the adapter declared.
 */
import type { RecordedApiRequest } from '../dryrun/api-responses.ts';
import type { ExecutionResult } from '../executor/executor.ts';
import type { TransportRecord } from '../transport/memory.ts';
import type { KubeObject } from '../transport/types.ts';

export interface DryRunReport {
  adapter: string;
  event: { id: string; type: string; data: Record<string, unknown> };
  result: ExecutionResult;
  apiRequests: RecordedApiRequest[];
  transportOperations: TransportRecord[];
  /** Every manifest as rendered, by resource, in order (also those an unchanged generation skipped). */
  rendered: { resource: string; object: KubeObject }[];
}

const BUILTIN_PARAMS = new Set(['adapter', 'config', 'env', 'event']);

function show(v: unknown, max = 160): string {
  let s: string;
  if (typeof v === 'string') s = JSON.stringify(v);
  else if (typeof v === 'bigint') s = `${v}`;
  else s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function formatText(report: DryRunReport, verbose: boolean): string {
  const r = report.result;
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  line(
    `Dry run of adapter ${report.adapter} for event ${report.event.id || '(no id)'} (${report.event.type || 'no type'})`,
  );
  line();
  line('1. Params');
  const payloadNames = new Set(Object.keys(r.payloads));
  for (const [name, value] of Object.entries(r.params)) {
    if (BUILTIN_PARAMS.has(name) || payloadNames.has(name)) continue;
    line(`   ${name} = ${show(value)}`);
  }
  if (r.errors.param_extraction) line(`   FAILED: ${r.errors.param_extraction.message}`);
  line();
  line('2. Preconditions');
  if (r.preconditions.length === 0) line('   (none)');
  for (const p of r.preconditions) {
    const mark = p.error ? 'FAILED' : p.matched ? 'MET' : 'NOT MET';
    line(`   ${p.name}: ${mark}${p.apiCallMade ? ' (API call made)' : ''}`);
    for (const c of p.conditions ?? []) {
      const expected = c.operator === 'exists' ? '' : ` ${show(c.expected)}`;
      line(`     ${c.matched ? '✓' : '✗'} ${c.field} ${c.operator}${expected} (actual: ${show(c.actual)})`);
    }
    if (p.expression)
      line(
        `     expression -> ${show(p.expression.value)}${p.expression.error ? ` (error: ${p.expression.error})` : ''}`,
      );
    for (const [k, v] of Object.entries(p.captured)) line(`     captured ${k} = ${show(v)}`);
    if (p.error) line(`     error: ${p.error}`);
  }
  line();
  line('3. Resources');
  if (r.resourcesSkipped && r.resources.length === 0) line(`   skipped: ${r.skipReason}`);
  for (const res of r.resources) {
    const where = res.transport === 'maestro' ? `maestro -> ${res.target ?? '?'}` : 'kubernetes';
    const what = res.kind
      ? `${res.kind} ${res.namespace ? `${res.namespace}/` : ''}${res.resourceName ?? ''}`
      : '';
    line(
      `   ${res.name} [${where}] ${res.operation ?? res.status} ${what}${res.reason ? ` (${res.reason})` : ''}`,
    );
    if (res.error) line(`     error: ${res.error}`);
  }
  line();
  line('4. Post');
  for (const [name, payload] of Object.entries(r.payloads)) {
    line(`   payload ${name}:`);
    for (const l of JSON.stringify(payload, (_k, x) => (typeof x === 'bigint' ? Number(x) : x), 2).split(
      '\n',
    )) {
      line(`     ${l}`);
    }
  }
  for (const a of r.postActions) {
    const req = a.request ? ` ${a.request.method} ${a.request.url}` : '';
    line(
      `   action ${a.name}: ${a.status}${req}${a.httpStatus ? ` -> ${a.httpStatus}` : ''}${a.skipReason ? ` (${a.skipReason})` : ''}`,
    );
    if (a.error) line(`     error: ${a.error}`);
  }
  line();
  line(`API requests (${report.apiRequests.length})`);
  for (const q of report.apiRequests) {
    line(`   ${q.method} ${q.url} -> ${q.status}`);
    if (verbose && q.body !== undefined) for (const l of pretty(q.body).split('\n')) line(`     ${l}`);
  }
  line();
  line(`Transport operations (${report.transportOperations.length})`);
  for (const op of report.transportOperations) {
    const target = op.target ? ` @${op.target}` : '';
    const name = op.name ?? (op.labelSelector ? `selector ${show(op.labelSelector)}` : '');
    line(
      `   ${op.client}${target} ${op.operation} ${op.kind} ${op.namespace ? `${op.namespace}/` : ''}${name} -> ${op.outcome}`,
    );
    if (verbose && op.object) {
      for (const l of JSON.stringify(op.object, null, 2).split('\n')) line(`     ${l}`);
    }
  }
  line();
  const failed = Object.entries(r.errors).map(([phase, e]) => `${phase}: ${e?.message}`);
  line(
    r.status === 'success'
      ? `Result: success${r.resourcesSkipped ? ` (resources skipped: ${r.skipReason})` : ''}`
      : `Result: FAILED\n   ${failed.join('\n   ')}`,
  );
  return `${out.join('\n')}\n`;
}
