import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MaestroConfigError } from '../../../../lib/transport/maestro/errors.ts';
import { readToken, WatchedFiles } from '../../../../lib/transport/maestro/files.ts';

const dir = mkdtempSync(join(tmpdir(), 'hf-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('WatchedFiles', () => {
  it('re-reads rotated files (new mtime) and bumps the version', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, 'one');
    const files = new WatchedFiles([ca, undefined], 0);
    expect(files.get(ca)?.toString()).toBe('one');
    const v = files.version;
    expect(files.refresh()).toBe(false);
    writeFileSync(ca, 'two');
    utimesSync(ca, new Date(), new Date(Date.now() + 5_000));
    expect(files.refresh()).toBe(true);
    expect(files.version).toBe(v + 1);
    expect(files.get(ca)?.toString()).toBe('two');
  });

  it('keeps the last good contents while a file is missing mid-rotation', () => {
    const key = join(dir, 'key.pem');
    writeFileSync(key, 'k1');
    const files = new WatchedFiles([key], 0);
    rmSync(key);
    expect(files.refresh()).toBe(false);
    expect(files.get(key)?.toString()).toBe('k1');
  });

  it('fails as a config error when a file is missing at startup', () => {
    expect(() => new WatchedFiles([join(dir, 'absent')])).toThrow(MaestroConfigError);
  });

  it('reads a trimmed token and refuses an empty one', () => {
    const token = join(dir, 'token');
    writeFileSync(token, '  abc\n');
    expect(readToken(new WatchedFiles([token], 0), token)).toBe('abc');
    writeFileSync(token, '\n');
    expect(() => readToken(new WatchedFiles([token], 0), token)).toThrow(/empty/);
  });
});
