/**
 * The readiness probe the Knative Service points at (/health/readiness) follows Maestro: the
 * function as production runs it (faas-js-runtime, a compat config with clients.maestro) is
 * ready against the stack's Maestro, turns not-ready with the reason when the Maestro server
 * stops answering, and ready again when it comes back, before any event has been sent.
 *
 * The stack has no restart helper for Maestro, so it is frozen with SIGSTOP and thawed with
 * SIGCONT: unreachable to every client, with its state (database, agent streams) kept.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { currentPid } from '../../stack/pids.ts';
import { type FunctionProcess, startFunction } from '../../support/function-process.ts';
import { type ApiDouble, startHyperfleetApiDouble } from '../../support/hyperfleet-api-double.ts';
import { compatDir } from '../function/harness.ts';

const stack = inject('stack');
let api: ApiDouble;
let fn: FunctionProcess;
let frozen = false;

interface Readiness {
  status: number;
  ready: boolean;
  maestro: { ok?: boolean; grpc?: { state: string; ready: boolean }; rest?: { ok: boolean; error?: string } };
}

async function readiness(): Promise<Readiness> {
  const r = await fn.get('/health/readiness');
  const body = r.json as { ready: boolean; details: { maestro?: Readiness['maestro'] } };
  return { status: r.status, ready: body.ready, maestro: body.details.maestro ?? {} };
}

/** Polls the probe as the kubelet would (every 500 ms here) until `want` holds. */
async function until(want: (r: Readiness) => boolean, timeoutMs: number): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs;
  let last = await readiness();
  while (!want(last)) {
    if (Date.now() > deadline)
      throw new Error(`readiness never changed as expected: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 500));
    last = await readiness();
  }
  return last;
}

function maestroPid(): number {
  const pid = currentPid(stack, 'maestro');
  if (pid === undefined) throw new Error('the stack recorded no maestro pid');
  return pid;
}

function thaw(): void {
  if (!frozen) return;
  process.kill(maestroPid(), 'SIGCONT');
  frozen = false;
}

beforeAll(async () => {
  api = await startHyperfleetApiDouble();
  fn = await startFunction({
    configDir: compatDir('e2e-cl-maestro'),
    env: {
      HYPERFLEET_API_BASE_URL: api.url,
      HYPERFLEET_MAESTRO_GRPC_SERVER_ADDRESS: stack.maestro.grpcAddress,
      HYPERFLEET_MAESTRO_HTTP_SERVER_ADDRESS: stack.maestro.httpUrl,
      HYPERFLEET_MAESTRO_TIMEOUT: '2s',
      RUN_ID: 'it-readiness',
      LOG_LEVEL: 'info',
    },
    readyTimeoutMs: 60_000,
  });
});

afterAll(async () => {
  // Never leave the shared stack's Maestro frozen, whatever failed.
  thaw();
  await fn?.stop();
  await api?.close();
});

it('readiness follows the Maestro server: ready, not ready while it is stopped, ready when it returns', async () => {
  const before = await readiness();
  expect(before).toMatchObject({ status: 200, ready: true, maestro: { ok: true, rest: { ok: true } } });
  expect(fn.logs().some((l) => l.msg === 'Event received')).toBe(false);

  process.kill(maestroPid(), 'SIGSTOP');
  frozen = true;
  const stopped = await until((r) => !r.ready, 30_000);
  expect(stopped.status).toBe(503);
  expect(stopped.maestro.ok).toBe(false);
  // The probe says why: the REST ping to the frozen server does not answer.
  expect(stopped.maestro.rest?.ok).toBe(false);
  expect(stopped.maestro.rest?.error).toEqual(expect.any(String));

  thaw();
  const back = await until((r) => r.ready, 30_000);
  expect(back).toMatchObject({ status: 200, ready: true, maestro: { ok: true, rest: { ok: true } } });
});
