import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Channel } from 'amqplib';
import { kubectl } from '../../stack/knative-crds.ts';
import type { StackInfo } from '../../stack/types.ts';
import { at, type Doc, type Json, KNATIVE_DIR, parseDocs } from '../knative/manifests.ts';

/**
 * The shipped topology, rendered as an operator deploys it (an overlay over knative/base with
 * its own settings) and declared on a real RabbitMQ the way messaging-topology-operator
 * declares its Exchange, Queue and Binding objects.
 */

/** kustomize render of base plus the settings given, through a throwaway overlay. */
export async function renderWithSettings(stack: StackInfo, settings: Record<string, string>): Promise<Doc[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hf-overlay-'));
  try {
    // kustomize takes other roots only as relative paths.
    const base = relative(dir, join(KNATIVE_DIR, 'base'));
    const component = relative(dir, join(KNATIVE_DIR, 'components', 'settings'));
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        `resources: [${JSON.stringify(base)}]`,
        'configMapGenerator:',
        '  - name: hyperfleet-adapter-settings',
        '    behavior: merge',
        '    literals:',
        ...Object.entries(settings).map(([k, v]) => `      - ${JSON.stringify(`${k}=${v}`)}`),
        `components: [${JSON.stringify(component)}]`,
        '',
      ].join('\n'),
    );
    const out = await kubectl(stack, ['kustomize', dir]);
    if (out.code !== 0) throw new Error(`kubectl kustomize failed: ${out.stderr}`);
    return parseDocs(out.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function only(docs: Doc[], kind: string, name?: string): Doc {
  const found = docs.filter(
    (d) => d['kind'] === kind && (name === undefined || at(d, 'metadata', 'name') === name),
  );
  if (found.length !== 1)
    throw new Error(`${found.length} ${kind} objects named ${name ?? '(any)'} in the render`);
  return found[0] as Doc;
}

function record(v: Json | undefined): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

/** Exchanges, then queues, then bindings, as the operator's objects say (type, durability, arguments). */
export async function declareTopology(channel: Channel, docs: Doc[]): Promise<void> {
  for (const e of docs.filter((d) => d['kind'] === 'Exchange')) {
    await channel.assertExchange(String(at(e, 'spec', 'name')), String(at(e, 'spec', 'type')), {
      durable: at(e, 'spec', 'durable') === true,
      autoDelete: at(e, 'spec', 'autoDelete') === true,
      arguments: record(at(e, 'spec', 'arguments')),
    });
  }
  for (const q of docs.filter((d) => d['kind'] === 'Queue')) {
    const type = at(q, 'spec', 'type');
    await channel.assertQueue(String(at(q, 'spec', 'name')), {
      durable: at(q, 'spec', 'durable') === true,
      autoDelete: at(q, 'spec', 'autoDelete') === true,
      arguments: { ...record(at(q, 'spec', 'arguments')), ...(type ? { 'x-queue-type': type } : {}) },
    });
  }
  for (const b of docs.filter((d) => d['kind'] === 'Binding')) {
    await channel.bindQueue(
      String(at(b, 'spec', 'destination')),
      String(at(b, 'spec', 'source')),
      String(at(b, 'spec', 'routingKey') ?? ''),
      record(at(b, 'spec', 'arguments')),
    );
  }
}

/** The queues, exchanges of the render, to delete after a test. */
export async function deleteTopology(channel: Channel, docs: Doc[]): Promise<void> {
  for (const q of docs.filter((d) => d['kind'] === 'Queue'))
    await channel.deleteQueue(String(at(q, 'spec', 'name')));
  for (const e of docs.filter((d) => d['kind'] === 'Exchange'))
    await channel.deleteExchange(String(at(e, 'spec', 'name')));
}

/**
 * Knative's SubscriptionsAPI filters as the Broker's filter evaluates them (all must hold):
 * exact, prefix and suffix on attributes; anything else is not used by our Trigger and fails.
 */
export function triggerMatches(trigger: Doc, attributes: Record<string, string>): boolean {
  const filters = (at(trigger, 'spec', 'filters') ?? []) as Json[];
  return filters.every((f) => {
    const entries = Object.entries(record(f));
    if (entries.length !== 1) return false;
    const [op, attrs] = entries[0] as [string, Json];
    return Object.entries(record(attrs)).every(([name, want]) => {
      const have = attributes[name];
      if (have === undefined || typeof want !== 'string') return false;
      if (op === 'exact') return have === want;
      if (op === 'prefix') return have.startsWith(want);
      if (op === 'suffix') return have.endsWith(want);
      return false;
    });
  });
}
