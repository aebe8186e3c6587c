/**
 * The deploy manifests against the real kube-apiserver with Knative's CRDs installed from the
 * knative.dev modules: the kustomize base and the example overlay, rendered by the stack's
 * kubectl, each accepted by a server-side dry run with strict field validation; broken ones
 * refused (the validation is real); the overlay differs from the base by exactly its
 * settings; the rendered config loads in the adapter's own loader.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfigPair } from '../../../lib/config/index.ts';
import { installKnativeCrds, type KnativeCrds, kubectl } from '../../stack/knative-crds.ts';
import { ADAPTER_SERVICE, checkInvariants } from './invariants.ts';
import {
  at,
  byKey,
  type Change,
  type Doc,
  diff,
  envFile,
  type Json,
  KNATIVE_DIR,
  keyOf,
  parseDocs,
  render,
} from './manifests.ts';

const stack = inject('stack');
const runNs = `knative-dryrun-${Date.now().toString(36)}`;
const OVERLAY_NS = 'hyperfleet-example';
let crds: KnativeCrds;
let baseText: string;
let base: Doc[];
let overlayText: string;
let overlay: Doc[];
const createdNamespaces: string[] = [];

async function dryRun(yamlText: string, namespace: string, extra: string[] = []) {
  return kubectl(
    stack,
    ['apply', '--dry-run=server', '--validate=strict', '-n', namespace, '-f', '-', ...extra],
    yamlText,
  );
}

function serviceDoc(docs: Doc[]): Doc {
  const svc = docs.find((d) => keyOf(d) === `Service/${ADAPTER_SERVICE}`);
  if (!svc) throw new Error('no adapter Service in the render');
  return structuredClone(svc);
}

function toYaml(doc: Doc): string {
  return JSON.stringify(doc);
}

beforeAll(async () => {
  crds = await installKnativeCrds(stack);
  baseText = await render(stack, 'base');
  base = parseDocs(baseText);
  overlayText = await render(stack, 'overlays/example');
  overlay = parseDocs(overlayText);
  for (const ns of [runNs, OVERLAY_NS]) {
    const created = await kubectl(stack, ['create', 'namespace', ns]);
    if (created.code === 0) createdNamespaces.push(ns);
    else if (!created.stderr.includes('AlreadyExists')) throw new Error(created.stderr);
  }
});

afterAll(async () => {
  for (const ns of createdNamespaces) await kubectl(stack, ['delete', 'namespace', ns, '--wait=false']);
});

describe('Knative CRDs from the knative.dev modules', () => {
  it('serving, eventing and the RabbitmqSource CRDs are established', async () => {
    expect(crds.versions).toMatchObject({
      'knative.dev/serving': expect.stringMatching(/^v0\.\d+\.\d+$/),
      'knative.dev/eventing': expect.stringMatching(/^v0\.\d+\.\d+$/),
      'knative.dev/eventing-rabbitmq': expect.stringMatching(/^v0\.\d+\.\d+$/),
    });
    const wanted = [
      'services.serving.knative.dev',
      'brokers.eventing.knative.dev',
      'triggers.eventing.knative.dev',
      'rabbitmqsources.sources.knative.dev',
      'queues.rabbitmq.com',
      'exchanges.rabbitmq.com',
      'bindings.rabbitmq.com',
    ];
    expect(crds.names).toEqual(expect.arrayContaining(wanted));
    const out = await kubectl(stack, [
      'get',
      'crd',
      ...wanted,
      '-o',
      'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Established")].status}{"\\n"}{end}',
    ]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.trim().split('\n').sort()).toEqual(wanted.map((n) => `${n}=True`).sort());
  });
});

describe('server-side dry run', () => {
  for (const [label, text, docs, ns] of [
    ['base', () => baseText, () => base, runNs],
    ['example overlay', () => overlayText, () => overlay, OVERLAY_NS],
  ] as const) {
    it(`the ${label} render is accepted object by object, and nothing is created`, async () => {
      const out = await dryRun(text(), ns);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stderr).toBe('');
      const lines = out.stdout.trim().split('\n');
      expect(lines).toHaveLength(docs().length);
      for (const doc of docs()) {
        const name = at(doc, 'metadata', 'name') as string;
        expect(
          lines.some((l) => l.endsWith(`/${name} created (server dry run)`)),
          `${keyOf(doc)}\n${out.stdout}`,
        ).toBe(true);
      }
      const kinds = [
        'services.serving.knative.dev',
        'brokers.eventing.knative.dev',
        'triggers.eventing.knative.dev',
      ];
      const listed = await kubectl(stack, ['get', kinds.join(','), '-n', ns, '-o', 'name']);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout.trim()).toBe('');
    });
  }

  it('the base holds the objects the issue asks for', () => {
    expect(base.map(keyOf).sort()).toEqual(
      [
        'Binding/hyperfleet-adapter',
        'Binding/hyperfleet-adapter-dead-letter',
        'Broker/hyperfleet',
        'ConfigMap/hyperfleet-adapter-config',
        'Exchange/hyperfleet-adapter-dead-letter',
        'Queue/hyperfleet-adapter',
        'Queue/hyperfleet-adapter-dead-letter',
        'RabbitmqSource/hyperfleet-sentinel',
        'Service/hyperfleet-adapter',
        'Service/hyperfleet-adapter-dead-letter',
        'ServiceAccount/hyperfleet-adapter',
        'Trigger/hyperfleet-adapter-cluster-reconcile',
      ].sort(),
    );
  });

  it('a wrongly typed containerConcurrency is refused by the Service schema', async () => {
    const svc = serviceDoc(base);
    (svc['spec'] as { template: { spec: Record<string, Json> } }).template.spec['containerConcurrency'] =
      'ten';
    const out = await dryRun(toYaml(svc), runNs);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/spec\.template\.spec\.containerConcurrency/);
  });

  it('an unknown field is refused under strict validation, and only dropped without it', async () => {
    const svc = serviceDoc(base);
    (svc['spec'] as { template: { spec: Record<string, Json> } }).template.spec['containerConcurency'] = 5;
    const strict = await dryRun(toYaml(svc), runNs);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toMatch(/unknown field "spec\.template\.spec\.containerConcurency"/);
    const lax = await kubectl(
      stack,
      ['apply', '--dry-run=server', '--validate=false', '-n', runNs, '-f', '-'],
      toYaml(svc),
    );
    expect(lax.code, lax.stderr).toBe(0);
  });

  it('a RabbitmqSource below its minimum parallelism and a Trigger with a typed-wrong retry are refused', async () => {
    const source = structuredClone(base.find((d) => d['kind'] === 'RabbitmqSource') as Doc);
    (source['spec'] as { rabbitmqResourcesConfig: Record<string, Json> }).rabbitmqResourcesConfig[
      'parallelism'
    ] = 0;
    const s = await dryRun(toYaml(source), runNs);
    expect(s.code).not.toBe(0);
    expect(s.stderr).toMatch(/parallelism/);
    const trigger = structuredClone(base.find((d) => d['kind'] === 'Trigger') as Doc);
    (trigger['spec'] as { delivery: Record<string, Json> }).delivery['retry'] = 'eight';
    const t = await dryRun(toYaml(trigger), runNs);
    expect(t.code).not.toBe(0);
    expect(t.stderr).toMatch(/spec\.delivery\.retry/);
  });
});

describe('what no schema checks', () => {
  it('base and overlay keep the invariants (deadline below timeoutSeconds, probes, Trigger wiring)', () => {
    expect(checkInvariants(base)).toEqual([]);
    expect(checkInvariants(overlay)).toEqual([]);
  });

  it('the invariant check catches what Knative’s webhook would (it does not run here)', () => {
    const broken = base.map((d) => structuredClone(d));
    const svc = broken.find((d) => keyOf(d) === `Service/${ADAPTER_SERVICE}`) as Doc;
    const spec = (svc['spec'] as { template: { spec: Record<string, Json> } }).template.spec;
    spec['containerConcurrency'] = -1;
    spec['timeoutSeconds'] = 100;
    expect(checkInvariants(broken)).toEqual([
      'Service/hyperfleet-adapter: containerConcurrency -1 is outside 0..1000',
      'Service/hyperfleet-adapter: event deadline 120000 ms is not below the request timeout 100000 ms',
    ]);
  });

  it("the invariant check catches a topology that loses Sentinel's events", () => {
    const broken = base.map((d) => structuredClone(d));
    const source = broken.find((d) => d['kind'] === 'RabbitmqSource') as Doc;
    delete (source['spec'] as { rabbitmqResourcesConfig: Record<string, Json> }).rabbitmqResourcesConfig[
      'predeclared'
    ];
    const binding = broken.find((d) => keyOf(d) === 'Binding/hyperfleet-adapter') as Doc;
    (binding['spec'] as Record<string, Json>)['routingKey'] = '';
    const trigger = broken.find((d) => d['kind'] === 'Trigger') as Doc;
    (trigger['spec'] as Record<string, Json>)['filter'] = {
      attributes: { type: 'com.redhat.hyperfleet.cluster.reconcile' },
    };
    expect(checkInvariants(broken)).toEqual([
      "Trigger/hyperfleet-adapter-cluster-reconcile: filters on com.redhat.hyperfleet.cluster.reconcile, which only the envelope's data carries",
      "RabbitmqSource/hyperfleet-sentinel: not predeclared: its controller would declare Sentinel's exchange as type headers",
      "Binding/hyperfleet-adapter: routing key is not #: some of Sentinel's routing keys would not reach the queue",
    ]);
    (trigger['spec'] as Record<string, Json>)['filters'] = [
      { exact: { type: 'com.redhat.hyperfleet.cluster.reconcile' } },
    ];
    expect(checkInvariants(broken)).toContain('no Trigger filters on dev.knative.rabbitmq.event');
  });
});

describe('the example overlay', () => {
  it('differs from the base by exactly its namespace, image and settings', () => {
    const component = parse(readFileSync(`${KNATIVE_DIR}components/settings/kustomization.yaml`, 'utf8')) as {
      replacements: {
        source: { fieldPath: string };
        targets: {
          select: { kind: string; name: string };
          fieldPaths: string[];
          options?: { delimiter: string; index: number };
        }[];
      }[];
    };
    const baseSettings = envFile(readFileSync(`${KNATIVE_DIR}base/settings.env`, 'utf8'));
    const overlaySettings = envFile(readFileSync(`${KNATIVE_DIR}overlays/example/settings.env`, 'utf8'));
    const expected: Change[] = [];
    for (const doc of base)
      expected.push({ object: keyOf(doc), path: 'metadata.namespace', from: undefined, to: OVERLAY_NS });
    expected.push({
      object: `Service/${ADAPTER_SERVICE}`,
      path: 'spec.template.spec.containers.[name=adapter].image',
      from: 'hyperfleet-adapter',
      to: 'registry.example.com/hyperfleet/hyperfleet-adapter:0.1.0',
    });
    for (const r of component.replacements) {
      const key = r.source.fieldPath.replace(/^data\./, '');
      expect(Object.keys(overlaySettings), `overlay sets ${key}`).toContain(key);
      if (baseSettings[key] === overlaySettings[key]) continue;
      for (const t of r.targets)
        for (const path of t.fieldPaths) {
          // A delimited target takes the setting as one part of its value (`<queue>.dead-letter`).
          const part = (value: string) => {
            const o = t.options;
            if (!o) return value;
            const now = at(
              byKey(base).get(`${t.select.kind}/${t.select.name}`),
              ...path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)),
            );
            const parts = String(now).split(o.delimiter);
            parts[o.index] = value;
            return parts.join(o.delimiter);
          };
          expected.push({
            object: `${t.select.kind}/${t.select.name}`,
            path: path.replace(/\.(\d+)\./g, '.[$1].'),
            from: part(baseSettings[key] as string),
            to: part(overlaySettings[key] as string),
          });
        }
    }
    const sort = (c: Change[]) =>
      [...c].sort((x, y) => `${x.object} ${x.path}`.localeCompare(`${y.object} ${y.path}`));
    expect(diff(base, overlay)).toEqual(sort(expected));
  });
});

describe('the rendered config', () => {
  for (const [label, docs] of [
    ['base', () => base],
    ['example overlay', () => overlay],
  ] as const) {
    it(`the ${label} ConfigMap loads with the Service's env in the adapter's loader`, async () => {
      const cm = docs().find((d) => keyOf(d) === 'ConfigMap/hyperfleet-adapter-config') as Doc;
      const svc = serviceDoc(docs());
      const dir = mkdtempSync(join(tmpdir(), 'knative-config-'));
      try {
        for (const [name, text] of Object.entries(cm['data'] as Record<string, string>))
          writeFileSync(join(dir, name), text);
        const container = (at(svc, 'spec', 'template', 'spec', 'containers') as Doc[])[0] as Doc;
        const env: Record<string, string> = {};
        for (const e of container['env'] as { name: string; value: string }[]) env[e.name] = e.value;
        env['HYPERFLEET_ADAPTER_MOUNTS'] = `/etc/adapter=${dir}`;
        const loaded = await loadConfigPair({
          configFile: join(dir, 'adapter-config.yaml'),
          taskConfigFile: join(dir, 'task-config.yaml'),
          env,
        });
        const maestro = loaded.adapter.clients.maestro;
        expect(maestro?.grpc_server_address).toBe(env['HYPERFLEET_MAESTRO_GRPC_SERVER_ADDRESS']);
        expect(maestro?.source_id).toBe(env['HYPERFLEET_MAESTRO_SOURCE_ID']);
        expect(maestro?.insecure).toBe(false);
        expect(maestro?.auth?.type).toBe('tls');
        expect(maestro?.auth?.tls_config?.cert_file).toBe('/etc/maestro/certs/tls.crt');
        expect(loaded.adapter.clients.hyperfleet_api.base_url).toBe(env['HYPERFLEET_API_BASE_URL']);
        expect(loaded.adapter.clients.hyperfleet_api.auth?.token_path).toBe(
          '/var/run/secrets/hyperfleet-api/token',
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
