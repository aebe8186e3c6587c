/** AdapterConfig (deployment: where things are) and the Kubernetes-style wrapper of the older documents. */
import { z } from 'zod';
import { duration, RETRY_BACKOFFS, scalarString } from './schema-common.ts';

// ---------------------------------------------------------------------------------------------
// AdapterConfig
// ---------------------------------------------------------------------------------------------

const hyperfleetApi = z
  .strictObject({
    base_url: z.string().optional(),
    version: z.string().min(1).default('v1'),
    timeout: duration.prefault('10s'),
    retry_attempts: z.int().min(0).default(3),
    retry_backoff: z.enum(RETRY_BACKOFFS).default('exponential'),
    base_delay: duration.prefault('1s'),
    max_delay: duration.prefault('30s'),
    default_headers: z.record(z.string(), scalarString).default({}),
    auth: z
      .strictObject({
        token_path: z.string().startsWith('/', { message: 'must be an absolute path' }),
        token_cache_ttl: duration.optional(),
        // Ours: `ServiceAccount` is the scheme machine clients send through the HyperFleet
        // gateway (the Go adapter always sends Bearer).
        scheme: z.enum(['Bearer', 'ServiceAccount']).default('Bearer'),
      })
      .transform(({ token_cache_ttl, ...rest }) => ({ ...rest, token_cache_ttl_ms: token_cache_ttl ?? 0 }))
      .optional(),
  })
  .transform(({ timeout, base_delay, max_delay, ...rest }) => ({
    ...rest,
    timeout_ms: timeout,
    base_delay_ms: base_delay,
    max_delay_ms: max_delay,
  }));

const maestro = z
  .strictObject({
    grpc_server_address: z.string().optional(),
    // Addresses and source_id are required to connect (deployment.ts checks them): a dry run,
    // like the Go adapter's, never connects and loads without them.
    http_server_address: z.string().optional(),
    source_id: z.string().default(''),
    client_id: z.string().optional(),
    insecure: z.boolean().default(false),
    timeout: duration.prefault('10s'),
    server_healthiness_timeout: duration.prefault('20s'),
    retry_attempts: z.int().min(0).optional(),
    keepalive: z
      .strictObject({ time: duration.optional(), timeout: duration.optional() })
      .transform(({ time, timeout }) => ({ time_ms: time, timeout_ms: timeout }))
      .optional(),
    auth: z
      .strictObject({
        type: z.enum(['tls', 'token', 'none']).optional(),
        token_path: z.string().optional(),
        tls_config: z
          .strictObject({
            ca_file: z.string().optional(),
            cert_file: z.string().optional(),
            key_file: z.string().optional(),
            server_name: z.string().optional(),
            http_ca_file: z.string().optional(),
          })
          .optional(),
      })
      .optional(),
    /**
     * Opt-in: when Maestro stays unavailable past its retries, apply a work's manifests straight
     * to the consumer's cluster through the kubeconfig named here (see lib/transport/fallback.ts).
     */
    fallback: z
      .strictObject({
        enabled: z.boolean().default(false),
        kubeconfigs: z.record(z.string().min(1), z.string().min(1)).default({}),
      })
      .optional(),
  })
  .transform(({ timeout, server_healthiness_timeout, ...rest }) => ({
    ...rest,
    client_id: rest.client_id || rest.source_id,
    timeout_ms: timeout,
    server_healthiness_timeout_ms: server_healthiness_timeout,
  }));

const kubernetes = z.strictObject({
  api_version: z.string().optional(),
  kube_config_path: z.string().optional(),
  qps: z.number().min(0).optional(),
  burst: z.int().min(0).optional(),
});

export const AdapterConfigSchema = z.strictObject({
  adapter: z.strictObject({
    name: z.string().min(1),
    version: scalarString.optional(),
  }),
  debug_config: z.boolean().default(false),
  // Any level loads (the Go adapter logs an unknown one at info); deployment.ts warns.
  log: z
    .strictObject({
      level: z.string().optional(),
      format: z.string().optional(),
      output: z.string().optional(),
    })
    .default({}),
  clients: z
    .strictObject({
      hyperfleet_api: hyperfleetApi.prefault({}),
      broker: z
        .strictObject({ subscription_id: z.string().optional(), topic: z.string().optional() })
        .optional(),
      maestro: maestro.optional(),
      kubernetes: kubernetes.optional(),
    })
    .prefault({}),
});
export type AdapterConfig = z.output<typeof AdapterConfigSchema>;

// ---------------------------------------------------------------------------------------------
// Kubernetes-style wrapper (older design documents): apiVersion/kind/metadata/spec
// ---------------------------------------------------------------------------------------------

export const API_VERSION = 'hyperfleet.redhat.com/v1alpha1';

export const EnvelopeSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.enum(['AdapterConfig', 'AdapterTaskConfig']),
  metadata: z
    .strictObject({
      name: z.string().min(1).optional(),
      namespace: z.string().optional(),
      labels: z.record(z.string(), scalarString).optional(),
      annotations: z.record(z.string(), scalarString).optional(),
    })
    .default({}),
  spec: z.record(z.string(), z.unknown()),
});
export type Envelope = z.output<typeof EnvelopeSchema>;
