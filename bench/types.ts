/** One measured figure. `bench/run.ts` collects these from every suite into BENCHMARKS.md. */
export interface BenchResult {
  /** Suite-unique name, e.g. "template render cl-maestro manifestwork (cached)". */
  name: string;
  /** Operations per second, where the figure is a throughput. */
  opsPerSec?: number;
  /** Latency percentiles in milliseconds, where the figure is a latency. */
  p50Ms?: number;
  p99Ms?: number;
  /** Anything else worth a column: "rss MiB", "cpu ms/event", "calls/event", ... */
  extra?: Record<string, number | string>;
}

export interface BenchOptions {
  /** A short run (CI smoke, --quick): fewer iterations, same code paths. */
  quick: boolean;
  /** Markdown printed under the suite's heading in BENCHMARKS.md: what was measured and how. */
  note: (markdown: string) => void;
}

/** Every file in bench/suites exports `default` of this type. */
export type BenchSuite = (options: BenchOptions) => Promise<BenchResult[]>;
