/**
 * The older design documents spell every key in camelCase (`hyperfleetApi`, `nestedDiscoveries`,
 * `apiCall`, `baseUrl`, ...). Before validation, any key that is not allowed where it stands
 * but whose snake_case spelling is, is renamed; free-form maps (manifests, build trees, labels)
 * are never touched because the schema walk stops at them. The source tree keeps the written
 * spelling so errors still point at the right line.
 */
import type { z } from 'zod';
import { allowedKeys, childSchema } from './schema-walk.ts';
import type { SourceNode } from './source.ts';

export interface AliasIssue {
  path: (string | number)[];
  message: string;
}

export function camelToSnake(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** Renames alias keys in place (value and source tree) and reports alias/canonical clashes. */
export function normalizeAliases(
  value: unknown,
  source: SourceNode | undefined,
  schema: z.ZodType,
  path: (string | number)[] = [],
  issues: AliasIssue[] = [],
): AliasIssue[] {
  if (Array.isArray(value)) {
    const element = childSchema(schema, 0);
    if (!element) return issues;
    value.forEach((item, i) => {
      normalizeAliases(item, source?.children?.get(i), element, [...path, i], issues);
    });
    return issues;
  }
  if (value === null || typeof value !== 'object') return issues;
  const map = value as Record<string, unknown>;
  const allowed = allowedKeys(schema);
  if (allowed) {
    const allowedSet = new Set(allowed);
    for (const key of Object.keys(map)) {
      if (allowedSet.has(key)) continue;
      const snake = camelToSnake(key);
      if (snake === key || !allowedSet.has(snake)) continue;
      if (Object.hasOwn(map, snake)) {
        issues.push({
          path: [...path, key],
          message: `\`${key}\` is the camelCase alias of \`${snake}\`, which is also set; keep one`,
        });
        // Reported here; the schema must not report it again as an unknown key.
        delete map[key];
        continue;
      }
      renameKey(map, key, snake);
      const child = source?.children?.get(key);
      if (source?.children && child) {
        source.children.delete(key);
        source.children.set(snake, child);
      }
    }
  }
  for (const key of Object.keys(map)) {
    const child = childSchema(schema, key);
    if (child) normalizeAliases(map[key], source?.children?.get(key), child, [...path, key], issues);
  }
  return issues;
}

/** Renames while keeping key order, so normalized output reads like the file. */
function renameKey(map: Record<string, unknown>, from: string, to: string): void {
  const entries = Object.entries(map);
  for (const key of Object.keys(map)) delete map[key];
  for (const [key, v] of entries) {
    Object.defineProperty(map, key === from ? to : key, {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
}
