import type { KubeObject } from '../types.ts';

/** `work.open-cluster-management.io/v1` ManifestWork, as plain JSON. */
export interface ManifestWork extends KubeObject {
  spec?: ManifestWorkSpec;
  status?: ManifestWorkStatus;
}

export interface ManifestWorkSpec {
  workload?: { manifests?: KubeObject[] };
  deleteOption?: Record<string, unknown>;
  manifestConfigs?: Record<string, unknown>[];
  executor?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
  [key: string]: unknown;
}

export interface ResourceMeta {
  ordinal?: number;
  group?: string;
  version?: string;
  kind?: string;
  resource?: string;
  name?: string;
  namespace?: string;
}

export interface FeedbackValue {
  name: string;
  fieldValue: {
    type: 'Integer' | 'String' | 'Boolean' | 'JsonRaw' | string;
    integer?: number;
    string?: string;
    boolean?: boolean;
    jsonRaw?: string;
  };
}

export interface ManifestCondition {
  resourceMeta: ResourceMeta;
  statusFeedback?: { values?: FeedbackValue[] };
  conditions?: Condition[];
}

export interface ManifestWorkStatus {
  conditions?: Condition[];
  resourceStatus?: { manifests?: ManifestCondition[] };
  [key: string]: unknown;
}

export const MANIFESTWORK_API_VERSION = 'work.open-cluster-management.io/v1';
export const MANIFESTWORK_KIND = 'ManifestWork';

/**
 * A CloudEvent in @grpc/proto-loader's object shape (keepCase, oneofs, longs as strings).
 * Attribute values are one-of objects: exactly one `ce_*` key set.
 */
export interface CloudEventMessage {
  id: string;
  source?: string;
  spec_version: string;
  type: string;
  attributes?: Record<string, AttributeValue>;
  binary_data?: Uint8Array;
  text_data?: string;
  data?: string;
}

export interface AttributeValue {
  ce_boolean?: boolean;
  ce_integer?: number;
  ce_string?: string;
  ce_bytes?: Uint8Array;
  ce_uri?: string;
  ce_uri_ref?: string;
  ce_timestamp?: { seconds: string | number; nanos?: number };
  attr?: string;
}
