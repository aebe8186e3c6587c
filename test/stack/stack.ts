import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ensureBinaries, goModuleDir, type StackBinaries } from './build.ts';
import {
  CANARY_SOURCE,
  CANARY_WORK,
  getConfigMap,
  publishConfigMapWork,
  waitCanaryApplied,
} from './canary.ts';
import { createCa, createLeaf, createServiceAccountKey } from './certs.ts';
import { StackError } from './errors.ts';
import { DEFAULT_REQUIRED_ADAPTERS, startHyperfleetApi, startSentinel } from './hyperfleet.ts';
import { ensureHyperfleetBinaries, type HyperfleetBinaries, hyperfleetCommits } from './hyperfleet-build.ts';
import { applyCrd, startApiserver, startControllerManager, startEtcd, writeKubeconfig } from './kube.ts';
import { ensureConsumer, migrate, startAgent, startServer, writeDbFiles } from './maestro.ts';
import { createDatabase, startPostgres, stopPostgres } from './postgres.ts';
import { freePort, isAlive, portInUse, stopProcess } from './proc.ts';
import { startRabbitmq } from './rabbitmq.ts';
import type { PeerGroup, StackInfo } from './types.ts';
import { APPLIED_MANIFEST_WORK_CRD, OCM_API_VERSION } from './versions.ts';

export type Say = (line: string) => void;
const defaultSay: Say = (line) => process.stderr.write(`[stack] ${line}\n`);

export interface StartOptions {
  consumers?: string[];
  say?: Say;
  /** Parent of the run dir; defaults to $TMPDIR. */
  baseDir?: string;
  /**
   * Optional peer groups: `hyperfleet` is RabbitMQ, the real HyperFleet API and one Sentinel per
   * resource type. Default: HYPERFLEET_STACK_PEERS (comma-separated; empty or `none` for none),
   * else `['hyperfleet']`.
   */
  peers?: PeerGroup[];
  /** The API's adapters.required; default DEFAULT_REQUIRED_ADAPTERS. */
  requiredAdapters?: { cluster: string[]; nodepool: string[] };
  /** Sentinel's poll_interval (Go duration); default 2s. */
  sentinelPollInterval?: string;
}

/** Order peers stop in: dependants first. Roles not listed (extra TLS servers) stop before all of them. */
const STOP_ORDER = [
  'agent-',
  'sentinel-',
  'hyperfleet-api',
  'rabbitmq',
  'epmd',
  'maestro',
  'kube-controller-manager',
  'kube-apiserver',
  'etcd',
  'postgres',
];

/** The peer groups a start includes unless told otherwise (HYPERFLEET_STACK_PEERS, else all). */
export function defaultPeers(): PeerGroup[] {
  const env = process.env['HYPERFLEET_STACK_PEERS'];
  if (env === undefined) return ['hyperfleet'];
  const groups = env
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g !== '' && g !== 'none');
  for (const g of groups) {
    if (g !== 'hyperfleet')
      throw new StackError(
        'STACK_BAD_OPTION',
        `HYPERFLEET_STACK_PEERS: unknown peer group '${g}' (known: hyperfleet)`,
      );
  }
  return groups as PeerGroup[];
}

function stopRank(role: string): number {
  const i = STOP_ORDER.findIndex((p) => (p.endsWith('-') ? role.startsWith(p) : role === p));
  return i;
}

/**
 * Starts every peer on loopback with ports chosen now, writes `<runDir>/stack.json` and
 * returns it. On failure everything started is stopped, logs are kept and named in the error.
 */
export async function startStack(options: StartOptions = {}): Promise<StackInfo> {
  const say = options.say ?? defaultSay;
  const consumers = options.consumers ?? ['cluster1', 'cluster2'];
  const peers = options.peers ?? defaultPeers();
  const withHyperfleet = peers.includes('hyperfleet');
  const started = Date.now();
  const [bins, hfBins] = await Promise.all([
    ensureBinaries({ say }),
    withHyperfleet ? ensureHyperfleetBinaries({ say }) : undefined,
  ]);
  const base = options.baseDir ?? tmpdir();
  await reapCrashedStarts(base, say);
  const runDir = mkdtempSync(join(base, 'hyperfleet-stack-'));
  // Who is starting this run: if that process dies before stack.json exists, the run is reaped.
  writeFileSync(join(runDir, 'starter.pid'), String(process.pid));
  // PostgreSQL runs as an unprivileged account when we are root and must reach its data dir.
  chmodSync(runDir, 0o755);
  const runId = basename(runDir).slice('hyperfleet-stack-'.length);
  const logsDir = join(runDir, 'logs');
  mkdirSync(logsDir);
  const log = (role: string) => join(logsDir, `${role}.log`);
  const adminToken = randomBytes(24).toString('hex');
  const info: StackInfo = {
    runId,
    runDir,
    postgres: { host: '127.0.0.1', port: 0, user: 'postgres', database: 'maestro' },
    etcd: { clientUrl: '' },
    kube: { server: '', kubeconfigPath: join(runDir, 'kube', 'admin.kubeconfig'), adminToken, caFile: '' },
    maestro: { httpUrl: '', grpcAddress: '', grpcBrokerAddress: '', healthUrl: '', consumers },
    pids: {},
    logs: {},
    ports: {},
  };
  const ports = info.ports as Record<string, number>;
  const port = async (role: string) => {
    ports[role] = await freePort();
    return ports[role];
  };
  const timings: Record<string, number> = {};
  const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    const out = await fn();
    timings[what] = (Date.now() - t) / 1000;
    return out;
  };
  say(`starting stack ${runId} in ${runDir}`);
  try {
    // allSettled, not all: a failing branch must not leave the other still spawning peers
    // after the stop below has run.
    const database = timed('postgres', () => startDatabase(info, port, log));
    const rabbitmq =
      hfBins === undefined ? Promise.resolve() : timed('rabbitmq', () => startBroker(info, port, log));
    const branches = await Promise.allSettled([
      database,
      rabbitmq,
      database.then(() => timed('maestro', () => startMaestro(info, bins, consumers, port, log))),
      timed('kube', () => startKube(info, bins, port, log)),
      hfBins === undefined
        ? Promise.resolve()
        : database
            .then(() =>
              timed('hyperfleet-api', () =>
                startApi(info, hfBins, options.requiredAdapters ?? DEFAULT_REQUIRED_ADAPTERS, port, log),
              ),
            )
            .then(() => rabbitmq)
            .then(() =>
              timed('sentinel', () =>
                startSentinels(info, hfBins, options.sentinelPollInterval ?? '2s', port, log),
              ),
            ),
    ]);
    for (const b of branches) if (b.status === 'rejected') throw b.reason;
    await timed('agents+canary', () => startAgentsAndCanary(info, bins, consumers, port, log));
  } catch (err) {
    say(`start failed: ${(err as Error).message}`);
    const kept = await stopStack(info, { keepLogs: true, say });
    throw new StackError('STACK_START_FAILED', `stack ${runId} did not start: ${(err as Error).message}`, {
      logs: kept === undefined ? [] : [kept],
      cause: err,
    });
  }
  writeFileSync(join(runDir, 'stack.json'), `${JSON.stringify(info, null, 2)}\n`);
  say(
    `stack ${runId} up in ${((Date.now() - started) / 1000).toFixed(1)} s (${Object.entries(timings)
      .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
      .join(', ')})`,
  );
  return info;
}

type PortFn = (role: string) => Promise<number>;
type LogFn = (role: string) => string;

async function startDatabase(info: StackInfo, port: PortFn, log: LogFn): Promise<void> {
  info.logs['postgres'] = log('postgres');
  const pg = await startPostgres(
    info.runDir,
    await port('postgres'),
    (l) => defaultSay(l),
    (pid) => {
      info.pids['postgres'] = pid;
    },
  );
  info.postgres = { host: pg.host, port: pg.port, user: pg.user, database: pg.database, version: pg.version };
}

async function startMaestro(
  info: StackInfo,
  bins: StackBinaries,
  consumers: string[],
  port: PortFn,
  log: LogFn,
): Promise<void> {
  const maestroDir = join(info.runDir, 'maestro');
  const db = writeDbFiles(join(maestroDir, 'db'), { ...info.postgres, password: '' });
  info.logs['maestro-migration'] = log('maestro-migration');
  await migrate(bins.maestro, db, maestroDir, log('maestro-migration'));
  info.logs['maestro'] = log('maestro');
  const server = await startServer({
    binary: bins.maestro,
    db,
    cwd: maestroDir,
    logFile: log('maestro'),
    ports: {
      http: await port('maestro-http'),
      grpc: await port('maestro-grpc'),
      broker: await port('maestro-grpc-broker'),
      health: await port('maestro-health'),
      metrics: await port('maestro-metrics'),
    },
    onPid: (pid) => {
      info.pids['maestro'] = pid;
    },
  });
  const { pid: _pid, ...endpoints } = server;
  info.maestro = { ...info.maestro, ...endpoints };
  for (const c of consumers) await ensureConsumer(server.httpUrl, c);
}

async function startBroker(info: StackInfo, port: PortFn, log: LogFn): Promise<void> {
  info.logs['rabbitmq'] = log('rabbitmq');
  info.logs['epmd'] = log('epmd');
  info.rabbitmq = await startRabbitmq({
    runDir: info.runDir,
    runId: info.runId,
    ports: { amqp: await port('rabbitmq-amqp'), dist: await port('rabbitmq-dist'), epmd: await port('epmd') },
    logFile: log('rabbitmq'),
    epmdLogFile: log('epmd'),
    say: defaultSay,
    onPid: (role, pid) => {
      info.pids[role] = pid;
    },
  });
}

async function startApi(
  info: StackInfo,
  bins: HyperfleetBinaries,
  requiredAdapters: { cluster: string[]; nodepool: string[] },
  port: PortFn,
  log: LogFn,
): Promise<void> {
  const database = 'hyperfleet';
  await createDatabase({ ...info.postgres, logFile: log('postgres') }, database);
  info.logs['hyperfleet-api-migration'] = log('hyperfleet-api-migration');
  info.logs['hyperfleet-api'] = log('hyperfleet-api');
  info.hyperfleetApi = await startHyperfleetApi({
    binary: bins.api,
    openapi: bins.apiOpenapi,
    commit: hyperfleetCommits['hyperfleet-api'],
    dir: join(info.runDir, 'hyperfleet-api'),
    postgres: info.postgres,
    database,
    ports: {
      http: await port('hyperfleet-api'),
      health: await port('hyperfleet-api-health'),
      metrics: await port('hyperfleet-api-metrics'),
    },
    requiredAdapters,
    logFile: log('hyperfleet-api'),
    migrationLogFile: log('hyperfleet-api-migration'),
    onPid: (pid) => {
      info.pids['hyperfleet-api'] = pid;
    },
  });
}

async function startSentinels(
  info: StackInfo,
  bins: HyperfleetBinaries,
  pollInterval: string,
  port: PortFn,
  log: LogFn,
): Promise<void> {
  const api = info.hyperfleetApi;
  const rabbitmq = info.rabbitmq;
  if (api === undefined || rabbitmq === undefined) throw new Error('sentinel needs the API and RabbitMQ');
  const start = async (resourceType: 'clusters' | 'nodepools') => {
    const role = `sentinel-${resourceType}`;
    info.logs[role] = log(role);
    return startSentinel({
      binary: bins.sentinel,
      resourceType,
      dir: join(info.runDir, role),
      apiBaseUrl: api.baseUrl,
      rabbitmq,
      // The chart's default topic is `<namespace>-<resourceType>`.
      topic: `hyperfleet-${resourceType}`,
      pollInterval,
      ports: { health: await port(`${role}-health`), metrics: await port(`${role}-metrics`) },
      logFile: log(role),
      onPid: (pid) => {
        info.pids[role] = pid;
      },
    });
  };
  const [clusters, nodepools] = await Promise.all([start('clusters'), start('nodepools')]);
  info.sentinel = { commit: hyperfleetCommits.sentinel, instances: { clusters, nodepools } };
}

async function startKube(info: StackInfo, bins: StackBinaries, port: PortFn, log: LogFn): Promise<void> {
  const kubeDir = join(info.runDir, 'kube');
  const pkiDir = join(kubeDir, 'pki');
  mkdirSync(pkiDir, { recursive: true });
  const etcdPorts = { client: await port('etcd-client'), peer: await port('etcd-peer') };
  info.logs['etcd'] = log('etcd');
  const etcdPromise = startEtcd({
    binary: bins.etcd,
    dataDir: join(info.runDir, 'etcd'),
    clientPort: etcdPorts.client,
    peerPort: etcdPorts.peer,
    logFile: log('etcd'),
    onPid: (pid) => {
      info.pids['etcd'] = pid;
    },
  });
  const ca = await createCa(pkiDir, 'ca');
  const serving = await createLeaf(pkiDir, ca, {
    name: 'apiserver',
    commonName: 'kube-apiserver',
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
    ips: ['127.0.0.1', '10.0.0.1'],
    usage: 'server',
  });
  const saKey = createServiceAccountKey(pkiDir);
  const tokenFile = join(pkiDir, 'tokens.csv');
  writeFileSync(tokenFile, `${info.kube.adminToken},admin,admin,"system:masters"\n`, { mode: 0o600 });
  info.kube.caFile = ca.cert;
  const etcd = await etcdPromise;
  info.etcd.clientUrl = etcd.clientUrl;
  info.logs['kube-apiserver'] = log('kube-apiserver');
  const api = await startApiserver({
    binary: bins.kubeApiserver,
    etcdUrl: etcd.clientUrl,
    port: await port('kube-apiserver'),
    certDir: join(kubeDir, 'apiserver'),
    caFile: ca.cert,
    servingCert: serving,
    serviceAccountKey: saKey,
    tokenFile,
    adminToken: info.kube.adminToken,
    logFile: log('kube-apiserver'),
    onPid: (pid) => {
      info.pids['kube-apiserver'] = pid;
    },
  });
  info.kube.server = api.server;
  writeKubeconfig(info.kube.kubeconfigPath, api.server, ca.cert, info.kube.adminToken);
  info.logs['kube-controller-manager'] = log('kube-controller-manager');
  info.logs['crds'] = log('crds');
  const ocmApi = await goModuleDir('open-cluster-management.io/api', OCM_API_VERSION);
  const [kcm] = await Promise.all([
    startControllerManager({
      binary: bins.kubeControllerManager,
      kubeconfig: info.kube.kubeconfigPath,
      port: await port('kube-controller-manager'),
      certDir: join(kubeDir, 'controller-manager'),
      caFile: ca.cert,
      serviceAccountPrivateKey: saKey.privateKey,
      logFile: log('kube-controller-manager'),
      onPid: (pid) => {
        info.pids['kube-controller-manager'] = pid;
      },
    }),
    applyCrd(bins.kubectl, info.kube.kubeconfigPath, join(ocmApi, APPLIED_MANIFEST_WORK_CRD), log('crds')),
  ]);
  info.controllerManager = { healthUrl: kcm.healthUrl };
}

async function startAgentsAndCanary(
  info: StackInfo,
  bins: StackBinaries,
  consumers: string[],
  port: PortFn,
  log: LogFn,
): Promise<void> {
  const [brokerHost, brokerPort] = info.maestro.grpcBrokerAddress.split(':') as [string, string];
  // Agents on one cluster name their AppliedManifestWorks after the broker URL, so each agent
  // gets its own spelling of it (all of 127.0.0.0/8 is loopback on Linux).
  const spelling = (i: number) => (i === 0 ? brokerHost : i === 1 ? 'localhost' : `127.0.0.${i}`);
  info.agents = {};
  for (const [i, consumer] of consumers.entries()) {
    const role = `agent-${consumer}`;
    const listen = await port(role);
    const brokerUrl = `${spelling(i)}:${brokerPort}`;
    info.logs[role] = log(role);
    const agent = startAgent({
      binary: bins.maestro,
      consumer,
      brokerUrl,
      kubeconfig: info.kube.kubeconfigPath,
      listenPort: listen,
      dir: join(info.runDir, 'agents', consumer),
      logFile: log(role),
    });
    info.pids[role] = agent.pid;
    info.agents[consumer] = { brokerUrl, listen: `127.0.0.1:${listen}` };
  }
  const works = await Promise.all(
    consumers.map(async (consumer) => {
      const work = await publishConfigMapWork({
        grpcAddress: info.maestro.grpcAddress,
        source: CANARY_SOURCE,
        consumer,
        workName: CANARY_WORK,
        configMap: {
          namespace: 'default',
          name: `stack-canary-${consumer}`,
          data: { runId: info.runId, consumer },
        },
      });
      await waitCanaryApplied(info.maestro.httpUrl, work, {
        timeoutMs: 60_000,
        pid: info.pids[`agent-${consumer}`],
        logs: [log(`agent-${consumer}`), log('maestro')],
      });
      const cm = await getConfigMap(info.kube, work.configMap);
      if (cm?.data?.['runId'] !== info.runId) {
        throw new StackError(
          'STACK_CANARY_FAILED',
          `canary ConfigMap ${work.configMap.name} not found with this run's data`,
        );
      }
      return work;
    }),
  );
  info.canary = { source: CANARY_SOURCE, works };
}

/**
 * Runs whose starting process died before writing stack.json (a crashed test worker): their
 * peers would otherwise run forever. Stops them, keeps their logs, removes the run dir.
 */
async function reapCrashedStarts(base: string, say: Say): Promise<void> {
  for (const entry of readdirSync(base)) {
    if (!entry.startsWith('hyperfleet-stack-') || entry.startsWith('hyperfleet-stack-logs-')) continue;
    const runDir = join(base, entry);
    try {
      if (existsSync(join(runDir, 'stack.json'))) continue;
      const starter = Number(readFileSync(join(runDir, 'starter.pid'), 'utf8'));
      if (!Number.isInteger(starter) || isAlive(starter)) continue;
    } catch {
      continue;
    }
    const runId = entry.slice('hyperfleet-stack-'.length);
    say(`reaping run ${runId}: its starter died before it was up`);
    const pids = Object.fromEntries(processesOfRun(runDir).map((pid) => [`orphan-${pid}`, pid]));
    await stopStack(
      {
        runId,
        runDir,
        postgres: { host: '127.0.0.1', port: 0, user: 'postgres', database: 'maestro' },
        etcd: { clientUrl: '' },
        kube: { server: '', kubeconfigPath: '', adminToken: '', caFile: '' },
        maestro: { httpUrl: '', grpcAddress: '', grpcBrokerAddress: '', healthUrl: '', consumers: [] },
        pids,
        logs: {},
      },
      { keepLogs: true, say },
    );
  }
}

/** Processes still running with this run dir on their command line: the net under lost pids. */
export function processesOfRun(runDir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(`${runDir}/`) && isAlive(Number(entry))) found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}

export interface StopOptions {
  /** Keep the logs (moved to `<TMPDIR>/hyperfleet-stack-logs-<runId>`) and print where. */
  keepLogs?: boolean;
  say?: Say;
}

/**
 * Stops every peer in reverse start order (SIGTERM, SIGKILL after a bound), stops and removes
 * the database cluster and the run dir. Returns the kept logs dir, if asked to keep them.
 */
export async function stopStack(info: StackInfo, options: StopOptions = {}): Promise<string | undefined> {
  const say = options.say ?? defaultSay;
  const roles = Object.keys(info.pids).sort((a, b) => stopRank(a) - stopRank(b));
  let group: string[] = [];
  const flush = async () => {
    await Promise.all(
      group.map(async (role) => {
        const pid = info.pids[role] as number;
        if (role === 'postgres') await stopPostgres({ pid, dataDir: join(info.runDir, 'postgres', 'data') });
        else {
          const how = await stopProcess(pid, { graceMs: 10_000 });
          if (how === 'killed') say(`${role} (pid ${pid}) ignored SIGTERM; killed`);
        }
      }),
    );
    group = [];
  };
  // Peers of one rank (the agents) stop together; ranks stop one after another.
  for (const role of roles) {
    if (group.length > 0 && stopRank(group[0] as string) !== stopRank(role)) await flush();
    group.push(role);
  }
  await flush();
  for (const pid of processesOfRun(info.runDir)) {
    say(`process ${pid} of run ${info.runId} was not recorded; stopping it`);
    await stopProcess(pid, { graceMs: 5_000 });
  }
  let kept: string | undefined;
  const logsDir = join(info.runDir, 'logs');
  if (options.keepLogs && existsSync(logsDir)) {
    kept = join(join(info.runDir, '..'), `hyperfleet-stack-logs-${info.runId}`);
    rmSync(kept, { recursive: true, force: true });
    renameSync(logsDir, kept);
    say(
      `logs kept in ${kept}:\n${readdirSync(kept)
        .map((f) => `  ${join(kept as string, f)}`)
        .join('\n')}`,
    );
  }
  rmSync(info.runDir, { recursive: true, force: true });
  return kept;
}

/** What is left of a stopped stack: live processes, listening ports, the run dir. Empty when clean. */
export async function leftovers(info: StackInfo): Promise<string[]> {
  const left: string[] = [];
  for (const [role, pid] of Object.entries(info.pids))
    if (isAlive(pid)) left.push(`process ${role} (pid ${pid})`);
  for (const pid of processesOfRun(info.runDir)) left.push(`process ${pid} naming ${info.runDir}`);
  for (const [role, p] of Object.entries(info.ports ?? {}))
    if (await portInUse(p)) left.push(`port ${p} (${role})`);
  if (existsSync(info.runDir)) left.push(`dir ${info.runDir}`);
  return left;
}
