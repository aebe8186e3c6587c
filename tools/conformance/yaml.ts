/**
 * Conformance plug-in for inline manifests against the Go adapter's pipeline
 * (tools/oracle/cmd/yaml): the manifest as the task config loader decodes it, the text
 * lib/yaml-go marshals from it, that text rendered by lib/template, and the object
 * lib/executor/manifest.ts parses from the result. A vector is { id, manifest, data }:
 * `manifest` is YAML as written under `manifest:` in a task config, `data` the params in the
 * shared typed-JSON convention.
 *
 * Marshalled and rendered texts must be byte-identical, the parsed object must serialize to
 * the same JSON as Go's json.Marshal output (integers beyond 2^53 with all their digits). Errors compare by step; render errors also by
 * message (Go's own YAML syntax messages are libyaml's and are not reproduced).
 */
import { parseYamlSource } from '../../lib/config/source.ts';
import { ManifestError, manifestText, parseRenderedManifest } from '../../lib/executor/manifest.ts';
import { goJson } from '../../lib/template/funcs.ts';
import { compileTemplate, TemplateError } from '../../lib/template/index.ts';
import { YamlGoError } from '../../lib/yaml-go/index.ts';
import type { ConformanceSuite } from '../conformance.ts';
import { decodeTyped } from './template.ts';

const DEFAULT_NOW = '2026-01-02T03:04:05Z';

export interface YamlVector {
  id: string;
  manifest: string;
  data: unknown;
  now?: string;
}

export interface YamlOutcome {
  id: string;
  marshalled?: string;
  rendered?: string;
  parsed?: string;
  error?: 'decode' | 'marshal' | 'empty' | 'render' | 'parse' | 'json';
  message?: string;
}

function indent(s: string): string {
  return `${s
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => (l === '' ? l : `  ${l}`))
    .join('\n')}\n`;
}

export function runVector(vector: YamlVector): YamlOutcome {
  const id = vector.id;
  const source = parseYamlSource(`manifest:\n${indent(vector.manifest)}`);
  if (source.issues.length > 0) return { id, error: 'decode', message: source.issues[0]!.message };
  const value = (source.value as Record<string, unknown>)['manifest'] as Record<string, unknown>;
  const decoded = source.root.children?.get('manifest')?.decoded;
  if (!decoded || value === null || typeof value !== 'object')
    return { id, error: 'decode', message: 'not a mapping' };
  try {
    decoded();
  } catch (e) {
    if (e instanceof YamlGoError) return { id, error: 'decode', message: e.message };
    throw e;
  }
  const marshalled = manifestText({ kind: 'inline', value, decoded });
  if (marshalled.trim() === '') return { id, marshalled, error: 'empty' };
  let rendered: string;
  try {
    const now = new Date(vector.now ?? DEFAULT_NOW);
    rendered = compileTemplate(marshalled).render(decodeTyped(vector.data ?? {}), { now: () => now });
  } catch (e) {
    if (e instanceof TemplateError) return { id, marshalled, error: 'render', message: e.message };
    throw e;
  }
  try {
    return { id, marshalled, rendered, parsed: goJson(viaWire(parseRenderedManifest(rendered))) };
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    const error = e.message.startsWith('empty manifest')
      ? 'empty'
      : e.message.startsWith('failed to marshal')
        ? 'json'
        : 'parse';
    return { id, marshalled, rendered, error, message: e.message };
  }
}

/**
 * The parsed object as the transports serialise it (JSON.stringify), read back with integers
 * beyond 2^53 as bigints, so Go's JSON is compared with the digits that go on the wire.
 */
function viaWire(obj: Record<string, unknown>): unknown {
  return JSON.parse(JSON.stringify(obj), (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && /^-?\d+$/.test(context?.source ?? '')
      ? BigInt(context!.source!)
      : value,
  );
}

/** Go prefixes render errors with the step; the template engine's message is the rest. */
function renderReason(message: string | undefined): string {
  return (message ?? '').replace(/^failed to (execute|parse) template: /, '');
}

function compare(want: YamlOutcome, got: YamlOutcome): string | undefined {
  for (const field of ['marshalled', 'rendered', 'parsed', 'error'] as const) {
    if (want[field] !== got[field]) return `${field} differs`;
  }
  if (want.error === 'render' && renderReason(want.message) !== got.message)
    return 'render error message differs';
  if (want.error === 'json' && !(got.message ?? '').endsWith(want.message ?? ''))
    return 'json error message differs';
  return undefined;
}

const suite: ConformanceSuite<YamlVector, YamlOutcome> = { name: 'yaml', run: runVector, compare };
export default suite;
