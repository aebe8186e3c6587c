/**
 * What the function accepts as a Sentinel event, checked before any work: a CloudEvent
 * (binary or structured, parsed by the runtime) whose data is a JSON object carrying an `id`
 * and every `event.<field>` a required param reads. Anything else can never be processed
 * and is answered 400, naming what is missing.
 */

import type { TaskConfig } from '../config/schema.ts';
import { AdapterError } from '../errors.ts';
import { getNestedValue } from '../executor/jsonpath.ts';

export interface IncomingEvent {
  id: string;
  type: string;
  source: string;
  data: Record<string, unknown>;
  traceparent?: string;
}

export class EventRejectedError extends AdapterError {
  /** A short label for metrics: not_cloudevent, data_not_object, missing_field. */
  readonly reason: string;
  constructor(reason: string, message: string) {
    super('EVENT_REJECTED', message);
    this.reason = reason;
  }
}

/** The CloudEvent fields the runtime hands us (the cloudevents SDK's CloudEvent shape). */
export interface CloudEventLike {
  id?: unknown;
  type?: unknown;
  source?: unknown;
  data?: unknown;
  data_base64?: unknown;
  traceparent?: unknown;
}

function decodeData(data: unknown): unknown {
  if (typeof data === 'string') {
    try {
      return JSON.parse(data);
    } catch {
      throw new EventRejectedError('data_not_json', 'event data is not JSON');
    }
  }
  if (data instanceof Uint8Array) return decodeData(Buffer.from(data).toString('utf8'));
  return data;
}

/** Fields of `event` that required params read: missing ones make the event unprocessable. */
export function requiredEventFields(task: TaskConfig): string[] {
  const fields = new Set<string>(['id']);
  for (const p of task.params) {
    if (p.required && p.source.kind === 'path' && p.source.path.startsWith('event.'))
      fields.add(p.source.path.slice(6));
  }
  return [...fields];
}

export function parseEvent(ce: CloudEventLike | undefined, requiredFields: readonly string[]): IncomingEvent {
  if (!ce)
    throw new EventRejectedError(
      'not_cloudevent',
      'the request is not a CloudEvent (no ce-* headers or structured envelope)',
    );
  const data = decodeData(ce.data);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new EventRejectedError('data_not_object', 'event data must be a JSON object');
  }
  const record = data as Record<string, unknown>;
  for (const field of requiredFields) {
    const found = getNestedValue(record, field);
    if ('error' in found || found.value === null || found.value === '') {
      throw new EventRejectedError(
        'missing_field',
        `event data has no \`${field}\` (required by the adapter config)`,
      );
    }
  }
  return {
    id: typeof ce.id === 'string' ? ce.id : '',
    type: typeof ce.type === 'string' ? ce.type : '',
    source: typeof ce.source === 'string' ? ce.source : '',
    data: record,
    ...(typeof ce.traceparent === 'string' ? { traceparent: ce.traceparent } : {}),
  };
}
