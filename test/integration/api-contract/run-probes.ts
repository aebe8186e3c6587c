import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { Probe, ProbeContext } from './probes.ts';

/**
 * Runs the probe script against one API and reduces every answer to what the contract is
 * about: status, the headers a client reads, and the body with ids, request ids and times
 * replaced by their shape, so two servers' answers compare field by field.
 */

export interface NormalisedAnswer {
  probe: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface ProbeRun {
  answers: NormalisedAnswer[];
  /**
   * `<method>\t<field path>` -> the finest precision class of the times found there over the
   * whole run (one sample can lose digits to Go's trailing-zero trimming; many cannot all).
   */
  precision: Map<string, string>;
}

const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

export async function runProbes(baseUrl: string, probes: Probe[], run: string): Promise<ProbeRun> {
  const vars: Record<string, string> = { run };
  const sent = new Set<string>();
  const ctx: ProbeContext = {
    vars,
    time: (offsetMs = 0) => {
      // Sub-millisecond digits that are never 0, so truncation to microseconds always shows
      // six digits and nanoseconds nine (Go drops trailing zeros).
      const iso = new Date(Date.now() + offsetMs).toISOString();
      const sub = Array.from({ length: 6 }, () => 1 + Math.floor(Math.random() * 9)).join('');
      const t = `${iso.slice(0, 20)}${iso.slice(20, 23).replace(/0$/, '1')}${sub}Z`;
      sent.add(t);
      return t;
    },
  };
  const answers: NormalisedAnswer[] = [];
  const precision = new Map<string, string>();
  for (const probe of probes) {
    const path = fill(probe.path, vars);
    const rawBody = typeof probe.body === 'function' ? probe.body(ctx) : probe.body;
    const body =
      rawBody === undefined
        ? undefined
        : typeof rawBody === 'string'
          ? fill(rawBody, vars)
          : JSON.stringify(fillDeep(rawBody, vars));
    const res = await send(baseUrl, probe.method, path, probe.headers ?? {}, body);
    let json: unknown = res.text;
    if (/json/.test(res.headers['content-type'] ?? '') && res.text !== '') {
      try {
        json = JSON.parse(res.text);
      } catch {
        json = `<unparsable: ${res.text.slice(0, 80)}>`;
      }
    }
    const order = probe.itemsOrderedBy;
    if (order !== undefined && isObject(json) && Array.isArray(json['items'])) {
      json['items'].sort((a: unknown, b: unknown) =>
        String(dig(a, order)).localeCompare(String(dig(b, order))),
      );
    }
    for (const [name, at] of Object.entries(probe.capture ?? {})) {
      const v = dig(json, at);
      if (typeof v === 'string') vars[name] = v;
    }
    const requestId = res.headers['x-request-id'];
    const names = Object.entries(vars).sort((a, b) => b[1].length - a[1].length);
    const normaliseString = (s: string, field: string): string => {
      if (requestId !== undefined && s === requestId) return '<request-id>';
      const time = RFC3339.exec(s);
      if (time) {
        const digits = time[2]?.length ?? 0;
        const key = `${probe.method}\t${field}`;
        const cls = digits === 0 ? 's' : digits <= 3 ? 'ms' : digits <= 6 ? 'us' : 'ns';
        precision.set(key, maxClass(precision.get(key), cls));
        return sent.has(s) ? '<time: as sent>' : '<time>';
      }
      let out = s;
      for (const [name, value] of names) out = out.split(value).join(`{${name}}`);
      if (UUIDV7.test(out)) return '<uuidv7>';
      if (UUID.test(out)) return '<uuid>';
      return out;
    };
    answers.push({
      probe: probe.name,
      status: res.status,
      headers: {
        'content-type': res.headers['content-type'] ?? '<none>',
        'content-encoding': res.headers['content-encoding'] ?? '<none>',
        vary: res.headers['vary'] ?? '<none>',
        'x-request-id': requestId === undefined ? '<none>' : UUIDV7.test(requestId) ? '<uuidv7>' : '<other>',
      },
      body: normalise(json, '', normaliseString),
    });
  }
  return { answers, precision };
}

const CLASS_ORDER = ['s', 'ms', 'us', 'ns'];
function maxClass(a: string | undefined, b: string): string {
  if (a === undefined) return b;
  return CLASS_ORDER.indexOf(a) >= CLASS_ORDER.indexOf(b) ? a : b;
}

function normalise(v: unknown, field: string, str: (s: string, field: string) => string): unknown {
  if (typeof v === 'string') return str(v, field);
  if (Array.isArray(v)) return v.map((x) => normalise(x, `${field}[]`, str));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      out[k] = normalise((v as Record<string, unknown>)[k], field === '' ? k : `${field}.${k}`, str);
    }
    return out;
  }
  return v;
}

function fill(s: string, vars: Record<string, string>): string {
  return s.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
}

function fillDeep(v: unknown, vars: Record<string, string>): unknown {
  if (typeof v === 'string') return fill(v, vars);
  if (Array.isArray(v)) return v.map((x) => fillDeep(x, vars));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fillDeep(x, vars)]));
  }
  return v;
}

function dig(v: unknown, path: string): unknown {
  let cur = v;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

function send(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, baseUrl),
      {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        signal: AbortSignal.timeout(15_000),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const gz = res.headers['content-encoding'] === 'gzip';
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: out,
            text: (gz ? gunzipSync(raw) : raw).toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface Difference {
  probe: string;
  /** `status`, `headers.vary`, `body.status.conditions[0].reason`, `precision <field>`... */
  path: string;
  real: unknown;
  double: unknown;
}

/** Every place where the two runs' answers differ. */
export function compareRuns(real: ProbeRun, double: ProbeRun): Difference[] {
  const out: Difference[] = [];
  for (const [i, r] of real.answers.entries()) {
    const d = double.answers[i];
    if (!d) continue;
    if (r.status !== d.status) out.push({ probe: r.probe, path: 'status', real: r.status, double: d.status });
    for (const h of Object.keys(r.headers)) {
      if (r.headers[h] !== d.headers[h]) {
        out.push({ probe: r.probe, path: `headers.${h}`, real: r.headers[h], double: d.headers[h] });
      }
    }
    diff(r.body, d.body, 'body', (path, a, b) => out.push({ probe: r.probe, path, real: a, double: b }));
  }
  for (const [key, cls] of real.precision) {
    const other = double.precision.get(key);
    if (other !== undefined && other !== cls) {
      const [method = '', field = ''] = key.split('\t');
      out.push({ probe: `every ${method}`, path: `precision ${field}`, real: cls, double: other });
    }
  }
  return out;
}

function diff(a: unknown, b: unknown, path: string, emit: (p: string, a: unknown, b: unknown) => void): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) emit(`${path}.length`, a.length, b.length);
    for (let i = 0; i < Math.min(a.length, b.length); i++) diff(a[i], b[i], `${path}[${i}]`, emit);
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(k in b)) emit(`${path}.${k}`, a[k], '<absent>');
      else if (!(k in a)) emit(`${path}.${k}`, '<absent>', b[k]);
      else diff(a[k], b[k], `${path}.${k}`, emit);
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) emit(path, a, b);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
