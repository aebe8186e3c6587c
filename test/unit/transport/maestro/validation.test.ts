import { describe, expect, it } from 'vitest';
import { MaestroInvalidBundleError } from '../../../../lib/transport/maestro/errors.ts';
import type { ManifestWork } from '../../../../lib/transport/maestro/types.ts';
import { validateWork } from '../../../../lib/transport/maestro/validation.ts';
import type { KubeObject } from '../../../../lib/transport/types.ts';

const cm = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', ...extra },
});

function work(name: string, manifests: unknown[], meta: Record<string, unknown> = {}): ManifestWork {
  return {
    apiVersion: 'work.open-cluster-management.io/v1',
    kind: 'ManifestWork',
    metadata: { name, ...meta },
    spec: { workload: { manifests: manifests as KubeObject[] } },
  };
}

function errorOf(fn: () => void): MaestroInvalidBundleError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MaestroInvalidBundleError) return err;
    throw err;
  }
  throw new Error('expected a MaestroInvalidBundleError');
}

describe('validateWork', () => {
  it('accepts a well-formed work', () => {
    expect(() => validateWork(work('abc-mw', [cm('a'), cm('b')]), 'cluster1')).not.toThrow();
  });

  it.each([
    ['uppercase', 'Abc'],
    ['underscore', 'a_b'],
    ['64 characters', 'a'.repeat(64)],
    ['leading dash', '-ab'],
  ])('rejects a work name that is not a DNS-1123 label (%s)', (_, name) => {
    const e = errorOf(() => validateWork(work(name, [cm('a')]), 'cluster1'));
    expect(e.code).toBe('MAESTRO_INVALID_BUNDLE');
    expect(e.message).toContain('DNS-1123');
    expect(e.retryable).toBe(false);
  });

  it('accepts a 63-character name', () => {
    expect(() => validateWork(work('a'.repeat(63), [cm('a')]), 'c')).not.toThrow();
  });

  it('requires a name, a consumer and at least one manifest', () => {
    expect(errorOf(() => validateWork(work('', [cm('a')]), 'c')).message).toContain('metadata.name');
    expect(errorOf(() => validateWork(work('w', [cm('a')]), '')).message).toContain('consumer');
    expect(errorOf(() => validateWork(work('w', []), 'c')).message).toContain('at least one manifest');
  });

  it('rejects generateName on the work and on a manifest', () => {
    expect(errorOf(() => validateWork(work('w', [cm('a')], { generateName: 'x-' }), 'c')).message).toContain(
      'generateName',
    );
    const m = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'x-' } };
    expect(errorOf(() => validateWork(work('w', [m]), 'c')).message).toContain('generateName');
  });

  it('names the manifest that has no name, kind or apiVersion', () => {
    const noName = { apiVersion: 'v1', kind: 'Secret', metadata: {} };
    expect(errorOf(() => validateWork(work('w', [cm('a'), noName]), 'c')).message).toContain(
      'spec.workload.manifests[1] (Secret) has no metadata.name',
    );
    expect(
      errorOf(() => validateWork(work('w', [{ kind: 'X', metadata: { name: 'x' } }]), 'c')).message,
    ).toContain('apiVersion');
  });

  it('rejects duplicates and server-owned fields in manifests', () => {
    expect(errorOf(() => validateWork(work('w', [cm('a'), cm('a')]), 'c')).message).toContain('duplicates');
    expect(
      errorOf(() => validateWork(work('w', [cm('a', { resourceVersion: '1' })]), 'c')).message,
    ).toContain('resourceVersion');
  });

  it('rejects more than 500 KiB of manifests', () => {
    const big = { ...cm('big'), data: { blob: 'x'.repeat(500 * 1024) } };
    expect(errorOf(() => validateWork(work('w', [big]), 'c')).message).toContain('500 KiB');
  });

  it('rejects invalid labels and a namespace that contradicts the consumer', () => {
    expect(
      errorOf(() => validateWork(work('w', [cm('a')], { labels: { a: 'has space' } }), 'c')).message,
    ).toContain('label "a"');
    expect(
      errorOf(() => validateWork(work('w', [cm('a')], { labels: { 'Bad_Prefix/x': 'v' } }), 'c')).message,
    ).toContain('prefix');
    expect(errorOf(() => validateWork(work('w', [cm('a')], { namespace: 'other' }), 'c')).message).toContain(
      'differs from the target consumer',
    );
  });
});
