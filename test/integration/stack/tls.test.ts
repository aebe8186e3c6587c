import { credentials, Metadata } from '@grpc/grpc-js';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { publishConfigMapWork, tlsCredentials, waitCanaryApplied } from '../../stack/canary.ts';
import { http } from '../../stack/http.ts';
import { startMaestroTls, stopMaestroTls } from '../../stack/tls.ts';

const stack = inject('stack');
const started: string[] = [];

afterAll(async () => {
  for (const name of started) await stopMaestroTls(stack, name);
});

function bearer(token: string) {
  return credentials.createFromMetadataGenerator((_params, cb) => {
    const md = new Metadata();
    md.add('authorization', `Bearer ${token}`);
    cb(null, md);
  });
}

// Unique per run: a reused stack keeps the works of earlier runs.
const run = Math.random().toString(36).slice(2, 8);
const work = (name: string) => ({
  consumer: stack.maestro.consumers[0] as string,
  workName: `${name}-${run}`,
  configMap: { namespace: 'default', name: `tls-${name}-${run}`, data: { via: name } },
});

describe('Maestro gRPC source API with TLS', () => {
  it('mtls: the bound client certificate may publish; an unbound one and a certless client may not', async () => {
    const tls = await startMaestroTls(stack, { authn: 'mtls' });
    started.push('mtls');
    expect((await http(tls.healthUrl)).status).toBe(200);
    const allowed = tlsCredentials(tls.caFile, {
      cert: tls.allowed.cert as string,
      key: tls.allowed.key as string,
    });
    const published = await publishConfigMapWork({
      grpcAddress: tls.grpcAddress,
      source: tls.sourceId,
      credentials: allowed,
      ...work('mtls-allowed'),
    });
    // Delivered through the database to the agent connected to the plaintext server.
    await waitCanaryApplied(stack.maestro.httpUrl, published, { timeoutMs: 60_000, logs: [tls.logFile] });
    const denied = tlsCredentials(tls.caFile, {
      cert: tls.denied.cert as string,
      key: tls.denied.key as string,
    });
    await expect(
      publishConfigMapWork({
        grpcAddress: tls.grpcAddress,
        source: tls.sourceId,
        credentials: denied,
        ...work('mtls-denied'),
      }),
    ).rejects.toThrow(/unauthorized/);
    await expect(
      publishConfigMapWork({
        grpcAddress: tls.grpcAddress,
        source: tls.sourceId,
        credentials: tlsCredentials(tls.caFile),
        ...work('mtls-nocert'),
      }),
    ).rejects.toThrow();
  });

  it('token: the bound service account may publish; an unbound one may not', async () => {
    const tls = await startMaestroTls(stack, { authn: 'token' });
    started.push('token');
    const ssl = tlsCredentials(tls.caFile);
    const allowed = credentials.combineChannelCredentials(ssl, bearer(tls.allowed.token as string));
    const published = await publishConfigMapWork({
      grpcAddress: tls.grpcAddress,
      source: tls.sourceId,
      credentials: allowed,
      ...work('token-allowed'),
    });
    await waitCanaryApplied(stack.maestro.httpUrl, published, { timeoutMs: 60_000, logs: [tls.logFile] });
    const denied = credentials.combineChannelCredentials(
      tlsCredentials(tls.caFile),
      bearer(tls.denied.token as string),
    );
    await expect(
      publishConfigMapWork({
        grpcAddress: tls.grpcAddress,
        source: tls.sourceId,
        credentials: denied,
        ...work('token-denied'),
      }),
    ).rejects.toThrow(/unauthorized/);
  });
});
