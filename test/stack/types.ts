import type {} from 'vitest';

/**
 * What a running stack of real peers looks like to a test. test/stack writes it as JSON
 * (`<runDir>/stack.json`); the vitest global setup hands it to tests with
 * `provide('stack', info)`, and a test reads it with `inject('stack')`.
 */
export interface StackInfo {
  runId: string;
  runDir: string;
  postgres: { host: string; port: number; user: string; database: string; version?: string };
  etcd: { clientUrl: string };
  kube: {
    /** https://127.0.0.1:<port> */
    server: string;
    /** A kubeconfig with embedded CA and the admin token (system:masters). */
    kubeconfigPath: string;
    adminToken: string;
    caFile: string;
  };
  maestro: {
    /** REST API, e.g. http://127.0.0.1:<port> */
    httpUrl: string;
    /** gRPC source API (plaintext), host:port */
    grpcAddress: string;
    /** gRPC broker the agents connect to, host:port */
    grpcBrokerAddress: string;
    healthUrl: string;
    /** Consumers registered, each with an agent running against the kube-apiserver. */
    consumers: string[];
  };
  /** The canary works the stack published and saw Applied, one per consumer. */
  canary?: {
    source: string;
    works: {
      consumer: string;
      workName: string;
      /** Maestro resource-bundle id (UUID v5 of source, consumer, name). */
      resourceId: string;
      configMap: { namespace: string; name: string };
    }[];
  };
  /** Each agent's consumer, broker URL string and --listen address. */
  agents?: Record<string, { brokerUrl: string; listen: string }>;
  /** kube-controller-manager's /healthz (self-signed serving cert). */
  controllerManager?: { healthUrl: string };
  /** Every TCP port the stack listens on, by role, for leak checks after stop. */
  ports?: Record<string, number>;
  /** Extra Maestro servers with gRPC TLS started by startMaestroTls, by name. */
  tls?: Record<string, MaestroTlsInfo>;
  /** RabbitMQ node Sentinel publishes to; present when the stack started the HyperFleet peers. */
  rabbitmq?: RabbitmqInfo;
  /** The real HyperFleet API; present when the stack started the HyperFleet peers. */
  hyperfleetApi?: HyperfleetApiInfo;
  /** The real Sentinel instances, one per resource type; present with the HyperFleet peers. */
  sentinel?: SentinelInfo;
  /** pid of every process the stack started, by role. */
  pids: Record<string, number>;
  /** Log file of every process, by role. */
  logs: Record<string, string>;
}

/** Which optional peer groups to start: `hyperfleet` is RabbitMQ, the HyperFleet API and Sentinel. */
export type PeerGroup = 'hyperfleet';

export interface RabbitmqInfo {
  host: string;
  /** AMQP 0-9-1 port (plain, loopback). */
  port: number;
  user: string;
  /** Random per run; never logged. */
  password: string;
  /** The run's own vhost (not `/`). */
  vhost: string;
  /** amqp://user:password@host:port/vhost (vhost URL-encoded). */
  url: string;
  /** Erlang node name, for rabbitmqctl/rabbitmq-diagnostics with the run's HOME (cookie). */
  nodeName: string;
  /** Debian package version, e.g. 3.10.8. */
  version: string;
}

export interface HyperfleetApiInfo {
  /** e.g. http://127.0.0.1:<port>; the resources are under /api/hyperfleet/v1. */
  baseUrl: string;
  /** /healthz and /readyz. */
  healthUrl: string;
  metricsUrl: string;
  /** Database of its own on the stack's PostgreSQL. */
  database: string;
  /** adapters.required: the adapter names the aggregated Reconciled condition waits for. */
  requiredAdapters: { cluster: string[]; nodepool: string[] };
  /** Commit the binary was built from. */
  commit: string;
}

/** One Sentinel instance: it polls one resource type and publishes to one exchange. */
export interface SentinelInstanceInfo {
  resourceType: 'clusters' | 'nodepools';
  /**
   * RabbitMQ exchange Sentinel publishes to (hyperfleet-broker: the exchange is named after
   * the topic, type `topic`, durable); bind with routing key `#`.
   */
  exchange: string;
  exchangeType: 'topic';
  /** The broker topic configured (`clients.broker.topic`); equal to `exchange`. */
  topic: string;
  pollInterval: string;
  healthUrl: string;
  metricsUrl: string;
}

export interface SentinelInfo {
  commit: string;
  instances: Record<'clusters' | 'nodepools', SentinelInstanceInfo>;
}

/** A Maestro server on the stack's database whose gRPC source API requires TLS and authorizes by RBAC. */
export interface MaestroTlsInfo {
  authn: 'mtls' | 'token';
  httpUrl: string;
  healthUrl: string;
  /** TLS gRPC source API, host:port; the certificate is valid for 127.0.0.1 and localhost. */
  grpcAddress: string;
  /** CA that signed the server certificate (and, for mtls, the client certificates). */
  caFile: string;
  /** The source id the allowed identity may publish/subscribe (nonResourceURL /sources/<id>). */
  sourceId: string;
  /** Identity bound to pub/sub on /sources/<sourceId>. */
  allowed: MaestroTlsIdentity;
  /** Identity with no such binding: every call is refused. */
  denied: MaestroTlsIdentity;
  pid: number;
  logFile: string;
}

export interface MaestroTlsIdentity {
  user: string;
  /** mtls: client certificate and key files. */
  cert?: string;
  key?: string;
  /** token: a bearer token the kube-apiserver accepts (TokenReview). */
  token?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}
