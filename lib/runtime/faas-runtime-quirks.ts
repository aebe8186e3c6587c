/**
 * Two defects of faas-js-runtime 3.0.2, worked around from the function module (which it loads
 * before it builds its server):
 *
 * - Its metrics hook stops a per-request timer in `onResponse` that only `preHandler` starts,
 *   so every request fastify answers before the handler (an empty or broken JSON body: 400)
 *   also logs `request errored: req.execTimer is not a function` with a stack at error level.
 *   The edge already counts and logs that rejection once; this line is dropped from stdout.
 * - Its metric labels read POD_NAME and K_REVISION, which a Knative pod does not always have
 *   (POD_NAME needs the downward API): `faas_instance="undefined"`, `faas_id="undefined-<uuid>"`. The pod's host name is its
 *   name, and without a revision the package version stands in.
 */
import { hostname } from 'node:os';
import { packageVersion } from '../package-root.ts';

const EXEC_TIMER_DEFECT = '"message":"req.execTimer is not a function"';

/** Whether one stdout line is faas-js-runtime's bogus execTimer error. */
export function isExecTimerNoise(line: string): boolean {
  return line.includes(EXEC_TIMER_DEFECT) && line.includes('"msg":"request errored"');
}

export function workAroundFaasRuntime(env: NodeJS.ProcessEnv = process.env, stdout = process.stdout): void {
  // The pod's name (its id label is built from POD_NAME too).
  env['POD_NAME'] ||= hostname();
  env['FAAS_INSTANCE'] ||= env['POD_NAME'];
  env['FAAS_VERSION'] ||= env['K_REVISION'] || packageVersion();
  const write = stdout.write.bind(stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    // fastify's logger writes one line per call.
    const text =
      typeof chunk === 'string'
        ? chunk
        : chunk instanceof Uint8Array && chunk.length < 65536
          ? Buffer.from(chunk).toString('utf8')
          : '';
    if (!isExecTimerNoise(text)) return write(chunk, ...rest);
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    if (done) process.nextTick(done);
    return true;
  }) as typeof stdout.write;
}
