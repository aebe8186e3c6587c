import type { Channel } from 'amqplib';

/**
 * What hyperfleet-broker v1.1.1 (Sentinel's publisher) does on RabbitMQ, from its source and
 * watermill-amqp v3's: the exchange is named after the topic and declared durable, not
 * auto-deleted, not internal, no arguments, of the configured type (Sentinel: topic); each
 * event is published with an empty routing key (no routing_key configured) as its structured
 * JSON (`json.Marshal` of the CloudEvent) in the body, persistent, with one header
 * `_watermill_message_uuid` (the event id) and no content type, message id or ce- headers.
 */

export interface StructuredEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  datacontenttype?: string;
  data?: unknown;
  [extension: string]: unknown;
}

export async function declareAsBroker(channel: Channel, exchange: string): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: true, autoDelete: false, internal: false });
}

/** The message as hyperfleet-broker publishes it; `body` defaults to the event's JSON. */
export function publishAsBroker(
  channel: Channel,
  exchange: string,
  event: StructuredEvent,
  body?: string,
): void {
  channel.publish(exchange, '', Buffer.from(body ?? JSON.stringify(event)), {
    headers: { _watermill_message_uuid: event.id },
    deliveryMode: 2,
  });
}

/** Sentinel's event for a cluster (sentinel.go: type, source, UUID v7 id, JSON data). */
export function sentinelClusterEvent(
  clusterId: string,
  generation: number,
  extra: Record<string, unknown> = {},
): StructuredEvent {
  return {
    specversion: '1.0',
    id: uuidV7(),
    source: 'hyperfleet-sentinel',
    type: 'com.redhat.hyperfleet.cluster.reconcile',
    datacontenttype: 'application/json',
    data: { id: clusterId, kind: 'Cluster', href: `/api/hyperfleet/v1/clusters/${clusterId}`, generation },
    ...extra,
  };
}

function uuidV7(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
