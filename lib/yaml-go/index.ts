/**
 * YAML as the Go adapter's gopkg.in/yaml.v3 (v3.0.1) reads and writes it, for inline
 * manifests: the adapter decodes the task config's manifest mapping into an interface{},
 * marshals it back to text (manifest.ToYAMLString), renders that text as a Go template and
 * parses the result (manifest.RenderStringManifest). The text the template sees, and so
 * whatever a template's output does to it, is yaml.v3's.
 */
import { marshal, sprintV } from './emit.ts';
import { fromPlain, GoAnyMap, type GoValue } from './values.ts';

export { decodeManifestNode, ManifestYamlError, parseManifest } from './decode.ts';
export { marshal } from './emit.ts';
export { asFloat64, copyJson, isRawJson, jsonInteger, type RawJson } from './exact.ts';
export { YamlGoError } from './resolve.ts';
export { fromPlain, GoAnyMap, GoTime, type GoValue } from './values.ts';

/**
 * manifest.ToYAMLString for a decoded manifest: yaml.Marshal of the map; a map with a
 * non-string key first goes through utils.ConvertToStringKeyMap (keys printed with %v,
 * nested maps of that kind and lists converted too, string-keyed maps left as they are).
 */
export function manifestYaml(manifest: GoValue): string {
  return marshal(manifest instanceof GoAnyMap ? convertKeys(manifest) : manifest);
}

/** The same for a manifest known only as plain values (integral numbers taken as ints). */
export function plainManifestYaml(manifest: Record<string, unknown>): string {
  return manifestYaml(fromPlain(manifest));
}

function convertKeys(m: GoAnyMap): Map<string, GoValue> {
  const out = new Map<string, GoValue>();
  for (const [k, v] of m.entries) out.set(sprintV(k), convertValue(v));
  return out;
}

function convertValue(v: GoValue): GoValue {
  if (v instanceof GoAnyMap) return convertKeys(v);
  if (Array.isArray(v)) return v.map(convertValue);
  return v;
}
