import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { binaryPaths } from './build.ts';
import { createCa, createLeaf } from './certs.ts';
import { StackError } from './errors.ts';
import { http } from './http.ts';
import { startServer, writeDbFiles } from './maestro.ts';
import { saveStackChange } from './pids.ts';
import { freePort, stopProcess } from './proc.ts';
import type { MaestroTlsIdentity, MaestroTlsInfo, StackInfo } from './types.ts';

/**
 * A second Maestro server on the stack's database whose gRPC source API requires TLS 1.3 and
 * authorizes every Publish/Subscribe with a SubjectAccessReview against the stack's
 * kube-apiserver: one identity is bound to pub/sub on /sources/<sourceId>, one is not.
 */

export interface TlsOptions {
  authn: 'mtls' | 'token';
  /** Names the server in `stack.tls` and its files; defaults to the authn type. */
  name?: string;
  sourceId?: string;
}

async function kube(info: StackInfo, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await http(`${info.kube.server}${path}`, {
    method,
    body,
    caFile: info.kube.caFile,
    token: info.kube.adminToken,
  });
  if (res.status >= 300 && res.status !== 409) {
    throw new StackError('STACK_KUBE_FAILED', `${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
  }
  return res.json;
}

type Subject = { kind: 'User'; name: string } | { kind: 'ServiceAccount'; name: string; namespace: string };

/** ClusterRole allowing pub/sub on one source, bound to one subject. */
async function bindSource(info: StackInfo, name: string, sourceId: string, subject: Subject): Promise<void> {
  await kube(info, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name },
    rules: [{ nonResourceURLs: [`/sources/${sourceId}`], verbs: ['pub', 'sub'] }],
  });
  const rbacSubject =
    subject.kind === 'User'
      ? { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: subject.name }
      : subject;
  await kube(info, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [rbacSubject],
  });
}

/** A service account and a one-hour token for it from the TokenRequest API. */
async function serviceAccountToken(info: StackInfo, namespace: string, name: string): Promise<string> {
  await kube(info, 'POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name },
  });
  const res = (await kube(info, 'POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  })) as { status?: { token?: string } };
  const token = res.status?.token;
  if (!token) throw new StackError('STACK_KUBE_FAILED', `no token for service account ${namespace}/${name}`);
  return token;
}

export async function startMaestroTls(info: StackInfo, options: TlsOptions): Promise<MaestroTlsInfo> {
  const name = options.name ?? options.authn;
  const sourceId = options.sourceId ?? `hyperfleet-${name}`;
  const dir = join(info.runDir, `maestro-tls-${name}`);
  const pki = join(dir, 'pki');
  mkdirSync(pki, { recursive: true });
  const ca = await createCa(pki, 'grpc-ca');
  const serving = await createLeaf(pki, ca, {
    name: 'server',
    commonName: 'maestro-grpc',
    dnsNames: ['localhost'],
    ips: ['127.0.0.1'],
    usage: 'server',
  });
  let allowed: MaestroTlsIdentity;
  let denied: MaestroTlsIdentity;
  const authnArgs = [`--grpc-authn-type=${options.authn}`];
  if (options.authn === 'mtls') {
    // Maestro requires a non-empty O (groups) on client certificates.
    const mk = async (user: string) => {
      const pair = await createLeaf(pki, ca, {
        name: user,
        commonName: user,
        organizations: ['hyperfleet'],
        usage: 'client',
      });
      return { user, cert: pair.cert, key: pair.key };
    };
    allowed = await mk(`${name}-allowed`);
    denied = await mk(`${name}-denied`);
    authnArgs.push(`--grpc-client-ca-file=${ca.cert}`);
    await bindSource(info, `maestro-source-${sourceId}`, sourceId, { kind: 'User', name: allowed.user });
  } else {
    const ns = 'default';
    const allowedSa = `${name}-allowed`;
    const deniedSa = `${name}-denied`;
    allowed = {
      user: `system:serviceaccount:${ns}:${allowedSa}`,
      token: await serviceAccountToken(info, ns, allowedSa),
    };
    denied = {
      user: `system:serviceaccount:${ns}:${deniedSa}`,
      token: await serviceAccountToken(info, ns, deniedSa),
    };
    await bindSource(info, `maestro-source-${sourceId}`, sourceId, {
      kind: 'ServiceAccount',
      name: allowedSa,
      namespace: ns,
    });
  }
  const db = writeDbFiles(join(dir, 'db'), { ...info.postgres, password: '' });
  const role = `maestro-tls-${name}`;
  const logFile = join(info.runDir, 'logs', `${role}.log`);
  const ports = info.ports ?? {};
  info.ports = ports;
  const port = async (suffix: string) => {
    ports[`${role}-${suffix}`] = await freePort();
    return ports[`${role}-${suffix}`] as number;
  };
  const server = await startServer({
    binary: binaryPaths().maestro,
    db,
    cwd: dir,
    logFile,
    ports: {
      http: await port('http'),
      grpc: await port('grpc'),
      broker: await port('grpc-broker'),
      health: await port('health'),
      metrics: await port('metrics'),
    },
    extraArgs: [
      `--grpc-tls-cert-file=${serving.cert}`,
      `--grpc-tls-key-file=${serving.key}`,
      ...authnArgs,
      // SubjectAccessReview (and TokenReview for token authn) go to the stack's kube-apiserver.
      `--grpc-authorizer-config=${info.kube.kubeconfigPath}`,
    ],
    onPid: (pid) => {
      info.pids[role] = pid;
    },
  });
  const tls: MaestroTlsInfo = {
    authn: options.authn,
    httpUrl: server.httpUrl,
    healthUrl: server.healthUrl,
    grpcAddress: server.grpcAddress,
    caFile: ca.cert,
    sourceId,
    allowed,
    denied,
    pid: server.pid,
    logFile,
  };
  saveStackChange(info, (s) => {
    s.pids[role] = server.pid;
    s.logs[role] = logFile;
    s.tls = { ...(s.tls ?? {}), [name]: tls };
  });
  return tls;
}

/** Stops one TLS server started by startMaestroTls and forgets it. */
export async function stopMaestroTls(info: StackInfo, name: string): Promise<void> {
  const role = `maestro-tls-${name}`;
  const pid = info.pids[role];
  if (pid !== undefined) await stopProcess(pid, { graceMs: 10_000 });
  saveStackChange(info, (s) => {
    delete s.pids[role];
    if (s.tls) delete s.tls[name];
  });
}
