import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadAdapterConfig, OVERRIDE_KEYS } from '../../../lib/config/index.ts';

const FILE = `adapter:
  name: overrides
log:
  level: info
clients:
  hyperfleet_api:
    base_url: http://from-file
    timeout: 4s
  maestro:
    source_id: from-file
    grpc_server_address: file:8090
`;

function file(text = FILE): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'config-overrides-'));
  writeFileSync(path.join(dir, 'adapter-config.yaml'), text);
  return path.join(dir, 'adapter-config.yaml');
}

describe('env and flag overrides: flag > env > file', () => {
  it('file values when nothing overrides them', async () => {
    const cfg = await loadAdapterConfig(file(), { env: {} });
    expect(cfg.clients.hyperfleet_api.base_url).toBe('http://from-file');
    expect(cfg.clients.hyperfleet_api.timeout_ms).toBe(4000);
  });

  it('env beats file, flag beats env', async () => {
    const env = {
      HYPERFLEET_API_BASE_URL: 'http://from-env',
      HYPERFLEET_API_TIMEOUT: '7s',
      HYPERFLEET_MAESTRO_GRPC_SERVER_ADDRESS: 'env:8090',
      HYPERFLEET_MAESTRO_SOURCE_ID: 'from-env',
      LOG_LEVEL: 'DEBUG',
    };
    const envOnly = await loadAdapterConfig(file(), { env });
    expect(envOnly.clients.hyperfleet_api.base_url).toBe('http://from-env');
    expect(envOnly.clients.hyperfleet_api.timeout_ms).toBe(7000);
    expect(envOnly.clients.maestro?.grpc_server_address).toBe('env:8090');
    expect(envOnly.clients.maestro?.source_id).toBe('from-env');
    expect(envOnly.log.level).toBe('debug');

    const withFlags = await loadAdapterConfig(file(), {
      env,
      flags: {
        'hyperfleet-api-base-url': 'http://from-flag',
        'maestro-source-id': 'from-flag',
        'log-level': 'warn',
      },
    });
    expect(withFlags.clients.hyperfleet_api.base_url).toBe('http://from-flag');
    expect(withFlags.clients.hyperfleet_api.timeout_ms).toBe(7000);
    expect(withFlags.clients.maestro?.source_id).toBe('from-flag');
    expect(withFlags.log.level).toBe('warn');
  });

  it('typed values: ints, floats, booleans, durations from strings', async () => {
    const cfg = await loadAdapterConfig(file(), {
      env: {
        HYPERFLEET_API_RETRY_ATTEMPTS: '9',
        HYPERFLEET_API_MAX_DELAY: '1m',
        HYPERFLEET_MAESTRO_INSECURE: 'true',
        HYPERFLEET_MAESTRO_HTTP_SERVER_ADDRESS: 'http://maestro:8000',
        HYPERFLEET_KUBERNETES_QPS: '12.5',
        HYPERFLEET_KUBERNETES_BURST: '30',
        HYPERFLEET_DEBUG_CONFIG: '1',
      },
      flags: { 'maestro-keepalive-time': '45s' },
    });
    expect(cfg.clients.hyperfleet_api.retry_attempts).toBe(9);
    expect(cfg.clients.hyperfleet_api.max_delay_ms).toBe(60_000);
    expect(cfg.clients.maestro?.insecure).toBe(true);
    expect(cfg.clients.maestro?.http_server_address).toBe('http://maestro:8000');
    expect(cfg.clients.maestro?.keepalive).toEqual({ time_ms: 45_000, timeout_ms: undefined });
    expect(cfg.clients.kubernetes).toEqual({ qps: 12.5, burst: 30 });
    expect(cfg.debug_config).toBe(true);
  });

  it('an override can create a client block the file does not have', async () => {
    const cfg = await loadAdapterConfig(file('adapter:\n  name: bare\n'), {
      env: { HYPERFLEET_MAESTRO_SOURCE_ID: 'src', HYPERFLEET_MAESTRO_GRPC_SERVER_ADDRESS: 'm:8090' },
    });
    expect(cfg.clients.maestro).toMatchObject({
      source_id: 'src',
      client_id: 'src',
      grpc_server_address: 'm:8090',
    });
  });

  it('empty env values are ignored; the legacy BROKER_* names still work', async () => {
    const cfg = await loadAdapterConfig(file(), {
      env: { HYPERFLEET_API_BASE_URL: '', BROKER_TOPIC: 'legacy-topic' },
    });
    expect(cfg.clients.hyperfleet_api.base_url).toBe('http://from-file');
    expect(cfg.clients.broker?.topic).toBe('legacy-topic');
  });

  it('a bad override value is reported with the variable or flag it came from', async () => {
    const err = await loadAdapterConfig(file(), {
      env: { HYPERFLEET_API_TIMEOUT: 'soon' },
      flags: { 'hyperfleet-api-retry': 'lots' },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    // retry_attempts is not in the file: it is placed on its parent key (line 6).
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ['clients.hyperfleet_api.retry_attempts', 6],
      ['clients.hyperfleet_api.timeout', 8],
    ]);
    expect(problems[0]?.message).toContain('(value from flag --hyperfleet-api-retry)');
    expect(problems[1]?.message).toContain('(value from env HYPERFLEET_API_TIMEOUT)');
  });

  it('uses the Go adapter names for every documented override', () => {
    const envs = OVERRIDE_KEYS.map((k) => k.env);
    for (const name of [
      'HYPERFLEET_MAESTRO_GRPC_SERVER_ADDRESS',
      'HYPERFLEET_MAESTRO_HTTP_SERVER_ADDRESS',
      'HYPERFLEET_MAESTRO_SOURCE_ID',
      'HYPERFLEET_MAESTRO_CLIENT_ID',
      'HYPERFLEET_MAESTRO_CA_FILE',
      'HYPERFLEET_MAESTRO_SERVER_HEALTHINESS_TIMEOUT',
      'HYPERFLEET_API_BASE_URL',
      'HYPERFLEET_API_VERSION',
      'HYPERFLEET_API_RETRY_ATTEMPTS',
      'HYPERFLEET_KUBERNETES_KUBE_CONFIG_PATH',
      'LOG_LEVEL',
      'LOG_FORMAT',
      'LOG_OUTPUT',
    ]) {
      expect(envs).toContain(name);
    }
  });
});
