/**
 * The exceptions file: each entry names inputs (an id, or a pattern with `*`), optionally the
 * fields it covers (patterns on the difference path), a class and a reason. Checked both
 * ways: every difference must be covered, and every entry must still cover a difference
 * (an entry that covers nothing is stale and fails the suite, like the CEL exceptions).
 */
import { readFileSync } from 'node:fs';
import type { Difference } from './compare.ts';

/**
 * `go-bug-fixed`: Go does something wrong that we do right (the reason says what Go does);
 * `cosmetic`: only the output's format differs; `pending`: a difference of ours that work in
 * another area is fixing (the `cause` names it) and that must go once that lands.
 */
export type ExceptionClass = 'go-bug-fixed' | 'cosmetic' | 'pending';

export interface ExceptionEntry {
  /** An input id or pattern (`*` matches anything), or several. */
  input: string | string[];
  /** Difference paths this entry covers (patterns with `*`); all of them when absent. */
  fields?: string[];
  class: ExceptionClass;
  /** For go-bug-fixed: what Go does wrong. For cosmetic: which output format differs. */
  reason: string;
  /** When the difference comes from work still to land elsewhere: what causes it (remove the entry once fixed). */
  cause?: string;
  /** The difference depends on timing (a clock read by each run): it may or may not show, so it is never stale. */
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

export class Exceptions {
  readonly entries: ExceptionEntry[];
  private readonly matchers: { inputs: RegExp[]; fields?: RegExp[] }[];
  private readonly used: number[];
  private readonly inputsCovered: Set<string>[];

  constructor(entries: ExceptionEntry[]) {
    for (const [i, e] of entries.entries()) {
      if (e.class !== 'go-bug-fixed' && e.class !== 'cosmetic' && e.class !== 'pending')
        throw new Error(`exceptions[${i}] (${e.input}): class must be go-bug-fixed, cosmetic or pending`);
      if (!e.reason || e.reason.trim().length < 10)
        throw new Error(`exceptions[${i}] (${e.input}): a reason is required`);
      if (e.class === 'pending' && !e.cause)
        throw new Error(`exceptions[${i}] (${e.input}): a pending entry names its cause`);
    }
    this.entries = entries;
    this.matchers = entries.map((e) => ({
      inputs: (Array.isArray(e.input) ? e.input : [e.input]).map(glob),
      ...(e.fields ? { fields: e.fields.map(glob) } : {}),
    }));
    this.used = entries.map(() => 0);
    this.inputsCovered = entries.map(() => new Set<string>());
  }

  static load(path: string): Exceptions {
    const json = JSON.parse(readFileSync(path, 'utf8')) as { exceptions: ExceptionEntry[] };
    return new Exceptions(json.exceptions);
  }

  /**
   * The differences no entry covers; records which entries covered something. Entries that
   * name fields are tried first: an entry for a whole input only answers for what no
   * field-specific entry explains, so it goes stale once its own difference is gone.
   */
  uncovered(inputId: string, diffs: Difference[]): Difference[] {
    let left = diffs;
    for (const specific of [true, false]) {
      const next: Difference[] = [];
      for (const d of left) {
        let covered = false;
        this.matchers.forEach((m, i) => {
          if ((m.fields !== undefined) !== specific) return;
          if (!m.inputs.some((r) => r.test(inputId))) return;
          if (m.fields && !m.fields.some((f) => f.test(d.path))) return;
          covered = true;
          this.used[i] = (this.used[i] ?? 0) + 1;
          this.inputsCovered[i]?.add(inputId);
        });
        if (!covered) next.push(d);
      }
      left = next;
    }
    return left;
  }

  /** Per entry: how many inputs and differences it covered in this run. */
  coverage(): { entry: ExceptionEntry; inputs: number; differences: number }[] {
    return this.entries.map((entry, i) => ({
      entry,
      inputs: this.inputsCovered[i]?.size ?? 0,
      differences: this.used[i] ?? 0,
    }));
  }

  /** Entries that covered no difference in this run: stale (or naming inputs that do not exist). */
  stale(): ExceptionEntry[] {
    return this.entries.filter((e, i) => this.used[i] === 0 && e.nondeterministic !== true);
  }
}
