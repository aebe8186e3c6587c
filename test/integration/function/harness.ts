/**
 * The adapter runtime (the function's code path) wired to the real stack: a compat example's
 * config files unchanged, the stack's Maestro and kube-apiserver through env overrides, the
 * HyperFleet API contract double as the API.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../../lib/observability/logger.ts';
import { createMetrics } from '../../../lib/observability/metrics.ts';
import type { AdapterRuntime } from '../../../lib/runtime/adapter-runtime.ts';
import { runtimeFromEnv } from '../../../lib/runtime/from-env.ts';
import type { StackInfo } from '../../stack/types.ts';
import type { ApiDouble } from '../../support/hyperfleet-api-double.ts';

export const COMPAT = fileURLToPath(new URL('../../../../shared/compat/examples/', import.meta.url));

export function compatDir(example: string): string {
  const dir = `${COMPAT}${example}/`;
  if (!existsSync(dir))
    throw new Error(`compat example ${example} not found at ${dir} (the repo expects ../shared beside it)`);
  return dir;
}

export function runtimeFor(
  dir: string,
  stack: StackInfo,
  api: ApiDouble,
  env: Record<string, string> = {},
  files = { config: 'adapter-config.yaml', task: 'task-config.yaml' },
): AdapterRuntime {
  return runtimeFromEnv(
    {
      HYPERFLEET_ADAPTER_CONFIG: `${dir}${files.config}`,
      HYPERFLEET_TASK_CONFIG: `${dir}${files.task}`,
      HYPERFLEET_ADAPTER_MOUNTS: `/etc/adapter=${dir}`,
      HYPERFLEET_API_BASE_URL: api.url,
      HYPERFLEET_API_BASE_DELAY: '50ms',
      // Maestro endpoints only for configs that have a maestro block: an override would create one.
      ...(readFileSync(`${dir}${files.config}`, 'utf8').includes('maestro:')
        ? {
            HYPERFLEET_MAESTRO_GRPC_SERVER_ADDRESS: stack.maestro.grpcAddress,
            HYPERFLEET_MAESTRO_HTTP_SERVER_ADDRESS: stack.maestro.httpUrl,
          }
        : {}),
      HYPERFLEET_KUBERNETES_KUBE_CONFIG_PATH: stack.kube.kubeconfigPath,
      ...env,
    },
    { log: createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }), metrics: createMetrics() },
  );
}

let seq = 0;
/** A Sentinel event for a cluster. */
export function clusterEvent(id: string, generation: number) {
  seq++;
  return {
    id: `evt-${Date.now()}-${seq}`,
    type: 'com.redhat.hyperfleet.cluster.reconcile',
    source: 'hyperfleet-sentinel',
    data: { id, kind: 'Cluster', href: `/api/hyperfleet/v1/clusters/${id}`, generation },
  };
}

/** A unique, DNS-safe cluster id per test run. */
export function uniqueId(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
}
