/**
 * Rendering the kustomize tree with the stack's kubectl, and the structural tools the tests
 * use on the result: documents keyed by kind/name, leaf-by-leaf differences, kustomize
 * field paths (`containers.[name=adapter].env`) resolved to concrete leaves.
 */
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { kubectl } from '../../stack/knative-crds.ts';
import type { StackInfo } from '../../stack/types.ts';

export const KNATIVE_DIR = fileURLToPath(new URL('../../../knative/', import.meta.url));
export const REPO_DIR = fileURLToPath(new URL('../../../', import.meta.url));

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Doc = { [key: string]: Json };

export async function render(stack: StackInfo, folder: string): Promise<string> {
  const out = await kubectl(stack, ['kustomize', `${KNATIVE_DIR}${folder}`]);
  if (out.code !== 0) throw new Error(`kubectl kustomize ${folder} failed: ${out.stderr}`);
  return out.stdout;
}

export function parseDocs(text: string): Doc[] {
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw new Error(d.errors.map((e) => e.message).join('; '));
    return d.toJSON() as Doc;
  });
}

export function keyOf(doc: Doc): string {
  const meta = doc['metadata'] as Doc;
  return `${doc['kind'] as string}/${meta['name'] as string}`;
}

export function byKey(docs: Doc[]): Map<string, Doc> {
  return new Map(docs.map((d) => [keyOf(d), d]));
}

/** Every scalar leaf as path -> value; list items are addressed by `[name=...]` when named. */
export function leaves(value: Json | undefined, path = '', out = new Map<string, Json>()): Map<string, Json> {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const name =
        item && typeof item === 'object' && !Array.isArray(item) && typeof item['name'] === 'string'
          ? `[name=${item['name']}]`
          : `[${i}]`;
      leaves(item, `${path}.${name}`, out);
    });
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else if (value !== undefined) {
    out.set(path, value);
  }
  return out;
}

export interface Change {
  object: string;
  path: string;
  from: Json | undefined;
  to: Json | undefined;
}

/** Leaf-level differences between two renders, object by object (objects added or removed too). */
export function diff(before: Doc[], after: Doc[]): Change[] {
  const a = byKey(before);
  const b = byKey(after);
  const changes: Change[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const la = leaves(a.get(key));
    const lb = leaves(b.get(key));
    for (const path of new Set([...la.keys(), ...lb.keys()])) {
      const from = la.get(path);
      const to = lb.get(path);
      if (from !== to) changes.push({ object: key, path, from, to });
    }
  }
  return changes.sort((x, y) => `${x.object} ${x.path}`.localeCompare(`${y.object} ${y.path}`));
}

/** `KEY=value` lines of a kustomize env file. */
export function envFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const i = t.indexOf('=');
    out[t.slice(0, i)] = t.slice(i + 1);
  }
  return out;
}

/** Walk plain keys (no selectors) into a document. */
export function at(doc: Json | undefined, ...keys: (string | number)[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[k as number] : (cur as Doc)[k as string];
  }
  return cur;
}
