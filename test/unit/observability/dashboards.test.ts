import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../../lib/observability/metrics.ts';
import { goAdapterSource } from '../../stack/go-adapter.ts';
import { type Harness, sentinelEvent, startHarness } from '../../support/function-harness.ts';

// The shipped Grafana dashboard and alert rules hold up against what a served function
// exposes: every metric they query is in its scrape, every label they match, group or join
// on is one that metric has, and every literal label value they match occurs in the scrape.

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const MONITORING = path.join(ROOT, 'knative', 'monitoring');
const IDENTITY_LABELS = ['component', 'version', 'adapter_name'];

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
  templating: { list: { name: string; query?: unknown }[] };
}

function dashboardQueries(file: string): { where: string; expr: string }[] {
  const d = JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
  const out: { where: string; expr: string }[] = [];
  for (const p of d.panels)
    for (const t of p.targets) out.push({ where: `panel "${p.title}"`, expr: t.expr });
  for (const v of d.templating.list) {
    const q = v.query;
    const text = typeof q === 'string' ? q : (q as { query?: string } | undefined)?.query;
    if (text?.startsWith('label_values(')) out.push({ where: `variable ${v.name}`, expr: text });
  }
  return out;
}

function alertExpressions(): { where: string; expr: string; alert: string }[] {
  const rule = parse(readFileSync(path.join(MONITORING, 'alerts.yaml'), 'utf8')) as {
    spec: { groups: { rules: { alert: string; expr: string }[] }[] };
  };
  return rule.spec.groups.flatMap((g) =>
    g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr, alert: r.alert })),
  );
}

/** Metric selectors, matchers and grouping labels of one PromQL expression. */
function analyse(expr: string) {
  const selectors: { name: string; matchers: { label: string; op: string; value: string }[] }[] = [];
  for (const m of expr.matchAll(/\b((?:hyperfleet|faas)_[A-Za-z0-9_:]*)\s*(\{[^}]*\})?/g)) {
    const matchers = [...(m[2] ?? '').matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map((x) => ({
      label: x[1] as string,
      op: x[2] as string,
      value: x[3] as string,
    }));
    selectors.push({ name: m[1] as string, matchers });
  }
  const grouping: string[] = [];
  for (const m of expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g))
    grouping.push(
      ...(m[1] as string)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  for (const m of expr.matchAll(/label_values\(\s*[\w:]+\s*,\s*(\w+)\s*\)/g)) grouping.push(m[1] as string);
  return { selectors, grouping };
}

/** A scrape: for each metric name, its TYPE and its series' label sets. */
function parseScrape(text: string) {
  const types = new Map<string, string>();
  const series = new Map<string, Record<string, string>[]>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) types.set(type[1] as string, type[2] as string);
    if (line.startsWith('#') || line === '') continue;
    const m = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1] as string] = l[2] as string;
    const list = series.get(m[1] as string) ?? [];
    list.push(labels);
    series.set(m[1] as string, list);
  }
  return { types, series };
}

/** Every label each of our metrics is declared with (series may not exist yet), identity labels included. */
function declaredLabels(): Map<string, Set<string>> {
  const declared = new Map<string, Set<string>>();
  for (const metric of createMetrics().registry.getMetricsAsArray()) {
    const own = (metric as unknown as { name: string; labelNames: string[] }).labelNames ?? [];
    declared.set((metric as unknown as { name: string }).name, new Set([...own, ...IDENTITY_LABELS]));
  }
  return declared;
}

let h: Harness;
let scrape: ReturnType<typeof parseScrape>;

beforeAll(async () => {
  h = await startHarness();
  h.api.putCluster({ id: 'd-ready', name: 'ready', generation: 1, spec: { ready: true } });
  // The answers the rules select on: handled, unprocessable (the API refuses the status),
  // retry (the API is down), rejected (no id); and failed executions.
  expect((await h.fn.send(sentinelEvent('d-ready'))).status).toBe(200);
  h.api.failNext(1, 400, { method: 'PUT' });
  expect((await h.fn.send(sentinelEvent('d-ready'))).status).toBe(422);
  await h.api.setDown(true);
  try {
    expect((await h.fn.send(sentinelEvent('d-ready'))).status).toBe(503);
  } finally {
    await h.api.setDown(false);
  }
  const noId = sentinelEvent('x');
  delete (noId['data'] as Record<string, unknown>)['id'];
  expect((await h.fn.send(noId)).status).toBe(400);
  scrape = parseScrape(await h.fn.metrics());
});

afterAll(async () => {
  await h?.close();
});

const QUERIES = [...dashboardQueries(path.join(MONITORING, 'dashboard.json')), ...alertExpressions()];

describe('every dashboard query and alert expression matches the served metrics', () => {
  it.each(QUERIES.map((q) => [q.where, q.expr]))('%s', (_where, expr) => {
    const declared = declaredLabels();
    const { selectors, grouping } = analyse(expr);
    expect(selectors.length, 'a query that names no metric of ours').toBeGreaterThan(0);
    const available = new Set<string>();
    for (const s of selectors) {
      const suffix = /_(bucket|count|sum)$/.exec(s.name);
      const base =
        suffix && declared.has(s.name.slice(0, -suffix[0].length))
          ? s.name.slice(0, -suffix[0].length)
          : s.name;
      expect(scrape.types.has(base), `${base} is not in the scrape`).toBe(true);
      const labels = new Set(declared.get(base) ?? []);
      if (suffix?.[1] === 'bucket') labels.add('le');
      // A metric seen with series contributes what the series carry too.
      for (const series of scrape.series.get(s.name) ?? [])
        for (const l of Object.keys(series)) labels.add(l);
      for (const l of labels) available.add(l);
      for (const m of s.matchers) {
        expect([...labels], `${s.name} has no label ${m.label}`).toContain(m.label);
        const seen = scrape.series.get(s.name) ?? [];
        if (m.value.includes('$') || seen.length === 0 || m.op.startsWith('!')) continue;
        const pattern = m.op === '=~' ? new RegExp(`^(?:${m.value})$`) : undefined;
        const hit = seen.some((series) =>
          pattern ? pattern.test(series[m.label] ?? '') : series[m.label] === m.value,
        );
        expect(hit, `no ${s.name} series with ${m.label}${m.op}"${m.value}"`).toBe(true);
      }
    }
    for (const label of grouping)
      expect([...available], `no metric here has the label ${label}`).toContain(label);
  });
});

describe("the Go adapter's dashboard and alerts carry over", () => {
  it('every metric its dashboard queries is queried by ours', () => {
    const ours = new Set(QUERIES.flatMap((q) => analyse(q.expr).selectors.map((s) => s.name)));
    const go = dashboardQueries(
      path.join(goAdapterSource(), 'charts', 'dashboards', 'hyperfleet-adapter.json'),
    );
    expect(go.length).toBeGreaterThan(8);
    const missing = [...new Set(go.flatMap((q) => analyse(q.expr).selectors.map((s) => s.name)))].filter(
      (n) => !ours.has(n),
    );
    expect(missing).toEqual([]);
  });

  it('every alert it recommends is ours too, or replaced for a reason written beside it', () => {
    const doc = readFileSync(path.join(goAdapterSource(), 'docs', 'alerts.md'), 'utf8');
    const goAlerts = [...doc.matchAll(/^alert: (\w+)/gm)].map((m) => m[1] as string);
    expect(goAlerts.length).toBeGreaterThanOrEqual(6);
    const ours = new Set(alertExpressions().map((a) => a.alert));
    const rules = readFileSync(path.join(MONITORING, 'alerts.yaml'), 'utf8');
    // A Go alert we do not ship is named in a comment saying why.
    const unexplained = goAlerts.filter(
      (a) => !ours.has(a) && !new RegExp(`^\\s*#.*\\b${a}\\b`, 'm').test(rules),
    );
    expect(unexplained).toEqual([]);
  });
});
