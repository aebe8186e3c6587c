import { AdapterError } from '../errors.ts';

/** One thing wrong with a config, located in the file a human has to edit. */
export interface ConfigProblem {
  /** The file to edit (a config file or a referenced manifest); `<env>`/`<flags>` for overrides. */
  file: string;
  /** Normalized (snake_case) path, e.g. "resources[1].discovery.by_name"; "" for the whole file. */
  path: string;
  /** 1-based; 0 when the problem has no place in a file (e.g. the file is missing). */
  line: number;
  column: number;
  message: string;
  hint?: string;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  const path = p.path === '' ? '' : ` ${p.path}:`;
  const hint = p.hint ? ` (${p.hint})` : '';
  return `${where}${path} ${p.message}${hint}`;
}

/** Problems in file order, so a reader fixes them top to bottom. */
export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/**
 * Every problem found in one load, not just the first (the Go adapter stops at one).
 * Bad config never becomes good by retrying, hence not retryable.
 */
export class ConfigError extends AdapterError {
  readonly problems: ConfigProblem[];
  /** What would only have been warned about, had the config loaded. */
  readonly warnings: ConfigProblem[];

  constructor(problems: ConfigProblem[], warnings: ConfigProblem[] = []) {
    const sorted = sortProblems(problems);
    const n = sorted.length;
    super(
      'CONFIG_INVALID',
      `invalid configuration (${n} problem${n === 1 ? '' : 's'}):\n${sorted.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    );
    this.problems = sorted;
    this.warnings = sortProblems(warnings);
  }
}
