/**
 * Entry point of the Maestro transport. Importing this module costs nothing: gRPC,
 * proto-loader and the implementation load on the first call of a transport, so an adapter
 * whose config never uses Maestro never pays for them at cold start.
 */
import type { Logger } from '../../observability/logger.ts';
import type { DeleteOutcome, KubeObject, ListQuery, ObjectRef, TransportContext } from '../types.ts';
import { MaestroUnavailableError } from './errors.ts';
import { type MaestroClientConfig, type MaestroOptions, normalizeOptions } from './options.ts';
import type { MaestroHealth, MaestroTransport, MaestroTransportDeps } from './transport.ts';

export * from './errors.ts';
export type { ManifestQuery, WorkStatusSummary } from './manifests.ts';
export { findManifestInWork, summarizeWorkStatus } from './manifests.ts';
export type { Duration, MaestroClientConfig, MaestroOptions } from './options.ts';
export { normalizeOptions as parseMaestroConfig } from './options.ts';
export type { MaestroHealth, MaestroTransport } from './transport.ts';
export type { ManifestWork } from './types.ts';

export interface CreateMaestroTransportDeps {
  logger?: Logger;
  /** A private gRPC connection instead of the process pool (benchmarks). */
  unpooled?: boolean;
}

/**
 * Build a Maestro transport from the AdapterConfig `clients.maestro` block (snake_case,
 * durations in ms or Go duration strings). Options are validated now, so a bad config fails
 * at startup; the connection is opened on the first call.
 */
export function createMaestroTransport(
  config: MaestroClientConfig,
  deps: CreateMaestroTransportDeps = {},
): MaestroTransport {
  const options: MaestroOptions = normalizeOptions(config);
  let impl: Promise<MaestroTransport> | undefined;
  let closed = false;
  const load = (): Promise<MaestroTransport> => {
    if (closed) return Promise.reject(new MaestroUnavailableError('Maestro transport is closed'));
    impl ??= import('./transport.ts').then((m) => {
      const d: MaestroTransportDeps = {};
      if (deps.logger) d.logger = deps.logger;
      if (deps.unpooled) d.unpooled = true;
      return new m.MaestroTransportImpl(options, d);
    });
    return impl;
  };
  return {
    client: 'maestro',
    get: async (ref: ObjectRef, ctx: TransportContext) => (await load()).get(ref, ctx),
    list: async (query: ListQuery, ctx: TransportContext) => (await load()).list(query, ctx),
    apply: async (obj: KubeObject, ctx: TransportContext & { existing?: KubeObject | null }) =>
      (await load()).apply(obj, ctx),
    delete: async (ref: ObjectRef, ctx: TransportContext): Promise<DeleteOutcome> =>
      (await load()).delete(ref, ctx),
    health: async (signal: AbortSignal): Promise<MaestroHealth> => (await load()).health(signal),
    close: async () => {
      if (closed) return;
      closed = true;
      if (impl) await (await impl).close();
    },
  };
}
