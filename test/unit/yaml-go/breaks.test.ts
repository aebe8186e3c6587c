/**
 * libyaml's YAML 1.1 line breaks (NEL, LS, PS, a lone CR) in a rendered manifest. The
 * conformance suite (breaks-*) pins these readings against yaml.v3; these tests show the rules.
 */
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../lib/yaml-go/index.ts';

const data = (body: string) =>
  parseManifest(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n${body}`)!['data'];

describe('libyaml line breaks', () => {
  it('keeps an LS or PS in a quoted scalar and drops the indentation after it', () => {
    expect(data("    k: 'ls\u2028         line'\n")).toEqual({ k: 'ls\u2028line' });
    expect(data('    k: "a\u2029      b\\a"\n')).toEqual({ k: 'a\u2029b\u0007' });
    expect(data("    k: 'a\u2028\n      b'\n")).toEqual({ k: 'a\u2028\nb' });
  });

  it('folds a NEL or a lone CR as a line feed', () => {
    expect(data("    k: 'a\u0085      b'\n")).toEqual({ k: 'a b' });
    expect(data("    k: 'a\r      b'\n")).toEqual({ k: 'a b' });
    expect(data("    k: 'a\u0085\u0085   b'\n")).toEqual({ k: 'a\nb' });
  });

  it('breaks the structure at LS as at LF', () => {
    expect(data('    k: p\u2028    w: q\n')).toEqual({ k: 'p', w: 'q' });
  });

  it('reads a plain and a literal block scalar with an LS', () => {
    expect(data('    k: p\u2028      c\n')).toEqual({ k: 'p\u2028c' });
    expect(data('    k: |\n        a\u2028        b\n        end\n')).toEqual({ k: 'a\u2028b\nend\n' });
  });
});
