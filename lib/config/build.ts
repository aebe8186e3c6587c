/**
 * A payload `build` tree, classified once at load time so the executor never re-guesses:
 * a map holding `field` or `expression` (plus optional `default`) is a computed value, any
 * other string is a Go template, maps and lists recurse, other scalars are literals.
 */
import { LineCounter, parseDocument } from 'yaml';
import { describeYamlError } from './source.ts';

export type BuildValue =
  | { kind: 'field'; field: string; default?: unknown }
  | { kind: 'expression'; expression: string; default?: unknown }
  | { kind: 'template'; template: string }
  | { kind: 'literal'; value: number | boolean | null }
  | { kind: 'map'; entries: Record<string, BuildValue> }
  | { kind: 'list'; items: BuildValue[] };

export interface BuildIssue {
  path: (string | number)[];
  message: string;
  /** Only for issues inside a build_ref file (1-based). */
  line?: number;
  column?: number;
}

const COMPUTED_KEYS = new Set(['field', 'expression', 'default']);

/** Recursion deeper than this is a config mistake (or a YAML bomb), not a payload. */
const MAX_DEPTH = 64;

export function toBuildValue(
  input: { kind: 'value'; value: unknown } | { kind: 'text'; text: string; file: string },
  report: (issue: BuildIssue) => void,
): BuildValue {
  if (input.kind === 'value') return convert(input.value, [], report, 0);
  const lineCounter = new LineCounter();
  const doc = parseDocument(input.text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError) {
    const at = lineCounter.linePos(firstError.pos[0]);
    report({ path: [], message: describeYamlError(firstError.code, firstError.message), ...lineAt(at) });
    return { kind: 'literal', value: null };
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    report({ path: [], message: 'a build_ref file must hold a YAML mapping', line: 1, column: 1 });
    return { kind: 'literal', value: null };
  }
  return convert(value, [], report, 0);
}

function lineAt(at: { line: number; col: number }): { line: number; column: number } {
  return { line: at.line, column: at.col };
}

function convert(
  value: unknown,
  path: (string | number)[],
  report: (issue: BuildIssue) => void,
  depth: number,
): BuildValue {
  if (depth > MAX_DEPTH) {
    report({ path, message: `build tree nested deeper than ${MAX_DEPTH} levels` });
    return { kind: 'literal', value: null };
  }
  if (typeof value === 'string') return { kind: 'template', template: value };
  if (value === null || value === undefined) return { kind: 'literal', value: null };
  if (typeof value === 'number' || typeof value === 'boolean') return { kind: 'literal', value };
  if (Array.isArray(value)) {
    return { kind: 'list', items: value.map((item, i) => convert(item, [...path, i], report, depth + 1)) };
  }
  if (typeof value === 'object') {
    const map = value as Record<string, unknown>;
    const computed = asComputed(map, path, report);
    if (computed) return computed;
    const entries: Record<string, BuildValue> = {};
    for (const [key, child] of Object.entries(map)) {
      Object.defineProperty(entries, key, {
        value: convert(child, [...path, key], report, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return { kind: 'map', entries };
  }
  report({ path, message: `unsupported value of type ${typeof value}` });
  return { kind: 'literal', value: null };
}

function asComputed(
  map: Record<string, unknown>,
  path: (string | number)[],
  report: (issue: BuildIssue) => void,
): BuildValue | undefined {
  const field = map['field'];
  const expression = map['expression'];
  if (typeof field !== 'string' && typeof expression !== 'string') return undefined;
  for (const key of Object.keys(map)) {
    if (!COMPUTED_KEYS.has(key)) {
      report({
        path: [...path, key],
        message: `unknown key \`${key}\` in a computed value (allowed: field, expression, default)`,
      });
    }
  }
  const extra = 'default' in map ? { default: map['default'] } : {};
  if (typeof field === 'string' && typeof expression === 'string') {
    report({ path: [...path, 'expression'], message: '`field` and `expression` are mutually exclusive' });
  }
  if (typeof expression === 'string') {
    if (expression.trim() === '')
      report({ path: [...path, 'expression'], message: 'expression must not be empty' });
    return { kind: 'expression', expression, ...extra };
  }
  if ((field as string).trim() === '')
    report({ path: [...path, 'field'], message: 'field must not be empty' });
  return { kind: 'field', field: field as string, ...extra };
}
