/**
 * One comparable shape for a dry run, whichever adapter ran it: the outcome per phase, the
 * HyperFleet API calls in order (method, URL, status, body), every rendered manifest, the
 * resource results, the preconditions and post actions. Both sides are normalised into it
 * by the same rules (values canonicalised, times near now replaced), so a difference is a
 * difference in behaviour, not in how a trace is printed.
 */

export type Phase = 'param_extraction' | 'preconditions' | 'resources' | 'post_actions';
export const PHASES: readonly Phase[] = ['param_extraction', 'preconditions', 'resources', 'post_actions'];

export interface ApiCall {
  method: string;
  url: string;
  status: number;
  /** The request body as parsed JSON (canonical), or the raw text when it is not JSON. */
  body?: unknown;
}

export interface ResourceShape {
  name: string;
  status: string;
  operation: string;
  kind: string;
  namespace: string;
  resourceName: string;
  failed: boolean;
}

export interface Shape {
  /** 'refused': the config or inputs were not run at all. */
  outcome: 'refused' | 'success' | 'failed';
  /** The process exit code when it ran (ours as the CLI computes it). */
  exitCode?: number;
  /** The exit code when it refused the inputs (kept apart: a usage error is not a failed execution). */
  exitCodeRefused?: number;
  /** Why it was refused (first line), for the diff text only; never compared. */
  refusal?: string;
  /** Per phase: 'ok' or 'failed' (from the execution's errors). */
  phases?: Record<Phase, 'ok' | 'failed'>;
  /** The params the task config declares (builtins and payload strings left out). */
  params?: Record<string, unknown>;
  /** Names of the environment variables templates and CEL see under `env`. */
  envNames?: string[];
  preconditions?: { name: string; matched: boolean; failed: boolean }[];
  resources?: ResourceShape[];
  /** Rendered manifests in apply order, by resource name. */
  manifests?: { resource: string; manifest: unknown }[];
  postActions?: { name: string; status: string }[];
  apiCalls?: ApiCall[];
}

const NOW_WINDOW_MS = 6 * 60 * 60 * 1000;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Canonical form of a JSON-like value: bigints and integral numbers as decimal text marks, times near now as `<now>`. */
export function canonical(value: unknown, now: number = Date.now()): unknown {
  if (typeof value === 'bigint') return { $int: value.toString() };
  if (typeof value === 'number') {
    return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? { $int: BigInt(value).toString() } : value;
  }
  if (typeof value === 'string') {
    if (RFC3339.test(value)) {
      const t = Date.parse(value);
      if (Number.isFinite(t) && Math.abs(t - now) < NOW_WINDOW_MS) return '<now>';
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => canonical(v, now));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k], now);
    return out;
  }
  return value;
}

/** JSON.parse keeping integers beyond 2^53 exact (Go int64 values in bodies). */
export function parseJson(text: string): unknown {
  return JSON.parse(text, (_key, value, context?: { source?: string }) => {
    if (
      typeof value === 'number' &&
      !Number.isSafeInteger(value) &&
      context?.source !== undefined &&
      /^-?\d+$/.test(context.source)
    ) {
      return BigInt(context.source);
    }
    return value;
  });
}

export function parseBody(text: string | undefined, now?: number): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return canonical(parseJson(text), now);
  } catch {
    return text;
  }
}

/** Short human form of a canonical value, for diff lines. */
export function show(value: unknown): string {
  const text = JSON.stringify(value, (_k, v) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === '$int') return Number((v as { $int: string }).$int);
    }
    return v;
  });
  if (text === undefined) return 'undefined';
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}
