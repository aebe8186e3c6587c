import http from 'node:http';
import https from 'node:https';
import { AdapterError } from '../../errors.ts';

/** Where credentials come from; see `createKubernetesTransport`. */
export interface ConnectionOptions {
  kubeConfigPath?: string;
  token?: string;
  server?: string;
  caFile?: string;
}

export interface Connection {
  server: string;
  agent: http.Agent;
  headers: () => Promise<Record<string, string>>;
  /** The kubeconfig context's namespace (in a pod: its own), else `default`. */
  defaultNamespace: string;
}

/** The configuration cannot produce a usable client (no file, not in a cluster, http without skip-verify). */
export class KubeConfigError extends AdapterError {
  constructor(message: string, cause?: unknown) {
    super('KUBE_CONFIG_INVALID', message, { cause });
  }
}

/**
 * Credentials and trust come from @kubernetes/client-node's KubeConfig: it owns kubeconfig
 * parsing, in-cluster service-account files (re-read as they rotate), exec and OIDC plugins.
 * Requests go through one keep-alive agent built here from the TLS material it yields:
 * the client's own request path builds a fresh connection pool per call, which costs a TLS
 * handshake every time. The library is imported on first use only, because importing it costs
 * most of a second of cold start.
 */
export async function openConnection(options: ConnectionOptions): Promise<Connection> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    if (options.server) {
      kc.loadFromClusterAndUser(
        { name: 'explicit', server: options.server, caFile: options.caFile, skipTLSVerify: false },
        { name: 'explicit', token: options.token },
      );
    } else if (options.kubeConfigPath) {
      kc.loadFromFile(options.kubeConfigPath);
    } else {
      if (!process.env['KUBERNETES_SERVICE_HOST']) {
        throw new Error(
          'no kube_config_path given and not running in a pod (KUBERNETES_SERVICE_HOST is unset)',
        );
      }
      kc.loadFromCluster();
    }
    if (options.token && !options.server) {
      const cluster = kc.getCurrentCluster();
      if (!cluster) throw new Error('the kubeconfig has no current cluster');
      kc.loadFromClusterAndUser(cluster, { name: 'explicit', token: options.token });
    }
  } catch (err) {
    throw new KubeConfigError(`cannot load Kubernetes client configuration: ${(err as Error).message}`, err);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KubeConfigError('the Kubernetes client configuration names no cluster');
  const contextName = kc.getCurrentContext();
  const defaultNamespace = kc.getContextObject(contextName)?.namespace || 'default';

  const headers = async (): Promise<Record<string, string>> => {
    const opts: https.RequestOptions & { headers?: Record<string, string> } = {};
    await kc.applyToHTTPSOptions(opts);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) out[k] = String(v);
    if (typeof opts.auth === 'string')
      out['Authorization'] = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    return out;
  };

  const tls: https.RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(tls);
  } catch (err) {
    throw new KubeConfigError(`cannot prepare Kubernetes credentials: ${(err as Error).message}`, err);
  }
  // A proxy needs client-node's proxy-aware agent; otherwise ours pools connections.
  const agent =
    cluster.proxyUrl && tls.agent instanceof http.Agent ? tls.agent : buildAgent(cluster.server, tls);
  return { server: cluster.server, agent, headers, defaultNamespace };
}

function buildAgent(server: string, tls: https.RequestOptions): http.Agent {
  if (server.startsWith('http:')) return new http.Agent({ keepAlive: true });
  return new https.Agent({
    keepAlive: true,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    pfx: tls.pfx,
    passphrase: tls.passphrase,
    servername: tls.servername,
    ...(tls.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: tls.rejectUnauthorized }),
  });
}
