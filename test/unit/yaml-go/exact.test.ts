/**
 * Integers beyond 2^53 in a rendered manifest keep every digit, as yaml.v3 and encoding/json
 * keep an int64 or uint64; the Kubernetes and dry-run transports read them back as Go's
 * encoding/json does (float64). The conformance suite pins the parsed JSON against Go.
 */
import { describe, expect, it } from 'vitest';
import { asFloat64, copyJson, isRawJson, jsonInteger, parseManifest } from '../../../lib/yaml-go/index.ts';

const manifest = (v: string) =>
  `apiVersion: v1\nkind: Thing\nmetadata:\n  name: x\nspec:\n  v: ${v}\n  l: [${v}]\n`;

describe('exact integers', () => {
  it('parses int64 and uint64 extremes with all their digits on the JSON text', () => {
    for (const [text, digits] of [
      ['9007199254740993', '9007199254740993'],
      ['9223372036854775807', '9223372036854775807'],
      ['-9223372036854775808', '-9223372036854775808'],
      ['18446744073709551615', '18446744073709551615'],
      ['0x7FFFFFFFFFFFFFFF', '9223372036854775807'],
      ['9_223_372_036_854_775_807', '9223372036854775807'],
      ['1152921504606846976', '1152921504606846976'],
    ] as const) {
      const obj = parseManifest(manifest(text))!;
      expect(JSON.stringify(obj['spec'])).toBe(`{"l":[${digits}],"v":${digits}}`);
    }
  });

  it('keeps numbers a double holds exactly as numbers, and a value past uint64 as a float', () => {
    const spec = parseManifest(manifest('9007199254740992'))!['spec'] as Record<string, unknown>;
    expect(spec['v']).toBe(2 ** 53);
    const past = parseManifest(manifest('18446744073709551616'))!['spec'] as Record<string, unknown>;
    expect(past['v']).toBe(2 ** 64);
    expect(jsonInteger(-(2n ** 53n))).toBe(-(2 ** 53));
    expect(isRawJson(jsonInteger(2n ** 53n + 1n))).toBe(true);
  });

  it('copies such values (structuredClone refuses them) and rounds them as encoding/json into interface{} does', () => {
    const obj = parseManifest(manifest('9223372036854775807'))!;
    expect(() => structuredClone(obj)).toThrow();
    const copy = copyJson(obj);
    expect(copy).not.toBe(obj);
    expect(copy['spec']).not.toBe(obj['spec']);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(obj));
    const rounded = asFloat64(obj);
    expect((rounded['spec'] as Record<string, unknown>)['v']).toBe(2 ** 63);
    // Go's json.Marshal of that float64 prints the same text as JSON.stringify.
    expect(JSON.stringify(rounded['spec'])).toBe('{"l":[9223372036854776000],"v":9223372036854776000}');
    expect(JSON.stringify(obj['spec'])).toContain('9223372036854775807');
  });
});
