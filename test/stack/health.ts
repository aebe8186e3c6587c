import { canaryHealthy, getResourceBundle } from './canary.ts';
import { http } from './http.ts';
import { hyperfleetApiHealthy, sentinelHealthy } from './hyperfleet.ts';
import { controllerManagerHealthy, etcdHealthy, kubeReady } from './kube.ts';
import { currentPids } from './pids.ts';
import { isAlive, portInUse } from './proc.ts';
import { amqpPing } from './rabbitmq.ts';
import type { StackInfo } from './types.ts';
import { ETCD_VERSION, KUBERNETES_VERSION, MAESTRO_VERSION } from './versions.ts';

/** One line of `stack status`: a peer, whether its process lives, what its health endpoint said. */
export interface ComponentHealth {
  role: string;
  pid: number | undefined;
  alive: boolean;
  healthy: boolean;
  detail: string;
  /** Version or commit the peer runs. */
  version: string;
  /** Where a client reaches it (never with credentials). */
  endpoint: string;
}

interface Check {
  version: string;
  endpoint: string;
  probe: () => Promise<boolean | string>;
}

async function probe(fn: () => Promise<boolean | string>): Promise<{ ok: boolean; detail: string }> {
  try {
    const r = await fn();
    return typeof r === 'string' ? { ok: false, detail: r } : { ok: r, detail: r ? 'ok' : 'unhealthy' };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}

async function consumerStatus(info: StackInfo, consumer: string): Promise<boolean | string> {
  const search = encodeURIComponent(`name='${consumer}'`);
  const res = await http(`${info.maestro.httpUrl}/api/maestro/v1/consumers?search=${search}`);
  const total = (res.json as { total?: number } | undefined)?.total ?? 0;
  if (res.status !== 200 || total !== 1) return `consumer ${consumer} not registered (${res.status})`;
  const work = info.canary?.works.find((w) => w.consumer === consumer);
  if (work === undefined) return 'consumer registered; no canary work recorded';
  const bundle = await getResourceBundle(info.maestro.httpUrl, work.resourceId);
  return canaryHealthy(bundle) ? true : `canary work ${work.workName} not Applied/Available with feedback`;
}

/** Checks every recorded peer: process alive and its own health endpoint answering. */
export async function checkStack(info: StackInfo): Promise<ComponentHealth[]> {
  const maestro = MAESTRO_VERSION.slice(MAESTRO_VERSION.lastIndexOf('-') + 1);
  const checks: Record<string, Check> = {
    postgres: {
      version: info.postgres.version ?? '',
      endpoint: `${info.postgres.host}:${info.postgres.port}`,
      probe: () => portInUse(info.postgres.port),
    },
    etcd: {
      version: ETCD_VERSION,
      endpoint: info.etcd.clientUrl,
      probe: () => etcdHealthy(info.etcd.clientUrl),
    },
    'kube-apiserver': {
      version: KUBERNETES_VERSION,
      endpoint: info.kube.server,
      probe: () => kubeReady(info.kube.server, info.kube.caFile, info.kube.adminToken),
    },
    maestro: {
      version: maestro,
      endpoint: info.maestro.httpUrl,
      probe: async () => (await http(info.maestro.healthUrl)).status === 200,
    },
  };
  if (info.controllerManager) {
    const url = info.controllerManager.healthUrl;
    checks['kube-controller-manager'] = {
      version: KUBERNETES_VERSION,
      endpoint: url,
      probe: () => controllerManagerHealthy(url),
    };
  }
  for (const consumer of info.maestro.consumers) {
    checks[`agent-${consumer}`] = {
      version: maestro,
      endpoint: info.agents?.[consumer]?.brokerUrl ?? '',
      probe: () => consumerStatus(info, consumer),
    };
  }
  for (const [name, tls] of Object.entries(info.tls ?? {})) {
    checks[`maestro-tls-${name}`] = {
      version: maestro,
      endpoint: tls.grpcAddress,
      probe: async () => (await http(tls.healthUrl)).status === 200,
    };
  }
  const rabbitmq = info.rabbitmq;
  if (rabbitmq !== undefined) {
    checks['epmd'] = {
      version: rabbitmq.version,
      endpoint: `127.0.0.1:${info.ports?.['epmd'] ?? ''}`,
      probe: () => portInUse(info.ports?.['epmd'] ?? 0),
    };
    checks['rabbitmq'] = {
      version: rabbitmq.version,
      endpoint: `amqp://${rabbitmq.host}:${rabbitmq.port}/${encodeURIComponent(rabbitmq.vhost)}`,
      probe: () => amqpPing(rabbitmq.url),
    };
  }
  const api = info.hyperfleetApi;
  if (api !== undefined) {
    checks['hyperfleet-api'] = {
      version: api.commit.slice(0, 12),
      endpoint: api.baseUrl,
      probe: () => hyperfleetApiHealthy(api),
    };
  }
  for (const s of Object.values(info.sentinel?.instances ?? {})) {
    checks[`sentinel-${s.resourceType}`] = {
      version: info.sentinel?.commit.slice(0, 12) ?? '',
      endpoint: `${s.healthUrl} -> exchange ${s.exchange}`,
      probe: () => sentinelHealthy(s),
    };
  }
  const pids = currentPids(info);
  return Promise.all(
    Object.entries(checks).map(async ([role, check]) => {
      const pid = pids[role];
      const alive = pid !== undefined && isAlive(pid);
      const { ok, detail } = await probe(check.probe);
      return {
        role,
        pid,
        alive,
        healthy: alive && ok,
        detail: alive ? detail : 'process not running',
        version: check.version,
        endpoint: check.endpoint,
      };
    }),
  );
}
