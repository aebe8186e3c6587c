import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigPair } from '../../../lib/config/index.ts';
import { createLogger } from '../../../lib/observability/logger.ts';
import { ConfigStore, referencedFiles } from '../../../lib/runtime/config-store.ts';
import { ADAPTER } from '../executor/helpers.ts';

// A warm instance reloads when any file its config read changes, not only the two configs:
// editing only a manifest.ref or build_ref file used to leave the old text in use while
// readiness said "current".

const TASK = `params:
  - name: clusterId
    source: event.id
resources:
  - name: cm
    transport: { client: kubernetes }
    manifest:
      ref: cm.yaml
    discovery:
      namespace: ns1
      by_name: cm
post:
  payloads:
    - name: statusPayload
      build_ref: payload.yaml
`;

const cm = (value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: ns1\ndata:\n  value: ${value}\n`;

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function store(): Promise<ConfigStore> {
  dir = await mkdtemp(join(tmpdir(), 'config-refs-'));
  const d = dir;
  await writeFile(join(d, 'adapter-config.yaml'), ADAPTER);
  await writeFile(join(d, 'task-config.yaml'), TASK);
  await writeFile(join(d, 'cm.yaml'), cm('one'));
  await writeFile(join(d, 'payload.yaml'), 'adapter: "{{ .adapter.name }}"\n');
  const files = { configFile: join(d, 'adapter-config.yaml'), taskConfigFile: join(d, 'task-config.yaml') };
  return new ConfigStore(
    { ...files, load: () => loadConfigPair({ ...files, mounts: { '/etc/adapter': d }, env: {} }) },
    createLogger({ level: 'silent' }),
    undefined,
    0,
  );
}

function manifestText(config: Awaited<ReturnType<ConfigStore['get']>>): string {
  const m = config.task.resources?.[0]?.manifest;
  return m?.kind === 'ref' ? m.text : '';
}

describe('ConfigStore and referenced files', () => {
  it('names every file the task config references', async () => {
    const s = await store();
    expect(referencedFiles(await s.get())).toEqual([join(dir!, 'cm.yaml'), join(dir!, 'payload.yaml')]);
  });

  it('an edit to a manifest ref alone is reloaded; a broken one keeps the last good config and says so', async () => {
    const s = await store();
    const first = await s.get();
    expect(manifestText(first)).toContain('value: one');
    await writeFile(join(dir!, 'cm.yaml'), cm('two, longer'));
    const second = await s.get();
    expect(second).not.toBe(first);
    expect(manifestText(second)).toContain('value: two, longer');
    expect(s.status.current).toBe(true);

    await writeFile(join(dir!, 'cm.yaml'), `${cm('three')}  broken: "{{ .clusterId"\n`);
    expect(await s.get()).toBe(second);
    expect(s.status).toMatchObject({ current: false, rejected: expect.stringContaining('cm.yaml') });

    await writeFile(join(dir!, 'cm.yaml'), cm('four'));
    expect(manifestText(await s.get())).toContain('value: four');
    expect(s.status.current).toBe(true);
  });

  it('an edit to a build_ref alone is reloaded', async () => {
    const s = await store();
    await s.get();
    const generation = s.generation;
    await writeFile(join(dir!, 'payload.yaml'), 'adapter: "{{ .adapter.name }}"\nextra: "x"\n');
    await s.get();
    expect(s.generation).toBe(generation + 1);
  });
});
