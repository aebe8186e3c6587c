/** Visiting the strings of a manifest and the leaves of a build tree, with their source paths. */
import type { BuildValue } from './build.ts';

export type WalkPath = (string | number)[];

export function walkStrings(
  value: unknown,
  path: WalkPath,
  visit: (text: string, path: WalkPath) => void,
  depth: number,
): void {
  if (depth > 64) return;
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      walkStrings(v, [...path, i], visit, depth + 1);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('{{')) visit(k, path);
      walkStrings(v, [...path, k], visit, depth + 1);
    }
  }
}

export function walkBuild(
  value: BuildValue,
  path: WalkPath,
  visit: (kind: 'template' | 'expression', text: string, path: WalkPath) => void,
): void {
  switch (value.kind) {
    case 'template':
      visit('template', value.template, path);
      return;
    case 'expression':
      visit('expression', value.expression, [...path, 'expression']);
      return;
    case 'map':
      for (const [k, v] of Object.entries(value.entries)) walkBuild(v, [...path, k], visit);
      return;
    case 'list':
      value.items.forEach((v, i) => {
        walkBuild(v, [...path, i], visit);
      });
      return;
    default:
      return;
  }
}
