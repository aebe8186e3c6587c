import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTaskConfig, parseMounts } from '../../../lib/config/index.ts';
import { createRefResolver } from '../../../lib/config/refs.ts';

function layout(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'config-refs-'));
  mkdirSync(path.join(root, 'task'));
  mkdirSync(path.join(root, 'mounted', 'sub'), { recursive: true });
  writeFileSync(path.join(root, 'task', 'local.yaml'), 'kind: Local\n');
  writeFileSync(path.join(root, 'mounted', 'sub', 'm.yaml'), 'kind: Mounted\n');
  writeFileSync(path.join(root, 'secret.yaml'), 'kind: Secret\n');
  symlinkSync(path.join(root, 'secret.yaml'), path.join(root, 'task', 'sneaky.yaml'));
  symlinkSync(path.join(root, 'task', 'local.yaml'), path.join(root, 'task', 'alias.yaml'));
  return root;
}

describe('ref resolution', () => {
  it('relative refs read from the task config folder; symlinks inside it are fine', () => {
    const root = layout();
    const resolve = createRefResolver({ baseDir: path.join(root, 'task') });
    expect(resolve('local.yaml')).toEqual({
      ok: true,
      path: path.join(root, 'task', 'local.yaml'),
      text: 'kind: Local\n',
    });
    expect(resolve('alias.yaml')).toMatchObject({ ok: true, text: 'kind: Local\n' });
  });

  it('absolute refs go through the longest matching mount', () => {
    const root = layout();
    const resolve = createRefResolver({
      baseDir: path.join(root, 'task'),
      mounts: { '/etc': path.join(root, 'task'), '/etc/adapter': path.join(root, 'mounted') },
    });
    expect(resolve('/etc/adapter/sub/m.yaml')).toMatchObject({ ok: true, text: 'kind: Mounted\n' });
    expect(resolve('/etc/local.yaml')).toMatchObject({ ok: true, text: 'kind: Local\n' });
  });

  it('refuses escapes: .., absolute paths outside, symlinks out', () => {
    const root = layout();
    const resolve = createRefResolver({
      baseDir: path.join(root, 'task'),
      mounts: { '/etc/adapter': path.join(root, 'mounted') },
    });
    expect(resolve('../secret.yaml')).toMatchObject({
      ok: false,
      message: expect.stringContaining('escapes'),
    });
    expect(resolve('/etc/adapter/../../secret.yaml')).toMatchObject({ ok: false });
    expect(resolve(path.join(root, 'secret.yaml'))).toMatchObject({
      ok: false,
      message: expect.stringContaining('no mount covers it'),
    });
    expect(resolve('sneaky.yaml')).toMatchObject({ ok: false, message: expect.stringContaining('symlink') });
    expect(resolve('.')).toMatchObject({ ok: false, message: expect.stringContaining('not a regular file') });
    expect(resolve('missing.yaml')).toMatchObject({
      ok: false,
      message: expect.stringContaining('not found'),
    });
  });

  it('parseMounts reads flag and env syntax and rejects malformed entries', () => {
    expect(parseMounts(['/etc/adapter=/x,/etc/maestro=/y', '/etc/adapter/=/z'])).toEqual({
      mounts: { '/etc/adapter': '/z', '/etc/maestro': '/y' },
      errors: [],
    });
    expect(parseMounts(['etc=/x', '/etc='])).toEqual({
      mounts: {},
      errors: [
        'invalid mount "etc=/x": expected /container/path=<local dir>',
        'invalid mount "/etc=": expected /container/path=<local dir>',
      ],
    });
  });

  it('the loader takes mounts from HYPERFLEET_ADAPTER_MOUNTS, options win over env', async () => {
    const root = layout();
    const taskFile = path.join(root, 'task', 'task-config.yaml');
    writeFileSync(
      taskFile,
      `resources:
  - name: r
    manifest: { ref: /etc/adapter/sub/m.yaml }
    discovery: { by_name: x }
`,
    );
    const viaEnv = await loadTaskConfig(taskFile, {
      env: { HYPERFLEET_ADAPTER_MOUNTS: `/etc/adapter=${path.join(root, 'mounted')}` },
    });
    expect(viaEnv.resources[0]?.manifest).toMatchObject({ kind: 'ref', text: 'kind: Mounted\n' });
    mkdirSync(path.join(root, 'other', 'sub'), { recursive: true });
    writeFileSync(path.join(root, 'other', 'sub', 'm.yaml'), 'kind: Other\n');
    const viaOption = await loadTaskConfig(taskFile, {
      env: { HYPERFLEET_ADAPTER_MOUNTS: `/etc/adapter=${path.join(root, 'mounted')}` },
      mounts: { '/etc/adapter': path.join(root, 'other') },
    });
    expect(viaOption.resources[0]?.manifest).toMatchObject({ kind: 'ref', text: 'kind: Other\n' });
  });

  it('build_ref files are parsed into build trees', async () => {
    const root = layout();
    writeFileSync(
      path.join(root, 'task', 'status.yaml'),
      'adapter: "{{ .adapter.name }}"\nok:\n  expression: adapter.executionStatus == "success"\n',
    );
    const taskFile = path.join(root, 'task', 'task-config.yaml');
    writeFileSync(taskFile, 'post:\n  payloads:\n    - name: status\n      build_ref: status.yaml\n');
    const task = await loadTaskConfig(taskFile, { env: {} });
    expect(task.post.payloads[0]).toEqual({
      name: 'status',
      build_ref: { ref: 'status.yaml', path: path.join(root, 'task', 'status.yaml') },
      build: {
        kind: 'map',
        entries: {
          adapter: { kind: 'template', template: '{{ .adapter.name }}' },
          ok: { kind: 'expression', expression: 'adapter.executionStatus == "success"' },
        },
      },
      when: undefined,
    });
  });
});
