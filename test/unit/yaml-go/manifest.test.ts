/**
 * Inline manifests go through yaml.v3's text on the way to the template, as in the Go
 * adapter. The conformance suite (test/conformance/yaml) proves the rules against Go; these
 * tests pin the loader wiring and the cases that motivated it.
 */
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../../lib/config/index.ts';
import { ManifestError, manifestText, parseRenderedManifest } from '../../../lib/executor/manifest.ts';
import { compileTemplate } from '../../../lib/template/index.ts';
import { marshal, parseManifest } from '../../../lib/yaml-go/index.ts';
import { ADAPTER, loadConfig } from '../executor/helpers.ts';

const task = (manifest: string) => `
params:
  - name: clusterId
    source: event.id
    type: string
resources:
  - name: cm
    manifest:
${manifest
  .trim()
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
    discovery:
      namespace: ns1
      by_name: cm
`;

async function inlineManifest(yaml: string): Promise<Manifest> {
  const config = await loadConfig(ADAPTER, task(yaml));
  return config.task.resources[0]!.manifest;
}

function render(manifest: Manifest, params: Record<string, unknown>): Record<string, unknown> {
  return parseRenderedManifest(
    compileTemplate(manifestText(manifest)).render(params, { now: () => new Date(0) }),
  );
}

describe('inline manifests as the Go adapter renders them', () => {
  it("keeps a quote filter's quotes inside a single-quoted value", async () => {
    const m = await inlineManifest(`
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
data:
  h: '{{ .clusterId | quote }}'
`);
    expect(manifestText(m)).toBe(
      "apiVersion: v1\ndata:\n    h: '{{ .clusterId | quote }}'\nkind: ConfigMap\nmetadata:\n    name: cm\n",
    );
    expect(render(m, { clusterId: 'abc123' })['data']).toEqual({ h: '"abc123"' });
  });

  it('reads plain scalars as yaml.v3 does: octal, underscores, dates, and quotes YAML 1.1 booleans', async () => {
    const m = await inlineManifest(`
apiVersion: v1
kind: X
metadata:
  name: x
spec:
  mode: 0644
  big: 1_000
  day: 2024-01-01
  n: y
  "on": yes
`);
    expect(manifestText(m)).toBe(
      'apiVersion: v1\nkind: X\nmetadata:\n    name: x\nspec:\n    big: 1000\n    day: 2024-01-01T00:00:00Z\n    mode: 420\n    "n": "y"\n    "on": "yes"\n',
    );
    expect(render(m, {})['spec']).toEqual({
      big: 1000,
      day: '2024-01-01T00:00:00Z',
      mode: 420,
      n: 'y',
      on: 'yes',
    });
  });

  it('without the decoded form (a manifest built in code) integral numbers are ints', () => {
    const m: Manifest = {
      kind: 'inline',
      value: { apiVersion: 'v1', kind: 'X', spec: { a: 1, b: 1.5, c: [] } },
    };
    expect(manifestText(m)).toBe('apiVersion: v1\nkind: X\nspec:\n    a: 1\n    b: 1.5\n    c: []\n');
  });
});

describe('yaml.v3 text', () => {
  it('indents block scalars and sequences by 4 and orders keys naturally', () => {
    const text = marshal(
      new Map<string, never>(
        Object.entries({
          a10: 'x',
          a9: 'line1\nline2\n',
          list: [new Map([['k', 'v']]), ['nested']],
        }) as [string, never][],
      ),
    );
    expect(text).toBe('a9: |\n    line1\n    line2\na10: x\nlist:\n    - k: v\n    - - nested\n');
  });
});

describe('parsing a rendered manifest as yaml.v3 and encoding/json do', () => {
  it('folds a quoted value continued at any column', () => {
    expect(parseManifest("a:\n    v: 'line1\nline2'\n")).toEqual({ a: { v: 'line1 line2' } });
  });

  it('refuses a nested key that is not a string, NaN and control characters', () => {
    expect(() => parseRenderedManifest('a:\n  1: x\n')).toThrow(
      /failed to marshal rendered manifest: json: unsupported type: map\[interface \{\}\]interface \{\}/,
    );
    expect(() => parseRenderedManifest('a: .nan\n')).toThrow(/json: unsupported value: NaN/);
    expect(() => parseRenderedManifest('a: "x\u007f"\n')).toThrow(ManifestError);
  });

  it('a top-level list is a YAML error, an empty mapping is an empty manifest', () => {
    expect(() => parseRenderedManifest('- a\n')).toThrow(/failed to parse rendered manifest as YAML/);
    expect(() => parseRenderedManifest('{}\n')).toThrow(
      /empty manifest: rendered YAML did not contain an object/,
    );
  });
});
