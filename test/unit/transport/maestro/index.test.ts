import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMaestroTransport, MaestroConfigError } from '../../../../lib/transport/maestro/index.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

describe('createMaestroTransport', () => {
  it('does not load gRPC until the transport is first used', () => {
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(process.cwd() + '/');
      const grpcLoaded = () => Object.keys(require.cache).some((k) => k.includes('@grpc'));
      const m = await import('./lib/transport/maestro/index.ts');
      const t = m.createMaestroTransport({ grpc_server_address: '127.0.0.1:1', http_server_address: 'http://127.0.0.1:1', source_id: 's', insecure: true, subscribe_status: false, retry_attempts: 0, timeout: 300 });
      const before = grpcLoaded();
      await t.get({ apiVersion: 'work.open-cluster-management.io/v1', kind: 'ManifestWork', name: 'w' }, { signal: AbortSignal.timeout(2000), targetCluster: 'c' }).catch((e) => e.code);
      console.log(JSON.stringify({ before, after: grpcLoaded() }));
      await t.close();
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
    }).toString();
    expect(JSON.parse(out.trim().split('\n').pop() ?? '{}')).toEqual({ before: false, after: true });
  });

  it('validates the config at creation', () => {
    expect(() =>
      createMaestroTransport({ grpc_server_address: 'x:1', http_server_address: 'https://x', source_id: '' }),
    ).toThrow(MaestroConfigError);
  });

  it('refuses calls after close', async () => {
    const t = createMaestroTransport({
      grpc_server_address: '127.0.0.1:1',
      http_server_address: 'http://127.0.0.1:1',
      source_id: 's',
      insecure: true,
    });
    await t.close();
    await expect(
      t.list(
        { apiVersion: 'work.open-cluster-management.io/v1', kind: 'ManifestWork', labelSelector: {} },
        { signal: AbortSignal.timeout(1000), targetCluster: 'c' },
      ),
    ).rejects.toMatchObject({ code: 'MAESTRO_UNAVAILABLE' });
  });
});
