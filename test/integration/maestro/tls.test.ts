import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMaestroTransport, type MaestroTransport } from '../../../lib/transport/maestro/index.ts';
import type { ManifestWork } from '../../../lib/transport/maestro/types.ts';
import { startMaestroTls, stopMaestroTls } from '../../stack/tls.ts';
import type { MaestroTlsInfo } from '../../stack/types.ts';
import { conditionTrue, eventually, namespaceAndConfigMapWork } from './helpers.ts';

const stack = inject('stack');
const suffix = randomBytes(3).toString('hex');
const consumer = stack.maestro.consumers[0] ?? 'cluster1';
const ref = (name: string) => ({
  apiVersion: 'work.open-cluster-management.io/v1',
  kind: 'ManifestWork',
  name,
});
const ctx = () => ({ signal: AbortSignal.timeout(30_000), targetCluster: consumer });
const dir = mkdtempSync(join(tmpdir(), 'hf-maestro-tls-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function transport(
  server: MaestroTlsInfo,
  auth: NonNullable<Parameters<typeof createMaestroTransport>[0]['auth']>,
) {
  return createMaestroTransport({
    grpc_server_address: server.grpcAddress,
    http_server_address: server.httpUrl,
    source_id: server.sourceId,
    retry_attempts: 0,
    auth,
  });
}

/** Create, see the agent's status through the TLS server's stream, delete. */
async function roundTrip(t: MaestroTransport, name: string): Promise<void> {
  await eventually('status stream subscribed over TLS', async () =>
    (await t.health(AbortSignal.timeout(5_000))).statusStream?.subscribed ? true : undefined,
  );
  const stored = await t.apply(
    namespaceAndConfigMapWork({ name, namespace: `${name}-ns`, generation: 1, data: { k: 'tls' } }),
    ctx(),
  );
  expect(stored.metadata['generation']).toBe(1);
  const w = await eventually('applied', async () => {
    const got = (await t.get(ref(name), ctx())) as ManifestWork | undefined;
    return got && conditionTrue(got.status?.conditions, 'Applied') ? got : undefined;
  });
  expect(w.metadata.name).toBe(name);
  expect(await t.delete(ref(name), ctx())).toBe('deleting');
  await eventually('deleted', async () => ((await t.delete(ref(name), ctx())) === 'gone' ? true : undefined));
}

describe('mTLS (client certificate, RBAC on /sources/<id>)', () => {
  let server: MaestroTlsInfo;
  beforeAll(async () => {
    server = await startMaestroTls(stack, { authn: 'mtls', name: `mtls-${suffix}` });
  });
  afterAll(async () => {
    await stopMaestroTls(stack, `mtls-${suffix}`);
  });

  it('publishes and reads with the allowed certificate, verifying the server by CA and name', async () => {
    const t = transport(server, {
      type: 'tls',
      tls_config: {
        ca_file: server.caFile,
        cert_file: server.allowed.cert,
        key_file: server.allowed.key,
        server_name: 'localhost',
      },
    });
    try {
      const h = await t.health(AbortSignal.timeout(10_000));
      expect(h.grpc.ready).toBe(true);
      await roundTrip(t, `tls-${suffix}-m`);
    } finally {
      await t.close();
    }
  });

  it('classifies a certificate without the RBAC binding as MAESTRO_UNAUTHORIZED', async () => {
    const t = transport(server, {
      type: 'tls',
      tls_config: { ca_file: server.caFile, cert_file: server.denied.cert, key_file: server.denied.key },
    });
    try {
      await expect(
        t.apply(
          namespaceAndConfigMapWork({ name: `tls-${suffix}-d`, namespace: 'x', generation: 1, data: {} }),
          ctx(),
        ),
      ).rejects.toMatchObject({ code: 'MAESTRO_UNAUTHORIZED', retryable: false });
    } finally {
      await t.close();
    }
  });

  it('refuses a server whose certificate the configured CA did not sign (no plaintext fallback)', async () => {
    const wrongCa = join(dir, 'wrong-ca.pem');
    writeFileSync(wrongCa, readFileSync(stack.kube.caFile));
    const t = transport(server, {
      type: 'tls',
      tls_config: { ca_file: wrongCa, cert_file: server.allowed.cert, key_file: server.allowed.key },
    });
    try {
      await expect(
        t.apply(
          namespaceAndConfigMapWork({ name: `tls-${suffix}-w`, namespace: 'x', generation: 1, data: {} }),
          ctx(),
        ),
      ).rejects.toMatchObject({ code: 'MAESTRO_UNAVAILABLE' });
    } finally {
      await t.close();
    }
  });
});

describe('token (TokenReview + RBAC)', () => {
  let server: MaestroTlsInfo;
  beforeAll(async () => {
    server = await startMaestroTls(stack, { authn: 'token', name: `token-${suffix}` });
  });
  afterAll(async () => {
    await stopMaestroTls(stack, `token-${suffix}`);
  });

  it('publishes with the allowed token read from a file, and picks up a rotated token without reconnecting', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${server.denied.token}\n`);
    const t = transport(server, {
      type: 'token',
      token_file: tokenFile,
      tls_config: { ca_file: server.caFile },
    });
    try {
      await expect(
        t.apply(
          namespaceAndConfigMapWork({ name: `tok-${suffix}-d`, namespace: 'x', generation: 1, data: {} }),
          ctx(),
        ),
      ).rejects.toMatchObject({ code: 'MAESTRO_UNAUTHORIZED' });
      // Rotate: the file now holds the allowed identity's token (new mtime and size).
      writeFileSync(tokenFile, `${server.allowed.token}\n`);
      await new Promise((r) => setTimeout(r, 1_100));
      await roundTrip(t, `tok-${suffix}-a`);
    } finally {
      await t.close();
    }
  });

  it('reports an empty token file as a configuration error before any call', async () => {
    const empty = join(dir, 'empty-token');
    writeFileSync(empty, '');
    const t = transport(server, { type: 'token', token_file: empty, tls_config: { ca_file: server.caFile } });
    try {
      await expect(
        t.apply(
          namespaceAndConfigMapWork({ name: `tok-${suffix}-e`, namespace: 'x', generation: 1, data: {} }),
          ctx(),
        ),
      ).rejects.toMatchObject({ code: 'MAESTRO_CONFIG_INVALID', retryable: false });
    } finally {
      await t.close();
    }
  });
});
