import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigProblem, loadConfigPair } from '../../../lib/config/index.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/config');
const BROKEN = path.join(FIXTURES, 'broken');

interface ExpectedProblem {
  file: string;
  path: string;
  line: number;
  message: string;
  hint?: string;
}

interface Expected {
  description: string;
  /** Refused (as the Go adapter refuses them too). */
  problems: ExpectedProblem[];
  /** Loaded (as the Go adapter loads them) but reported; absent means none. */
  warnings?: ExpectedProblem[];
  env?: Record<string, string>;
  mounts?: Record<string, string>;
  purpose?: 'serve' | 'dry-run';
}

async function problemsOf(
  caseDir: string,
  expected: Expected,
): Promise<{ problems: ConfigProblem[]; warnings: ConfigProblem[] }> {
  const pick = (name: string) =>
    existsSync(path.join(caseDir, name)) ? path.join(caseDir, name) : path.join(FIXTURES, 'good', name);
  const mounts = Object.fromEntries(
    Object.entries(expected.mounts ?? {}).map(([target, dir]) => [target, path.join(caseDir, dir)]),
  );
  try {
    const loaded = await loadConfigPair({
      configFile: pick('adapter-config.yaml'),
      taskConfigFile: pick('task-config.yaml'),
      env: expected.env ?? {},
      mounts,
      ...(expected.purpose ? { purpose: expected.purpose } : {}),
    });
    return { problems: [], warnings: loaded.warnings };
  } catch (err) {
    if (err instanceof ConfigError) return { problems: err.problems, warnings: err.warnings };
    throw err;
  }
}

function expectAll(actual: ConfigProblem[], expected: ExpectedProblem[], caseDir: string, what: string) {
  const shown = actual.map((p) => ({ ...p, file: path.relative(caseDir, p.file) }));
  expect(shown, `${what}: ${JSON.stringify(shown, null, 2)}`).toHaveLength(expected.length);
  const unmatched = [...shown];
  for (const want of expected) {
    const i = unmatched.findIndex(
      (p) =>
        p.file === want.file &&
        p.path === want.path &&
        p.line === want.line &&
        p.message.includes(want.message) &&
        (want.hint === undefined || (p.hint ?? '').includes(want.hint)),
    );
    expect(
      i,
      `expected ${what} ${JSON.stringify(want)} among ${JSON.stringify(unmatched, null, 2)}`,
    ).toBeGreaterThanOrEqual(0);
    unmatched.splice(i, 1);
  }
}

const cases = readdirSync(BROKEN).sort();

describe('broken configs: every problem, located', () => {
  it('has at least 30 fixtures', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const name of cases) {
    const caseDir = path.join(BROKEN, name);
    const expected = JSON.parse(readFileSync(path.join(caseDir, 'expected.json'), 'utf8')) as Expected;

    it(`${name}: ${expected.description}`, async () => {
      const actual = await problemsOf(caseDir, expected);
      expect(expected.problems.length + (expected.warnings?.length ?? 0)).toBeGreaterThan(0);
      expectAll(actual.problems, expected.problems, caseDir, 'problem');
      expectAll(actual.warnings, expected.warnings ?? [], caseDir, 'warning');
    });
  }
});
