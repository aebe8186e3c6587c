import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logSettings } from '../../../lib/runtime/from-env.ts';
import { fixture, type Harness, sentinelEvent, startHarness } from '../../support/function-harness.ts';

// The adapter config's `log:` section, under LOG_LEVEL / LOG_FORMAT / LOG_OUTPUT, as the Go
// adapter resolves them (its flags come first; a function has none).

function file(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hf-log-settings-'));
  const at = path.join(dir, 'adapter-config.yaml');
  writeFileSync(at, text);
  return at;
}

describe('log settings', () => {
  it('come from the file, each overridden by its variable', () => {
    const at = file('adapter:\n  name: a\nlog:\n  level: warn\n  format: text\n  output: stderr\n');
    expect(logSettings({}, at)).toEqual({ level: 'warn', format: 'text', output: 'stderr' });
    expect(logSettings({ LOG_LEVEL: 'debug', LOG_OUTPUT: 'stdout' }, at)).toEqual({
      level: 'debug',
      format: 'text',
      output: 'stdout',
    });
  });

  it('read the spec of a Kubernetes-style config, and nothing from a file that is not there yet', () => {
    const at = file(
      'apiVersion: hyperfleet.redhat.com/v1alpha1\nkind: AdapterConfig\nspec:\n  log:\n    level: error\n',
    );
    expect(logSettings({}, at)).toEqual({ level: 'error', format: undefined, output: undefined });
    expect(logSettings({ LOG_FORMAT: 'json' }, '/nonexistent/adapter-config.yaml')).toEqual({
      level: undefined,
      format: 'json',
      output: undefined,
    });
  });
});

describe('the served function honours them', () => {
  const harnesses: Harness[] = [];
  afterAll(async () => {
    for (const h of harnesses) await h.close();
  });
  const withLog = (log: string) => `${fixture('adapter-config.yaml')}log:\n${log}`;

  it('log.level from the file: nothing below it is written; LOG_LEVEL still wins', async () => {
    const quiet = await startHarness({ adapterConfig: withLog('  level: warn\n') });
    harnesses.push(quiet);
    const loud = await startHarness({
      adapterConfig: withLog('  level: warn\n'),
      env: { LOG_LEVEL: 'debug' },
    });
    harnesses.push(loud);
    for (const h of [quiet, loud]) {
      h.api.putCluster({ id: 'log-1', name: 'log', generation: 1, spec: { ready: true } });
      expect((await h.fn.send(sentinelEvent('log-1'))).status).toBe(200);
    }
    const levels = (h: Harness) =>
      new Set(h.fn.logs().map((l) => ('level' in l ? String(l['level']) : 'raw')));
    expect([...levels(quiet)].filter((l) => l === 'info' || l === 'debug' || l === 'raw')).toEqual([]);
    expect(levels(loud).has('info')).toBe(true);
  }, 30_000);

  it("log.format: text writes Go's slog text lines", async () => {
    const h = await startHarness({ adapterConfig: withLog('  format: text\n') });
    harnesses.push(h);
    const line = await h.fn.waitForLog((l) =>
      /^time=\S+ level=INFO msg="adapter function starting"/.test(String(l['raw'] ?? '')),
    );
    expect(line['raw']).toContain('component=hyperfleet-adapter');
  }, 30_000);
});
