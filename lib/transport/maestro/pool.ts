import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { packagePath } from '../../package-root.ts';
import { classifyPublishError, MaestroUnavailableError } from './errors.ts';
import { readToken, WatchedFiles } from './files.ts';
import type { MaestroOptions } from './options.ts';
import type { CloudEventMessage } from './types.ts';

const PROTO = packagePath('protos', 'io', 'cloudevents', 'v1', 'cloudevent.proto');

export interface SubscriptionRequest {
  source: string;
  cluster_name: string;
  data_type: string;
}

interface CloudEventServiceClient extends grpc.Client {
  Publish(
    req: { event: CloudEventMessage },
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: (err: grpc.ServiceError | null) => void,
  ): grpc.ClientUnaryCall;
  Subscribe(
    req: SubscriptionRequest,
    options?: grpc.CallOptions,
  ): grpc.ClientReadableStream<CloudEventMessage>;
}

type ServiceCtor = new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ClientOptions,
) => CloudEventServiceClient;

let serviceCtor: ServiceCtor | undefined;

function loadService(): ServiceCtor {
  if (serviceCtor) return serviceCtor;
  const def = loadSync(PROTO, {
    keepCase: true,
    longs: String,
    enums: String,
    oneofs: true,
    defaults: false,
  });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    io: { cloudevents: { v1: { CloudEventService: ServiceCtor } } };
  };
  serviceCtor = pkg.io.cloudevents.v1.CloudEventService;
  return serviceCtor;
}

/** Old clients keep serving in-flight calls for this long after a credential rotation. */
const RETIRE_AFTER_MS = 30_000;

/**
 * One gRPC client (one HTTP/2 connection) for an endpoint and a set of credentials, shared
 * by every transport of the process. Rebuilt when certificate files change on disk.
 */
export class MaestroChannel {
  readonly key: string;
  private readonly options: MaestroOptions;
  private readonly tlsFiles: WatchedFiles;
  private readonly tokenFiles: WatchedFiles | undefined;
  private client: CloudEventServiceClient;
  private builtFrom = -1;
  private refs = 0;
  private closed = false;
  private readonly onRelease: ((ch: MaestroChannel) => void) | undefined;
  private readonly retiring = new Set<NodeJS.Timeout>();
  /** Bumped on every rebuild so the status stream knows to re-subscribe on the new client. */
  generation = 0;

  constructor(key: string, options: MaestroOptions, onRelease?: (ch: MaestroChannel) => void) {
    this.key = key;
    this.options = options;
    this.onRelease = onRelease;
    const a = options.auth;
    this.tlsFiles = new WatchedFiles(a.mode === 'insecure' ? [] : [a.caFile, a.certFile, a.keyFile]);
    this.tokenFiles = a.mode === 'token' ? new WatchedFiles([a.tokenFile], 1_000) : undefined;
    this.client = this.build();
  }

  private credentials(): grpc.ChannelCredentials {
    const a = this.options.auth;
    if (a.mode === 'insecure') return grpc.credentials.createInsecure();
    const ssl = grpc.credentials.createSsl(
      this.tlsFiles.get(a.caFile) ?? null,
      this.tlsFiles.get(a.keyFile) ?? null,
      this.tlsFiles.get(a.certFile) ?? null,
    );
    const tokenFiles = this.tokenFiles;
    const tokenFile = a.tokenFile;
    if (a.mode !== 'token' || !tokenFiles || !tokenFile) return ssl;
    // Read per call (stat-throttled) so a rotated token is used without a reconnect.
    const bearer = grpc.credentials.createFromMetadataGenerator((_params, callback) => {
      try {
        const md = new grpc.Metadata();
        md.add('authorization', `Bearer ${readToken(tokenFiles, tokenFile)}`);
        callback(null, md);
      } catch (err) {
        callback(err as Error);
      }
    });
    return grpc.credentials.combineChannelCredentials(ssl, bearer);
  }

  private build(): CloudEventServiceClient {
    const Ctor = loadService();
    const o = this.options;
    const channelOptions: grpc.ClientOptions = {
      'grpc.primary_user_agent': `hyperfleet-adapter/${o.clientId}`,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      // Maestro enforces MinTime 5s and no pings without an active stream (GOAWAY too_many_pings).
      'grpc.keepalive_time_ms': o.keepaliveTimeMs,
      'grpc.keepalive_timeout_ms': o.keepaliveTimeoutMs,
      'grpc.keepalive_permit_without_calls': 0,
      'grpc.initial_reconnect_backoff_ms': 500,
      'grpc.max_reconnect_backoff_ms': 30_000,
      'grpc.enable_retries': 0,
    };
    if (o.auth.serverName) {
      channelOptions['grpc.ssl_target_name_override'] = o.auth.serverName;
      channelOptions['grpc.default_authority'] = o.auth.serverName;
    }
    this.builtFrom = this.tlsFiles.version;
    return new Ctor(o.grpcAddress, this.credentials(), channelOptions);
  }

  /** The live client, rebuilt first if a certificate file changed. */
  current(): CloudEventServiceClient {
    if (this.closed) throw new MaestroUnavailableError('Maestro transport is closed');
    this.tlsFiles.refresh();
    if (this.tlsFiles.version !== this.builtFrom) {
      const old = this.client;
      this.client = this.build();
      this.generation++;
      const t = setTimeout(() => {
        this.retiring.delete(t);
        old.close();
      }, RETIRE_AFTER_MS);
      t.unref();
      this.retiring.add(t);
    }
    return this.client;
  }

  acquire(): this {
    this.refs++;
    return this;
  }

  /** Publish one event; resolves when Maestro wrote it to its database. */
  publish(event: CloudEventMessage, consumer: string, signal: AbortSignal, timeoutMs: number): Promise<void> {
    const client = this.current();
    // An unreadable or empty token is a configuration error, not the "unavailable" grpc-js would report.
    if (this.tokenFiles && this.options.auth.tokenFile)
      readToken(this.tokenFiles, this.options.auth.tokenFile);
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(
          new MaestroUnavailableError('Maestro publish aborted before it started', { cause: signal.reason }),
        );
        return;
      }
      const onAbort = () => call.cancel();
      const call = client.Publish(
        { event },
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err) => {
          signal.removeEventListener('abort', onAbort);
          if (err) reject(classifyPublishError(err, consumer));
          else resolve();
        },
      );
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  subscribe(req: SubscriptionRequest): grpc.ClientReadableStream<CloudEventMessage> {
    return this.current().Subscribe(req);
  }

  /** Connectivity state name; asking also kicks an idle channel into connecting. */
  state(): string {
    const s = this.client.getChannel().getConnectivityState(true);
    return grpc.connectivityState[s] ?? String(s);
  }

  /** Resolves true once connected, false when `timeoutMs` passes first. */
  waitReady(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      this.current().waitForReady(Date.now() + timeoutMs, (err) => resolve(!err));
    });
  }

  release(): void {
    if (--this.refs > 0 || this.closed) return;
    this.closed = true;
    this.onRelease?.(this);
    for (const t of this.retiring) clearTimeout(t);
    this.client.close();
  }
}

const pool = new Map<string, MaestroChannel>();

function poolKey(o: MaestroOptions): string {
  const a = o.auth;
  return JSON.stringify([o.grpcAddress, a, o.clientId, o.keepaliveTimeMs, o.keepaliveTimeoutMs]);
}

/** The shared channel for these options (created on first use); release it with `release()`. */
export function acquireChannel(o: MaestroOptions): MaestroChannel {
  const key = poolKey(o);
  let ch = pool.get(key);
  if (!ch) {
    ch = new MaestroChannel(key, o, (c) => {
      if (pool.get(c.key) === c) pool.delete(c.key);
    });
    pool.set(key, ch);
  }
  return ch.acquire();
}

/** A private channel outside the pool: for benchmarks comparing against a connection per call. */
export function openUnpooledChannel(o: MaestroOptions): MaestroChannel {
  return new MaestroChannel(`unpooled:${poolKey(o)}`, o).acquire();
}

/** Number of live pooled channels (tests assert sharing). */
export function pooledChannelCount(): number {
  return pool.size;
}
