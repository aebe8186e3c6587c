/**
 * Nested discoveries: resources inside a discovered ManifestWork, found among its
 * `spec.workload.manifests` by name (or label selector) and namespace, then enriched with
 * the `statusFeedback` and `conditions` of the matching `status.resourceStatus.manifests[]`
 * entry (matched on resourceMeta name + namespace), as the Go adapter does.
 */
import type { Resource } from '../config/schema.ts';
import type { KubeObject } from '../transport/types.ts';
import { type Clock, render } from './evaluate.ts';
import { latestGeneration } from './manifest.ts';
import type { ExecutionState } from './state.ts';

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function discoverNested(
  resource: Resource,
  parent: KubeObject,
  state: ExecutionState,
  clock: Clock,
): Map<string, KubeObject> {
  const found = new Map<string, KubeObject>();
  if (resource.nested_discoveries.length === 0) return found;
  const spec = isRecord(parent['spec']) ? parent['spec'] : {};
  const workload = isRecord(spec['workload']) ? spec['workload'] : {};
  const manifests = Array.isArray(workload['manifests']) ? workload['manifests'].filter(isRecord) : [];
  for (const nd of resource.nested_discoveries) {
    const d = nd.discovery;
    const namespace = d.namespace ? render(d.namespace, state, clock) : '';
    const name = d.by_name !== undefined ? render(d.by_name, state, clock) : undefined;
    const selector = Object.entries(d.by_selectors?.label_selector ?? {}).map(
      ([k, v]) => [render(k, state, clock), render(v, state, clock)] as const,
    );
    const matches = manifests.filter((m) => {
      const meta = isRecord(m['metadata']) ? m['metadata'] : {};
      if (namespace !== '' && meta['namespace'] !== namespace) return false;
      if (name !== undefined) return meta['name'] === name;
      const labels = isRecord(meta['labels']) ? meta['labels'] : {};
      return selector.every(([k, v]) => labels[k] === v);
    }) as unknown as KubeObject[];
    const best = latestGeneration(matches);
    if (!best) continue;
    const enriched = structuredClone(best) as KubeObject;
    enrich(parent, enriched);
    found.set(nd.name, enriched);
  }
  return found;
}

function enrich(parent: KubeObject, nested: KubeObject): void {
  const status = isRecord(parent['status']) ? parent['status'] : {};
  const resourceStatus = isRecord(status['resourceStatus']) ? status['resourceStatus'] : {};
  const entries = Array.isArray(resourceStatus['manifests']) ? resourceStatus['manifests'] : [];
  const name = nested.metadata.name ?? '';
  const namespace = nested.metadata.namespace ?? '';
  for (const entry of entries) {
    if (!isRecord(entry) || !isRecord(entry['resourceMeta'])) continue;
    const meta = entry['resourceMeta'];
    if (typeof meta['name'] !== 'string' || typeof meta['namespace'] !== 'string') continue;
    if (meta['name'] !== name || meta['namespace'] !== namespace) continue;
    if ('statusFeedback' in entry) nested['statusFeedback'] = entry['statusFeedback'];
    if ('conditions' in entry) nested['conditions'] = entry['conditions'];
    return;
  }
}
