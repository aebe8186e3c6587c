import { canaryHealthy, getResourceBundle } from './canary.ts';
import { http } from './http.ts';
import { controllerManagerHealthy, etcdHealthy, kubeReady } from './kube.ts';
import { currentPids } from './pids.ts';
import { isAlive, portInUse } from './proc.ts';
import type { StackInfo } from './types.ts';

/** One line of `stack status`: a peer, whether its process lives, what its health endpoint said. */
export interface ComponentHealth {
  role: string;
  pid: number | undefined;
  alive: boolean;
  healthy: boolean;
  detail: string;
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
  const checks: Record<string, () => Promise<boolean | string>> = {
    postgres: () => portInUse(info.postgres.port),
    etcd: () => etcdHealthy(info.etcd.clientUrl),
    'kube-apiserver': () => kubeReady(info.kube.server, info.kube.caFile, info.kube.adminToken),
    maestro: async () => (await http(info.maestro.healthUrl)).status === 200,
  };
  if (info.controllerManager) {
    const url = info.controllerManager.healthUrl;
    checks['kube-controller-manager'] = () => controllerManagerHealthy(url);
  }
  for (const consumer of info.maestro.consumers) {
    checks[`agent-${consumer}`] = () => consumerStatus(info, consumer);
  }
  for (const [name, tls] of Object.entries(info.tls ?? {})) {
    checks[`maestro-tls-${name}`] = async () => (await http(tls.healthUrl)).status === 200;
  }
  const pids = currentPids(info);
  return Promise.all(
    Object.entries(checks).map(async ([role, fn]) => {
      const pid = pids[role];
      const alive = pid !== undefined && isAlive(pid);
      const { ok, detail } = await probe(fn);
      return { role, pid, alive, healthy: alive && ok, detail: alive ? detail : 'process not running' };
    }),
  );
}
