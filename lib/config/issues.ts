/**
 * zod issues -> ConfigProblems a person can act on: located on the YAML node (through the
 * source tree), worded in config terms ("`discovery` is required", "unknown key `byname`
 * (did you mean `by_name`?)"), every issue kept.
 */
import type { z } from 'zod';
import { camelToSnake } from './aliases.ts';
import type { ConfigProblem } from './errors.ts';
import { allowedKeys, schemaAt } from './schema-walk.ts';
import { formatPath, locate, type SourceNode, valueAt } from './source.ts';
import { closest } from './suggest.ts';

export interface ProblemContext {
  file: string;
  root: SourceNode;
  /** Schema the issue paths are relative to (for allowed-key hints). */
  schema: z.ZodType;
  /** The value that was validated (for the offending value in messages). */
  value: unknown;
  /** Path of the validated value inside the file (["spec"] for the wrapped form). */
  prefix: (string | number)[];
}

type Issue = z.core.$ZodIssue;

/** A problem at `path` (relative to the validated value), located through the source tree. */
export function problemAt(
  ctx: ProblemContext,
  path: readonly (string | number)[],
  message: string,
  options: { hint?: string | undefined; atKey?: boolean } = {},
): ConfigProblem {
  const full = [...ctx.prefix, ...path];
  const { node, depth } = locate(ctx.root, full);
  const exact = depth === full.length;
  const pos = (options.atKey || !exact ? node.keyPos : undefined) ?? node.pos;
  const origin = exact && node.origin ? node.origin : undefined;
  return {
    file: ctx.file,
    path: formatPath(full),
    line: pos.line,
    column: pos.column,
    message: origin ? `${message} (value from ${origin})` : message,
    ...(options.hint ? { hint: options.hint } : {}),
  };
}

export function problemsFromZod(issues: readonly Issue[], ctx: ProblemContext): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) mapIssue(issue, [], ctx, out);
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function keyName(path: readonly (string | number)[]): string {
  const last = path[path.length - 1];
  return typeof last === 'string' ? `\`${last}\`` : 'this value';
}

function mapIssue(issue: Issue, base: PropertyKey[], ctx: ProblemContext, out: ConfigProblem[]): void {
  const path = [...base, ...issue.path].filter(
    (s): s is string | number => typeof s === 'string' || typeof s === 'number',
  );
  const actual = valueAt(ctx.value, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const here = schemaAt(ctx.schema, path);
      const allowed = (here && allowedKeys(here)) ?? [];
      const present = new Set(Object.keys((actual as Record<string, unknown>) ?? {}));
      const free = allowed.filter((k) => !present.has(k));
      for (const key of issue.keys) {
        const guess = closest(key, free) ?? closest(camelToSnake(key), free);
        out.push(
          problemAt(ctx, [...path, key], `unknown key \`${key}\``, {
            atKey: true,
            hint: guess ? `did you mean \`${guess}\`?` : `allowed here: ${allowed.join(', ')}`,
          }),
        );
      }
      return;
    }
    case 'invalid_type': {
      if (actual === undefined) {
        out.push(problemAt(ctx, path, `${keyName(path)} is required`));
      } else {
        out.push(problemAt(ctx, path, `expected ${issue.expected}, got ${describe(actual)}`));
      }
      return;
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      const guess = typeof actual === 'string' ? closest(actual, values) : undefined;
      out.push(
        problemAt(ctx, path, `invalid value ${describe(actual)}: must be one of ${values.join(', ')}`, {
          hint: guess ? `did you mean \`${guess}\`?` : undefined,
        }),
      );
      return;
    }
    case 'invalid_union': {
      // Report the branch that matches the value's shape (a map vs a string), not "invalid input".
      if (actual === undefined) {
        out.push(problemAt(ctx, path, `${keyName(path)} is required`));
        return;
      }
      const branches = issue.errors;
      const shaped = branches.find((b) => !b.some((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (shaped) {
        for (const inner of shaped) mapIssue(inner, path, ctx, out);
      } else {
        const expected = branches
          .flatMap((b) =>
            b.filter((i) => i.code === 'invalid_type').map((i) => (i as { expected: string }).expected),
          )
          .join(' or ');
        out.push(problemAt(ctx, path, `expected ${expected || 'another type'}, got ${describe(actual)}`));
      }
      return;
    }
    case 'too_small': {
      if (issue.origin === 'string' && Number(issue.minimum) === 1) {
        out.push(problemAt(ctx, path, `${keyName(path)} must not be empty`));
      } else {
        out.push(
          problemAt(ctx, path, `${issue.message.replace(/^Too small: /, '')}, got ${describe(actual)}`),
        );
      }
      return;
    }
    case 'custom': {
      const params = (issue.params ?? {}) as { hint?: string; file?: string; line?: number; column?: number };
      if (params.file !== undefined) {
        out.push({
          file: params.file,
          path: formatPath([...ctx.prefix, ...path]),
          line: params.line ?? 0,
          column: params.column ?? 0,
          message: issue.message,
          ...(params.hint ? { hint: params.hint } : {}),
        });
        return;
      }
      out.push(problemAt(ctx, path, issue.message, { hint: params.hint }));
      return;
    }
    default:
      out.push(problemAt(ctx, path, issue.message.replace(/^Invalid input: /, '')));
  }
}
