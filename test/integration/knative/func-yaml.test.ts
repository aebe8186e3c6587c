/**
 * func.yaml describes the same Service as knative/base: `func deploy` and the kustomize path
 * must not drift apart (env, mounts, probes, scaling). Field names are the func CLI's schema
 * (specVersion, run.envs, run.volumes, deploy.healthEndpoints, deploy.options.scale, ...).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { ADAPTER_SERVICE } from './invariants.ts';
import { at, type Doc, envFile, KNATIVE_DIR, keyOf, parseDocs, REPO_DIR, render } from './manifests.ts';

const stack = inject('stack');

interface FuncYaml {
  [key: string]: unknown;
  name: string;
  runtime: string;
  run: {
    envs: { name: string; value: string }[];
    volumes: { configMap?: string; secret?: string; path: string }[];
  };
  deploy: {
    serviceAccountName: string;
    healthEndpoints: { liveness: string; readiness: string };
    options: {
      scale: { min: number; max: number; metric: string; target: number };
      resources: { requests: Record<string, string>; limits: Record<string, string | number> };
    };
  };
}

const func = parse(readFileSync(`${REPO_DIR}func.yaml`, 'utf8')) as FuncYaml;
let service: Doc;
let configMapName: string;

beforeAll(async () => {
  const docs = parseDocs(await render(stack, 'base'));
  service = docs.find((d) => keyOf(d) === `Service/${ADAPTER_SERVICE}`) as Doc;
  configMapName = at(
    docs.find((d) => d['kind'] === 'ConfigMap'),
    'metadata',
    'name',
  ) as string;
});

function container(): Doc {
  return (at(service, 'spec', 'template', 'spec', 'containers') as Doc[])[0] as Doc;
}

describe('func.yaml', () => {
  it('uses only the func CLI schema’s top-level fields and names the typescript runtime', () => {
    const known = [
      'specVersion',
      'name',
      'domain',
      'runtime',
      'registry',
      'image',
      'namespace',
      'created',
      'invoke',
      'build',
      'run',
      'deploy',
    ];
    expect(Object.keys(func).filter((k) => !known.includes(k))).toEqual([]);
    expect(func).toMatchObject({ name: ADAPTER_SERVICE, runtime: 'typescript', invoke: 'cloudevent' });
    expect(typeof func['specVersion']).toBe('string');
    expect(Number.isNaN(Date.parse(String(func['created'])))).toBe(false);
  });

  it('sets the same env as the Service; per-environment values come from the deploying shell', () => {
    // The env the settings component fills in per environment: func.yaml takes those from the shell.
    const component = readFileSync(`${KNATIVE_DIR}components/settings/kustomization.yaml`, 'utf8');
    const perEnvironment = new Set([...component.matchAll(/env\.\[name=(\w+)\]\.value/g)].map((m) => m[1]));
    expect(perEnvironment.size).toBeGreaterThan(0);
    const svcEnv = container()['env'] as { name: string; value: string }[];
    expect(func.run.envs.map((e) => e.name)).toEqual(svcEnv.map((e) => e.name));
    for (const e of svcEnv) {
      const f = func.run.envs.find((x) => x.name === e.name);
      expect(f?.value, e.name).toBe(perEnvironment.has(e.name) ? `{{ env:${e.name} }}` : e.value);
    }
  });

  it('mounts the same ConfigMap and Secrets at the same paths', () => {
    const settings = envFile(readFileSync(`${KNATIVE_DIR}base/settings.env`, 'utf8'));
    const mounts = container()['volumeMounts'] as { name: string; mountPath: string }[];
    const volumes = at(service, 'spec', 'template', 'spec', 'volumes') as {
      name: string;
      configMap?: { name: string };
      secret?: { secretName: string };
    }[];
    const fromService = mounts.map((m) => {
      const v = volumes.find((x) => x.name === m.name);
      return v?.configMap
        ? { configMap: v.configMap.name, path: m.mountPath }
        : { secret: v?.secret?.secretName, path: m.mountPath };
    });
    expect(func.run.volumes).toEqual(fromService);
    expect(func.run.volumes.find((v) => v.configMap)?.configMap).toBe(configMapName);
    expect(func.run.volumes.filter((v) => v.secret).map((v) => v.secret)).toEqual([
      settings['maestro-certs-secret'],
      settings['api-token-secret'],
    ]);
  });

  it('probes, service account, scaling and concurrency match the Service', () => {
    const c = container();
    const annotations = at(service, 'spec', 'template', 'metadata', 'annotations') as Record<string, string>;
    expect(func.deploy.healthEndpoints).toEqual({
      liveness: at(c, 'livenessProbe', 'httpGet', 'path'),
      readiness: at(c, 'readinessProbe', 'httpGet', 'path'),
    });
    expect(func.deploy.serviceAccountName).toBe(
      at(service, 'spec', 'template', 'spec', 'serviceAccountName'),
    );
    expect(func.deploy.options.scale).toEqual({
      min: Number(annotations['autoscaling.knative.dev/min-scale']),
      max: Number(annotations['autoscaling.knative.dev/max-scale']),
      metric: annotations['autoscaling.knative.dev/metric'],
      target: Number(annotations['autoscaling.knative.dev/target']),
    });
    expect(func.deploy.options.resources.limits['concurrency']).toBe(
      at(service, 'spec', 'template', 'spec', 'containerConcurrency'),
    );
    expect(func.deploy.options.resources.requests).toEqual(at(c, 'resources', 'requests'));
    expect(func.deploy.options.resources.limits['memory']).toBe(at(c, 'resources', 'limits', 'memory'));
  });
});
