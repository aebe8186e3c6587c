import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDryRun } from '../../../lib/cli/dry-run.ts';
import { loadConfigPair } from '../../../lib/config/index.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const CONFIG = path.join(ROOT, 'knative', 'base', 'config');
const DEMO = path.join(ROOT, 'examples', 'demo');

describe('the config the kustomize base ships', () => {
  it('loads without a problem or warning from the mounted ConfigMap folder', async () => {
    const loaded = await loadConfigPair({
      configFile: path.join(CONFIG, 'adapter-config.yaml'),
      taskConfigFile: path.join(CONFIG, 'task-config.yaml'),
      mounts: { '/etc/adapter': CONFIG },
      env: {},
    });
    expect(loaded.warnings).toEqual([]);
    expect(loaded.task.resources?.map((r) => r.transport?.client)).toEqual(['maestro']);
  });

  it('dry-runs a cluster event: one ManifestWork applied, the status reported', async () => {
    const out: string[] = [];
    const sink = { write: (s: string) => out.push(s) > 0 };
    const code = await runDryRun(
      {
        configFile: path.join(CONFIG, 'adapter-config.yaml'),
        taskConfigFile: path.join(CONFIG, 'task-config.yaml'),
        eventFile: path.join(DEMO, 'event.json'),
        apiResponsesFile: path.join(DEMO, 'api-responses.json'),
        mounts: [`/etc/adapter=${CONFIG}`],
        output: 'json',
        verbose: false,
        env: {},
      },
      { stdout: sink, stderr: sink },
    );
    expect(code, out.join('')).toBe(0);
    const result = JSON.parse(out.join('')) as { transportOperations: unknown[] };
    expect(JSON.stringify(result.transportOperations)).toContain('c7f3a1-knative-example');
    expect(out.join('')).toContain('/api/hyperfleet/v1/clusters/c7f3a1/statuses');
  });
});
