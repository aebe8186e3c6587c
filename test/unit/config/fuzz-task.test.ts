import { describe, expect, it } from 'vitest';
import { fuzzLoader } from './fuzz-harness.ts';

// Half of the 10,000-document property (the other half: fuzz-pair.test.ts); CONFIG_FUZZ_RUNS scales it down locally.
const RUNS = Math.ceil(Number(process.env['CONFIG_FUZZ_RUNS'] ?? 10_000) / 2);

describe('loader under mutation: task configs', () => {
  it(`${RUNS} mutated documents: a config or a ConfigError, never a crash or a hang`, async () => {
    const { configs, errors } = await fuzzLoader(RUNS, ['task'], 20261126);
    expect(configs + errors).toBe(RUNS);
    // Both outcomes must occur, or the mutations are not exercising the loader.
    expect(configs).toBeGreaterThan(RUNS / 100);
    expect(errors).toBeGreaterThan(RUNS / 2);
  }, 1_200_000);
});
