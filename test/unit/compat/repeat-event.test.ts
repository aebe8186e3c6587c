/**
 * The e2e suite's idempotence check for cl-maestro: repeated events of one generation leave
 * the Maestro resource bundle alone; a new generation updates it. Several events through the
 * executor against one in-memory Maestro (the dry run builds a fresh one per event).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigPair, parseMounts } from '../../../lib/config/index.ts';
import { cannedFetch, loadApiResponses } from '../../../lib/dryrun/api-responses.ts';
import { execute } from '../../../lib/executor/executor.ts';
import { HyperfleetApiClient } from '../../../lib/hyperfleet-api/index.ts';
import { createLogger } from '../../../lib/observability/logger.ts';
import { MemoryTransport, type TransportRecord } from '../../../lib/transport/memory.ts';
import { MAESTRO_WORK } from './expected-maestro.ts';
import { E2E_ENV, EXAMPLES_DIR, FIXTURES_DIR, NOW, requireExamples } from './harness.ts';

requireExamples();

const example = join(EXAMPLES_DIR, 'e2e-cl-maestro');

async function eventFrom(scenario: string) {
  const dir = join(FIXTURES_DIR, 'e2e-cl-maestro', scenario);
  const event = JSON.parse(await readFile(join(dir, 'event.json'), 'utf8')) as {
    data: Record<string, unknown>;
  };
  const canned = cannedFetch(await loadApiResponses(join(dir, 'api-responses.json')));
  const api = new HyperfleetApiClient({
    baseUrl: 'http://hyperfleet-api.test',
    retryAttempts: 1,
    fetch: canned.fetch,
    sleep: async () => {},
  });
  return { data: event.data, api };
}

describe('e2e-cl-maestro over repeated events', () => {
  it('creates once, skips repeats of the same generation, updates on a new one', async () => {
    const config = await loadConfigPair({
      configFile: join(example, 'adapter-config.yaml'),
      taskConfigFile: join(example, 'task-config.yaml'),
      mounts: parseMounts([`/etc/adapter=${example}`]).mounts,
      env: E2E_ENV,
    });
    const records: TransportRecord[] = [];
    const maestro = new MemoryTransport('maestro', { records, softDelete: true });
    const kubernetes = new MemoryTransport('kubernetes', { records });
    const log = createLogger({ level: 'silent' });
    const run = async (scenario: string) => {
      const { data, api } = await eventFrom(scenario);
      return execute(config, data, AbortSignal.timeout(30_000), {
        api,
        transports: async (client) => (client === 'maestro' ? maestro : kubernetes),
        log,
        env: E2E_ENV,
        clock: { now: () => NOW },
        recreateWaitMs: 0,
      });
    };
    const generationLabel = () => maestro.all()[0]?.metadata.labels?.['hyperfleet.io/generation'];

    const first = await run('create');
    const second = await run('create');
    const third = await run('create');
    expect([first, second, third].map((r) => r.resources.map((x) => x.operation))).toEqual([
      ['create'],
      ['skip'],
      ['skip'],
    ]);
    expect([first, second, third].map((r) => r.statusReported)).toEqual([true, true, true]);
    expect(
      records.filter((r) => r.operation === 'apply').map((r) => `${r.target} ${r.name} ${r.outcome}`),
    ).toEqual([`cluster1 ${MAESTRO_WORK} created`]);
    expect(maestro.all()).toHaveLength(1);
    expect(generationLabel()).toBe('1');

    // The API moved to generation 2 (stale-event's answers): the work is updated in place.
    const bumped = await run('stale-event');
    expect(bumped.resources.map((x) => `${x.operation} ${x.reason}`)).toEqual([
      'update generation changed 1->2',
    ]);
    expect(maestro.all()).toHaveLength(1);
    expect(generationLabel()).toBe('2');
  });
});
