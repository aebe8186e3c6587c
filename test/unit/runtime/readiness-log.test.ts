import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../lib/observability/logger.ts';
import { createMetrics } from '../../../lib/observability/metrics.ts';
import { runtimeFromEnv } from '../../../lib/runtime/from-env.ts';
import { fixture } from '../../support/function-harness.ts';

// Readiness changes reach the log when they begin and when they end, rate-limited, with the
// failing checks: an outage of the API (or Maestro) that takes instances out of routing is
// visible in the log, not only in the probe's answers.

let apiUp = true;
const lines: Record<string, unknown>[] = [];

function runtime() {
  const dir = mkdtempSync(path.join(tmpdir(), 'hf-readiness-log-'));
  writeFileSync(path.join(dir, 'adapter-config.yaml'), fixture('adapter-config.yaml'));
  writeFileSync(path.join(dir, 'task-config.yaml'), fixture('task-config.yaml'));
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return runtimeFromEnv(
    {
      HYPERFLEET_ADAPTER_CONFIG: path.join(dir, 'adapter-config.yaml'),
      HYPERFLEET_TASK_CONFIG: path.join(dir, 'task-config.yaml'),
      HYPERFLEET_API_BASE_URL: 'http://api.test',
    },
    {
      log: createLogger({ level: 'info', destination }),
      metrics: createMetrics(),
      fetch: (async () => {
        if (!apiUp) throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
        return new Response('{}', { status: 404 });
      }) as typeof fetch,
    },
  );
}

const readinessLines = () =>
  lines.filter((l) => typeof l['msg'] === 'string' && (l['msg'] as string).startsWith('instance '));

// Date.now alone is moved (faking the Date class would change what CEL takes for a timestamp).
let clock = 0;
beforeEach(() => {
  clock = Date.parse('2026-12-04T10:00:00Z');
  vi.spyOn(Date, 'now').mockImplementation(() => clock);
  lines.length = 0;
  apiUp = true;
});
afterEach(() => {
  vi.restoreAllMocks();
});

const advance = (ms: number) => {
  clock += ms;
};

describe('readiness in the log', () => {
  it('the start, an outage when it begins (with the failing check) and when it ends', async () => {
    const rt = runtime();
    expect((await rt.readiness()).ready).toBe(true);
    expect((await rt.readiness()).ready).toBe(true);
    expect(readinessLines().map((l) => l['msg'])).toEqual(['instance ready']);

    advance(20_000);
    apiUp = false;
    expect((await rt.readiness()).ready).toBe(false);
    expect((await rt.readiness()).ready).toBe(false);
    const down = readinessLines()[1];
    expect(down).toMatchObject({
      level: 'warn',
      msg: 'instance not ready: Knative routes no events to it until this clears',
      previous_state_ms: 20_000,
      failing: { api: { ok: false, error: 'ECONNREFUSED' } },
    });

    advance(90_000);
    apiUp = true;
    expect((await rt.readiness()).ready).toBe(true);
    expect(readinessLines().slice(2)).toEqual([
      expect.objectContaining({ level: 'info', msg: 'instance ready again', previous_state_ms: 90_000 }),
    ]);
  });

  it('flapping is logged at most once per 10 s; a state that lasts is logged after the window', async () => {
    const rt = runtime();
    const msgs = () => readinessLines().map((l) => `${l['msg']}`.split(':')[0]);
    await rt.readiness(); // t=0 ready: logged
    const step = async (up: boolean) => {
      advance(6_000); // past the API probe's 5 s cache
      apiUp = up;
      await rt.readiness();
    };
    await step(false); // t=6 down: inside the window, not logged
    expect(msgs()).toEqual(['instance ready']);
    await step(true); // t=12 up again: logged, counting the unlogged outage
    expect(readinessLines().at(-1)).toMatchObject({ msg: 'instance ready again', changes_not_logged: 1 });
    await step(false); // t=18 down: inside the window of t=12
    expect(msgs()).toEqual(['instance ready', 'instance ready again']);
    advance(11_000); // t=29, still down: logged at this probe, once
    await rt.readiness();
    await rt.readiness();
    expect(msgs()).toEqual(['instance ready', 'instance ready again', 'instance not ready']);
    expect(readinessLines().at(-1)).toMatchObject({ level: 'warn', previous_state_ms: 6_000 });
  });
});
