import { readFileSync, writeFileSync } from 'node:fs';
import { StackError } from './errors.ts';
import { http } from './http.ts';
import { runCapture, spawnDaemon, waitFor } from './proc.ts';

/** etcd, kube-apiserver and kube-controller-manager on loopback, each on ports chosen per run. */

export interface EtcdOptions {
  binary: string;
  dataDir: string;
  clientPort: number;
  peerPort: number;
  logFile: string;
  /** Told the pid as soon as it exists, so a failed wait can still stop it. */
  onPid?: (pid: number) => void;
}

export async function startEtcd(o: EtcdOptions): Promise<{ pid: number; clientUrl: string }> {
  const clientUrl = `http://127.0.0.1:${o.clientPort}`;
  const peerUrl = `http://127.0.0.1:${o.peerPort}`;
  const pid = spawnDaemon(
    o.binary,
    [
      '--name=default',
      `--data-dir=${o.dataDir}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      // Test data is thrown away with the run; fsync only costs time.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    { logFile: o.logFile },
  );
  o.onPid?.(pid);
  await waitFor(async () => ((await etcdHealthy(clientUrl)) ? true : undefined), {
    what: 'etcd /health',
    timeoutMs: 30_000,
    pid,
    logs: [o.logFile],
  });
  return { pid, clientUrl };
}

export async function etcdHealthy(clientUrl: string): Promise<boolean> {
  const res = await http(`${clientUrl}/health`);
  return res.status === 200 && (res.json as { health?: string } | undefined)?.health === 'true';
}

/** A kubeconfig with the CA and a bearer token embedded: the agent ignores $KUBECONFIG and file refs resolve oddly. */
export function writeKubeconfig(path: string, server: string, caFile: string, token: string): void {
  const ca = readFileSync(caFile).toString('base64');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: stack',
      '  cluster:',
      `    server: ${server}`,
      `    certificate-authority-data: ${ca}`,
      'users:',
      '- name: admin',
      '  user:',
      `    token: ${token}`,
      'contexts:',
      '- name: stack',
      '  context:',
      '    cluster: stack',
      '    user: admin',
      'current-context: stack',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
}

export interface ApiserverOptions {
  binary: string;
  etcdUrl: string;
  port: number;
  certDir: string;
  caFile: string;
  servingCert: { cert: string; key: string };
  serviceAccountKey: { privateKey: string; publicKey: string };
  tokenFile: string;
  adminToken: string;
  logFile: string;
  onPid?: (pid: number) => void;
}

export async function startApiserver(o: ApiserverOptions): Promise<{ pid: number; server: string }> {
  const server = `https://127.0.0.1:${o.port}`;
  const pid = spawnDaemon(
    o.binary,
    [
      `--etcd-servers=${o.etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${o.port}`,
      `--cert-dir=${o.certDir}`,
      `--tls-cert-file=${o.servingCert.cert}`,
      `--tls-private-key-file=${o.servingCert.key}`,
      `--client-ca-file=${o.caFile}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${o.serviceAccountKey.publicKey}`,
      `--service-account-signing-key-file=${o.serviceAccountKey.privateKey}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      '--authorization-mode=RBAC',
      `--token-auth-file=${o.tokenFile}`,
      '--disable-admission-plugins=ServiceAccount',
      // Endpoints may not hold a loopback address; the reconciler would only log errors.
      '--endpoint-reconciler-type=none',
      '--profiling=false',
      '-v=1',
    ],
    { logFile: o.logFile },
  );
  o.onPid?.(pid);
  await waitFor(async () => ((await kubeReady(server, o.caFile, o.adminToken)) ? true : undefined), {
    what: 'kube-apiserver /readyz',
    timeoutMs: 90_000,
    pid,
    logs: [o.logFile],
    intervalMs: 500,
  });
  return { pid, server };
}

export async function kubeReady(server: string, caFile: string, token: string): Promise<boolean> {
  const res = await http(`${server}/readyz`, { caFile, token });
  return res.status === 200;
}

export interface ControllerManagerOptions {
  binary: string;
  kubeconfig: string;
  port: number;
  certDir: string;
  caFile: string;
  serviceAccountPrivateKey: string;
  logFile: string;
  onPid?: (pid: number) => void;
}

/** Needed for namespace deletion to finish and for garbage collection of owned objects. */
export async function startControllerManager(
  o: ControllerManagerOptions,
): Promise<{ pid: number; healthUrl: string }> {
  const healthUrl = `https://127.0.0.1:${o.port}/healthz`;
  const pid = spawnDaemon(
    o.binary,
    [
      `--kubeconfig=${o.kubeconfig}`,
      `--authentication-kubeconfig=${o.kubeconfig}`,
      `--authorization-kubeconfig=${o.kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${o.port}`,
      `--cert-dir=${o.certDir}`,
      `--service-account-private-key-file=${o.serviceAccountPrivateKey}`,
      `--root-ca-file=${o.caFile}`,
      '--leader-elect=false',
      '--use-service-account-credentials=false',
      '-v=1',
    ],
    { logFile: o.logFile },
  );
  o.onPid?.(pid);
  await waitFor(async () => ((await controllerManagerHealthy(healthUrl)) ? true : undefined), {
    what: 'kube-controller-manager /healthz',
    timeoutMs: 60_000,
    pid,
    logs: [o.logFile],
    intervalMs: 500,
  });
  return { pid, healthUrl };
}

export async function controllerManagerHealthy(healthUrl: string): Promise<boolean> {
  // It serves a self-signed cert made in its cert dir; /healthz carries no secrets.
  const res = await http(healthUrl, { insecure: true });
  return res.status === 200;
}

/** `kubectl apply -f` then wait until every CRD in the file is Established. */
export async function applyCrd(
  kubectl: string,
  kubeconfig: string,
  file: string,
  logFile: string,
): Promise<void> {
  const apply = await runCapture(kubectl, ['--kubeconfig', kubeconfig, 'apply', '-f', file]);
  writeFileSync(logFile, apply.stdout + apply.stderr, { flag: 'a' });
  if (apply.code !== 0)
    throw new StackError('STACK_CRD_FAILED', `kubectl apply -f ${file} failed`, { logs: [logFile] });
  const wait = await runCapture(kubectl, [
    '--kubeconfig',
    kubeconfig,
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    '-f',
    file,
  ]);
  writeFileSync(logFile, wait.stdout + wait.stderr, { flag: 'a' });
  if (wait.code !== 0)
    throw new StackError('STACK_CRD_FAILED', `CRD in ${file} not Established`, { logs: [logFile] });
}
