/**
 * Field paths of the adapter language (`field:` in captures, conditions and payloads) are
 * Kubernetes JSONPath expressions: `status.phase`, `.items[0].name`, `{.a.b}`,
 * `status.conditions[?(@.type=="Ready")].status`, `items[*].name`. This evaluates the subset
 * the Go adapter's configs use, with its result rules: no match, or an empty rendering,
 * gives `undefined`; one match gives the value; several give a list.
 */

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'slice'; start?: number; end?: number }
  | { kind: 'filter'; path: string[]; op: '==' | '!=' | 'exists'; literal?: unknown };

export interface FieldResult {
  value: unknown;
  /** Set when the path did not resolve (a missing key, a non-map parent). */
  error?: string;
}

export class JsonPathSyntaxError extends Error {}

const cache = new Map<string, Step[]>();

export function parseFieldPath(field: string): Step[] {
  let path = field.trim();
  const hit = cache.get(path);
  if (hit) return hit;
  if (path === '') throw new JsonPathSyntaxError('empty field path');
  if (path.startsWith('{')) {
    if (!path.endsWith('}')) throw new JsonPathSyntaxError(`unclosed '{' in field path '${field}'`);
    path = path.slice(1, -1).trim();
  }
  if (path.startsWith('$')) path = path.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      i++;
      continue;
    }
    if (c === '[') {
      const end = findClosingBracket(path, i);
      steps.push(parseBracket(path.slice(i + 1, end), field));
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
    const name = path.slice(i, j);
    steps.push(name === '*' ? { kind: 'wildcard' } : { kind: 'field', name });
    i = j;
  }
  if (cache.size > 2000) cache.clear();
  cache.set(field.trim(), steps);
  return steps;
}

function findClosingBracket(path: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < path.length; i++) {
    const c = path[i];
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  throw new JsonPathSyntaxError(`unclosed '[' in field path '${path}'`);
}

function parseBracket(inner: string, field: string): Step {
  const body = inner.trim();
  if (body === '*') return { kind: 'wildcard' };
  if (/^-?\d+$/.test(body)) return { kind: 'index', index: Number(body) };
  const slice = /^(-?\d*):(-?\d*)$/.exec(body);
  if (slice) {
    return {
      kind: 'slice',
      ...(slice[1] ? { start: Number(slice[1]) } : {}),
      ...(slice[2] ? { end: Number(slice[2]) } : {}),
    };
  }
  const quoted = /^(['"])(.*)\1$/.exec(body);
  if (quoted) return { kind: 'field', name: quoted[2] ?? '' };
  const filter = /^\?\(\s*@((?:\.[^.=!\s)]+)+)\s*(?:(==|!=)\s*(.+?))?\s*\)$/.exec(body);
  if (filter) {
    const path = (filter[1] ?? '').split('.').filter((p) => p !== '');
    if (!filter[2]) return { kind: 'filter', path, op: 'exists' };
    return { kind: 'filter', path, op: filter[2] as '==' | '!=', literal: parseLiteral(filter[3] ?? '') };
  }
  throw new JsonPathSyntaxError(`unsupported JSONPath segment '[${inner}]' in field path '${field}'`);
}

function parseLiteral(text: string): unknown {
  const t = text.trim();
  const quoted = /^(['"])(.*)\1$/.exec(t);
  if (quoted) return quoted[2];
  if (t === 'true') return true;
  if (t === 'false') return false;
  const n = Number(t);
  return Number.isNaN(n) ? t : n;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function looseEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') return Number(a) === Number(b);
  return a === b;
}

/** Evaluate a field path against data. Never throws for missing data; throws JsonPathSyntaxError for a bad path. */
export function extractField(data: unknown, field: string): FieldResult {
  const steps = parseFieldPath(field);
  let current: unknown[] = [data];
  let multi = false;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const item of current) {
      switch (step.kind) {
        case 'field': {
          if (!isRecord(item)) {
            if (!multi) return { value: undefined, error: `${step.name} is not found` };
            continue;
          }
          if (!Object.hasOwn(item, step.name)) {
            if (!multi) return { value: undefined, error: `${step.name} is not found` };
            continue;
          }
          next.push(item[step.name]);
          break;
        }
        case 'index': {
          if (!Array.isArray(item)) {
            if (!multi) return { value: undefined, error: `array index ${step.index} on a non-array` };
            continue;
          }
          const idx = step.index < 0 ? item.length + step.index : step.index;
          if (idx < 0 || idx >= item.length) {
            if (!multi) return { value: undefined, error: `array index out of bounds: index ${step.index}` };
            continue;
          }
          next.push(item[idx]);
          break;
        }
        case 'slice':
          multi = true;
          if (Array.isArray(item)) next.push(...item.slice(step.start, step.end));
          break;
        case 'wildcard':
          multi = true;
          if (Array.isArray(item)) next.push(...item);
          else if (isRecord(item))
            next.push(
              ...Object.keys(item)
                .sort()
                .map((k) => item[k]),
            );
          break;
        case 'filter': {
          multi = true;
          if (!Array.isArray(item)) continue;
          for (const el of item) {
            let v: unknown = el;
            let found = true;
            for (const p of step.path) {
              if (isRecord(v) && Object.hasOwn(v, p)) v = v[p];
              else {
                found = false;
                break;
              }
            }
            if (step.op === 'exists' ? found : found && looseEqual(v, step.literal) === (step.op === '=='))
              next.push(el);
          }
          break;
        }
      }
    }
    current = next;
  }
  // Go renders the matches and treats a rendering that is empty once trimmed as "no value"
  // (so a whitespace-only string is no value either).
  if (current.every((v) => v === undefined || (typeof v === 'string' && v.trim() === '')))
    return { value: undefined };
  return { value: current.length === 1 ? current[0] : current };
}

/** `a.b.c` lookup used by param sources (`event.x`, `config.x`, `<param>.x`): plain dots, a missing key is an error. */
export function getNestedValue(data: unknown, path: string): { value: unknown } | { error: string } {
  const parts = path.split('.').filter((p) => p !== '');
  let current = data;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (!isRecord(current)) {
      return { error: `cannot access field '${part}': parent is not a map` };
    }
    if (!Object.hasOwn(current, part)) {
      return { error: `field '${part}' not found at path '${parts.slice(0, i + 1).join('.')}'` };
    }
    current = current[part];
  }
  return { value: current };
}
