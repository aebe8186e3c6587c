/**
 * Deployment settings a pod spec may override without editing the ConfigMap, with the Go
 * adapter's names so existing Helm values keep working. Precedence: flag > env > file.
 * Only the AdapterConfig takes overrides; the task config is business logic and stays as written.
 */
import type { SourceNode } from './source.ts';

type Kind = 'string' | 'int' | 'number' | 'bool' | 'duration' | 'lower';

interface OverrideKey {
  path: readonly string[];
  /** Environment variable name. */
  env: string;
  /** CLI flag name without the dashes. */
  flag?: string;
  kind: Kind;
  /** Older unprefixed variable, read when `env` is unset. */
  legacyEnv?: string;
}

const M = ['clients', 'maestro'] as const;
const A = ['clients', 'hyperfleet_api'] as const;
const K = ['clients', 'kubernetes'] as const;
const B = ['clients', 'broker'] as const;
const TLS = [...M, 'auth', 'tls_config'] as const;

export const OVERRIDE_KEYS: readonly OverrideKey[] = [
  { path: ['debug_config'], env: 'HYPERFLEET_DEBUG_CONFIG', flag: 'debug-config', kind: 'bool' },
  {
    path: [...M, 'grpc_server_address'],
    env: 'HYPERFLEET_MAESTRO_GRPC_SERVER_ADDRESS',
    flag: 'maestro-grpc-server-address',
    kind: 'string',
  },
  {
    path: [...M, 'http_server_address'],
    env: 'HYPERFLEET_MAESTRO_HTTP_SERVER_ADDRESS',
    flag: 'maestro-http-server-address',
    kind: 'string',
  },
  {
    path: [...M, 'source_id'],
    env: 'HYPERFLEET_MAESTRO_SOURCE_ID',
    flag: 'maestro-source-id',
    kind: 'string',
  },
  {
    path: [...M, 'client_id'],
    env: 'HYPERFLEET_MAESTRO_CLIENT_ID',
    flag: 'maestro-client-id',
    kind: 'string',
  },
  {
    path: [...M, 'auth', 'type'],
    env: 'HYPERFLEET_MAESTRO_AUTH_TYPE',
    flag: 'maestro-auth-type',
    kind: 'string',
  },
  { path: [...TLS, 'ca_file'], env: 'HYPERFLEET_MAESTRO_CA_FILE', flag: 'maestro-ca-file', kind: 'string' },
  {
    path: [...TLS, 'cert_file'],
    env: 'HYPERFLEET_MAESTRO_CERT_FILE',
    flag: 'maestro-cert-file',
    kind: 'string',
  },
  {
    path: [...TLS, 'key_file'],
    env: 'HYPERFLEET_MAESTRO_KEY_FILE',
    flag: 'maestro-key-file',
    kind: 'string',
  },
  {
    path: [...TLS, 'http_ca_file'],
    env: 'HYPERFLEET_MAESTRO_HTTP_CA_FILE',
    flag: 'maestro-http-ca-file',
    kind: 'string',
  },
  {
    path: [...TLS, 'server_name'],
    env: 'HYPERFLEET_MAESTRO_SERVER_NAME',
    flag: 'maestro-server-name',
    kind: 'string',
  },
  { path: [...M, 'timeout'], env: 'HYPERFLEET_MAESTRO_TIMEOUT', flag: 'maestro-timeout', kind: 'duration' },
  {
    path: [...M, 'server_healthiness_timeout'],
    env: 'HYPERFLEET_MAESTRO_SERVER_HEALTHINESS_TIMEOUT',
    flag: 'maestro-server-healthiness-timeout',
    kind: 'duration',
  },
  {
    path: [...M, 'retry_attempts'],
    env: 'HYPERFLEET_MAESTRO_RETRY_ATTEMPTS',
    flag: 'maestro-retry-attempts',
    kind: 'int',
  },
  {
    path: [...M, 'keepalive', 'time'],
    env: 'HYPERFLEET_MAESTRO_KEEPALIVE_TIME',
    flag: 'maestro-keepalive-time',
    kind: 'duration',
  },
  {
    path: [...M, 'keepalive', 'timeout'],
    env: 'HYPERFLEET_MAESTRO_KEEPALIVE_TIMEOUT',
    flag: 'maestro-keepalive-timeout',
    kind: 'duration',
  },
  { path: [...M, 'insecure'], env: 'HYPERFLEET_MAESTRO_INSECURE', flag: 'maestro-insecure', kind: 'bool' },
  {
    path: [...A, 'base_url'],
    env: 'HYPERFLEET_API_BASE_URL',
    flag: 'hyperfleet-api-base-url',
    kind: 'string',
  },
  { path: [...A, 'version'], env: 'HYPERFLEET_API_VERSION', flag: 'hyperfleet-api-version', kind: 'string' },
  {
    path: [...A, 'timeout'],
    env: 'HYPERFLEET_API_TIMEOUT',
    flag: 'hyperfleet-api-timeout',
    kind: 'duration',
  },
  {
    path: [...A, 'retry_attempts'],
    env: 'HYPERFLEET_API_RETRY_ATTEMPTS',
    flag: 'hyperfleet-api-retry',
    kind: 'int',
  },
  {
    path: [...A, 'retry_backoff'],
    env: 'HYPERFLEET_API_RETRY_BACKOFF',
    flag: 'hyperfleet-api-retry-backoff',
    kind: 'string',
  },
  {
    path: [...A, 'base_delay'],
    env: 'HYPERFLEET_API_BASE_DELAY',
    flag: 'hyperfleet-api-base-delay',
    kind: 'duration',
  },
  {
    path: [...A, 'max_delay'],
    env: 'HYPERFLEET_API_MAX_DELAY',
    flag: 'hyperfleet-api-max-delay',
    kind: 'duration',
  },
  { path: [...A, 'auth', 'token_path'], env: 'HYPERFLEET_API_AUTH_TOKEN_PATH', kind: 'string' },
  { path: [...A, 'auth', 'scheme'], env: 'HYPERFLEET_API_AUTH_SCHEME', kind: 'string' },
  { path: [...A, 'auth', 'token_cache_ttl'], env: 'HYPERFLEET_API_AUTH_TOKEN_CACHE_TTL', kind: 'duration' },
  {
    path: [...B, 'subscription_id'],
    env: 'HYPERFLEET_BROKER_SUBSCRIPTION_ID',
    flag: 'broker-subscription-id',
    kind: 'string',
    legacyEnv: 'BROKER_SUBSCRIPTION_ID',
  },
  {
    path: [...B, 'topic'],
    env: 'HYPERFLEET_BROKER_TOPIC',
    flag: 'broker-topic',
    kind: 'string',
    legacyEnv: 'BROKER_TOPIC',
  },
  {
    path: [...K, 'kube_config_path'],
    env: 'HYPERFLEET_KUBERNETES_KUBE_CONFIG_PATH',
    flag: 'kubernetes-kube-config-path',
    kind: 'string',
  },
  {
    path: [...K, 'api_version'],
    env: 'HYPERFLEET_KUBERNETES_API_VERSION',
    flag: 'kubernetes-api-version',
    kind: 'string',
  },
  { path: [...K, 'qps'], env: 'HYPERFLEET_KUBERNETES_QPS', flag: 'kubernetes-qps', kind: 'number' },
  { path: [...K, 'burst'], env: 'HYPERFLEET_KUBERNETES_BURST', flag: 'kubernetes-burst', kind: 'int' },
  { path: ['log', 'level'], env: 'LOG_LEVEL', flag: 'log-level', kind: 'lower' },
  { path: ['log', 'format'], env: 'LOG_FORMAT', flag: 'log-format', kind: 'lower' },
  { path: ['log', 'output'], env: 'LOG_OUTPUT', flag: 'log-output', kind: 'string' },
];

/** Flag names `applyOverrides` understands (for CLI parsers and usage texts). */
export const OVERRIDE_FLAGS: readonly string[] = OVERRIDE_KEYS.flatMap((k) => (k.flag ? [k.flag] : []));

export type FlagValues = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * Writes env and flag values into the (already alias-normalized) AdapterConfig document.
 * Returns the document (a new root object when the file was not a map).
 */
export function applyOverrides(
  doc: unknown,
  source: SourceNode,
  env: Readonly<Record<string, string | undefined>>,
  flags: FlagValues,
): unknown {
  if (doc !== null && typeof doc === 'object' && Array.isArray(doc)) return doc;
  let root = (doc ?? {}) as Record<string, unknown>;
  if (typeof doc !== 'object') {
    if (doc !== null && doc !== undefined) return doc;
    root = {};
  }
  for (const key of OVERRIDE_KEYS) {
    let raw: string | number | boolean | undefined;
    let origin = '';
    const flag = key.flag ? flags[key.flag] : undefined;
    if (flag !== undefined && flag !== '') {
      raw = flag;
      origin = `flag --${key.flag}`;
    } else if (env[key.env]) {
      raw = env[key.env];
      origin = `env ${key.env}`;
    } else if (key.legacyEnv && env[key.legacyEnv]) {
      raw = env[key.legacyEnv];
      origin = `env ${key.legacyEnv}`;
    }
    if (raw === undefined) continue;
    setPath(root, source, key.path, coerce(raw, key.kind), origin);
  }
  return root;
}

function coerce(raw: string | number | boolean, kind: Kind): unknown {
  if (typeof raw !== 'string') return kind === 'duration' || kind === 'string' ? String(raw) : raw;
  const text = raw.trim();
  switch (kind) {
    case 'int':
      return /^[+-]?\d+$/.test(text) ? Number(text) : raw;
    case 'number':
      return text !== '' && Number.isFinite(Number(text)) ? Number(text) : raw;
    case 'bool':
      // Go's strconv.ParseBool spellings.
      if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return true;
      if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return false;
      return raw;
    case 'lower':
      return text.toLowerCase();
    default:
      return raw;
  }
}

function setPath(
  root: Record<string, unknown>,
  source: SourceNode,
  path: readonly string[],
  value: unknown,
  origin: string,
): void {
  let map = root;
  let node = source;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    const next = map[segment];
    if (next === undefined || next === null) map[segment] = {};
    else if (typeof next !== 'object' || Array.isArray(next)) return; // the schema reports the file's wrong type
    map = map[segment] as Record<string, unknown>;
    node.children ??= new Map();
    let child = node.children.get(segment);
    if (!child) {
      child = { pos: node.keyPos ?? node.pos, origin };
      node.children.set(segment, child);
    }
    node = child;
  }
  const last = path[path.length - 1]!;
  map[last] = value;
  node.children ??= new Map();
  const existing = node.children.get(last);
  node.children.set(last, {
    pos: existing?.pos ?? node.keyPos ?? node.pos,
    keyPos: existing?.keyPos,
    origin,
  });
}
