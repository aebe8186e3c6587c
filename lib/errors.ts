/**
 * Base class for every error this product raises on purpose. `code` is stable: callers
 * switch on it, tests assert it, metrics label by it. `retryable` says whether the same
 * event, delivered again later, could succeed (a dependency down) or never will (bad input).
 */
export class AdapterError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** True when `err` (or anything in its cause chain) says the work may succeed if retried. */
export function isRetryable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof AdapterError) return e.retryable;
  }
  return false;
}
