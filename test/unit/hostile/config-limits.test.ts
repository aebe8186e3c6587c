import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigPair } from '../../../lib/config/index.ts';
import { eventTimeout } from '../../../lib/runtime/from-env.ts';
import { normalizeOptions } from '../../../lib/transport/maestro/options.ts';
import { ADAPTER, loadConfig, memoryCluster, run, ScriptedApi } from '../executor/helpers.ts';

// Config inputs that validated and then crashed, hung or vanished at run time.

const MAX_TIMER_MS = 2 ** 31 - 1;

/** A post phase that PUTs one payload built from `build` (YAML at the build's indentation). */
function reportPost(build: string): string {
  return `post:
  payloads:
    - name: statusPayload
      build:
${build}  post_actions:
    - name: report
      api_call:
        method: PUT
        url: /clusters/{{ .clusterId }}/statuses
        body: "{{ .statusPayload }}"
`;
}

function fileParamTask(file: string): string {
  return `params:
  - name: clusterId
    source: event.id
    required: true
  - name: fromFile
    source:
      file:
        path: ${JSON.stringify(file)}
    required: true
${reportPost('        value: "{{ .fromFile }}"\n')}`;
}

async function runFileParam(
  file: string,
  env: Record<string, string> = { HYPERFLEET_FILE_PARAM_ROOTS: '/dev:/tmp' },
) {
  const config = await loadConfig(ADAPTER, fileParamTask(file), {}, env);
  const api = new ScriptedApi().on('PUT', /statuses$/, { status: 201 });
  const result = await run(config, { id: 'c1' }, api, memoryCluster());
  return { result, api };
}

describe('file param sources', () => {
  it('/dev/zero: the size error after reading 1 MiB, as Go reads it (not the whole device)', async () => {
    const { result } = await runFileParam('/dev/zero');
    expect(result.status).toBe('failed');
    expect(result.errors.param_extraction?.message).toMatch(/exceeds maximum size of 1048576 bytes/);
  });

  it('a FIFO with no writer: refused at once instead of waiting forever', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fifo-'));
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const { result } = await runFileParam(fifo);
    expect(result.status).toBe('failed');
    expect(result.errors.param_extraction?.message).toMatch(/is not a regular file \(a FIFO\)/);
  });

  it('a regular file is read, trimmed, into the status', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'file-'));
    const file = path.join(dir, 'value');
    writeFileSync(file, '  hello  \n');
    const { result, api } = await runFileParam(file);
    expect(result.status).toBe('success');
    expect(api.statusBodies()[0]).toEqual({ value: 'hello' });
  });
});

describe('file param sources are confined (the Go adapter reads any path)', () => {
  it('/etc/passwd: a load warning at the path and line, then refused at extraction; no API call', async () => {
    const config = await loadConfig(ADAPTER, fileParamTask('/etc/passwd'));
    expect(config.warnings).toEqual([
      expect.objectContaining({
        path: 'params[1].source.file.path',
        line: 8,
        message: expect.stringContaining('outside the folders a file param may read'),
      }),
    ]);
    const api = new ScriptedApi().on('PUT', /statuses$/, { status: 201 });
    const result = await run(config, { id: 'c1' }, api, memoryCluster());
    expect(result.status).toBe('failed');
    expect(result.retryable).toBe(false);
    expect(result.errors.param_extraction?.message).toMatch(
      /file "\/etc\/passwd" is outside the folders a file param may read .*HYPERFLEET_FILE_PARAM_ROOTS/,
    );
    expect(JSON.stringify(api.statusBodies())).not.toContain('root:');
  });

  it('a file beside the task config is read without a warning', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'beside-'));
    writeFileSync(path.join(dir, 'adapter-config.yaml'), ADAPTER);
    writeFileSync(path.join(dir, 'task-config.yaml'), fileParamTask(path.join(dir, 'value')));
    writeFileSync(path.join(dir, 'value'), 'beside\n');
    const config = await loadConfigPair({
      configFile: path.join(dir, 'adapter-config.yaml'),
      taskConfigFile: path.join(dir, 'task-config.yaml'),
      env: {},
    });
    expect(config.warnings).toEqual([]);
    const api = new ScriptedApi().on('PUT', /statuses$/, { status: 201 });
    const result = await run(config, { id: 'c1' }, api, memoryCluster());
    expect(result.status).toBe('success');
    expect(api.statusBodies()[0]).toEqual({ value: 'beside' });
  });

  it('a symlink under an allowed folder that leads out of it is refused', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roots-'));
    symlinkSync('/etc/hostname', path.join(dir, 'link'));
    const { result } = await runFileParam(path.join(dir, 'link'), { HYPERFLEET_FILE_PARAM_ROOTS: dir });
    expect(result.status).toBe('failed');
    expect(result.errors.param_extraction?.message).toMatch(/through a symlink \(to \/etc\/hostname\)/);
  });

  it('HYPERFLEET_FILE_PARAM_ROOTS=/ restores reading any path, without a warning', async () => {
    const config = await loadConfig(
      ADAPTER,
      fileParamTask('/etc/hostname'),
      {},
      { HYPERFLEET_FILE_PARAM_ROOTS: '/' },
    );
    expect(config.warnings).toEqual([]);
    const api = new ScriptedApi().on('PUT', /statuses$/, { status: 201 });
    const result = await run(config, { id: 'c1' }, api, memoryCluster());
    expect(result.status).toBe('success');
  });
});

describe('a param named __proto__', () => {
  it("is a value like any other in templates (it used to replace the params object's prototype and vanish)", async () => {
    const task = `params:
  - name: clusterId
    source: event.id
  - name: __proto__
    source: event.name
${reportPost('        fromTemplate: "{{ .__proto__ }}"\n        fromCel:\n          expression: clusterId + "!"\n')}`;
    const config = await loadConfig(ADAPTER, task);
    const api = new ScriptedApi().on('PUT', /statuses$/, { status: 201 });
    const result = await run(config, { id: 'c1', name: 'polluted' }, api, memoryCluster());
    expect(result.status).toBe('success');
    expect(api.statusBodies()[0]).toEqual({ fromTemplate: 'polluted', fromCel: 'c1!' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('in CEL, where the engine reserves the name, a load error at its path and line', async () => {
    const task = `params:
  - name: __proto__
    source: event.name
preconditions:
  - name: check
    expression: __proto__ == "x"
`;
    const err = await loadConfig(ADAPTER, task).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      expect.objectContaining({
        path: 'preconditions[0].expression',
        line: 6,
        message: expect.stringContaining('Reserved identifier: __proto__'),
      }),
    ]);
  });
});

describe('durations beyond what a timer holds', () => {
  it('clients.hyperfleet_api.timeout: 600h loads (Go waits it out) and is capped, not turned into 1 ms', async () => {
    const config = await loadConfig(
      ADAPTER.replace('    base_url: http://api.test', '    base_url: http://api.test\n    timeout: 600h'),
      'params:\n  - name: clusterId\n    source: event.id\n',
    );
    expect(config.adapter.clients.hyperfleet_api.timeout_ms).toBe(MAX_TIMER_MS);
  });

  it('a Maestro duration of 600h is capped the same way', () => {
    const options = normalizeOptions({
      grpc_server_address: '127.0.0.1:1',
      http_server_address: 'http://127.0.0.1:1',
      source_id: 's',
      insecure: true,
      timeout: '600h',
    } as Parameters<typeof normalizeOptions>[0]);
    expect(options.timeoutMs).toBe(MAX_TIMER_MS);
  });

  it('HYPERFLEET_EVENT_TIMEOUT=600h is a clear start error naming the limit', () => {
    expect(() => eventTimeout('600h')).toThrow(/longer than a timer can hold \(at most 2147483647 ms/);
    expect(eventTimeout('596h')).toBe(596 * 3_600_000);
  });
});
