/**
 * Rendering a resource's manifest the way the Go adapter does: an inline manifest is first
 * written out as YAML by yaml.v3's rules, a `ref` file is taken as raw text; either text is
 * rendered as a Go template over the params and the result parsed as yaml.v3 and
 * encoding/json would into one object (lib/yaml-go). Generations live in the
 * `hyperfleet.io/generation` annotation.
 */
import type { Manifest } from '../config/schema.ts';
import { AdapterError } from '../errors.ts';
import { GENERATION_ANNOTATION, type KubeObject } from '../transport/types.ts';
import { ManifestYamlError, manifestYaml, parseManifest, plainManifestYaml } from '../yaml-go/index.ts';
import { type Clock, render } from './evaluate.ts';
import type { ExecutionState } from './state.ts';

export class ManifestError extends AdapterError {
  constructor(message: string, cause?: unknown) {
    super('MANIFEST_INVALID', message, { cause });
  }
}

const yamlTextCache = new WeakMap<object, string>();

export function manifestText(manifest: Manifest): string {
  if (manifest.kind === 'ref') return manifest.text;
  let text = yamlTextCache.get(manifest.value);
  if (text === undefined) {
    try {
      text = manifest.decoded ? manifestYaml(manifest.decoded()) : plainManifestYaml(manifest.value);
    } catch (err) {
      // yaml.v3 refuses these when the Go adapter loads the task config.
      throw new ManifestError(`failed to convert manifest to string: ${(err as Error).message}`, err);
    }
    yamlTextCache.set(manifest.value, text);
  }
  return text;
}

/** The rendered text as one object: yaml.Unmarshal into a map, then json.Marshal, with Go's errors. */
export function parseRenderedManifest(rendered: string): Record<string, unknown> {
  if (rendered.trim() === '')
    throw new ManifestError('empty manifest: template rendered to an empty document');
  let value: Record<string, unknown> | undefined;
  try {
    value = parseManifest(rendered);
  } catch (err) {
    if (err instanceof ManifestYamlError && err.stage === 'json')
      throw new ManifestError(`failed to marshal rendered manifest: ${err.message}`, err);
    throw new ManifestError(`failed to parse rendered manifest as YAML: ${(err as Error).message}`, err);
  }
  if (value === undefined) throw new ManifestError('empty manifest: rendered YAML did not contain an object');
  return value;
}

export function renderManifest(manifest: Manifest, state: ExecutionState, clock: Clock): KubeObject {
  const text = manifestText(manifest);
  if (text.trim() === '') throw new ManifestError('empty manifest: string manifest cannot be empty');
  const obj = parseRenderedManifest(render(text, state, clock));
  if (typeof obj['apiVersion'] !== 'string' || typeof obj['kind'] !== 'string') {
    throw new ManifestError('rendered manifest has no apiVersion or kind');
  }
  if (typeof obj['metadata'] !== 'object' || obj['metadata'] === null) obj['metadata'] = {};
  return obj as unknown as KubeObject;
}

/** apiVersion and kind before rendering (for discovery ahead of apply and for deletion). */
export function manifestGvk(manifest: Manifest): { apiVersion: string; kind: string } {
  if (manifest.kind === 'inline') {
    const { apiVersion, kind } = manifest.value;
    return {
      apiVersion: typeof apiVersion === 'string' ? apiVersion : '',
      kind: typeof kind === 'string' ? kind : '',
    };
  }
  const field = (name: string) =>
    new RegExp(`^${name}:[ \\t]*["']?([^"'\\s#]+)`, 'm').exec(manifest.text)?.[1] ?? '';
  return { apiVersion: field('apiVersion'), kind: field('kind') };
}

/** The generation an object carries; 0 when absent or not a number (as the Go adapter reads it). */
export function generationOf(obj: KubeObject | undefined): bigint {
  const text = obj?.metadata.annotations?.[GENERATION_ANNOTATION];
  if (text === undefined || !/^[+-]?\d+$/.test(text)) return 0n;
  return BigInt(text);
}

/**
 * A manifest without a generation annotation would be skipped forever by the Go adapter
 * (0 == 0). We stamp the event's generation instead, on the object and, for a ManifestWork,
 * on each of its manifests that lacks one.
 */
export function stampGeneration(obj: KubeObject, generation: bigint): void {
  const stamp = (o: { metadata?: KubeObject['metadata'] }) => {
    o.metadata ??= {};
    o.metadata.annotations ??= {};
    if (!o.metadata.annotations[GENERATION_ANNOTATION])
      o.metadata.annotations[GENERATION_ANNOTATION] = String(generation);
  };
  stamp(obj);
  const workload = (obj as { spec?: { workload?: { manifests?: unknown } } }).spec?.workload?.manifests;
  if (obj.kind === 'ManifestWork' && Array.isArray(workload)) {
    for (const m of workload)
      if (m && typeof m === 'object') stamp(m as { metadata?: KubeObject['metadata'] });
  }
}

/** Highest generation first, then name: the Go adapter's choice among several matches. */
export function latestGeneration<T extends KubeObject>(items: T[]): T | undefined {
  return [...items].sort((a, b) => {
    const ga = generationOf(a);
    const gb = generationOf(b);
    if (ga !== gb) return ga > gb ? -1 : 1;
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  })[0];
}
