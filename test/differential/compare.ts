/**
 * Field-by-field comparison of two shapes. Every difference is one line with its exact path
 * (`apiCalls[2].body.conditions[0].reason`), Go's value and ours, so a report says where
 * the two adapters part ways, not just that they do.
 */
import { type Shape, show } from './shape.ts';

export interface Difference {
  /** Dotted path into the shape, e.g. `apiCalls[1].body.conditions[3].message`. */
  path: string;
  go: unknown;
  ours: unknown;
}

function isIntMark(v: unknown): v is { $int: string } {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.keys(v).length === 1 &&
    typeof (v as { $int?: unknown }).$int === 'string'
  );
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'absent';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (isIntMark(v)) return 'int';
  return typeof v;
}

function walk(path: string, go: unknown, ours: unknown, out: Difference[]): void {
  const kg = kindOf(go);
  const ko = kindOf(ours);
  if (kg !== ko) {
    out.push({ path, go, ours });
    return;
  }
  if (kg === 'int') {
    if ((go as { $int: string }).$int !== (ours as { $int: string }).$int) out.push({ path, go, ours });
    return;
  }
  if (kg === 'array') {
    const a = go as unknown[];
    const b = ours as unknown[];
    if (a.length !== b.length) out.push({ path: `${path}.length`, go: a.length, ours: b.length });
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(`${path}[${i}]`, a[i], b[i], out);
    return;
  }
  if (kg === 'object') {
    const a = go as Record<string, unknown>;
    const b = ours as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) walk(path === '' ? k : `${path}.${k}`, a[k], b[k], out);
    return;
  }
  if (!Object.is(go, ours)) out.push({ path, go, ours });
}

/** What is compared: everything in the shape except the refusal text (wording differs by design). */
export function compareShapes(go: Shape, ours: Shape): Difference[] {
  const out: Difference[] = [];
  const { refusal: _g, ...g } = go;
  const { refusal: _o, ...o } = ours;
  // Go's trace does not always show what it rendered (see goShape): compare what both show.
  if (go.outcome !== 'refused' && go.manifests === undefined) delete o.manifests;
  walk('', g, o, out);
  return out;
}

export function formatDifference(d: Difference): string {
  return `${d.path}: go=${show(d.go)} ours=${show(d.ours)}`;
}
