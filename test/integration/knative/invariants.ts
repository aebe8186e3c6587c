/**
 * What must hold across our manifests that no schema can see: the ranges Knative's webhook
 * would enforce (it does not run against the test apiserver), and the couplings between the
 * Service, the runtime's code and the eventing objects (the event deadline below the request
 * timeout, probes on the runtime's endpoints, the Trigger pointing at the Service, ...).
 */
import { parseGoDuration } from '../../../lib/config/duration.ts';
import { DEFAULT_EVENT_TIMEOUT_MS } from '../../../lib/runtime/from-env.ts';
import { at, type Doc, type Json, keyOf } from './manifests.ts';

export const ADAPTER_SERVICE = 'hyperfleet-adapter';
/** Sentinel's types are com.redhat.hyperfleet.<kind>.reconcile. */
export const SENTINEL_EVENT_TYPE_PREFIX = 'com.redhat.hyperfleet.';
/** What the RabbitmqSource receive adapter makes of a message that is not a CloudEvent itself. */
export const ENVELOPE_TYPE = 'dev.knative.rabbitmq.event';

type Entry = { [key: string]: Json };

function find(docs: Doc[], kind: string, name?: string): Doc[] {
  return docs.filter((d) => d['kind'] === kind && (name === undefined || at(d, 'metadata', 'name') === name));
}

function named(list: Json | undefined, name: string): Entry | undefined {
  return Array.isArray(list)
    ? (list.find((e) => e !== null && typeof e === 'object' && !Array.isArray(e) && e['name'] === name) as
        | Entry
        | undefined)
    : undefined;
}

function refResolves(docs: Doc[], ref: Json | undefined): boolean {
  const kind = at(ref, 'kind');
  const name = at(ref, 'name');
  return typeof kind === 'string' && typeof name === 'string' && find(docs, kind, name).length === 1;
}

/** Every violated rule, as a sentence naming the object; empty when the render is sound. */
export function checkInvariants(docs: Doc[]): string[] {
  const problems: string[] = [];
  const say = (doc: Doc, text: string) => problems.push(`${keyOf(doc)}: ${text}`);

  for (const svc of docs.filter((d) => at(d, 'apiVersion') === 'serving.knative.dev/v1')) {
    const spec = at(svc, 'spec', 'template', 'spec');
    const cc = at(spec, 'containerConcurrency');
    if (cc !== undefined && (typeof cc !== 'number' || !Number.isInteger(cc) || cc < 0 || cc > 1000))
      say(svc, `containerConcurrency ${JSON.stringify(cc)} is outside 0..1000`);
    const timeout = at(spec, 'timeoutSeconds');
    if (timeout !== undefined && (typeof timeout !== 'number' || timeout < 1))
      say(svc, `timeoutSeconds ${JSON.stringify(timeout)} is not a positive number`);
    const annotations = (at(svc, 'spec', 'template', 'metadata', 'annotations') ?? {}) as Entry;
    const min = Number(annotations['autoscaling.knative.dev/min-scale'] ?? 0);
    const max = Number(annotations['autoscaling.knative.dev/max-scale'] ?? 0);
    if (max > 0 && min > max) say(svc, `min-scale ${min} is above max-scale ${max}`);
  }

  const [adapter] = find(docs, 'Service', ADAPTER_SERVICE);
  if (!adapter) return [...problems, `Service/${ADAPTER_SERVICE} is missing`];
  const spec = at(adapter, 'spec', 'template', 'spec');
  const container = named(at(spec, 'containers'), 'adapter');
  if (!container) return [...problems, `Service/${ADAPTER_SERVICE}: no container named adapter`];
  const env = (name: string) => at(named(container['env'], name), 'value');

  const timeoutSeconds = at(spec, 'timeoutSeconds');
  const deadlineText = env('HYPERFLEET_EVENT_TIMEOUT');
  const deadlineMs =
    typeof deadlineText === 'string' ? parseGoDuration(deadlineText) : DEFAULT_EVENT_TIMEOUT_MS;
  if (deadlineMs === undefined)
    say(adapter, `HYPERFLEET_EVENT_TIMEOUT ${String(deadlineText)} is not a duration`);
  // Knative's default request timeout is 300 s; the runtime must answer before the router cuts.
  const requestMs = (typeof timeoutSeconds === 'number' ? timeoutSeconds : 300) * 1000;
  if (deadlineMs !== undefined && deadlineMs >= requestMs)
    say(adapter, `event deadline ${deadlineMs} ms is not below the request timeout ${requestMs} ms`);

  const cc = at(spec, 'containerConcurrency');
  const target = Number(
    at(adapter, 'spec', 'template', 'metadata', 'annotations', 'autoscaling.knative.dev/target') ?? 0,
  );
  if (typeof cc === 'number' && cc > 0 && target > cc)
    say(adapter, `autoscaling target ${target} is above containerConcurrency ${cc}`);

  // faas-js-runtime serves these endpoints on :8080.
  if (at(container, 'readinessProbe', 'httpGet', 'path') !== '/health/readiness')
    say(adapter, 'readinessProbe is not on /health/readiness');
  if (at(container, 'livenessProbe', 'httpGet', 'path') !== '/health/liveness')
    say(adapter, 'livenessProbe is not on /health/liveness');
  if (at(container, 'ports', 0, 'containerPort') !== 8080) say(adapter, 'container port is not 8080');

  // The config files the runtime reads must be keys of the ConfigMap mounted where they are read.
  const mounts = (container['volumeMounts'] ?? []) as Entry[];
  for (const variable of ['HYPERFLEET_ADAPTER_CONFIG', 'HYPERFLEET_TASK_CONFIG']) {
    const path = env(variable);
    const mount = mounts.find((m) => typeof path === 'string' && path.startsWith(`${m['mountPath']}/`));
    const volume = mount && named(at(spec, 'volumes'), mount['name'] as string);
    const cmName = at(volume, 'configMap', 'name');
    const [cm] = typeof cmName === 'string' ? find(docs, 'ConfigMap', cmName) : [];
    const key = typeof path === 'string' ? path.slice(path.lastIndexOf('/') + 1) : '';
    if (!cm || at(cm, 'data', key) === undefined)
      say(adapter, `${variable}=${String(path)} is not a key of a ConfigMap in the render mounted there`);
  }
  for (const variable of [
    'HYPERFLEET_MAESTRO_CA_FILE',
    'HYPERFLEET_MAESTRO_CERT_FILE',
    'HYPERFLEET_MAESTRO_KEY_FILE',
  ]) {
    const path = env(variable);
    const mount = mounts.find((m) => typeof path === 'string' && path.startsWith(`${m['mountPath']}/`));
    const volume = mount && named(at(spec, 'volumes'), mount['name'] as string);
    if (!at(volume, 'secret', 'secretName'))
      say(adapter, `${variable}=${String(path)} is not on a Secret mount`);
  }

  // Events reach the Broker wrapped by the RabbitmqSource: a Trigger on Sentinel's own type
  // would never match. The adapter's Trigger selects the envelope by type and by the queue the
  // source names at the end of the envelope's source.
  const triggers = find(docs, 'Trigger');
  for (const t of triggers) {
    const types = [at(t, 'spec', 'filter', 'attributes', 'type')];
    for (const f of (at(t, 'spec', 'filters') ?? []) as Json[]) types.push(at(f, 'exact', 'type'));
    for (const type of types)
      if (typeof type === 'string' && type.startsWith(SENTINEL_EVENT_TYPE_PREFIX))
        say(t, `filters on ${type}, which only the envelope's data carries`);
  }
  const reconcile = triggers.find((t) =>
    ((at(t, 'spec', 'filters') ?? []) as Json[]).some((f) => at(f, 'exact', 'type') === ENVELOPE_TYPE),
  );
  if (!reconcile) return [...problems, `no Trigger filters on ${ENVELOPE_TYPE}`];
  const subscriber = at(reconcile, 'spec', 'subscriber', 'ref');
  if (at(subscriber, 'kind') !== 'Service' || at(subscriber, 'name') !== ADAPTER_SERVICE)
    say(reconcile, `subscriber is not Service/${ADAPTER_SERVICE}`);
  if (find(docs, 'Broker', at(reconcile, 'spec', 'broker') as string).length !== 1)
    say(reconcile, 'its broker is not in the render');
  const delivery = at(reconcile, 'spec', 'delivery');
  const retry = at(delivery, 'retry');
  if (typeof retry !== 'number' || retry < 1) say(reconcile, 'delivery.retry is not a positive number');
  if (at(delivery, 'backoffPolicy') !== 'exponential')
    say(reconcile, 'delivery.backoffPolicy is not exponential');
  if (!/^P(T(\d+(\.\d+)?[HMS])+|\d+D)$/.test(String(at(delivery, 'backoffDelay'))))
    say(
      reconcile,
      `delivery.backoffDelay ${String(at(delivery, 'backoffDelay'))} is not an ISO 8601 duration`,
    );
  if (!refResolves(docs, at(delivery, 'deadLetterSink', 'ref')))
    say(reconcile, 'delivery.deadLetterSink does not name an object in the render');

  checkRabbitmq(docs, reconcile, env('HYPERFLEET_BROKER_TOPIC'), say);
  return problems;
}

/**
 * The source consumes a queue it does not declare (its controller would declare Sentinel's
 * exchange with another type); the topology objects declare that queue, bind it to Sentinel's
 * exchange with `#` and dead-letter it to an exchange and queue of the render; nothing in the
 * render declares Sentinel's exchange; the Trigger's source suffix is that queue.
 */
function checkRabbitmq(
  docs: Doc[],
  trigger: Doc,
  topic: Json | undefined,
  say: (doc: Doc, text: string) => void,
): void {
  const queues = find(docs, 'Queue');
  const exchanges = find(docs, 'Exchange');
  const bindings = find(docs, 'Binding');
  const queueNamed = (name: Json | undefined) => queues.find((q) => at(q, 'spec', 'name') === name);
  for (const source of find(docs, 'RabbitmqSource')) {
    if (!refResolves(docs, at(source, 'spec', 'sink', 'ref')))
      say(source, 'sink does not name an object in the render');
    const config = at(source, 'spec', 'rabbitmqResourcesConfig');
    if (at(config, 'predeclared') !== true)
      say(source, "not predeclared: its controller would declare Sentinel's exchange as type headers");
    const queueName = at(config, 'queueName');
    const queue = queueNamed(queueName);
    if (!queue) {
      say(source, `queue ${String(queueName)} is not declared by a Queue in the render`);
      continue;
    }
    if (at(queue, 'spec', 'durable') !== true) say(queue, 'not durable');
    const binding = bindings.find((b) => at(b, 'spec', 'destination') === queueName);
    if (!binding) say(queue, 'not bound to any exchange');
    else {
      if (at(binding, 'spec', 'source') !== topic)
        say(
          binding,
          `binds exchange ${String(at(binding, 'spec', 'source'))}, not Sentinel's topic ${String(topic)}`,
        );
      if (at(binding, 'spec', 'routingKey') !== '#')
        say(binding, "routing key is not #: some of Sentinel's routing keys would not reach the queue");
    }
    const dlx = at(queue, 'spec', 'arguments', 'x-dead-letter-exchange');
    const dlxBinding = bindings.find((b) => at(b, 'spec', 'source') === dlx);
    if (
      !exchanges.some((e) => at(e, 'spec', 'name') === dlx) ||
      !queueNamed(at(dlxBinding, 'spec', 'destination'))
    )
      say(queue, `dead-letter exchange ${String(dlx)} does not lead to a queue of the render`);
    if (at(trigger, 'spec', 'broker') === at(source, 'spec', 'sink', 'ref', 'name')) {
      const suffixes = ((at(trigger, 'spec', 'filters') ?? []) as Json[]).map((f) =>
        at(f, 'suffix', 'source'),
      );
      if (!suffixes.includes(`#${String(queueName)}`))
        say(trigger, `does not select the source by its queue (source suffix #${String(queueName)})`);
    }
  }
  for (const e of exchanges)
    if (at(e, 'spec', 'name') === topic) say(e, "declares Sentinel's exchange, which belongs to Sentinel");
}
