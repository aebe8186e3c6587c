import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigPair } from '../../../lib/config/index.ts';
import { createLogger } from '../../../lib/observability/logger.ts';
import { createMetrics } from '../../../lib/observability/metrics.ts';
import { runtimeFromEnv } from '../../../lib/runtime/from-env.ts';
import { createMaestroTransport } from '../../../lib/transport/maestro/index.ts';
import { MemoryTransport } from '../../../lib/transport/memory.ts';
import { fixture } from '../../support/function-harness.ts';
import { type ApiDouble, startHyperfleetApiDouble } from '../../support/hyperfleet-api-double.ts';
import { installTracing, uninstallTracing } from '../../support/tracing.ts';

// The outputs the function-level matrix cannot see from outside: trace spans (exported in
// process), the dry-run's printed trace, and the Maestro transport's errors and logs, each
// with the marker secret in the credential that reaches it.

const MARK = 'mk7f3e1d5c9a';
const ROOT = resolve(import.meta.dirname, '..', '..', '..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hf-secret-out-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function textOf(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
}

describe('trace spans', () => {
  const exporter = new InMemorySpanExporter();
  let api: ApiDouble;

  beforeAll(async () => {
    installTracing(exporter);
    api = await startHyperfleetApiDouble({ requiredAdapters: ['function-test-adapter'] });
  });

  afterAll(async () => {
    await api?.close();
    uninstallTracing();
  });

  it('carry neither a broken token file, an echoed token nor a default header value', async () => {
    const tokenPath = join(dir, 'token');
    const token = `${MARK}-span-token`;
    await writeFile(tokenPath, `${MARK}-first\n${MARK}-second\n`);
    await writeFile(
      join(dir, 'adapter-config.yaml'),
      fixture('adapter-config.yaml').replace(
        '    max_delay: 20ms\n',
        `    max_delay: 20ms\n    default_headers:\n      x-api-key: "${MARK}-key"\n    auth:\n      token_path: ${tokenPath}\n`,
      ),
    );
    await writeFile(join(dir, 'task-config.yaml'), fixture('task-config.yaml'));
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const runtime = runtimeFromEnv(
      {
        HYPERFLEET_ADAPTER_CONFIG: join(dir, 'adapter-config.yaml'),
        HYPERFLEET_TASK_CONFIG: join(dir, 'task-config.yaml'),
        HYPERFLEET_ADAPTER_MOUNTS: `/etc/adapter=${dir}`,
        HYPERFLEET_API_BASE_URL: api.url,
      },
      {
        log: createLogger({ level: 'debug', destination }),
        metrics: createMetrics(),
        transports: async () => new MemoryTransport('kubernetes'),
      },
    );
    api.putCluster({ id: 'span-c1', name: 'span', generation: 1, spec: { ready: true } });
    const event = (id: string) => ({
      id: `evt-${id}`,
      type: 'com.redhat.hyperfleet.cluster.reconcile',
      source: 'test',
      data: { id: 'span-c1', kind: 'Cluster', generation: 1 },
    });
    const answers = [await runtime.handle(event('broken-token'))];
    expect(answers[0]?.statusCode).toBe(503);
    // A good token now, and an API that quotes it back in a 400 on the status PUT.
    await writeFile(tokenPath, `${token}\n`);
    api.failNext(
      1,
      {
        status: 400,
        headers: { 'content-type': 'application/problem+json' },
        body: textOf({
          type: 'x',
          title: 'Bad Request',
          status: 400,
          code: 'HYPERFLEET-VAL-005',
          detail: `Authorization: Bearer ${token}`,
        }),
      },
      { method: 'PUT' },
    );
    answers.push(await runtime.handle(event('echo')));
    expect(answers[1]?.statusCode).toBe(422);
    await runtime.shutdown();

    const spans = exporter.getFinishedSpans();
    expect(spans.filter((s) => s.name === 'HyperFleet API PUT')).toHaveLength(1);
    const spanText = textOf(
      spans.map((s) => ({ name: s.name, attributes: s.attributes, status: s.status, events: s.events })),
    );
    expect(spanText).toContain('bearer token file');
    expect(spanText).toContain('Bearer [REDACTED]');
    for (const [where, text] of Object.entries({
      spans: spanText,
      answers: textOf(answers),
      logs: lines.join(''),
    }))
      expect(text.includes(MARK), `${MARK} in ${where}: ${text}`).toBe(false);
  });
});

describe('a config that does not parse', () => {
  it('names the line and column, never the source text there (a header value may be a key)', async () => {
    const adapter = join(dir, 'broken-adapter.yaml');
    // A stray `]`: every token after it is unexpected, the key among them.
    await writeFile(
      adapter,
      fixture('adapter-config.yaml').replace(
        '    max_delay: 20ms\n',
        `    max_delay: 20ms\n    default_headers: ]\n      x-api-key: "${MARK}-broken-key"\n`,
      ),
    );
    await writeFile(join(dir, 'broken-task.yaml'), fixture('task-config.yaml'));
    const err = await loadConfigPair({
      configFile: adapter,
      taskConfigFile: join(dir, 'broken-task.yaml'),
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/broken-adapter\.yaml:\d+:\d+ YAML syntax error: Unexpected/);
    expect(err?.message.includes(MARK), err?.message).toBe(false);
  });
});

describe('the dry-run trace', () => {
  it('prints neither a default header credential nor the token, in text or JSON, verbose', async () => {
    const adapter = join(dir, 'dry-adapter.yaml');
    await writeFile(
      adapter,
      fixture('adapter-config.yaml')
        .replace('http://hyperfleet-api.invalid:8000', 'http://api.test')
        .replace(
          '    max_delay: 20ms\n',
          `    max_delay: 20ms\n    default_headers:\n      x-api-key: "${MARK}-dry-key"\n      X-Auth-Token: "${MARK}-dry-token"\n      x-tenant: acme\n`,
        ),
    );
    await writeFile(join(dir, 'dry-task.yaml'), fixture('task-config.yaml'));
    await writeFile(
      join(dir, 'event.json'),
      textOf({
        specversion: '1.0',
        id: 'e1',
        source: 's',
        type: 't',
        data: { id: 'c1', kind: 'Cluster', generation: 1 },
      }),
    );
    for (const output of ['text', 'json']) {
      const run = spawnSync(
        join(ROOT, 'node_modules', '.bin', 'node'),
        [
          join(ROOT, 'lib', 'cli', 'main.ts'),
          'dry-run',
          '--config',
          adapter,
          '--task-config',
          join(dir, 'dry-task.yaml'),
          '--event',
          join(dir, 'event.json'),
          '--output',
          output,
          '--verbose',
        ],
        { encoding: 'utf8', cwd: ROOT, timeout: 60_000 },
      );
      const printed = `${run.stdout}\n${run.stderr}`;
      expect(run.stdout).toContain('function-test-adapter');
      // The request trace (JSON) shows the headers sent, credentials censored.
      if (output === 'json')
        expect(printed).toMatch(
          /"x-tenant": "acme"[\s\S]*"x-auth-token": "\[REDACTED\]"|"x-auth-token": "\[REDACTED\]"[\s\S]*"x-tenant": "acme"/,
        );
      expect(printed.includes(MARK), `${MARK} in the ${output} dry-run output:\n${printed}`).toBe(false);
    }
  });
});

describe('the Maestro transport', () => {
  it.each([
    ['a token file with a line break', 'token'],
    ['a TLS key file holding the marker', 'tls'],
  ])(
    '%s: errors and logs never carry it',
    async (_name, kind) => {
      const tokenFile = join(dir, 'maestro-token');
      const keyFile = join(dir, 'tls.key');
      await writeFile(tokenFile, `${MARK}-maestro\n${MARK}-rest\n`);
      await writeFile(
        keyFile,
        `-----BEGIN PRIVATE KEY-----\n${MARK}-key-material\n-----END PRIVATE KEY-----\n`,
      );
      await writeFile(
        join(dir, 'tls.crt'),
        `-----BEGIN CERTIFICATE-----\n${MARK}-cert\n-----END CERTIFICATE-----\n`,
      );
      expect(await readFile(keyFile, 'utf8')).toContain(MARK);
      const lines: string[] = [];
      const logger = createLogger({
        level: 'debug',
        destination: new Writable({
          write(chunk: Buffer, _enc, done) {
            lines.push(chunk.toString('utf8'));
            done();
          },
        }),
      });
      const transport = createMaestroTransport(
        {
          grpc_server_address: '127.0.0.1:1',
          // https: the REST calls carry the token too.
          http_server_address: 'https://127.0.0.1:1',
          source_id: 'secret-test',
          timeout: '500ms',
          retry_attempts: 0,
          subscribe_status: false,
          auth:
            kind === 'token'
              ? { type: 'token', token_file: tokenFile, tls_config: {} }
              : { type: 'tls', tls_config: { cert_file: join(dir, 'tls.crt'), key_file: keyFile } },
        } as Parameters<typeof createMaestroTransport>[0],
        { logger },
      );
      const errors: unknown[] = [];
      const ctx = { signal: AbortSignal.timeout(10_000), targetCluster: 'cluster1' };
      const cm = {
        apiVersion: 'work.open-cluster-management.io/v1',
        kind: 'ManifestWork',
        metadata: { name: 'x', namespace: 'cluster1' },
        spec: {
          workload: {
            manifests: [
              { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } },
            ],
          },
        },
      };
      for (const call of [
        () => transport.apply(cm, { ...ctx, existing: null }),
        () =>
          transport.get(
            {
              apiVersion: 'work.open-cluster-management.io/v1',
              kind: 'ManifestWork',
              name: 'x',
              namespace: 'cluster1',
            },
            ctx,
          ),
        () => transport.health(AbortSignal.timeout(5000)),
      ]) {
        try {
          errors.push({ result: await call() });
        } catch (err) {
          const chain: string[] = [];
          for (let e: unknown = err; e instanceof Error && chain.length < 8; e = e.cause)
            chain.push(`${e.name}: ${e.message}\n${e.stack}`);
          errors.push(chain);
        }
      }
      // A transport whose construction failed (the bad key) rethrows that from close too.
      await transport
        .close()
        .catch((err: unknown) => errors.push(`${(err as Error).message}\n${(err as Error).stack}`));
      expect(errors.length).toBeGreaterThanOrEqual(3);
      const text = `${textOf(errors)}\n${lines.join('')}`;
      if (kind === 'token') expect(text).toContain(`Maestro token file ${tokenFile} holds a line break`);
      expect(text.includes(MARK), `${MARK} in the Maestro errors or logs:\n${text}`).toBe(false);
    },
    30_000,
  );
});
