/** Percentiles and timing helpers shared by the suites. */
export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const idx = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[idx] as number;
}

export interface Timed {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerOp: number;
}

/** Run `op` `n` times sequentially (after `warmup` untimed runs) and summarise. */
export async function timeSequential(
  n: number,
  warmup: number,
  op: () => Promise<unknown> | unknown,
): Promise<Timed> {
  for (let i = 0; i < warmup; i++) await op();
  const samples: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const s = process.hrtime.bigint();
    await op();
    samples.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  const totalMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  samples.sort((a, b) => a - b);
  return {
    opsPerSec: (n / totalMs) * 1000,
    p50Ms: percentile(samples, 50),
    p99Ms: percentile(samples, 99),
    cpuMsPerOp: (cpu.user + cpu.system) / 1000 / n,
  };
}
