/**
 * The live suite's exceptions (exceptions.json beside this file): each entry names scenarios
 * (glob) and difference paths (globs), a class and a reason. Checked both ways: a difference
 * no entry covers fails the run, and so does an entry that covered nothing (stale), unless it
 * is marked `nondeterministic` (the difference depends on when events and agent reports land).
 *
 * Classes: `fix` (ours differs and should not: the fix belongs in lib/, the entry goes once it
 * lands), `go-bug-fixed` (Go does something wrong that ours does right: say what), `cosmetic`
 * (the same meaning in another wording or format).
 */
import { readFileSync } from 'node:fs';
import type { Difference } from './normalize.ts';

export type LiveExceptionClass = 'fix' | 'go-bug-fixed' | 'cosmetic';

export interface LiveException {
  scenario: string;
  fields: string[];
  class: LiveExceptionClass;
  reason: string;
  nondeterministic?: boolean;
}

function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

export class LiveExceptions {
  private readonly used: number[];
  private readonly matchers: { scenario: RegExp; fields: RegExp[] }[];

  readonly entries: LiveException[];

  constructor(entries: LiveException[]) {
    this.entries = entries;
    for (const [i, e] of entries.entries()) {
      if (!['fix', 'go-bug-fixed', 'cosmetic'].includes(e.class))
        throw new Error(`exceptions[${i}] (${e.scenario}): class must be fix, go-bug-fixed or cosmetic`);
      if (!Array.isArray(e.fields) || e.fields.length === 0)
        throw new Error(`exceptions[${i}] (${e.scenario}): fields must list the paths it covers`);
      if (!e.reason || e.reason.trim().length < 20)
        throw new Error(`exceptions[${i}] (${e.scenario}): a reason is required`);
    }
    this.matchers = entries.map((e) => ({ scenario: glob(e.scenario), fields: e.fields.map(glob) }));
    this.used = entries.map(() => 0);
  }

  static load(path: string): LiveExceptions {
    return new LiveExceptions(
      (JSON.parse(readFileSync(path, 'utf8')) as { exceptions: LiveException[] }).exceptions,
    );
  }

  /** Splits differences into covered (with the entry's class) and uncovered. */
  classify(
    scenario: string,
    diffs: Difference[],
  ): { covered: [Difference, LiveException][]; uncovered: Difference[] } {
    const covered: [Difference, LiveException][] = [];
    const uncovered: Difference[] = [];
    for (const d of diffs) {
      let hit: LiveException | undefined;
      this.matchers.forEach((m, i) => {
        if (!m.scenario.test(scenario) || !m.fields.some((f) => f.test(d.path))) return;
        this.used[i] = (this.used[i] ?? 0) + 1;
        hit ??= this.entries[i];
      });
      if (hit) covered.push([d, hit]);
      else uncovered.push(d);
    }
    return { covered, uncovered };
  }

  /** Entries that covered nothing in a full run. */
  stale(): LiveException[] {
    return this.entries.filter((e, i) => this.used[i] === 0 && e.nondeterministic !== true);
  }
}
