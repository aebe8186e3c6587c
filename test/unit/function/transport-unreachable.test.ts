import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  conditionOf,
  fixture,
  type Harness,
  sentinelEvent,
  startHarness,
  statusPuts,
} from '../../support/function-harness.ts';
import { freePort } from '../../support/function-process.ts';

// A resource whose cluster cannot be reached (the real Kubernetes transport, pointed at a port
// nobody listens on): the failure is reported to the API and the event is answered 503 so it
// is redelivered once the cluster is back. Real-cluster runs are in the integration suites.

const KUBE_TOKEN = 'kube-token-3e8a1f-never-log-me';

let h: Harness;
let dir: string;
let adapter: string;
let task: string;
let ports: number[];

function kubeconfig(port: number): string {
  return `apiVersion: v1
kind: Config
clusters:
  - name: c
    cluster:
      server: https://127.0.0.1:${port}
      insecure-skip-tls-verify: true
users:
  - name: u
    user:
      token: ${KUBE_TOKEN}
contexts:
  - name: x
    context: { cluster: c, user: u }
current-context: x
`;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hf-kubeconfig-'));
  ports = [await freePort(), await freePort()];
  await writeFile(join(dir, 'a.yaml'), kubeconfig(ports[0]!));
  await writeFile(join(dir, 'b.yaml'), kubeconfig(ports[1]!));
  adapter = `${fixture('adapter-config.yaml')}  kubernetes:\n    kube_config_path: ${join(dir, 'a.yaml')}\n`;
  task = fixture('task-config.yaml').replace(
    '\npost:',
    `
resources:
  - name: clusterNamespace
    transport:
      client: kubernetes
    manifest:
      apiVersion: v1
      kind: Namespace
      metadata:
        name: "cluster-{{ .clusterId }}"
        annotations:
          hyperfleet.io/generation: "{{ .generation }}"
    discovery:
      by_name: "cluster-{{ .clusterId }}"

post:`,
  );
  expect(task).toContain('clusterNamespace');
  // A deadline far above a cold transport load, so the unreachable cluster is what fails.
  h = await startHarness({
    adapterConfig: adapter,
    taskConfig: task,
    env: { HYPERFLEET_EVENT_TIMEOUT: '20s' },
  });
  h.api.putCluster({ id: 'kube', name: 'kube', generation: 1, spec: { ready: true } });
});

afterAll(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('cluster unreachable: the failure is reported (Health False), the event answered 503 retry', async () => {
  const event = sentinelEvent('kube');
  const answer = await h.fn.send(event);
  expect(answer.status).toBe(503);
  expect(answer.json).toMatchObject({ outcome: 'retry', status: 'failed', statusReported: true });
  const errors = answer.json?.['errors'] as Record<
    string,
    { code: string; retryable: boolean; message: string }
  >;
  expect(errors['resources']).toMatchObject({ code: 'KUBE_UNAVAILABLE', retryable: true });
  expect(errors['resources']?.message).toContain(`127.0.0.1:${ports[0]}`);
  const put = statusPuts(h.api).at(-1)!;
  expect(put.status).toBe(201);
  expect(conditionOf(put.body, 'Health')).toMatchObject({ status: 'False', reason: 'ExecutionFailed' });
  await h.fn.waitForLog(
    (l) => l.event_id === event['id'] && l.resource === 'clusterNamespace' && l.level === 'error',
  );
});

test('the kubeconfig credentials never reach a log line', () => {
  for (const line of h.fn.logs()) expect(line.raw).not.toContain(KUBE_TOKEN);
});

// A reloaded config's clients.kubernetes / clients.maestro settings take effect on the next
// event: the runtime opens a new transport pool for them and retires the old one.
test('after a ConfigMap reload that moves the cluster, the next event uses the new address', async () => {
  await h.mount.swap({
    'adapter-config.yaml': adapter.replace(join(dir, 'a.yaml'), join(dir, 'b.yaml')),
    'task-config.yaml': task,
  });
  await sleep(1100);
  const answer = await h.fn.send(sentinelEvent('kube'));
  await h.fn.waitForLog((l) => l.msg === 'configuration reloaded');
  const errors = answer.json?.['errors'] as Record<string, { message: string }>;
  expect(errors['resources']?.message).toContain(`127.0.0.1:${ports[1]}`);
});
