/**
 * What the function accepts as a Sentinel event, checked before any work: a CloudEvent
 * (binary or structured, parsed by the runtime) whose data is a JSON object carrying an `id`
 * and every `event.<field>` a required param reads. Anything else can never be processed
 * and is answered 400, naming what is missing.
 *
 * Sentinel's event may arrive wrapped. hyperfleet-broker publishes the structured CloudEvent
 * as a bare AMQP body (no content type, no `ce-` headers), and Knative's RabbitmqSource
 * receive adapter turns such a message into a new event of its own (type
 * `dev.knative.rabbitmq.event`, a fresh id, the body as its data). The event to run is the one
 * inside: its id, type, source, data and trace context. The envelope is kept only to be
 * logged; its id is never a resource id.
 */

import type { TaskConfig } from '../config/schema.ts';
import { AdapterError } from '../errors.ts';
import { getNestedValue } from '../executor/jsonpath.ts';
import { hyperfleetIdProblem } from '../hyperfleet-api/ids.ts';

/** The type the RabbitmqSource receive adapter gives a message that was not a CloudEvent itself. */
export const RABBITMQ_ENVELOPE_TYPE = 'dev.knative.rabbitmq.event';

/** The CloudEvent that carried the one being processed. */
export interface EnvelopeRef {
  id: string;
  type: string;
  source: string;
}

export interface IncomingEvent {
  id: string;
  type: string;
  source: string;
  data: Record<string, unknown>;
  traceparent?: string;
  /** Set when the event arrived as the data of another CloudEvent (outermost first). */
  envelopes?: EnvelopeRef[];
}

export class EventRejectedError extends AdapterError {
  /**
   * A short label for metrics: not_cloudevent, data_not_json, data_not_object, missing_field,
   * invalid_id, envelope_malformed.
   */
  readonly reason: string;
  /** The ids known when the event was refused: the inner event's (if reached) and the envelopes'. */
  readonly eventId: string | undefined;
  readonly envelopeIds: readonly string[];
  constructor(
    reason: string,
    message: string,
    ids: { eventId?: string | undefined; envelopeIds?: readonly string[] } = {},
  ) {
    super('EVENT_REJECTED', message);
    this.reason = reason;
    this.eventId = ids.eventId;
    this.envelopeIds = ids.envelopeIds ?? [];
  }
}

/** The CloudEvent fields the runtime hands us (the cloudevents SDK's CloudEvent shape). */
export interface CloudEventLike {
  specversion?: unknown;
  id?: unknown;
  type?: unknown;
  source?: unknown;
  datacontenttype?: unknown;
  data?: unknown;
  data_base64?: unknown;
  traceparent?: unknown;
}

/**
 * Envelopes inside envelopes (a message that went through two sources) are unwrapped too, up
 * to this depth; deeper nesting is not a topology anyone deploys.
 */
const MAX_ENVELOPES = 4;

type EventIds = ConstructorParameters<typeof EventRejectedError>[2];

function decodeData(data: unknown, where = 'event data', ids: EventIds = {}): unknown {
  if (typeof data === 'string') {
    try {
      return JSON.parse(data);
    } catch {
      throw new EventRejectedError('data_not_json', `${where} is not JSON`, ids);
    }
  }
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    // The SDK turns `data_base64` into bytes, held in a Uint32Array (one byte per element).
    const view = data as unknown as ArrayLike<number> & { BYTES_PER_ELEMENT: number };
    const bytes =
      view.BYTES_PER_ELEMENT === 1
        ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
        : Buffer.from(Uint8Array.from(view));
    return decodeData(bytes.toString('utf8'), where, ids);
  }
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

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Whether an event's (decoded) data is meant as a CloudEvent: everything the receive adapter
 * wraps, and any data that names a `specversion` (which no HyperFleet resource has).
 */
function carriesEvent(type: unknown, data: unknown): boolean {
  return type === RABBITMQ_ENVELOPE_TYPE || (isRecord(data) && 'specversion' in data);
}

const JSON_MEDIA = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** The bytes a `data_base64` attribute holds, or undefined when it is not base64 text. */
function base64Bytes(v: unknown): Buffer | undefined {
  return typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v) ? Buffer.from(v, 'base64') : undefined;
}

/**
 * The inner event of an envelope, read the way a structured-mode JSON CloudEvent is read
 * (CloudEvents JSON format: `data` as JSON, or `data_base64`). Anything short of a valid
 * CloudEvent is refused: guessing would run the adapter on the wrong fields.
 */
function innerEvent(data: unknown, envelopes: readonly EnvelopeRef[]): CloudEventLike {
  const outer = envelopes[envelopes.length - 1] as EnvelopeRef;
  const refuse = (why: string, eventId?: string): never => {
    throw new EventRejectedError(
      'envelope_malformed',
      `event ${outer.id} (${outer.type}) carries no valid CloudEvent: ${why}`,
      { eventId, envelopeIds: envelopes.map((e) => e.id) },
    );
  };
  if (!isRecord(data)) return refuse('its data is not a JSON object');
  const version = data['specversion'];
  if (version !== '1.0' && version !== '0.3')
    return refuse(
      version === undefined ? 'no `specversion`' : `\`specversion\` ${JSON.stringify(version)} is not 1.0`,
    );
  for (const attr of ['id', 'type', 'source'] as const) {
    const v = data[attr];
    if (typeof v !== 'string' || v === '')
      refuse(
        `\`${attr}\` is ${v === undefined ? 'missing' : 'not a non-empty string'}`,
        stringOr(data['id']),
      );
  }
  const id = data['id'] as string;
  const ids = { eventId: id, envelopeIds: envelopes.map((e) => e.id) };
  const where = `event ${id}'s data`;
  const contentType = data['datacontenttype'];
  if (contentType !== undefined && (typeof contentType !== 'string' || !JSON_MEDIA.test(contentType)))
    refuse(`its \`datacontenttype\` ${JSON.stringify(contentType)} is not JSON`, id);
  const traceparent = data['traceparent'];
  if (traceparent !== undefined && typeof traceparent !== 'string')
    refuse('`traceparent` is not a string', id);
  const inline = data['data'];
  const base64 = data['data_base64'];
  let payload: unknown;
  if (base64 !== undefined) {
    if (inline !== undefined) refuse('it has both `data` and `data_base64`', id);
    const bytes = base64Bytes(base64);
    if (bytes === undefined) return refuse('`data_base64` is not base64', id);
    payload = decodeData(bytes.toString('utf8'), where, ids);
  } else if (version === '0.3' && data['datacontentencoding'] === 'base64' && typeof inline === 'string') {
    payload = decodeData(Buffer.from(inline, 'base64').toString('utf8'), where, ids);
  } else {
    // JSON data is inline as JSON; a string is JSON text only if a client encoded it twice.
    payload = typeof inline === 'string' ? decodeData(inline, where, ids) : inline;
  }
  return {
    specversion: version,
    id,
    type: data['type'],
    source: data['source'],
    data: payload,
    ...(traceparent === undefined ? {} : { traceparent }),
  };
}

const SPEC_VERSIONS = new Set(['1.0', '0.3']);

/**
 * What the CloudEvents SDK would paper over in a request, checked before it parses: it makes
 * up an `id` when there is none (each redelivery would be a new event) and takes a missing or
 * unknown `specversion` for 1.0. `message` is the HTTP request as the SDK gets it.
 */
export function attributeProblem(message: {
  headers?: unknown;
  body?: unknown;
}): { reason: string; message: string } | undefined {
  const headers = (isRecord(message.headers) ? message.headers : {}) as Record<string, unknown>;
  let attrs: Record<string, unknown>;
  let named: (attr: string) => string;
  if (headers['ce-specversion'] !== undefined) {
    attrs = { specversion: headers['ce-specversion'], id: headers['ce-id'] };
    named = (attr) => `the \`ce-${attr}\` header`;
  } else {
    const type = headers['content-type'];
    if (typeof type !== 'string' || !/^\s*application\/cloudevents\+json\s*(?:;|$)/i.test(type))
      return undefined;
    let body = message.body;
    if (typeof body === 'string' || body instanceof Uint8Array) {
      try {
        body = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
      } catch {
        return undefined; // the SDK's own refusal says what is wrong with the JSON
      }
    }
    if (!isRecord(body)) return undefined;
    attrs = body;
    named = (attr) => `\`${attr}\``;
  }
  const version = attrs['specversion'];
  if (version === undefined)
    return { reason: 'unsupported_specversion', message: `the event has no ${named('specversion')}` };
  if (typeof version !== 'string' || !SPEC_VERSIONS.has(version))
    return {
      reason: 'unsupported_specversion',
      message: `${named('specversion')} ${JSON.stringify(version).slice(0, 40)} is not 1.0 (or 0.3)`,
    };
  const id = attrs['id'];
  if (typeof id !== 'string' || id === '')
    return {
      reason: 'missing_id',
      message: `the event has no ${named('id')}${id === undefined ? '' : ' that is a non-empty string'}: redeliveries could not be told apart`,
    };
  return undefined;
}

function stringOr(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The resource ids an event carries: its own, and its owner's (a nodepool's cluster). */
function idFields(data: Record<string, unknown>): [string, unknown][] {
  const fields: [string, unknown][] = [];
  if ('id' in data) fields.push(['id', data['id']]);
  const owner = data['owner_references'];
  if (isRecord(owner) && 'id' in owner) fields.push(['owner_references.id', owner['id']]);
  return fields;
}

export function parseEvent(ce: CloudEventLike | undefined, requiredFields: readonly string[]): IncomingEvent {
  if (!ce)
    throw new EventRejectedError(
      'not_cloudevent',
      'the request is not a CloudEvent (no ce-* headers or structured envelope)',
    );
  let event: CloudEventLike = ce;
  let data: unknown;
  try {
    // `data_base64` as sent is the surest form of the bytes (the SDK's decoding is lossy in type).
    data = decodeData(base64Bytes(ce.data_base64) ?? ce.data, 'event data', { eventId: stringOr(ce.id) });
  } catch (err) {
    // What the receive adapter wraps must be a CloudEvent; a body that is not even JSON is not.
    if (ce.type !== RABBITMQ_ENVELOPE_TYPE) throw err;
    throw new EventRejectedError(
      'envelope_malformed',
      `event ${stringOr(ce.id) ?? ''} (${RABBITMQ_ENVELOPE_TYPE}) carries no valid CloudEvent: its data is not JSON`,
      { envelopeIds: [stringOr(ce.id) ?? ''] },
    );
  }
  const envelopes: EnvelopeRef[] = [];
  while (carriesEvent(event.type, data)) {
    if (envelopes.length === MAX_ENVELOPES)
      throw new EventRejectedError(
        'envelope_malformed',
        `event ${envelopes[0]?.id} is wrapped in more than ${MAX_ENVELOPES} envelopes`,
        { envelopeIds: envelopes.map((e) => e.id) },
      );
    envelopes.push({
      id: stringOr(event.id) ?? '',
      type: stringOr(event.type) ?? '',
      source: stringOr(event.source) ?? '',
    });
    event = innerEvent(data, envelopes);
    data = event.data;
  }
  const ids = { eventId: stringOr(event.id), envelopeIds: envelopes.map((e) => e.id) };
  if (!isRecord(data)) {
    throw new EventRejectedError('data_not_object', 'event data must be a JSON object', ids);
  }
  for (const field of requiredFields) {
    const found = getNestedValue(data, field);
    if ('error' in found || found.value === null || found.value === '') {
      throw new EventRejectedError(
        'missing_field',
        `event data has no \`${field}\` (required by the adapter config)`,
        ids,
      );
    }
  }
  // An id goes into API URLs and Kubernetes names: only the API's own id shape gets that far.
  for (const [field, value] of idFields(data)) {
    const problem = hyperfleetIdProblem(value);
    if (problem) throw new EventRejectedError('invalid_id', `event data \`${field}\` ${problem}`, ids);
  }
  // The inner event's trace context is the producer's (Sentinel's publish span); an envelope's
  // only continues the delivery path, so it is the fallback.
  const traceparent = stringOr(event.traceparent) ?? stringOr(ce.traceparent);
  return {
    id: typeof event.id === 'string' ? event.id : '',
    type: typeof event.type === 'string' ? event.type : '',
    source: typeof event.source === 'string' ? event.source : '',
    data,
    ...(traceparent === undefined ? {} : { traceparent }),
    ...(envelopes.length > 0 ? { envelopes } : {}),
  };
}
