import { parseGoDuration, timerMs } from '../../config/duration.ts';
import { MaestroConfigError } from './errors.ts';

/** A duration in milliseconds, or a Go duration string ("30s", "1m30s", "500ms"). */
export type Duration = number | string;

/**
 * The AdapterConfig `clients.maestro` block, snake_case as in the YAML. The config loader
 * may hand durations over already converted to milliseconds; strings are parsed here too.
 */
export interface MaestroClientConfig {
  grpc_server_address: string;
  http_server_address: string;
  source_id: string;
  /** Sent as the gRPC user agent suffix; defaults to source_id. */
  client_id?: string;
  /** Plaintext gRPC and, for an https REST URL, no certificate verification. */
  insecure?: boolean;
  /** Deadline of each REST call and each Publish (default 10s). */
  timeout?: Duration;
  /** Reconnect the status stream when no heartbeat arrives for this long (default 20s). */
  server_healthiness_timeout?: Duration;
  /** Extra attempts of a call that failed as unavailable (default 3). */
  retry_attempts?: number;
  keepalive?: { time?: Duration; timeout?: Duration };
  auth?: {
    type?: 'tls' | 'token' | string;
    /** Bearer token file for `type: token` (this project's addition; the Go adapter's TokenFile). */
    token_file?: string;
    tls_config?: {
      ca_file?: string;
      cert_file?: string;
      key_file?: string;
      server_name?: string;
      http_ca_file?: string;
    };
  };
  /** Serve `get` from the status stream when its entry is younger than this (default 30s; 0 disables). */
  status_cache_max_age?: Duration;
  /** Publish a delete again when the work stays soft-deleted, unconfirmed, this long (default 30s). */
  redelete_after?: Duration;
  /** After apply, wait up to this long for the agent's status of the new version (default 0: off). */
  wait_for_status?: Duration;
  /** Keep a Subscribe stream for status (default true). */
  subscribe_status?: boolean;
}

export type AuthMode = 'insecure' | 'tls' | 'mtls' | 'token';

export interface MaestroOptions {
  grpcAddress: string;
  httpUrl: string;
  sourceId: string;
  clientId: string;
  timeoutMs: number;
  healthinessTimeoutMs: number;
  retryAttempts: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  auth: {
    mode: AuthMode;
    caFile?: string;
    certFile?: string;
    keyFile?: string;
    tokenFile?: string;
    serverName?: string;
  };
  rest: { caFile?: string; skipVerify: boolean };
  statusCacheMaxAgeMs: number;
  redeleteAfterMs: number;
  waitForStatusMs: number;
  subscribeStatus: boolean;
}

/** A duration in ms: numbers (and numeric strings) are ms, other strings are Go durations. */
export function parseDuration(value: Duration, key: string): number {
  const ms =
    typeof value === 'number'
      ? value
      : /^\d+(\.\d+)?$/.test(value.trim())
        ? Number(value)
        : parseGoDuration(value);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
    throw new MaestroConfigError(`clients.maestro.${key}: "${value}" is not a duration (e.g. "30s")`);
  }
  return timerMs(ms);
}

/** Maestro's server refuses pings more often than every 5s; two strikes and it sends GOAWAY. */
const MIN_KEEPALIVE_MS = 10_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function normalizeOptions(c: MaestroClientConfig): MaestroOptions {
  if (!c || typeof c !== 'object') throw new MaestroConfigError('clients.maestro is required');
  if (!c.grpc_server_address) throw new MaestroConfigError('clients.maestro.grpc_server_address is required');
  if (!c.http_server_address) throw new MaestroConfigError('clients.maestro.http_server_address is required');
  if (!c.source_id) throw new MaestroConfigError('clients.maestro.source_id is required');
  let url: URL;
  try {
    url = new URL(c.http_server_address);
  } catch (cause) {
    throw new MaestroConfigError(
      `clients.maestro.http_server_address "${c.http_server_address}" is not a URL`,
      {
        cause,
      },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MaestroConfigError('clients.maestro.http_server_address must use http:// or https://');
  }
  const insecure = c.insecure === true;
  // Plain http is refused off loopback unless insecure is set, as the Go adapter does.
  if (!insecure && url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    throw new MaestroConfigError(
      'clients.maestro.http_server_address must be https:// unless insecure: true',
    );
  }
  const tls = c.auth?.tls_config ?? {};
  const type = c.auth?.type;
  if (type !== undefined && type !== 'tls' && type !== 'token') {
    throw new MaestroConfigError(`clients.maestro.auth.type must be "tls" or "token" (got "${type}")`);
  }
  if (Boolean(tls.cert_file) !== Boolean(tls.key_file)) {
    throw new MaestroConfigError('clients.maestro.auth.tls_config: cert_file and key_file go together');
  }
  let mode: AuthMode;
  if (insecure) mode = 'insecure';
  else if (type === 'token' || (type === undefined && c.auth?.token_file)) {
    if (!c.auth?.token_file)
      throw new MaestroConfigError('clients.maestro.auth.token_file is required for type token');
    mode = 'token';
  } else if (tls.cert_file) mode = 'mtls';
  else mode = 'tls';

  const keepaliveTime = parseDuration(c.keepalive?.time ?? 30_000, 'keepalive.time');
  const auth: MaestroOptions['auth'] = { mode };
  if (tls.ca_file) auth.caFile = tls.ca_file;
  if (mode === 'mtls') {
    auth.certFile = tls.cert_file;
    auth.keyFile = tls.key_file;
  }
  if (mode === 'token') auth.tokenFile = c.auth?.token_file;
  if (tls.server_name) auth.serverName = tls.server_name;
  const rest: MaestroOptions['rest'] = { skipVerify: insecure };
  const restCa = tls.http_ca_file || tls.ca_file;
  if (restCa) rest.caFile = restCa;
  const retryAttempts = c.retry_attempts ?? 3;
  if (!Number.isInteger(retryAttempts) || retryAttempts < 0) {
    throw new MaestroConfigError('clients.maestro.retry_attempts must be a non-negative integer');
  }
  return {
    grpcAddress: c.grpc_server_address,
    httpUrl: url.toString().replace(/\/+$/, ''),
    sourceId: c.source_id,
    clientId: c.client_id || c.source_id,
    timeoutMs: parseDuration(c.timeout ?? 10_000, 'timeout'),
    healthinessTimeoutMs: parseDuration(c.server_healthiness_timeout ?? 20_000, 'server_healthiness_timeout'),
    retryAttempts,
    keepaliveTimeMs: Math.max(MIN_KEEPALIVE_MS, keepaliveTime),
    keepaliveTimeoutMs: parseDuration(c.keepalive?.timeout ?? 10_000, 'keepalive.timeout'),
    auth,
    rest,
    statusCacheMaxAgeMs: parseDuration(c.status_cache_max_age ?? 30_000, 'status_cache_max_age'),
    redeleteAfterMs: parseDuration(c.redelete_after ?? 30_000, 'redelete_after'),
    waitForStatusMs: parseDuration(c.wait_for_status ?? 0, 'wait_for_status'),
    subscribeStatus: c.subscribe_status !== false,
  };
}
