/**
 * Transports for a warm process: created on first use by a resource that names them (so a
 * config without Maestro never loads gRPC, one without Kubernetes never loads its client),
 * then shared by every invocation (pooled connections), closed on shutdown.
 */
import type { AdapterConfig } from '../config/schema.ts';
import { AdapterError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { Transport, TransportClient } from '../transport/types.ts';

export class TransportNotConfiguredError extends AdapterError {
  constructor(client: TransportClient) {
    super(
      'TRANSPORT_NOT_CONFIGURED',
      `a resource uses the ${client} transport but the adapter config has no clients.${client} block`,
    );
  }
}

export type MaestroConfig = NonNullable<AdapterConfig['clients']['maestro']>;

/** Map the normalized `clients.maestro` block onto the Maestro transport's options. */
export function maestroOptions(m: MaestroConfig) {
  const tls = m.auth?.tls_config;
  return {
    grpc_server_address: m.grpc_server_address ?? '',
    http_server_address: m.http_server_address ?? '',
    source_id: m.source_id,
    client_id: m.client_id,
    insecure: m.insecure,
    timeout: m.timeout_ms,
    server_healthiness_timeout: m.server_healthiness_timeout_ms,
    ...(m.retry_attempts === undefined ? {} : { retry_attempts: m.retry_attempts }),
    ...(m.keepalive
      ? {
          keepalive: {
            ...(m.keepalive.time_ms === undefined ? {} : { time: m.keepalive.time_ms }),
            ...(m.keepalive.timeout_ms === undefined ? {} : { timeout: m.keepalive.timeout_ms }),
          },
        }
      : {}),
    ...(m.auth
      ? {
          auth: {
            ...(m.auth.type === undefined || m.auth.type === 'none' ? {} : { type: m.auth.type }),
            ...(m.auth.token_path === undefined ? {} : { token_file: m.auth.token_path }),
            ...(tls ? { tls_config: { ...tls } } : {}),
          },
        }
      : {}),
  };
}

export class TransportPool {
  private readonly created = new Map<TransportClient, Promise<Transport>>();
  private readonly config: () => AdapterConfig;
  private readonly log: Logger;

  /** `config` is read at creation time: a reload with new client settings takes a new pool. */
  constructor(config: () => AdapterConfig, log: Logger) {
    this.config = config;
    this.log = log;
  }

  get(client: TransportClient): Promise<Transport> {
    let t = this.created.get(client);
    if (!t) {
      t = this.create(client);
      // A failed creation (bad kubeconfig, say) is retried on the next event, not cached.
      t.catch(() => this.created.delete(client));
      this.created.set(client, t);
    }
    return t;
  }

  /** The transports created so far (for health checks). */
  async active(): Promise<Transport[]> {
    const settled = await Promise.allSettled(this.created.values());
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  private async create(client: TransportClient): Promise<Transport> {
    const clients = this.config().clients;
    if (client === 'maestro') {
      if (!clients.maestro) throw new TransportNotConfiguredError('maestro');
      const { createMaestroTransport } = await import('../transport/maestro/index.ts');
      this.log.info(
        { transport: 'maestro', endpoint: clients.maestro.grpc_server_address },
        'Maestro transport created',
      );
      const maestro = createMaestroTransport(maestroOptions(clients.maestro), { logger: this.log });
      const fallback = clients.maestro.fallback;
      if (!fallback?.enabled) return maestro;
      const { withDirectFallback } = await import('../transport/fallback.ts');
      this.log.warn(
        { transport: 'maestro', fallbackConsumers: Object.keys(fallback.kubeconfigs) },
        'Maestro fallback to direct apply enabled',
      );
      return withDirectFallback(maestro, {
        kubeconfigs: fallback.kubeconfigs,
        onFallback: (e) =>
          this.log.warn(
            { transport: 'maestro', op: e.op, consumer: e.consumer, work: e.work, code: e.cause.code },
            'Maestro unavailable: falling back to the consumer kubeconfig',
          ),
      });
    }
    const k = clients.kubernetes ?? {};
    const { createKubernetesTransport } = await import('../transport/kubernetes/index.ts');
    this.log.info({ transport: 'kubernetes' }, 'Kubernetes transport created');
    return createKubernetesTransport({
      ...(k.kube_config_path ? { kubeConfigPath: k.kube_config_path } : {}),
      ...(k.qps === undefined ? {} : { qps: k.qps }),
      ...(k.burst === undefined ? {} : { burst: k.burst }),
    });
  }

  async close(): Promise<void> {
    const all = await this.active();
    this.created.clear();
    await Promise.allSettled(all.map((t) => t.close()));
  }
}
