import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadAdapterConfig } from '../../../lib/config/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'hf-fallback-cfg-'));
let n = 0;

function load(maestroBlock: string) {
  const file = join(dir, `adapter-${n++}.yaml`);
  writeFileSync(
    file,
    `adapter:\n  name: fb\nclients:\n  maestro:\n    grpc_server_address: maestro:8090\n    http_server_address: http://maestro:8000\n    insecure: true\n    source_id: fb\n${maestroBlock}`,
  );
  return loadAdapterConfig(file, { env: {} });
}

describe('clients.maestro.fallback', () => {
  it('is absent (off) unless written', async () => {
    const c = await load('');
    expect(c.clients.maestro?.fallback).toBeUndefined();
  });

  it('defaults enabled to false and kubeconfigs to none', async () => {
    const c = await load('    fallback: {}\n');
    expect(c.clients.maestro?.fallback).toEqual({ enabled: false, kubeconfigs: {} });
  });

  it('parses enabled and one kubeconfig per consumer', async () => {
    const c = await load(
      '    fallback:\n      enabled: true\n      kubeconfigs:\n        cluster1: /etc/kc/cluster1\n        Cluster_Two: /etc/kc/two\n',
    );
    expect(c.clients.maestro?.fallback).toEqual({
      enabled: true,
      kubeconfigs: { cluster1: '/etc/kc/cluster1', Cluster_Two: '/etc/kc/two' },
    });
  });

  it('sits under a camelCase-spelled block and keeps camelCase consumer names as written', async () => {
    const file = join(dir, 'camel.yaml');
    writeFileSync(
      file,
      'adapter:\n  name: fb\nclients:\n  maestro:\n    grpcServerAddress: maestro:8090\n    sourceId: fb\n    fallback:\n      enabled: true\n      kubeconfigs: { clusterA: /kc/a }\n',
    );
    const c = await loadAdapterConfig(file, { env: {} });
    expect(c.clients.maestro?.source_id).toBe('fb');
    expect(c.clients.maestro?.fallback).toEqual({ enabled: true, kubeconfigs: { clusterA: '/kc/a' } });
  });

  it('rejects unknown keys and wrong types, naming the path', async () => {
    const err = await load('    fallback:\n      enabled: "yes"\n      kubeconfig: {}\n').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    const text = (err as ConfigError).message;
    expect(text).toContain('clients.maestro.fallback.enabled');
    expect(text).toContain('kubeconfig');
  });

  it('rejects an empty kubeconfig path', async () => {
    await expect(
      load('    fallback:\n      enabled: true\n      kubeconfigs: { cluster1: "" }\n'),
    ).rejects.toThrow(/clients\.maestro\.fallback\.kubeconfigs\.cluster1/);
  });
});
