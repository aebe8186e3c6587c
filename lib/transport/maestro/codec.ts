import { createHash, randomUUID } from 'node:crypto';
import type { KubeObject } from '../types.ts';
import { MaestroError } from './errors.ts';
import {
  type AttributeValue,
  type CloudEventMessage,
  type Condition,
  MANIFESTWORK_API_VERSION,
  MANIFESTWORK_KIND,
  type ManifestCondition,
  type ManifestWork,
} from './types.ts';
import { validateWork } from './validation.ts';

/**
 * ManifestWork <-> CloudEvent, the way the Go source client (sdk-go) puts it on the wire:
 * binary mode, typed `ce-` extensions, the ManifestBundle JSON in `binary_data`.
 */

const TYPE_PREFIX = 'io.open-cluster-management.works.v1alpha1.manifestbundles';
export const DATA_TYPE = TYPE_PREFIX;
export const HEARTBEAT_TYPE = 'io.open-cluster-management.cloudevents.heartbeat';
export const STATUS_UPDATE_TYPE = `${TYPE_PREFIX}.status.update_request`;
export const SEQUENCE_ID_ANNOTATION = 'cloudevents.open-cluster-management.io/sequenceid';
const LOG_TRACING_PREFIX = 'logging.open-cluster-management.io/';

export type SpecAction = 'create' | 'update' | 'delete';

export function specEventType(action: SpecAction): string {
  return `${TYPE_PREFIX}.spec.${action}_request`;
}

const NAMESPACE_OID = '6ba7b812-9dad-11d1-80b4-00c04fd430c8';

/** RFC 4122 name-based UUID (SHA-1, version 5). */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Maestro's id of a work: the same for every publisher with this source, so REST GET needs no search. */
export function workResourceId(sourceId: string, consumer: string, name: string): string {
  return uuidV5(
    NAMESPACE_OID,
    `${sourceId}-manifestworks.work.open-cluster-management.io-${consumer}-${name}`,
  );
}

const str = (v: string): AttributeValue => ({ ce_string: v });

function timestamp(d: Date): AttributeValue {
  const ms = d.getTime();
  return { ce_timestamp: { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 } };
}

function int32(name: string, v: number): AttributeValue {
  if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
    throw new MaestroError(
      'MAESTRO_VERSION_OUT_OF_RANGE',
      `${name} ${v} does not fit a CloudEvent integer (int32)`,
    );
  }
  return { ce_integer: v };
}

/** Only the DeleteOption fields the OCM API defines: Go drops the rest when it decodes the work. */
function pickDeleteOption(opt: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!opt) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of ['propagationPolicy', 'selectivelyOrphans', 'ttlSecondsAfterFinished']) {
    if (opt[k] !== undefined && opt[k] !== null && opt[k] !== '') out[k] = opt[k];
  }
  return out;
}

/** The ManifestBundle that travels as the event data (note Go's spelling `executer`). */
export function toManifestBundle(work: ManifestWork): Record<string, unknown> {
  const spec = work.spec ?? {};
  const bundle: Record<string, unknown> = { manifests: spec.workload?.manifests ?? [] };
  const deleteOption = pickDeleteOption(spec.deleteOption);
  if (deleteOption && Object.keys(deleteOption).length > 0) bundle['deleteOption'] = deleteOption;
  if (spec.manifestConfigs && spec.manifestConfigs.length > 0)
    bundle['manifestConfigs'] = spec.manifestConfigs;
  if (spec.executor) bundle['executer'] = spec.executor;
  return bundle;
}

/** Metadata keys that are ObjectMeta fields; anything else a template added is not sent (Go's typed decode drops it). */
const OBJECT_META_KEYS = [
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'labels',
  'annotations',
  'finalizers',
  'ownerReferences',
] as const;

export interface EncodeOptions {
  sourceId: string;
  consumer: string;
  /** Create: 0 (the server stores 1). Update/delete: the current Maestro version (0 = no conflict check). */
  version: number;
  now?: Date;
  /** Event id; random UUID v4 when absent (tests pin it). */
  id?: string;
}

function workMetadata(work: ManifestWork, action: SpecAction, o: EncodeOptions, uid: string, now: Date) {
  const meta: Record<string, unknown> = {};
  for (const k of OBJECT_META_KEYS) {
    const v = work.metadata[k];
    if (v !== undefined && v !== null) meta[k] = v;
  }
  meta['namespace'] = o.consumer;
  meta['uid'] = uid;
  if (action === 'create') {
    if (!meta['resourceVersion']) meta['resourceVersion'] = '0';
  } else {
    meta['resourceVersion'] = String(o.version);
    meta['generation'] = o.version;
  }
  if (action === 'delete') meta['deletionTimestamp'] = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return meta;
}

function logTracing(annotations: Record<string, string> | undefined): string {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations ?? {})) if (k.startsWith(LOG_TRACING_PREFIX)) out[k] = v;
  return JSON.stringify(out);
}

/** Build the spec event for a create/update/delete. Create and update validate the work first. */
export function encodeSpecEvent(action: SpecAction, work: ManifestWork, o: EncodeOptions): CloudEventMessage {
  const name = work.metadata.name ?? '';
  if (action !== 'delete') validateWork(work, o.consumer);
  const now = o.now ?? new Date();
  const uid = workResourceId(o.sourceId, o.consumer, name);
  const meta = workMetadata(work, action, o, uid, now);
  const attributes: Record<string, AttributeValue> = {
    'ce-time': timestamp(now),
    'ce-clustername': str(o.consumer),
    'ce-originalsource': str(''),
    'ce-resourceid': str(uid),
    'ce-resourceversion': int32('resourceversion', o.version),
    'ce-metadata': str(JSON.stringify(meta)),
    'ce-logtracing': str(logTracing(work.metadata.annotations)),
  };
  const event: CloudEventMessage = {
    id: o.id ?? randomUUID(),
    source: o.sourceId,
    spec_version: '1.0',
    type: specEventType(action),
    attributes,
  };
  if (action === 'delete') {
    attributes['ce-deletiontimestamp'] = timestamp(now);
  } else {
    attributes['contenttype'] = str('application/json');
    event.binary_data = Buffer.from(JSON.stringify(toManifestBundle(work)));
  }
  return event;
}

/* ------------------------------ decoding ------------------------------ */

export function attrString(ev: CloudEventMessage, key: string): string | undefined {
  const v = ev.attributes?.[key];
  if (!v) return undefined;
  if (typeof v.ce_string === 'string') return v.ce_string;
  if (typeof v.ce_uri === 'string') return v.ce_uri;
  if (typeof v.ce_uri_ref === 'string') return v.ce_uri_ref;
  return undefined;
}

/** Accepts ce_integer or a numeric ce_string (the server's own coercion rules). */
export function attrInteger(ev: CloudEventMessage, key: string): number | undefined {
  const v = ev.attributes?.[key];
  if (!v) return undefined;
  if (typeof v.ce_integer === 'number') return v.ce_integer;
  if (typeof v.ce_string === 'string' && /^-?\d+$/.test(v.ce_string)) return Number(v.ce_string);
  return undefined;
}

export function isHeartbeat(ev: CloudEventMessage): boolean {
  return ev.type === HEARTBEAT_TYPE;
}

export interface StatusUpdate {
  resourceId: string;
  consumer: string;
  /** The spec version the agent reported on. */
  version: number;
  sequenceId?: string;
  /** The agent reported the work's manifests deleted: Maestro drops the row next. */
  deleted: boolean;
  work: ManifestWork;
}

interface BundleStatus {
  manifestBundle?: Record<string, unknown>;
  conditions?: Condition[];
  resourceStatus?: ManifestCondition[];
}

/** Decode a status event from Subscribe; undefined for anything that is not a work status. */
export function decodeStatusEvent(ev: CloudEventMessage): StatusUpdate | undefined {
  if (ev.type !== STATUS_UPDATE_TYPE) return undefined;
  const resourceId = attrString(ev, 'ce-resourceid');
  const version = attrInteger(ev, 'ce-resourceversion');
  if (!resourceId || version === undefined || !ev.binary_data) return undefined;
  let data: BundleStatus;
  let meta: Record<string, unknown> = {};
  try {
    data = JSON.parse(Buffer.from(ev.binary_data).toString('utf8')) as BundleStatus;
    const rawMeta = attrString(ev, 'ce-metadata');
    if (rawMeta) meta = JSON.parse(rawMeta) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const consumer = attrString(ev, 'ce-clustername') ?? (meta['namespace'] as string | undefined) ?? '';
  const sequenceId = attrString(ev, 'ce-sequenceid');
  const annotations = { ...((meta['annotations'] as Record<string, string> | undefined) ?? {}) };
  if (sequenceId) annotations[SEQUENCE_ID_ANNOTATION] = sequenceId;
  const bundle = data.manifestBundle ?? {};
  const work: ManifestWork = {
    apiVersion: MANIFESTWORK_API_VERSION,
    kind: MANIFESTWORK_KIND,
    metadata: {
      ...meta,
      name: (meta['name'] as string | undefined) || resourceId,
      namespace: (meta['namespace'] as string | undefined) || consumer,
      uid: resourceId,
      resourceVersion: String(version),
      generation: version,
      annotations,
    },
    spec: specFromBundle(bundle),
    status: {
      conditions: data.conditions ?? [],
      resourceStatus: { manifests: data.resourceStatus ?? [] },
    },
  };
  const deleted = (data.conditions ?? []).some((c) => c.type === 'Deleted' && c.status === 'True');
  return { resourceId, consumer, version, deleted, work, ...(sequenceId ? { sequenceId } : {}) };
}

/** ManifestBundle (event data or REST resource bundle fields) -> ManifestWork spec. */
export function specFromBundle(bundle: Record<string, unknown>): ManifestWork['spec'] {
  const spec: NonNullable<ManifestWork['spec']> = {
    workload: { manifests: (bundle['manifests'] as KubeObject[] | undefined) ?? [] },
  };
  const deleteOption = (bundle['deleteOption'] ?? bundle['delete_option']) as
    | Record<string, unknown>
    | undefined;
  if (deleteOption && Object.keys(deleteOption).length > 0) spec.deleteOption = deleteOption;
  const configs = (bundle['manifestConfigs'] ?? bundle['manifest_configs']) as
    | Record<string, unknown>[]
    | undefined;
  if (configs && configs.length > 0) spec.manifestConfigs = configs;
  const executer = bundle['executer'] as Record<string, unknown> | undefined;
  if (executer) spec.executor = executer;
  return spec;
}
