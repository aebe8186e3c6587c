import type {} from 'vitest';

/**
 * What a running stack of real peers looks like to a test. test/stack writes it as JSON
 * (`<runDir>/stack.json`); the vitest global setup hands it to tests with
 * `provide('stack', info)`, and a test reads it with `inject('stack')`.
 */
export interface StackInfo {
  runId: string;
  runDir: string;
  postgres: { host: string; port: number; user: string; database: string };
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
  /** pid of every process the stack started, by role. */
  pids: Record<string, number>;
  /** Log file of every process, by role. */
  logs: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}
