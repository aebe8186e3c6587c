import { type Channel, type ChannelModel, type ConsumeMessage, connect } from 'amqplib';
import { StackError } from './errors.ts';
import type { RabbitmqInfo, SentinelInstanceInfo } from './types.ts';

/**
 * A test's own queue bound to a Sentinel exchange with a real AMQP client: every event
 * Sentinel publishes from now on, as it arrived (body, properties, routing key).
 */

export interface SentinelMessage {
  exchange: string;
  routingKey: string;
  /** The AMQP body as text. */
  body: string;
  /** The body parsed as JSON (hyperfleet-broker publishes a structured-mode CloudEvent). */
  event: SentinelEvent;
  properties: ConsumeMessage['properties'];
}

export interface SentinelEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  datacontenttype?: string;
  time?: string;
  data: Record<string, unknown>;
  [extension: string]: unknown;
}

export interface SentinelSubscription {
  queue: string;
  /** Every message received so far, oldest first. */
  received: SentinelMessage[];
  /** Resolves with the first message (already received or yet to come) `match` accepts. */
  next(what: string, match: (m: SentinelMessage) => boolean, timeoutMs?: number): Promise<SentinelMessage>;
  close(): Promise<void>;
}

/**
 * Declares the exchange as hyperfleet-broker does (so either may come first: RabbitMQ refuses a
 * second declaration with other arguments), binds an exclusive auto-delete queue with `#`.
 */
export async function subscribeSentinel(
  rabbitmq: RabbitmqInfo,
  sentinel: SentinelInstanceInfo,
): Promise<SentinelSubscription> {
  const conn: ChannelModel = await connect(rabbitmq.url);
  const channel: Channel = await conn.createChannel();
  await channel.assertExchange(sentinel.exchange, sentinel.exchangeType, {
    durable: true,
    autoDelete: false,
  });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, sentinel.exchange, '#');
  const received: SentinelMessage[] = [];
  const waiters = new Set<() => void>();
  await channel.consume(
    queue,
    (msg) => {
      if (msg === null) return;
      const body = msg.content.toString('utf8');
      let event: SentinelEvent;
      try {
        event = JSON.parse(body) as SentinelEvent;
      } catch {
        event = { specversion: '', id: '', source: '', type: '', data: {} };
      }
      received.push({
        exchange: msg.fields.exchange,
        routingKey: msg.fields.routingKey,
        body,
        event,
        properties: msg.properties,
      });
      for (const wake of waiters) wake();
    },
    { noAck: true },
  );
  return {
    queue,
    received,
    next(what, match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = received.find(match);
          if (found === undefined) return false;
          clearTimeout(timer);
          waiters.delete(onMessage);
          resolve(found);
          return true;
        };
        const onMessage = () => {
          check();
        };
        const timer = setTimeout(() => {
          waiters.delete(onMessage);
          reject(
            new StackError(
              'STACK_TIMEOUT',
              `no ${what} on exchange ${sentinel.exchange} within ${timeoutMs} ms (${received.length} other messages)`,
            ),
          );
        }, timeoutMs);
        waiters.add(onMessage);
        check();
      });
    },
    async close() {
      await channel.close().catch(() => {});
      await conn.close().catch(() => {});
    },
  };
}
