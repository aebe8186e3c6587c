import { AdapterError } from '../errors.ts';
import { redactSecrets } from '../observability/logger.ts';
import { ENDPOINT_NOT_FOUND_CODE, isHyperfleetNotFound, type ProblemDetails } from './problem.ts';

/** Statuses worth the same request again: the server, a proxy or a rate limiter may recover. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'API_BAD_REQUEST',
  401: 'API_UNAUTHORIZED',
  403: 'API_FORBIDDEN',
  404: 'API_NOT_FOUND',
  409: 'API_CONFLICT',
  422: 'API_UNPROCESSABLE',
};

/** The stable code for a final non-2xx answer: `API_NOT_FOUND`, ..., else `API_HTTP_<status>`. */
export function codeForStatus(status: number, problem?: ProblemDetails): string {
  if (status === 404 && problem?.code === ENDPOINT_NOT_FOUND_CODE) return 'API_ENDPOINT_NOT_FOUND';
  if (status === 404 && !isHyperfleetNotFound(problem)) return 'API_NOT_FOUND_UNRECOGNISED';
  return CODE_BY_STATUS[status] ?? `API_HTTP_${status}`;
}

export interface HttpErrorDetails {
  method: string;
  /** Without query string or credentials. */
  url: string;
  status: number;
  problem?: ProblemDetails;
  /** The first few hundred characters of a body that was not problem details. */
  bodySnippet?: string;
  attempts: number;
}

/**
 * A final non-2xx answer from the API (after any retries). A 401 is retryable because a
 * projected token rotates and is re-read; other 4xx mean the request itself is wrong. A 404
 * that is not the API's own problem details (a proxy's or an ingress's page: a wrong base
 * URL) is retryable too: it is a misconfiguration an operator fixes, and the event must not
 * be acked as if its resource were deleted.
 *
 * What the peer sent is quoted through `redactSecrets`: a proxy that echoes the request's
 * headers must not get our token into answers, logs or status payloads.
 */
export class HyperfleetApiError extends AdapterError {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly problem: ProblemDetails | undefined;
  readonly attempts: number;

  constructor(details: HttpErrorDetails) {
    const code = codeForStatus(details.status, details.problem);
    const unrecognised = code === 'API_NOT_FOUND_UNRECOGNISED';
    // What a gateway says about refused credentials may quote them: never repeated.
    const authFailure = details.status === 401 || details.status === 403;
    const quoted = authFailure
      ? ''
      : (details.problem?.detail ?? details.problem?.title ?? details.bodySnippet ?? '');
    const explanation = redactSecrets(quoted)
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .trim();
    const apiCode = details.problem?.code && !authFailure ? ` [${redactSecrets(details.problem.code)}]` : '';
    super(
      code,
      `HyperFleet API ${details.method} ${details.url} returned ${details.status}${apiCode}` +
        (unrecognised
          ? " without the API's problem details (HYPERFLEET-NTF-*): not taken for a deleted resource;" +
            ' the base URL or a proxy in front of the API is probably wrong'
          : '') +
        (explanation ? `: ${explanation}` : ''),
      { retryable: unrecognised || details.status === 401 || isRetryableStatus(details.status) },
    );
    this.method = details.method;
    this.url = details.url;
    this.status = details.status;
    this.problem = details.problem;
    this.attempts = details.attempts;
  }

  /**
   * A 404 for a resource that does not exist (or no longer: hard-deleted), as the API itself
   * says it: its problem details with a `HYPERFLEET-NTF-*` code other than the catch-all
   * route's. The Go adapter also takes a 404 without that body (a proxy's page) for a deleted
   * resource, which acks every event of a misrouted adapter without a status.
   */
  get isResourceNotFound(): boolean {
    return this.status === 404 && isHyperfleetNotFound(this.problem);
  }
}

/** Every attempt failed on a transport error or a retryable status. */
export class HyperfleetApiUnavailableError extends AdapterError {
  readonly method: string;
  readonly url: string;
  readonly attempts: number;
  /** The status of the last attempt, when it got an answer. */
  readonly lastStatus: number | undefined;
  readonly problem: ProblemDetails | undefined;

  constructor(
    details: { method: string; url: string; attempts: number; lastStatus?: number; problem?: ProblemDetails },
    cause?: unknown,
  ) {
    const last =
      details.lastStatus === undefined ? describeCause(cause) : `last status ${details.lastStatus}`;
    super(
      'API_UNAVAILABLE',
      `HyperFleet API ${details.method} ${details.url} unavailable after ${details.attempts} attempt(s): ${last}`,
      { retryable: true, cause },
    );
    this.method = details.method;
    this.url = details.url;
    this.attempts = details.attempts;
    this.lastStatus = details.lastStatus;
    this.problem = details.problem;
  }
}

/** The caller's deadline (its AbortSignal) ended the call, in flight or between attempts. */
export class DeadlineExceededError extends AdapterError {
  readonly method: string;
  readonly url: string;
  readonly attempts: number;

  constructor(details: { method: string; url: string; attempts: number }, cause?: unknown) {
    super(
      'DEADLINE_EXCEEDED',
      `HyperFleet API ${details.method} ${details.url} abandoned after ${details.attempts} attempt(s): deadline exceeded`,
      { retryable: true, cause },
    );
    this.method = details.method;
    this.url = details.url;
    this.attempts = details.attempts;
  }
}

/** The bearer token file could not be read. Retryable: a projected token may be mid-rotation. */
export class HyperfleetTokenError extends AdapterError {
  constructor(message: string, cause?: unknown) {
    super('API_TOKEN_UNAVAILABLE', message, { retryable: true, cause });
  }
}

/**
 * A URL an event's (or an answer's) values would have steered off the route the config's
 * template fixes: a `..`, `/`, `?`, `#`, control character in a value, or off the API base
 * path. Never sent; not retryable (the same event renders the same URL).
 */
export class ApiUrlRefusedError extends AdapterError {
  readonly method: string;
  readonly param: string;
  readonly reason: string;

  constructor(details: { method: string; param: string; reason: string; value?: string }) {
    const value =
      details.value === undefined
        ? ''
        : ` (value ${JSON.stringify(redactSecrets(details.value.slice(0, 80)))})`;
    super(
      'API_URL_REFUSED',
      `HyperFleet API ${details.method} not sent: param "${details.param}" puts ${details.reason} into the URL${value}`,
      { retryable: false },
    );
    this.method = details.method;
    this.param = details.param;
    this.reason = details.reason;
  }
}

/** A client option or request that can never work (bad base URL, unserialisable body). */
export class HyperfleetApiRequestError extends AdapterError {
  constructor(message: string, cause?: unknown) {
    super('API_REQUEST_INVALID', message, { retryable: false, cause });
  }
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return 'transport error';
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
  return `${cause.message}${inner}`;
}
