import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { StackError } from './errors.ts';
import { http } from './http.ts';
import { runToLog, sleep, spawnDaemon, waitFor } from './proc.ts';
import type { HyperfleetApiInfo, RabbitmqInfo, SentinelInstanceInfo } from './types.ts';

/** The real HyperFleet API (migrate, then serve) and one real Sentinel per resource type. */

/** Adapters the API's aggregated Reconciled / LastKnownReconciled conditions wait for, unless a start says otherwise. */
export const DEFAULT_REQUIRED_ADAPTERS: Readonly<{ cluster: string[]; nodepool: string[] }> = {
  cluster: ['knative-adapter'],
  nodepool: ['knative-adapter'],
};

/**
 * The peers' environment: this process's, without anything they would read as their own
 * configuration (HYPERFLEET_* is both the API's and Sentinel's prefix, BROKER_* the broker's,
 * OTEL_* the tracers'), so a developer's shell cannot reconfigure the stack.
 */
function peerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(HYPERFLEET_|BROKER_|OTEL_)/.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

export interface ApiStart {
  binary: string;
  openapi: string;
  commit: string;
  dir: string;
  postgres: { host: string; port: number; user: string };
  database: string;
  ports: { http: number; health: number; metrics: number };
  requiredAdapters: { cluster: string[]; nodepool: string[] };
  logFile: string;
  migrationLogFile: string;
  onPid: (pid: number) => void;
}

export async function startHyperfleetApi(o: ApiStart): Promise<HyperfleetApiInfo> {
  mkdirSync(o.dir, { recursive: true });
  const configFile = join(o.dir, 'config.yaml');
  const config = {
    server: {
      host: '127.0.0.1',
      port: o.ports.http,
      openapi_schema_path: o.openapi,
      // Loopback only, no identity provider: requests are unauthenticated.
      jwt: { enabled: false },
    },
    database: {
      host: o.postgres.host,
      port: o.postgres.port,
      name: o.database,
      username: o.postgres.user,
      // The stack's PostgreSQL trusts loopback; the API insists on a non-empty password.
      password: 'trust',
      ssl: { mode: 'disable' },
      pool: { max_connections: 20 },
    },
    logging: { level: 'info', format: 'json', output: 'stdout', otel: { enabled: false } },
    metrics: { host: '127.0.0.1', port: o.ports.metrics },
    health: { host: '127.0.0.1', port: o.ports.health, shutdown_timeout: '2s' },
    adapters: { required: o.requiredAdapters },
  };
  writeFileSync(configFile, stringify(config), { mode: 0o600 });
  const env = peerEnv({ HYPERFLEET_TRACING_ENABLED: 'false' });
  await runToLog(o.binary, ['migrate', '--config', configFile], {
    cwd: o.dir,
    env,
    logFile: o.migrationLogFile,
    timeoutMs: 120_000,
  });
  const pid = spawnDaemon(o.binary, ['serve', '--config', configFile], {
    cwd: o.dir,
    env,
    logFile: o.logFile,
  });
  o.onPid(pid);
  const info: HyperfleetApiInfo = {
    baseUrl: `http://127.0.0.1:${o.ports.http}`,
    healthUrl: `http://127.0.0.1:${o.ports.health}`,
    metricsUrl: `http://127.0.0.1:${o.ports.metrics}/metrics`,
    database: o.database,
    requiredAdapters: o.requiredAdapters,
    commit: o.commit,
  };
  await waitFor(async () => ((await hyperfleetApiHealthy(info)) === true ? true : undefined), {
    what: 'hyperfleet-api /readyz',
    timeoutMs: 60_000,
    pid,
    logs: [o.logFile],
    intervalMs: 250,
  });
  return info;
}

/** Ready on its health port (database reachable) and serving the API root without auth. */
export async function hyperfleetApiHealthy(api: HyperfleetApiInfo): Promise<boolean | string> {
  const ready = await http(`${api.healthUrl}/readyz`);
  if (ready.status !== 200) return `/readyz ${ready.status} ${ready.text.slice(0, 200)}`;
  const root = await http(`${api.baseUrl}/api/hyperfleet`);
  return root.status === 200 ? true : `GET /api/hyperfleet ${root.status}`;
}

export interface SentinelStart {
  binary: string;
  resourceType: 'clusters' | 'nodepools';
  dir: string;
  apiBaseUrl: string;
  rabbitmq: RabbitmqInfo;
  topic: string;
  pollInterval: string;
  ports: { health: number; metrics: number };
  logFile: string;
  onPid: (pid: number) => void;
}

/**
 * The CloudEvent data Sentinel builds (CEL over the polled resource): the chart's fields, and
 * for nodepools the owner reference the chart documents for them.
 */
function messageData(resourceType: 'clusters' | 'nodepools'): Record<string, unknown> {
  const base = {
    id: 'resource.id',
    kind: 'resource.kind',
    href: 'resource.href',
    generation: 'resource.generation',
  };
  if (resourceType === 'clusters') return base;
  return {
    ...base,
    owner_references: {
      id: 'resource.owner_references.id',
      href: 'resource.owner_references.href',
      kind: 'resource.owner_references.kind',
    },
  };
}

export async function startSentinel(o: SentinelStart): Promise<SentinelInstanceInfo> {
  mkdirSync(o.dir, { recursive: true });
  const configFile = join(o.dir, 'config.yaml');
  const brokerFile = join(o.dir, 'broker.yaml');
  writeFileSync(
    configFile,
    stringify({
      sentinel: { name: `hyperfleet-sentinel-${o.resourceType}` },
      tracing_enabled: false,
      log: { level: 'info', format: 'json', output: 'stdout' },
      clients: {
        hyperfleet_api: { base_url: o.apiBaseUrl, version: 'v1', timeout: '10s' },
        broker: { topic: o.topic },
      },
      resource_type: o.resourceType,
      poll_interval: o.pollInterval,
      // message_decision left out: Sentinel's built-in default decision is the one under test.
      message_data: messageData(o.resourceType),
    }),
  );
  // Holds the AMQP password: readable by us only.
  writeFileSync(
    brokerFile,
    stringify({
      broker: { type: 'rabbitmq', rabbitmq: { url: o.rabbitmq.url, exchange_type: 'topic' } },
      log_config: false,
    }),
    { mode: 0o600 },
  );
  const info: SentinelInstanceInfo = {
    resourceType: o.resourceType,
    exchange: o.topic,
    exchangeType: 'topic',
    topic: o.topic,
    pollInterval: o.pollInterval,
    healthUrl: `http://127.0.0.1:${o.ports.health}`,
    metricsUrl: `http://127.0.0.1:${o.ports.metrics}/metrics`,
  };
  // Sentinel checks the API and connects to the broker once at start and exits on any
  // failure, leaving the restart to Kubernetes (restartPolicy Always). We restart it the same
  // way, a few times, so one slow answer on a loaded machine does not fail the whole stack.
  const attempts = 3;
  for (let attempt = 1; ; attempt++) {
    const pid = spawnDaemon(
      o.binary,
      [
        'serve',
        '--config',
        configFile,
        `--health-server-bindaddress=127.0.0.1:${o.ports.health}`,
        `--metrics-server-bindaddress=127.0.0.1:${o.ports.metrics}`,
      ],
      { cwd: o.dir, env: peerEnv({ BROKER_CONFIG_FILE: brokerFile }), logFile: o.logFile },
    );
    o.onPid(pid);
    try {
      await waitFor(async () => ((await sentinelHealthy(info)) === true ? true : undefined), {
        what: `sentinel (${o.resourceType}) /readyz`,
        timeoutMs: 60_000,
        pid,
        logs: [o.logFile],
        intervalMs: 250,
      });
      return info;
    } catch (err) {
      if (!(err instanceof StackError) || err.code !== 'STACK_PEER_EXITED' || attempt >= attempts) throw err;
      appendFileSync(
        o.logFile,
        `--- sentinel exited at start (attempt ${attempt} of ${attempts}); restarting\n`,
      );
      await sleep(1_000 * attempt);
    }
  }
}

/** /readyz: broker connection up and a successful poll of the API; /healthz: polled lately. */
export async function sentinelHealthy(s: SentinelInstanceInfo): Promise<boolean | string> {
  const ready = await http(`${s.healthUrl}/readyz`);
  if (ready.status !== 200) return `/readyz ${ready.status} ${ready.text.slice(0, 200)}`;
  const live = await http(`${s.healthUrl}/healthz`);
  return live.status === 200 ? true : `/healthz ${live.status} ${live.text.slice(0, 200)}`;
}
