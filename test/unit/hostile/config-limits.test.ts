import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/config/index.ts';
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

async function runFileParam(file: string) {
  const config = await loadConfig(ADAPTER, fileParamTask(file));
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
