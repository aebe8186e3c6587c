/**
 * The differential suite's own machinery: the comparer must catch a difference anywhere in
 * the shape and name its path, normalisation must not hide one, and the exceptions must be
 * checked both ways (uncovered differences and stale entries).
 */
import { describe, expect, it } from 'vitest';
import { compareShapes, formatDifference } from '../../differential/compare.ts';
import { Exceptions } from '../../differential/exceptions.ts';
import { renderedManifests } from '../../differential/go-side.ts';
import { canonical, parseBody, parseJson, type Shape } from '../../differential/shape.ts';

const NOW = Date.parse('2026-12-03T12:00:00Z');

function shape(body: Record<string, unknown>): Shape {
  return {
    outcome: 'success',
    exitCode: 0,
    phases: { param_extraction: 'ok', preconditions: 'ok', resources: 'ok', post_actions: 'ok' },
    params: { clusterId: 'c1' },
    envNames: [],
    preconditions: [],
    resources: [
      {
        name: 'cm',
        status: 'success',
        operation: 'create',
        kind: 'ConfigMap',
        namespace: 'ns',
        resourceName: 'cm-c1',
        failed: false,
      },
    ],
    manifests: [{ resource: 'cm', manifest: canonical({ kind: 'ConfigMap', data: { a: 'x' } }, NOW) }],
    postActions: [{ name: 'report', status: 'success' }],
    apiCalls: [
      {
        method: 'PUT',
        url: '/api/hyperfleet/v1/clusters/c1/statuses',
        status: 201,
        body: canonical(body, NOW),
      },
    ],
  };
}

const BODY = {
  adapter: 'a',
  observed_generation: 3,
  observed_time: '2026-12-03T12:00:01Z',
  conditions: [{ type: 'Health', status: 'True', reason: 'Healthy' }],
};

describe('compareShapes', () => {
  it('finds nothing between equal shapes, whatever the key order or the instant of now', () => {
    const later = { ...BODY, observed_time: '2026-12-03T12:00:09Z' };
    const reordered = Object.fromEntries(Object.entries(later).reverse());
    expect(compareShapes(shape(BODY), shape(reordered))).toEqual([]);
  });

  it('names the exact path of a differing status field', () => {
    const ours = {
      ...BODY,
      conditions: [{ type: 'Health', status: 'False', reason: 'ExecutionFailed:resources' }],
    };
    const diffs = compareShapes(shape(BODY), shape(ours));
    expect(diffs.map(formatDifference)).toEqual([
      'apiCalls[0].body.conditions[0].reason: go="Healthy" ours="ExecutionFailed:resources"',
      'apiCalls[0].body.conditions[0].status: go="True" ours="False"',
    ]);
  });

  it('tells an int from a string and 0 from null (the Go NullValue case)', () => {
    const diffs = compareShapes(
      shape({ ...BODY, observed_generation: 0 }),
      shape({ ...BODY, observed_generation: null }),
    );
    expect(diffs).toEqual([{ path: 'apiCalls[0].body.observed_generation', go: { $int: '0' }, ours: null }]);
    expect(
      compareShapes(shape({ ...BODY, observed_generation: 3 }), shape({ ...BODY, observed_generation: '3' })),
    ).toHaveLength(1);
    // A Go int64 and a JS bigint of the same value are the same number.
    expect(canonical(9007199254740993n)).toEqual(canonical(parseJson('9007199254740993')));
  });

  it('catches a missing API call, a missing manifest and a different outcome', () => {
    const go = shape(BODY);
    const ours = shape(BODY);
    ours.apiCalls = [];
    ours.manifests = [];
    ours.outcome = 'failed';
    const paths = compareShapes(go, ours).map((d) => d.path);
    expect(paths).toContain('apiCalls.length');
    expect(paths).toContain('apiCalls[0]');
    expect(paths).toContain('manifests.length');
    expect(paths).toContain('outcome');
  });

  it('keeps a timestamp far from now as it is', () => {
    expect(parseBody('{"t":"2020-01-01T00:00:00Z"}', NOW)).toEqual({ t: '2020-01-01T00:00:00Z' });
    expect(parseBody('{"t":"2026-12-03T11:59:00Z"}', NOW)).toEqual({ t: '<now>' });
  });
});

describe('exceptions', () => {
  const diff = { path: 'exitCode', go: 0, ours: 1 };

  it('covers a difference by input pattern and field, and leaves others uncovered', () => {
    const ex = new Exceptions([
      {
        input: 'fixture/*',
        fields: ['exitCode'],
        class: 'go-bug-fixed',
        reason: 'Go exits 0 on a failed run',
      },
    ]);
    expect(ex.uncovered('fixture/kubernetes/api', [diff])).toEqual([]);
    const other = { path: 'outcome', go: 'success', ours: 'failed' };
    expect(ex.uncovered('fixture/kubernetes/api', [other])).toEqual([other]);
    expect(ex.uncovered('corpus/0001/k8s', [diff])).toEqual([diff]);
    expect(ex.stale()).toEqual([]);
  });

  it('reports an entry that covered nothing as stale', () => {
    const ex = new Exceptions([
      {
        input: ['corpus/*/cel-map', 'corpus/*/cel-map/*'],
        class: 'go-bug-fixed',
        reason: 'Go cannot print CEL maps',
      },
    ]);
    ex.uncovered('corpus/0001/k8s/inline', [diff]);
    expect(ex.stale().map((e) => e.input)).toEqual([['corpus/*/cel-map', 'corpus/*/cel-map/*']]);
  });

  it('lets an entry for a whole input answer only for what field entries leave, so it can go stale', () => {
    const ex = new Exceptions([
      { input: '*', fields: ['exitCode'], class: 'go-bug-fixed', reason: 'Go exits 0 on a failed run' },
      { input: 'corpus/0001/*', class: 'pending', cause: 'elsewhere', reason: 'a render difference' },
    ]);
    expect(ex.uncovered('corpus/0001/k8s', [diff])).toEqual([]);
    expect(ex.stale().map((e) => e.input)).toEqual(['corpus/0001/*']);
  });

  it('refuses an entry without a class, a reason, or (pending) a cause', () => {
    expect(
      () => new Exceptions([{ input: 'x', class: 'odd' as never, reason: 'long enough reason' }]),
    ).toThrow(/class/);
    expect(() => new Exceptions([{ input: 'x', class: 'cosmetic', reason: '' }])).toThrow(/reason/);
    expect(() => new Exceptions([{ input: 'x', class: 'pending', reason: 'long enough reason' }])).toThrow(
      /cause/,
    );
  });
});

describe("Go's verbose text trace", () => {
  it('yields each rendered manifest under the resource row it follows', () => {
    const text = [
      'Phase 3: Resources ........................ SUCCESS',
      '  [1/2] namespace0                     CREATE',
      '    Kind: Namespace    Namespace:              Name: abc',
      '    [verbose] Rendered manifest:',
      '      {',
      '        "kind": "Namespace",',
      '        "metadata": {',
      '          "name": "abc"',
      '        }',
      '      }',
      '  [2/2] configmap0                     CREATE',
      '    [verbose] Rendered manifest:',
      '      {',
      '        "data": {',
      '          "n": 12345678901234567890',
      '        }',
      '      }',
      '',
      'Phase 4: Post Actions ..................... SUCCESS',
    ].join('\n');
    expect(renderedManifests(text)).toEqual([
      { resource: 'namespace0', manifest: { kind: 'Namespace', metadata: { name: 'abc' } } },
      { resource: 'configmap0', manifest: { data: { n: 12345678901234567890n } } },
    ]);
  });
});
