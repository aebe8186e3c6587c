import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCel, compileCel } from '../../../lib/cel/index.ts';
import { type ConfigProblem, loadTaskConfig } from '../../../lib/config/index.ts';
import { compileTemplateUncached, TemplateError } from '../../../lib/template/index.ts';

// One config expression must not stall the whole instance: a template or CEL expression that
// would run for hours (or abort V8 on memory) fails on its evaluation budget instead, and the
// loader refuses the ones whose text alone shows every run would. Timeouts are generous for a
// loaded machine; the assertions are on the failure, not on the time.
const SLOW = 60_000;

/** `depth` definitions, each calling the next twice: 2^(depth+1) template calls, none writing anything. */
function fanOut(depth: number): string {
  let text = '';
  for (let i = 0; i < depth; i++)
    text += `{{define "t${i}"}}{{template "t${i + 1}" .}}{{template "t${i + 1}" .}}{{end}}`;
  return `${text}{{define "t${depth}"}}{{end}}{{template "t0" .}}`;
}

function renderError(text: string, data: unknown = {}): TemplateError {
  try {
    compileTemplateUncached(text, 'manifest').render(data);
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error('rendered');
}

function taskDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'budgets-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Loads the task config, which must load, and returns its warnings. */
async function loadWarnings(dir: string): Promise<ConfigProblem[]> {
  const warnings: ConfigProblem[] = [];
  await loadTaskConfig(path.join(dir, 'task.yaml'), { env: {}, warnings });
  return warnings;
}

const NESTED_RANGES = 'lists.range(1000000).map(a, lists.range(1000000).map(b, a))';

describe('template render budget', () => {
  it(
    '41 definitions fanning out fail on the node budget, naming the template',
    () => {
      const e = renderError(fanOut(41));
      expect(e.code).toBe('TEMPLATE_EXEC');
      expect(e.reason).toMatch(/^exceeded the limit of \d+ executed template nodes per render$/);
      expect(e.message).toMatch(
        /^template: manifest:1:\d+: executing "t\d+" at <\{\{template "t\d+" \.\}\}>: /,
      );
    },
    SLOW,
  );

  it(
    'a string a function doubles in a range stops at the output cap',
    () => {
      const e = renderError('{{$x := "ab"}}{{range 40}}{{$x = printf "%s%s" $x $x}}{{end}}{{len $x}}');
      expect(e.reason).toMatch(/^error calling printf: result exceeds \d+ characters$/);
    },
    SLOW,
  );

  it('large but legitimate templates render: 10,000 items, and a fan-out of 2^16 calls', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({ name: `n${i}`, on: i % 2 === 0 }));
    const out = compileTemplateUncached(
      '{{range $i, $e := .items}}{{if $e.on}}- {{$e.name}}: {{$i}}\n{{else}}# {{$e.name}}\n{{end}}{{end}}',
    ).render({ items });
    expect(out.split('\n')).toHaveLength(10_001);
    const t = compileTemplateUncached(
      fanOut(15).replace('{{define "t15"}}{{end}}', '{{define "t15"}}x{{end}}'),
    );
    expect(t.overBudget).toBeUndefined();
    expect(t.render({})).toHaveLength(2 ** 15);
  });

  it('only work every render does counts toward refusing a template without rendering it', () => {
    expect(compileTemplateUncached(fanOut(41)).overBudget?.reason).toMatch(/^every render exceeds the limit/);
    // Behind a condition the fan-out may never run: left to the runtime limit.
    const guarded = fanOut(41).replace('{{template "t0" .}}', '{{if .go}}{{template "t0" .}}{{end}}');
    expect(compileTemplateUncached(guarded).overBudget).toBeUndefined();
    expect(compileTemplateUncached(guarded).render({ go: false })).toBe('');
  });
});

describe('CEL evaluation budget', () => {
  it(
    'nested comprehensions over lists.range(1000000) fail on the budget, naming the expression',
    () => {
      const r = compileCel(NESTED_RANGES).evaluate({});
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('CEL_EVAL');
      expect(r.error.reason).toMatch(
        /^map\(\) over 1000000 elements: evaluation exceeds the budget of \d+ steps/,
      );
      expect(r.error.message).toContain(JSON.stringify(NESTED_RANGES));
    },
    SLOW,
  );

  it(
    'an exhausted budget fails the evaluation even where the engine absorbs errors',
    () => {
      for (const expression of [
        `${NESTED_RANGES} == [] || true`,
        'lists.range(1000000).exists(a, lists.range(1000000).size() < 0)',
        'lists.range(1000000).all(a, lists.range(1000000).size() > 0)',
      ]) {
        const r = compileCel(expression).evaluate({});
        expect(r.ok ? r.value : r.error.reason).toMatch(/exceeds the budget of \d+ steps/);
      }
    },
    SLOW,
  );

  it(
    'strings built count too',
    () => {
      const r = compileCel('lists.range(100000).map(i, s + s).size()').evaluate({ s: 'x'.repeat(1000) });
      expect(r.ok ? r.value : r.error.reason).toMatch(
        /^concatenation: evaluation exceeds the budget of \d+ characters/,
      );
    },
    SLOW,
  );

  it('large but legitimate expressions evaluate', () => {
    expect(
      compileCel('lists.range(300).map(a, lists.range(1000).map(b, a + b)).size()').evaluate({}),
    ).toEqual({
      ok: true,
      value: 300n,
    });
    expect(compileCel('lists.range(200000).exists(x, x == 3)').evaluate({})).toEqual({
      ok: true,
      value: true,
    });
    const items = Array.from({ length: 10_000 }, (_, i) => ({ name: `n${i}` }));
    expect(
      compileCel('items.filter(i, i.name.endsWith("7")).map(i, i.name).join(",").size() > 0').evaluate({
        items,
      }),
    ).toEqual({
      ok: true,
      value: true,
    });
  });

  it('validation reports what the text alone shows, and nothing behind a branch', () => {
    expect(checkCel(NESTED_RANGES, {})).toEqual([
      expect.objectContaining({
        kind: 'budget',
        message: expect.stringContaining('every evaluation exceeds'),
      }),
    ]);
    expect(checkCel(`x && ${NESTED_RANGES}.size() > 0`, { x: 'bool' })).toEqual([]);
    expect(checkCel('lists.range(300).map(a, lists.range(1000).map(b, a))', {})).toEqual([]);
    expect(checkCel('lists.range(1000).map(a, lists.range(1000).map(b, a))', {})).toEqual([
      expect.objectContaining({ kind: 'budget' }),
    ]);
  });
});

// The Go adapter loads these and never finishes an event with them: loaded here too, with a
// warning at the path and line (`validate --strict` refuses them), and each event fails on
// the budget instead of stalling the instance.
describe('the config loader on hostile templates and expressions', () => {
  const manifest = (data: string) => `params:
  - name: clusterId
    source: event.id
resources:
  - name: cm
    manifest:
${data}    discovery:
      by_name: x
`;

  it(
    'an inline manifest with the fan-out template loads with a warning at its path and line',
    async () => {
      const dir = taskDir({
        'task.yaml': manifest(
          `      apiVersion: v1\n      kind: ConfigMap\n      metadata: { name: x }\n      data:\n        a: '${fanOut(41)}'\n`,
        ),
      });
      const warnings = await loadWarnings(dir);
      expect(warnings).toEqual([
        expect.objectContaining({
          path: 'resources[0].manifest.data.a',
          line: 11,
          message: expect.stringMatching(
            /^template: .*every render exceeds the limit of \d+ executed.*Go adapter/,
          ),
        }),
      ]);
    },
    SLOW,
  );

  it(
    'a manifest ref file with the fan-out template warns in that file, at its line',
    async () => {
      const dir = taskDir({
        'cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: '${fanOut(41)}'\n`,
        'task.yaml': manifest('      ref: cm.yaml\n'),
      });
      const warnings = await loadWarnings(dir);
      expect(warnings).toEqual([
        expect.objectContaining({
          file: path.join(dir, 'cm.yaml'),
          path: 'resources[0].manifest.ref',
          line: 6,
          message: expect.stringContaining('every render exceeds the limit'),
        }),
      ]);
    },
    SLOW,
  );

  it(
    'a precondition expression over nested huge ranges loads with a warning',
    async () => {
      const dir = taskDir({
        'task.yaml': `params:
  - name: clusterId
    source: event.id
preconditions:
  - name: hostile
    expression: "${NESTED_RANGES}.size() > 0"
`,
      });
      const warnings = await loadWarnings(dir);
      expect(warnings).toEqual([
        expect.objectContaining({
          path: 'preconditions[0].expression',
          message: expect.stringMatching(/^CEL: .*every evaluation exceeds the budget/),
        }),
      ]);
    },
    SLOW,
  );
});
