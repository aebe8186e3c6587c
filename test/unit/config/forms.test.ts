import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  camelToSnake,
  loadAdapterConfig,
  loadConfigPair,
  loadTaskConfig,
} from '../../../lib/config/index.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/config');

function pair(folder: string) {
  return loadConfigPair({
    configFile: path.join(FIXTURES, folder, 'adapter-config.yaml'),
    taskConfigFile: path.join(FIXTURES, folder, 'task-config.yaml'),
    env: {},
  });
}

function tmp(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'config-forms-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('camelCase aliases and the wrapped form', () => {
  it('camelToSnake handles acronyms and digits', () => {
    expect(camelToSnake('hyperfleetApi')).toBe('hyperfleet_api');
    expect(camelToSnake('nestedDiscoveries')).toBe('nested_discoveries');
    expect(camelToSnake('baseURL')).toBe('base_url');
    expect(camelToSnake('tokenCacheTTL')).toBe('token_cache_ttl');
    expect(camelToSnake('httpCaFile')).toBe('http_ca_file');
    expect(camelToSnake('by_name')).toBe('by_name');
  });

  it('the wrapped camelCase files normalize to exactly what the bare snake_case files do', async () => {
    const bare = await pair('good');
    const wrapped = await pair('aliases');
    expect(wrapped.adapter).toEqual(bare.adapter);
    // Only the folder of the ref file differs.
    const relocate = (t: unknown) =>
      JSON.parse(JSON.stringify(t).replaceAll(`${FIXTURES}/aliases/`, `${FIXTURES}/good/`)) as unknown;
    expect(relocate(wrapped.task)).toEqual(relocate(bare.task));
    expect(wrapped.metadata).toEqual({
      adapter: { name: 'fixture-adapter' },
      task: { name: 'fixture-task' },
    });
    expect(bare.metadata).toEqual({});
  });

  it('keeps free-form maps (labels, manifests, build trees) exactly as written', async () => {
    const dir = tmp({
      'task.yaml': `params:
  - name: clusterId
    source: event.id
resources:
  - name: ns
    manifest:
      apiVersion: v1
      kind: Namespace
      metadata: { name: x, labels: { someLabel: a } }
    discovery:
      bySelectors:
        labelSelector:
          appName: x
post:
  payloads:
    - name: p
      build:
        observedGeneration: "1"
        lastUpdateTime: "{{ .clusterId }}"
`,
    });
    const task = await loadTaskConfig(path.join(dir, 'task.yaml'), { env: {} });
    const [ns] = task.resources;
    expect(ns?.manifest).toEqual({
      kind: 'inline',
      value: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', labels: { someLabel: 'a' } } },
    });
    expect(ns?.discovery).toEqual({ by_selectors: { label_selector: { appName: 'x' } } });
    expect(task.post.payloads[0]?.build).toEqual({
      kind: 'map',
      entries: {
        observedGeneration: { kind: 'template', template: '1' },
        lastUpdateTime: { kind: 'template', template: '{{ .clusterId }}' },
      },
    });
  });

  it('lifecycle.delete.propagationPolicy stays camelCase', async () => {
    const dir = tmp({
      'task.yaml': `resources:
  - name: ns
    manifest: { kind: Namespace }
    discovery: { by_name: x }
    lifecycle:
      delete:
        propagation_policy: Orphan
        when: { expression: "true" }
`,
    });
    await expect(loadTaskConfig(path.join(dir, 'task.yaml'), { env: {} })).rejects.toMatchObject({
      problems: [
        expect.objectContaining({
          path: 'resources[0].lifecycle.delete.propagation_policy',
          hint: 'did you mean `propagationPolicy`?',
        }),
      ],
    });
  });

  it('wrapped AdapterConfig takes the adapter name from metadata.name', async () => {
    const dir = tmp({
      'a.yaml': `apiVersion: hyperfleet.redhat.com/v1alpha1
kind: AdapterConfig
metadata: { name: from-metadata }
spec:
  debugConfig: true
`,
    });
    const cfg = await loadAdapterConfig(path.join(dir, 'a.yaml'), { env: {} });
    expect(cfg.adapter).toEqual({ name: 'from-metadata' });
    expect(cfg.debug_config).toBe(true);
  });

  it('templates and CEL may read `env` (the executor exposes the declared env vars)', async () => {
    const dir = tmp({
      'task.yaml': `params:
  - name: ns
    source: env.NAMESPACE
  - name: suffixed
    source:
      expression: env.NAMESPACE + "-x"
resources:
  - name: r
    manifest: { kind: ConfigMap, metadata: { name: "{{ .env.NAMESPACE }}" } }
    discovery: { by_name: x }
`,
    });
    const task = await loadTaskConfig(path.join(dir, 'task.yaml'), { env: {} });
    expect(task.params.map((p) => p.name)).toEqual(['ns', 'suffixed']);
  });

  it('YAML anchors, aliases and merge keys are followed', async () => {
    const dir = tmp({
      'task.yaml': `x-call: &call
  method: GET
  url: /clusters/{{ .clusterId }}
params:
  - name: clusterId
    source: event.id
  - name: a
    source:
      api_call: *call
  - name: b
    source:
      api_call:
        <<: *call
        url: /other
`,
    });
    // x-call is not a known top-level key: anchors live inside known keys in real configs.
    await expect(loadTaskConfig(path.join(dir, 'task.yaml'), { env: {} })).rejects.toMatchObject({
      problems: [expect.objectContaining({ path: 'x-call', line: 1 })],
    });
    const dir2 = tmp({
      'task.yaml': `params:
  - name: clusterId
    source: event.id
  - name: a
    source:
      api_call: &call
        method: GET
        url: /clusters/{{ .clusterId }}
  - name: b
    source:
      api_call:
        <<: *call
        url: /other
`,
    });
    const task = await loadTaskConfig(path.join(dir2, 'task.yaml'), { env: {} });
    expect(task.params[2]?.source).toEqual({
      kind: 'api_call',
      api_call: { method: 'GET', url: '/other', headers: [] },
    });
  });
});
