/**
 * Client-side token bucket, the same contract as client-go's `QPS`/`Burst`: up to `burst`
 * requests at once, then `qps` a second. A caller reserves a token immediately (so waiters
 * are served in arrival order) and sleeps until it is due; an aborted wait returns its token.
 */
import { abortableSleep } from '../../abort.ts';

export class TokenBucket {
  readonly #qps: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  /** `qps <= 0` or non-finite disables limiting. */
  constructor(qps: number, burst: number, now: () => number = () => performance.now()) {
    this.#qps = Number.isFinite(qps) && qps > 0 ? qps : 0;
    this.#burst = Math.max(1, Math.floor(burst));
    this.#now = now;
    this.#tokens = this.#burst;
    this.#last = now();
  }

  get unlimited(): boolean {
    return this.#qps === 0;
  }

  /** Milliseconds the next caller would wait; reserves nothing. */
  delayMs(): number {
    if (this.unlimited) return 0;
    const tokens = this.#refill();
    return tokens >= 1 ? 0 : ((1 - tokens) / this.#qps) * 1000;
  }

  /** Resolves when the caller may send; rejects with the signal's reason if aborted while waiting. */
  async take(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.unlimited) return;
    this.#tokens = this.#refill() - 1;
    if (this.#tokens >= 0) return;
    const waitMs = (-this.#tokens / this.#qps) * 1000;
    try {
      await abortableSleep(waitMs, signal);
    } catch (err) {
      this.#tokens = this.#refill() + 1;
      throw err;
    }
  }

  #refill(): number {
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#last) / 1000;
    this.#last = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#qps);
    return this.#tokens;
  }
}
