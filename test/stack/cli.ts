import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTimes, ensureBinaries } from './build.ts';
import { checkStack } from './health.ts';
import { ensureHyperfleetBinaries, hyperfleetBuildTimes } from './hyperfleet-build.ts';
import { ensureRabbitmqBinaries } from './rabbitmq.ts';
import { ensureReceiveAdapter, receiveAdapterBuildSeconds } from './receive-adapter.ts';
import { defaultPeers, leftovers, startStack, stopStack } from './stack.ts';
import type { StackInfo } from './types.ts';

/**
 * `npx node test/stack/cli.ts up|status|down|build`: a stack for a developer's shell. `up`
 * leaves the peers running detached and records them in .stack/current.json (git-ignored);
 * point HYPERFLEET_STACK_FILE at the printed stack.json to make vitest reuse it.
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const currentFile = join(repoRoot, '.stack', 'current.json');

function readCurrent(): StackInfo | undefined {
  if (!existsSync(currentFile)) return undefined;
  const { stackFile } = JSON.parse(readFileSync(currentFile, 'utf8')) as { stackFile: string };
  if (!existsSync(stackFile)) return undefined;
  return JSON.parse(readFileSync(stackFile, 'utf8')) as StackInfo;
}

function summary(info: StackInfo): string {
  return [
    `stack ${info.runId}`,
    `  stack.json   ${join(info.runDir, 'stack.json')}`,
    `  postgres     ${info.postgres.host}:${info.postgres.port}/${info.postgres.database}`,
    `  etcd         ${info.etcd.clientUrl}`,
    `  kube         ${info.kube.server}  (kubeconfig ${info.kube.kubeconfigPath})`,
    `  maestro      REST ${info.maestro.httpUrl}  gRPC ${info.maestro.grpcAddress}  broker ${info.maestro.grpcBrokerAddress}`,
    `  consumers    ${info.maestro.consumers.join(', ')}`,
    ...(info.hyperfleetApi === undefined
      ? []
      : [
          `  hyperfleet   API ${info.hyperfleetApi.baseUrl}  required adapters ${JSON.stringify(info.hyperfleetApi.requiredAdapters)}`,
        ]),
    ...(info.rabbitmq === undefined
      ? []
      : [
          `  rabbitmq     amqp://${info.rabbitmq.host}:${info.rabbitmq.port}/${info.rabbitmq.vhost} (user ${info.rabbitmq.user}; password in stack.json)`,
        ]),
    ...Object.values(info.sentinel?.instances ?? {}).map(
      (s) =>
        `  sentinel     ${s.resourceType} -> ${s.exchangeType} exchange ${s.exchange} every ${s.pollInterval}`,
    ),
    `  logs         ${join(info.runDir, 'logs')}`,
    `  reuse:       export HYPERFLEET_STACK_FILE=${join(info.runDir, 'stack.json')}`,
  ].join('\n');
}

async function up(): Promise<number> {
  const existing = readCurrent();
  if (existing !== undefined) {
    const health = await checkStack(existing);
    if (health.every((h) => h.healthy)) {
      process.stdout.write(`already up\n${summary(existing)}\n`);
      return 0;
    }
    process.stderr.write(`recorded stack ${existing.runId} is unhealthy; stopping it first\n`);
    await stopStack(existing, { keepLogs: true });
  }
  const info = await startStack();
  mkdirSync(join(repoRoot, '.stack'), { recursive: true });
  writeFileSync(currentFile, `${JSON.stringify({ stackFile: join(info.runDir, 'stack.json') }, null, 2)}\n`);
  process.stdout.write(`${summary(info)}\n`);
  return 0;
}

async function status(): Promise<number> {
  const info = readCurrent();
  if (info === undefined) {
    process.stdout.write('no stack recorded (.stack/current.json)\n');
    return 1;
  }
  const health = await checkStack(info);
  for (const h of health) {
    process.stdout.write(
      `${h.healthy ? 'ok  ' : 'FAIL'} ${h.role.padEnd(24)} ${h.version.padEnd(13)} pid ${String(h.pid ?? '-').padEnd(8)} ${h.endpoint}  ${h.detail}\n`,
    );
  }
  return health.every((h) => h.healthy) ? 0 : 1;
}

async function down(): Promise<number> {
  const info = readCurrent();
  if (info === undefined) {
    process.stdout.write('no stack recorded\n');
    rmSync(currentFile, { force: true });
    return 0;
  }
  await stopStack(info);
  const left = await leftovers(info);
  rmSync(currentFile, { force: true });
  if (left.length > 0) {
    process.stderr.write(`left behind:\n${left.map((l) => `  ${l}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write(`stack ${info.runId} stopped; no process, port or dir left\n`);
  return 0;
}

async function build(): Promise<number> {
  const withHyperfleet = defaultPeers().includes('hyperfleet');
  // The two builds share the machine; run together they overlap downloads with compiling.
  const [bins, hyperfleet, rabbitmq, receiveAdapter] = await Promise.all([
    ensureBinaries(),
    withHyperfleet ? ensureHyperfleetBinaries() : undefined,
    withHyperfleet ? ensureRabbitmqBinaries((l) => process.stderr.write(`[stack] ${l}\n`)) : undefined,
    // Run by the RabbitMQ delivery tests; built here so their setup does not pay for it.
    withHyperfleet ? ensureReceiveAdapter() : undefined,
  ]);
  const buildSeconds = {
    ...buildTimes(),
    ...(withHyperfleet ? hyperfleetBuildTimes() : {}),
    ...(withHyperfleet ? { receiveAdapter: { receive_adapter: receiveAdapterBuildSeconds() ?? 0 } } : {}),
  };
  process.stdout.write(
    `${JSON.stringify({ binaries: { ...bins, ...hyperfleet, rabbitmq, receiveAdapter }, buildSeconds }, null, 2)}\n`,
  );
  return 0;
}

const commands: Record<string, () => Promise<number>> = { up, status, down, build };
const command = commands[process.argv[2] ?? ''];
if (command === undefined) {
  process.stderr.write('usage: cli.ts up|status|down|build\n');
  process.exit(2);
}
command().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
