import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KubeConfigError, openConnection } from '../../../../lib/transport/kubernetes/connection.ts';

const dir = mkdtempSync(join(tmpdir(), 'kube-conn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

const withToken = kubeconfig(
  'token.yaml',
  `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: http://127.0.0.1:1
    insecure-skip-tls-verify: true
users:
- name: u
  user:
    token: from-file
contexts:
- name: ctx
  context: {cluster: c, user: u, namespace: team-a}
current-context: ctx
`,
);

describe('openConnection', () => {
  it('reads server, bearer token and context namespace from a kubeconfig', async () => {
    const conn = await openConnection({ kubeConfigPath: withToken });
    expect(conn.server).toBe('http://127.0.0.1:1');
    expect(await conn.headers()).toMatchObject({ Authorization: 'Bearer from-file' });
    expect(conn.defaultNamespace).toBe('team-a');
    conn.agent.destroy();
  });

  it('an explicit token replaces the kubeconfig user', async () => {
    const conn = await openConnection({ kubeConfigPath: withToken, token: 'override' });
    expect(await conn.headers()).toMatchObject({ Authorization: 'Bearer override' });
    expect(conn.server).toBe('http://127.0.0.1:1');
    conn.agent.destroy();
  });

  it('server + token need no kubeconfig', async () => {
    const conn = await openConnection({ server: 'https://127.0.0.1:6443', token: 'abc' });
    expect(conn.server).toBe('https://127.0.0.1:6443');
    expect(await conn.headers()).toMatchObject({ Authorization: 'Bearer abc' });
    expect(conn.defaultNamespace).toBe('default');
    conn.agent.destroy();
  });

  it('a missing kubeconfig file is a configuration error naming the cause', async () => {
    const err = await openConnection({ kubeConfigPath: join(dir, 'absent.yaml') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeConfigError);
    expect((err as KubeConfigError).code).toBe('KUBE_CONFIG_INVALID');
    expect((err as KubeConfigError).message).toContain('absent.yaml');
  });

  it('plain http without skip-verify is refused', async () => {
    const insecure = kubeconfig(
      'http.yaml',
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'http://127.0.0.1:1'}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: ctx, context: {cluster: c, user: u}}]
current-context: ctx
`,
    );
    await expect(openConnection({ kubeConfigPath: insecure })).rejects.toThrow(KubeConfigError);
  });

  it('outside a pod, no kubeconfig and no server is a configuration error', async () => {
    const saved = process.env['KUBERNETES_SERVICE_HOST'];
    delete process.env['KUBERNETES_SERVICE_HOST'];
    try {
      await expect(openConnection({})).rejects.toThrow(/KUBERNETES_SERVICE_HOST/);
    } finally {
      if (saved !== undefined) process.env['KUBERNETES_SERVICE_HOST'] = saved;
    }
  });

  it('in a pod, the service-account files are used', async () => {
    const prefix = join(dir, 'sa');
    const accountDir = join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(accountDir, { recursive: true });
    writeFileSync(join(accountDir, 'token'), 'pod-token');
    writeFileSync(join(accountDir, 'namespace'), 'pod-ns');
    writeFileSync(join(accountDir, 'ca.crt'), '');
    const saved = {
      host: process.env['KUBERNETES_SERVICE_HOST'],
      port: process.env['KUBERNETES_SERVICE_PORT'],
    };
    process.env['KUBERNETES_SERVICE_HOST'] = '10.0.0.1';
    process.env['KUBERNETES_SERVICE_PORT'] = '443';
    try {
      const { KubeConfig } = await import('@kubernetes/client-node');
      // The real path prefix is '', so point client-node's loader at our temp tree for this test only.
      const original = KubeConfig.prototype.loadFromCluster;
      KubeConfig.prototype.loadFromCluster = function (this: InstanceType<typeof KubeConfig>) {
        original.call(this, prefix);
      };
      try {
        const conn = await openConnection({});
        expect(conn.server).toBe('https://10.0.0.1:443');
        expect(await conn.headers()).toMatchObject({ Authorization: 'Bearer pod-token' });
        expect(conn.defaultNamespace).toBe('pod-ns');
        conn.agent.destroy();
      } finally {
        KubeConfig.prototype.loadFromCluster = original;
      }
    } finally {
      for (const [k, v] of [
        ['KUBERNETES_SERVICE_HOST', saved.host],
        ['KUBERNETES_SERVICE_PORT', saved.port],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
