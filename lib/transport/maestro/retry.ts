import { isRetryable } from '../../errors.ts';
import { MaestroError } from './errors.ts';

/**
 * Run `fn`, retrying only failures classified retryable *and* meant to be retried here (the
 * server could not be reached), with full-jitter exponential backoff, never past `signal`.
 */
export async function withRetry<T>(
  attempts: number,
  signal: AbortSignal,
  fn: () => Promise<T>,
  shouldRetry: (err: unknown) => boolean = (err) =>
    err instanceof MaestroError && err.code === 'MAESTRO_UNAVAILABLE' && isRetryable(err),
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || signal.aborted || !shouldRetry(err)) throw err;
      const cap = Math.min(5_000, 200 * 2 ** attempt);
      await sleep(Math.random() * cap, signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
