import { describe, expect, it } from 'vitest';
import { MaestroConfigError } from '../../../../lib/transport/maestro/errors.ts';
import { normalizeOptions, parseDuration } from '../../../../lib/transport/maestro/options.ts';

const base = {
  grpc_server_address: 'maestro-grpc:8090',
  http_server_address: 'https://maestro:8000',
  source_id: 'hyperfleet-adapter',
};

describe('parseDuration', () => {
  it.each([
    [1500, 1500],
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['250ms', 250],
    ['2h', 7_200_000],
    ['1.5s', 1500],
    ['400', 400],
  ])('%s -> %d ms', (input, ms) => {
    expect(parseDuration(input, 'timeout')).toBe(ms);
  });

  it.each(['', '10 parsecs', '5x', '-1s'])('rejects %j', (input) => {
    expect(() => parseDuration(input, 'timeout')).toThrow(MaestroConfigError);
  });
});

describe('normalizeOptions', () => {
  it('applies the Go adapter defaults', () => {
    const o = normalizeOptions({ ...base, auth: { type: 'tls', tls_config: { ca_file: '/ca' } } });
    expect(o).toMatchObject({
      grpcAddress: 'maestro-grpc:8090',
      httpUrl: 'https://maestro:8000',
      sourceId: 'hyperfleet-adapter',
      clientId: 'hyperfleet-adapter',
      timeoutMs: 10_000,
      healthinessTimeoutMs: 20_000,
      retryAttempts: 3,
      keepaliveTimeMs: 30_000,
      keepaliveTimeoutMs: 10_000,
      auth: { mode: 'tls', caFile: '/ca' },
      rest: { caFile: '/ca', skipVerify: false },
      waitForStatusMs: 0,
      subscribeStatus: true,
    });
  });

  it('maps the chart example (insecure, string durations, client_id)', () => {
    const o = normalizeOptions({
      ...base,
      http_server_address: 'http://maestro.maestro.svc.cluster.local:8000',
      client_id: 'hyperfleet-adapter-client',
      insecure: true,
      timeout: '30s',
      server_healthiness_timeout: '20s',
    });
    expect(o.auth.mode).toBe('insecure');
    expect(o.clientId).toBe('hyperfleet-adapter-client');
    expect(o.timeoutMs).toBe(30_000);
    expect(o.rest.skipVerify).toBe(true);
  });

  it('selects mTLS when a client certificate is given, with the REST CA preferred from http_ca_file', () => {
    const o = normalizeOptions({
      ...base,
      auth: {
        type: 'tls',
        tls_config: {
          ca_file: '/ca',
          cert_file: '/crt',
          key_file: '/key',
          server_name: 'm',
          http_ca_file: '/hca',
        },
      },
    });
    expect(o.auth).toEqual({
      mode: 'mtls',
      caFile: '/ca',
      certFile: '/crt',
      keyFile: '/key',
      serverName: 'm',
    });
    expect(o.rest.caFile).toBe('/hca');
  });

  it('selects token auth and requires its file', () => {
    expect(normalizeOptions({ ...base, auth: { type: 'token', token_file: '/t' } }).auth).toEqual({
      mode: 'token',
      tokenFile: '/t',
    });
    expect(() => normalizeOptions({ ...base, auth: { type: 'token' } })).toThrow(/token_file/);
  });

  it('never lets keepalive ping faster than the server tolerates', () => {
    expect(normalizeOptions({ ...base, keepalive: { time: '1s' } }).keepaliveTimeMs).toBe(10_000);
    expect(normalizeOptions({ ...base, keepalive: { time: '45s', timeout: 5000 } })).toMatchObject({
      keepaliveTimeMs: 45_000,
      keepaliveTimeoutMs: 5_000,
    });
  });

  it('refuses incomplete or unsafe configs with the key named', () => {
    expect(() => normalizeOptions({ ...base, source_id: '' })).toThrow(/source_id/);
    expect(() => normalizeOptions({ ...base, grpc_server_address: '' })).toThrow(/grpc_server_address/);
    expect(() => normalizeOptions({ ...base, http_server_address: 'ftp://x' })).toThrow(/http/);
    expect(() => normalizeOptions({ ...base, http_server_address: 'http://maestro:8000' })).toThrow(/https/);
    expect(() => normalizeOptions({ ...base, auth: { type: 'kerberos' } })).toThrow(/auth.type/);
    expect(() => normalizeOptions({ ...base, auth: { tls_config: { cert_file: '/c' } } })).toThrow(
      /key_file/,
    );
    expect(() => normalizeOptions({ ...base, retry_attempts: -1 })).toThrow(/retry_attempts/);
  });

  it('allows plain http REST on loopback (local stacks) without insecure', () => {
    expect(normalizeOptions({ ...base, http_server_address: 'http://127.0.0.1:8000' }).httpUrl).toBe(
      'http://127.0.0.1:8000',
    );
  });
});
