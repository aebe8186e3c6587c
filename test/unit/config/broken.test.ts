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
  problems: ExpectedProblem[];
  env?: Record<string, string>;
  mounts?: Record<string, string>;
}

async function problemsOf(caseDir: string, expected: Expected): Promise<ConfigProblem[]> {
  const pick = (name: string) =>
    existsSync(path.join(caseDir, name)) ? path.join(caseDir, name) : path.join(FIXTURES, 'good', name);
  const mounts = Object.fromEntries(
    Object.entries(expected.mounts ?? {}).map(([target, dir]) => [target, path.join(caseDir, dir)]),
  );
  try {
    await loadConfigPair({
      configFile: pick('adapter-config.yaml'),
      taskConfigFile: pick('task-config.yaml'),
      env: expected.env ?? {},
      mounts,
    });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
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
      const shown = actual.map((p) => ({ ...p, file: path.relative(caseDir, p.file) }));
      expect(shown, JSON.stringify(shown, null, 2)).toHaveLength(expected.problems.length);
      const unmatched = [...shown];
      for (const want of expected.problems) {
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
          `expected ${JSON.stringify(want)} among ${JSON.stringify(unmatched, null, 2)}`,
        ).toBeGreaterThanOrEqual(0);
        unmatched.splice(i, 1);
      }
    });
  }
});
