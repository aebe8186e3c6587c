import { describe, expect, it } from 'vitest';
import { deletionReport } from '../../../../lib/transport/kubernetes/transport.ts';

describe('deletionReport', () => {
  it('absent afterwards is gone', () => {
    expect(deletionReport(undefined)).toEqual({ outcome: 'gone', finalizers: [] });
  });

  it('a terminating object reports its finalizers and deletion time', () => {
    const report = deletionReport({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', finalizers: ['example.com/hold'], deletionTimestamp: '2026-01-01T00:00:00Z' },
    });
    expect(report).toEqual({
      outcome: 'deleting',
      finalizers: ['example.com/hold'],
      deletionTimestamp: '2026-01-01T00:00:00Z',
    });
  });

  it("a Namespace's spec finalizers count too", () => {
    const report = deletionReport({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ns', deletionTimestamp: '2026-01-01T00:00:00Z' },
      spec: { finalizers: ['kubernetes'] },
    });
    expect(report.outcome).toBe('deleting');
    expect(report.finalizers).toEqual(['kubernetes']);
  });
});
