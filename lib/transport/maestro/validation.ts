import type { KubeObject } from '../types.ts';
import { MaestroInvalidBundleError } from './errors.ts';
import type { ManifestWork } from './types.ts';

/** Maestro's limit on the summed JSON size of a work's manifests. */
export const MAX_MANIFESTS_BYTES = 500 * 1024;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

function fail(workName: string, message: string): never {
  throw new MaestroInvalidBundleError(`ManifestWork "${workName}": ${message}`);
}

/** Why `key` is not a Kubernetes qualified name (label/annotation key), or undefined when it is. */
function qualifiedKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    return 'has an invalid prefix (must be a DNS-1123 subdomain)';
  }
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) return 'is not a valid qualified name';
  return undefined;
}

function checkQualifiedKey(workName: string, what: string, key: string): void {
  const problem = qualifiedKeyProblem(key);
  if (problem) fail(workName, `${what} key "${key}" ${problem}`);
}

export function isValidLabelValue(v: unknown): v is string {
  return typeof v === 'string' && v.length <= 63 && LABEL_VALUE.test(v);
}

/** A label that some object could carry: what a list selector may sensibly ask for. */
export function isValidLabel(key: string, value: unknown): boolean {
  return qualifiedKeyProblem(key) === undefined && isValidLabelValue(value);
}

/**
 * The checks the Go source client (and Maestro's own validator) make before a work is
 * published, so a bad rendering fails here with a message naming the problem instead of as
 * an opaque server error after a round trip.
 */
export function validateWork(work: ManifestWork, consumer: string): void {
  const name = work.metadata?.name;
  if (!consumer) fail(name ?? '?', 'no target consumer (transport.maestro.target_cluster rendered empty)');
  if (typeof name !== 'string' || name === '') {
    throw new MaestroInvalidBundleError('ManifestWork has no metadata.name');
  }
  if (name.length > 63 || !DNS1123_LABEL.test(name)) {
    fail(
      name,
      'metadata.name must be a DNS-1123 label of at most 63 characters (lowercase alphanumerics and "-")',
    );
  }
  if (work.metadata.generateName !== undefined) fail(name, 'metadata.generateName is not supported');
  if (work.metadata.namespace !== undefined && work.metadata.namespace !== consumer) {
    fail(
      name,
      `metadata.namespace "${work.metadata.namespace}" differs from the target consumer "${consumer}"`,
    );
  }
  for (const [k, v] of Object.entries(work.metadata.labels ?? {})) {
    checkQualifiedKey(name, 'label', k);
    if (!isValidLabelValue(v)) {
      fail(
        name,
        `label "${k}" has an invalid value "${String(v)}" (<= 63 chars, alphanumerics, "-", "_", ".")`,
      );
    }
  }
  let annotationBytes = 0;
  for (const [k, v] of Object.entries(work.metadata.annotations ?? {})) {
    checkQualifiedKey(name, 'annotation', k);
    annotationBytes += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (annotationBytes > MAX_ANNOTATIONS_BYTES)
    fail(name, `annotations total ${annotationBytes} bytes (max 256 KiB)`);
  const finalizers = work.metadata.finalizers;
  if (finalizers !== undefined) {
    if (!Array.isArray(finalizers)) fail(name, 'metadata.finalizers must be a list');
    for (const f of finalizers) {
      if (typeof f !== 'string' || !f.includes('/'))
        fail(name, `finalizer "${String(f)}" must be a qualified name`);
      checkQualifiedKey(name, 'finalizer', f);
    }
  }
  validateManifests(name, work.spec?.workload?.manifests);
}

function validateManifests(workName: string, manifests: unknown): asserts manifests is KubeObject[] {
  if (!Array.isArray(manifests) || manifests.length === 0) {
    fail(workName, 'spec.workload.manifests must contain at least one manifest');
  }
  let total = 0;
  const seen = new Set<string>();
  manifests.forEach((m: unknown, i: number) => {
    const at = `spec.workload.manifests[${i}]`;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) fail(workName, `${at} is not an object`);
    const obj = m as Partial<KubeObject>;
    if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '')
      fail(workName, `${at} has no apiVersion`);
    if (typeof obj.kind !== 'string' || obj.kind === '') fail(workName, `${at} has no kind`);
    const meta = obj.metadata;
    if (meta === undefined || typeof meta !== 'object') fail(workName, `${at} has no metadata`);
    if (meta.generateName !== undefined) fail(workName, `${at} uses metadata.generateName (not supported)`);
    if (typeof meta.name !== 'string' || meta.name === '')
      fail(workName, `${at} (${obj.kind}) has no metadata.name`);
    if (meta.resourceVersion !== undefined) fail(workName, `${at} must not set metadata.resourceVersion`);
    if (meta.deletionGracePeriodSeconds !== undefined) {
      fail(workName, `${at} must not set metadata.deletionGracePeriodSeconds`);
    }
    if (meta.namespace !== undefined && meta.namespace !== '' && !DNS1123_LABEL.test(meta.namespace)) {
      fail(workName, `${at} has an invalid metadata.namespace "${meta.namespace}"`);
    }
    const key = `${obj.apiVersion}/${obj.kind}/${meta.namespace ?? ''}/${meta.name}`;
    if (seen.has(key)) fail(workName, `${at} duplicates ${obj.kind} "${meta.name}"`);
    seen.add(key);
    total += Buffer.byteLength(JSON.stringify(m));
  });
  if (total > MAX_MANIFESTS_BYTES) {
    fail(
      workName,
      `manifests total ${total} bytes, over Maestro's limit of ${MAX_MANIFESTS_BYTES} (500 KiB)`,
    );
  }
}
