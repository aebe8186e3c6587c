import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenBucket } from '../../../../lib/transport/kubernetes/rate-limit.ts';

describe('TokenBucket', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const clock = () => Date.now();

  it('lets a burst through at once, then spaces requests at 1/qps', async () => {
    const bucket = new TokenBucket(10, 3, clock);
    const signal = new AbortController().signal;
    const done: number[] = [];
    const start = Date.now();
    const all = Array.from({ length: 6 }, () =>
      bucket.take(signal).then(() => done.push(Date.now() - start)),
    );
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(all);
    expect(done.slice(0, 3)).toEqual([0, 0, 0]);
    expect(done.slice(3)).toEqual([100, 200, 300]);
  });

  it('refills over time up to the burst, not beyond', async () => {
    const bucket = new TokenBucket(10, 2, clock);
    const signal = new AbortController().signal;
    await bucket.take(signal);
    await bucket.take(signal);
    expect(bucket.delayMs()).toBeCloseTo(100);
    vi.advanceTimersByTime(10_000);
    expect(bucket.delayMs()).toBe(0);
    await bucket.take(signal);
    await bucket.take(signal);
    expect(bucket.delayMs()).toBeGreaterThan(0);
  });

  it('an aborted wait rejects with the reason and returns its token', async () => {
    const bucket = new TokenBucket(1, 1, clock);
    const ctl = new AbortController();
    await bucket.take(ctl.signal);
    const waiting = bucket.take(ctl.signal);
    const reason = new Error('deadline');
    ctl.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(bucket.delayMs()).toBeCloseTo(1000);
  });

  it('qps 0 is unlimited', async () => {
    const bucket = new TokenBucket(0, 1, clock);
    const signal = new AbortController().signal;
    for (let i = 0; i < 1000; i++) await bucket.take(signal);
    expect(bucket.unlimited).toBe(true);
  });

  it('refuses at once when the signal is already aborted', async () => {
    const bucket = new TokenBucket(10, 1, clock);
    await expect(bucket.take(AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });
});
