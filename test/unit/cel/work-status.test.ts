import { describe, expect, it } from 'vitest';
import { checkCel, compileCel } from '../../../lib/cel/index.ts';

// workStatus(work): a ManifestWork's status summarised for a status payload, degraded
// manifests first, without hand-written CEL over status.resourceStatus.manifests.
const work = {
  apiVersion: 'work.open-cluster-management.io/v1',
  kind: 'ManifestWork',
  metadata: { name: 'w' },
  spec: {
    workload: {
      manifests: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns1' } },
      ],
    },
  },
  status: {
    conditions: [{ type: 'Applied', status: 'True' }],
    resourceStatus: {
      manifests: [
        {
          resourceMeta: { group: '', kind: 'Namespace', name: 'ns1', namespace: '', ordinal: 0 },
          conditions: [
            { type: 'Applied', status: 'True' },
            { type: 'Available', status: 'True' },
          ],
        },
        {
          resourceMeta: { group: '', kind: 'ConfigMap', name: 'cm', namespace: 'ns1', ordinal: 1 },
          conditions: [
            { type: 'Applied', status: 'False', reason: 'AppliedManifestFailed', message: 'forbidden' },
          ],
        },
      ],
    },
  },
};

function evalCel(expression: string, vars: Record<string, unknown>): unknown {
  const r = compileCel(expression).evaluate(vars);
  if (!r.ok) throw r.error;
  return r.value;
}

describe('workStatus()', () => {
  it('says the work is degraded and which manifest failed, and why', () => {
    expect(evalCel('workStatus(w).degraded', { w: work })).toBe(true);
    expect(evalCel('workStatus(w).ready', { w: work })).toBe(false);
    expect(
      evalCel('workStatus(w).notReady.map(m, m.kind + " " + m.name + ": " + m.reason)', { w: work }),
    ).toEqual(['ConfigMap cm: AppliedManifestFailed']);
    expect(evalCel('workStatus(w).message', { w: work })).toBe(
      '1 of 2 manifests not ready: ConfigMap ns1/cm: Applied=False, Available=Unknown (AppliedManifestFailed: forbidden)',
    );
  });

  it('answers for an absent work (a resource not discovered yet)', () => {
    expect(evalCel('workStatus(resources.?w.orValue(null)).message', { resources: {} })).toBe(
      'ManifestWork not found',
    );
  });

  it('is known to the load-time checker', () => {
    expect(checkCel('workStatus(resources.w).degraded', { resources: 'dyn' })).toEqual([]);
  });
});
