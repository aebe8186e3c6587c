import { existsSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { checkStack } from '../../stack/health.ts';
import { leftovers, startStack, stopStack } from '../../stack/stack.ts';

describe('a separate start/stop cycle', () => {
  it('runs beside the shared stack without collisions and leaves nothing behind', async () => {
    const shared = inject('stack');
    const info = await startStack({ consumers: ['cycle1'] });
    try {
      expect(info.runDir).not.toBe(shared.runDir);
      const sharedPorts = new Set(Object.values(shared.ports ?? {}));
      for (const p of Object.values(info.ports ?? {})) expect(sharedPorts.has(p)).toBe(false);
      const health = await checkStack(info);
      expect(health.filter((h) => !h.healthy)).toEqual([]);
      // The HyperFleet peers are part of a default start, so their stop is checked too.
      expect(health.map((h) => h.role)).toEqual(
        expect.arrayContaining([
          'rabbitmq',
          'epmd',
          'hyperfleet-api',
          'sentinel-clusters',
          'sentinel-nodepools',
        ]),
      );
      expect(existsSync(`${info.runDir}/postgres/data/PG_VERSION`)).toBe(true);
      expect(existsSync(`${info.runDir}/rabbitmq/mnesia`)).toBe(true);
    } finally {
      await stopStack(info);
    }
    expect(await leftovers(info)).toEqual([]);
    expect(existsSync(info.runDir)).toBe(false);
    // The shared stack is untouched by the other run's stop.
    expect((await checkStack(shared)).filter((h) => !h.healthy)).toEqual([]);
  }, 180_000);
});
