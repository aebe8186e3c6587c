import { deadlineSignal } from '../abort.ts';
import { redactSecrets, registerSecret } from '../observability/logger.ts';
import { abortableSleep, backoffDelay, parseRetryAfter, type RetryBackoff } from './backoff.ts';
import { checkUrlParts, type UrlPart } from './confine.ts';
import {
  ApiUrlRefusedError,
  codeForStatus,
  DeadlineExceededError,
  HyperfleetApiError,
  HyperfleetApiRequestError,
  HyperfleetApiUnavailableError,
  isRetryableStatus,
} from './errors.ts';
import { headerNameProblem, headerValueProblem, isSensitiveHeader } from './headers.ts';
import { type ProblemDetails, parseProblemDetails, redactProblem } from './problem.ts';
import { FileTokenSource } from './token.ts';
import {
  apiBasePath,
  originOf,
  parseHttpUrl,
  redactUrl,
  resolveApiUrl,
  urlCredentialsProblem,
} from './url.ts';

export const USER_AGENT = 'hyperfleet-adapter-knative';

export interface HyperfleetApiClientOptions {
  /** Server address, e.g. `http://hyperfleet-api:8000` (may carry a path prefix). */
  baseUrl: string;
  /** API version segment; default `v1`. */
  version?: string;
  /** Per-attempt timeout; default 10000. */
  timeoutMs?: number;
  /** Total attempts per request, as the Go adapter counts them (minimum 1); default 3. */
  retryAttempts?: number;
  retryBackoff?: RetryBackoff;
  /** default 1000 */
  baseDelayMs?: number;
  /** Cap on any single wait, Retry-After included; default 30000. */
  maxDelayMs?: number;
  /** Sent only to the API's own origin, like the token. */
  defaultHeaders?: Record<string, string>;
  /** File holding the bearer token; absent: no Authorization header. */
  tokenPath?: string;
  /** How long a read token is reused; 0 (default) re-reads the file on every attempt. */
  tokenCacheTtlMs?: number;
  /** The Authorization scheme the token is sent with (`ServiceAccount` through the HyperFleet gateway). */
  authScheme?: 'Bearer' | 'ServiceAccount';
  /** Replaces the global fetch (dry-run, tests). */
  fetch?: typeof fetch;
  /** In [0, 1): jitter source. */
  random?: () => number;
  /** Must reject when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Called after every attempt; must not throw (errors are swallowed). */
  onCall?: (info: ApiCallInfo) => void;
  /** Called for every request refused before it was sent (a URL a value steered); must not throw. */
  onRefused?: (info: ApiRefusalInfo) => void;
}

export interface ApiRefusalInfo {
  method: string;
  /** The param whose value was refused. */
  param: string;
  reason: string;
}

export interface ApiRequest {
  method: string;
  /** Relative (`/clusters/x`, `clusters/x`), API-absolute (`/api/hyperfleet/v1/...`) or absolute. */
  url: string;
  /** A string is sent as is; anything else is JSON-encoded. */
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
  retryAttempts?: number;
  retryBackoff?: RetryBackoff;
  /** The caller's deadline: bounds every attempt and every wait between attempts. */
  signal: AbortSignal;
  /** W3C trace context of the event being handled. */
  traceparent?: string;
  /**
   * `url` as the template text and the values its actions printed (an `api_call`): the
   * values are confined to the route the text fixes, and a URL whose start is a value must
   * stay under the API base path on the API's origin.
   */
  urlParts?: readonly UrlPart[];
}

export interface ApiResponse {
  method: string;
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
  /** The parsed body when it is JSON (or unlabelled and parses); otherwise undefined. */
  json: unknown;
  attempts: number;
  durationMs: number;
  /** The resolved URL that was called. */
  url: string;
}

/** One attempt, for metrics and traces. Never carries the token or a query string. */
export interface ApiCallInfo {
  method: string;
  url: string;
  attempt: number;
  /** Absent when the attempt got no HTTP answer. */
  status?: number;
  durationMs: number;
  /** `API_TRANSPORT`, `API_TIMEOUT`, `DEADLINE_EXCEEDED`, or the status code a final non-2xx would carry. */
  errorCode?: string;
  willRetry: boolean;
}

interface AttemptOutcome {
  response?: ApiResponse;
  status?: number;
  problem?: ProblemDetails;
  retryAfterMs?: number;
  error?: unknown;
}

/**
 * The HyperFleet API client: URL resolution, bounded retries with jittered backoff, the
 * caller's deadline, and a bearer token that only ever goes to the API's own origin.
 * Cheap to create; connections are pooled by the runtime's fetch.
 */
export class HyperfleetApiClient {
  readonly baseUrl: string;
  readonly version: string;
  readonly #origin: string;
  readonly #timeoutMs: number;
  readonly #retryAttempts: number;
  readonly #retryBackoff: RetryBackoff;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #defaultHeaders: Record<string, string>;
  readonly #token: FileTokenSource | undefined;
  readonly #authScheme: 'Bearer' | 'ServiceAccount';
  readonly #fetch: typeof fetch;
  readonly #random: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #onCall: ((info: ApiCallInfo) => void) | undefined;
  readonly #onRefused: ((info: ApiRefusalInfo) => void) | undefined;
  /** `<base_url path>/api/hyperfleet/<version>/`: where a URL an event supplies may go. */
  readonly #apiRoot: string;
  /** Why the base URL can never be used (credentials in it), or undefined. */
  readonly #baseProblem: string | undefined;

  constructor(options: HyperfleetApiClientOptions) {
    const base = parseHttpUrl(options.baseUrl, 'HyperFleet API base_url');
    if (base.password) {
      registerSecret(base.password);
      registerSecret(decodeURIComponentSafe(base.password));
    }
    this.#baseProblem = urlCredentialsProblem(options.baseUrl, 'HyperFleet API base_url');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#origin = base.origin;
    this.version = options.version ?? 'v1';
    this.#apiRoot = `${base.pathname.replace(/\/+$/, '')}${apiBasePath(this.version)}/`;
    this.#timeoutMs = positive(options.timeoutMs, 10_000);
    this.#retryAttempts = Math.max(1, Math.floor(options.retryAttempts ?? 3));
    this.#retryBackoff = options.retryBackoff ?? 'exponential';
    this.#baseDelayMs = Math.max(0, options.baseDelayMs ?? 1000);
    this.#maxDelayMs = Math.max(0, options.maxDelayMs ?? 30_000);
    this.#defaultHeaders = { ...options.defaultHeaders };
    for (const [name, value] of Object.entries(this.#defaultHeaders))
      if (isSensitiveHeader(name)) registerSecret(value);
    this.#authScheme = options.authScheme ?? 'Bearer';
    this.#token = options.tokenPath
      ? new FileTokenSource(options.tokenPath, options.tokenCacheTtlMs ?? 0)
      : undefined;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#random = options.random ?? Math.random;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#onCall = options.onCall;
    this.#onRefused = options.onRefused;
  }

  resolveUrl(url: string): string {
    return resolveApiUrl(this.baseUrl, this.version, url);
  }

  async request(req: ApiRequest): Promise<ApiResponse> {
    const method = req.method.toUpperCase();
    if (req.urlParts) {
      const refusal = checkUrlParts(req.urlParts);
      if (refusal) throw this.#refuse(method, refusal, req.urlParts);
    }
    if (this.#baseProblem) throw new HyperfleetApiRequestError(this.#baseProblem);
    const credentials = urlCredentialsProblem(req.url, `${method} URL`);
    if (credentials) throw new HyperfleetApiRequestError(credentials);
    const url = this.resolveUrl(req.url);
    const safeUrl = redactUrl(url);
    const lead = req.urlParts?.[0];
    if (lead && !lead.literal && originOf(url) === this.#origin) {
      if (!`${new URL(url).pathname}/`.startsWith(this.#apiRoot)) {
        const param = lead.params.join(', ') || 'the template';
        throw this.#refuse(method, { param, reason: `a path outside ${this.#apiRoot}` }, req.urlParts ?? []);
      }
    }
    const attempts = Math.max(1, Math.floor(req.retryAttempts ?? this.#retryAttempts));
    const policy = {
      strategy: req.retryBackoff ?? this.#retryBackoff,
      baseDelayMs: this.#baseDelayMs,
      maxDelayMs: this.#maxDelayMs,
    };
    const timeoutMs = positive(req.timeoutMs, this.#timeoutMs);
    const body = encodeBody(req.body);
    const toApi = originOf(url) === this.#origin;
    const started = performance.now();
    const deadline = (attempt: number) =>
      new DeadlineExceededError({ method, url: safeUrl, attempts: attempt }, req.signal.reason);

    if (req.signal.aborted) throw deadline(0);
    let last: AttemptOutcome = {};
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const headers = await this.#headers(req, body !== undefined, toApi);
      const attemptStarted = performance.now();
      last = await this.#attempt(url, method, headers, body, timeoutMs, req.signal);
      const durationMs = performance.now() - attemptStarted;
      if (last.response) {
        last.response.attempts = attempt;
        last.response.durationMs = performance.now() - started;
        const status = last.response.status;
        this.#emit({
          method,
          url: safeUrl,
          attempt,
          status,
          durationMs,
          ...(status >= 400
            ? {
                errorCode: codeForStatus(
                  status,
                  parseProblemDetails(last.response.headers['content-type'], last.response.body),
                ),
              }
            : {}),
          willRetry: false,
        });
        return last.response;
      }
      if (req.signal.aborted) {
        this.#emit({
          method,
          url: safeUrl,
          attempt,
          durationMs,
          errorCode: 'DEADLINE_EXCEEDED',
          willRetry: false,
        });
        throw deadline(attempt);
      }
      const willRetry = attempt < attempts;
      this.#emit({
        method,
        url: safeUrl,
        attempt,
        ...(last.status === undefined ? {} : { status: last.status }),
        durationMs,
        errorCode: errorCodeOf(last),
        willRetry,
      });
      if (!willRetry) break;
      const wait =
        last.retryAfterMs === undefined
          ? backoffDelay(attempt, policy, this.#random)
          : Math.min(last.retryAfterMs, this.#maxDelayMs);
      try {
        await this.#sleep(wait, req.signal);
      } catch {
        throw deadline(attempt);
      }
      if (req.signal.aborted) throw deadline(attempt);
    }
    throw new HyperfleetApiUnavailableError(
      {
        method,
        url: safeUrl,
        attempts,
        ...(last.status === undefined ? {} : { lastStatus: last.status }),
        ...(last.problem === undefined ? {} : { problem: redactProblem(last.problem) }),
      },
      last.error,
    );
  }

  async #attempt(
    url: string,
    method: string,
    headers: Headers,
    body: string | undefined,
    timeoutMs: number,
    deadline: AbortSignal,
  ): Promise<AttemptOutcome> {
    const attempt = deadlineSignal(timeoutMs, deadline);
    const signal = attempt.signal;
    try {
      const res = await this.#fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal,
        // A redirect is answered to the caller, never followed with our headers attached.
        redirect: 'manual',
      });
      const text = await res.text();
      const responseHeaders: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        responseHeaders[name.toLowerCase()] = value;
      });
      const contentType = responseHeaders['content-type'];
      if (!isRetryableStatus(res.status)) {
        return {
          response: {
            method,
            status: res.status,
            headers: responseHeaders,
            body: text,
            json: parseJsonBody(contentType, text),
            attempts: 0,
            durationMs: 0,
            url,
          },
        };
      }
      const problem = parseProblemDetails(contentType, text);
      const retryAfterMs = parseRetryAfter(responseHeaders['retry-after']);
      return {
        status: res.status,
        ...(problem ? { problem } : {}),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    } catch (err) {
      if (!deadline.aborted && signal.aborted) {
        return { error: new Error(`attempt timed out after ${timeoutMs}ms`, { cause: err }) };
      }
      return { error: err };
    } finally {
      attempt.dispose();
    }
  }

  #refuse(method: string, refusal: { param: string; reason: string }, parts: readonly UrlPart[]): Error {
    try {
      this.#onRefused?.({ method, param: refusal.param, reason: refusal.reason });
    } catch {
      // A metrics hook must never change the outcome.
    }
    const value = parts.find((p) => !p.literal && (p.params.join(', ') || 'the template') === refusal.param);
    return new ApiUrlRefusedError({ method, ...refusal, ...(value ? { value: value.text } : {}) });
  }

  async #headers(req: ApiRequest, hasBody: boolean, toApi: boolean): Promise<Headers> {
    const headers = new Headers();
    // Checked before Headers.set, whose error would quote the value (a credential, often).
    const set = (name: string, value: string, what: string) => {
      const problem = headerNameProblem(name) ?? headerValueProblem(value);
      if (problem) throw new HyperfleetApiRequestError(`${what} "${safeHeaderName(name)}" ${problem}`);
      headers.set(name, value);
    };
    if (toApi) for (const [k, v] of Object.entries(this.#defaultHeaders)) set(k, v, 'default header');
    for (const [k, v] of Object.entries(req.headers ?? {})) set(k, v, 'request header');
    if (req.traceparent) set('traceparent', req.traceparent, 'request header');
    if (hasBody && !headers.has('content-type')) headers.set('content-type', 'application/json');
    if (!headers.has('user-agent')) headers.set('user-agent', USER_AGENT);
    // The Go adapter attaches the token to every URL; here it never leaves the API's origin.
    if (toApi && this.#token && !headers.has('authorization')) {
      headers.set('authorization', `${this.#authScheme} ${await this.#token.get()}`);
    }
    return headers;
  }

  #emit(info: ApiCallInfo): void {
    if (!this.#onCall) return;
    try {
      this.#onCall(info);
    } catch {
      // A metrics hook must never change the outcome of a call.
    }
  }
}

/** Returns the response when it is 2xx; otherwise throws a typed HyperfleetApiError. */
export function expectOk(resp: ApiResponse): ApiResponse {
  if (resp.status >= 200 && resp.status < 300) return resp;
  const problem = parseProblemDetails(resp.headers['content-type'], resp.body);
  throw new HyperfleetApiError({
    method: resp.method,
    url: redactUrl(resp.url),
    status: resp.status,
    attempts: resp.attempts,
    ...(problem
      ? { problem: redactProblem(problem) }
      : resp.body
        ? { bodySnippet: redactSecrets(resp.body).slice(0, 300) }
        : {}),
  });
}

function safeHeaderName(name: string): string {
  return JSON.stringify(name.slice(0, 64)).slice(1, -1);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function errorCodeOf(outcome: AttemptOutcome): string {
  if (outcome.status !== undefined) return `API_HTTP_${outcome.status}`;
  if (outcome.error instanceof Error && outcome.error.message.startsWith('attempt timed out'))
    return 'API_TIMEOUT';
  return 'API_TRANSPORT';
}

function encodeBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return body;
  try {
    const encoded = JSON.stringify(body);
    if (encoded === undefined) throw new Error(`cannot encode ${typeof body}`);
    return encoded;
  } catch (err) {
    throw new HyperfleetApiRequestError('request body is not JSON-serialisable', err);
  }
}

function parseJsonBody(contentType: string | undefined, body: string): unknown {
  if (body.trim() === '') return undefined;
  if (contentType !== undefined && !contentType.toLowerCase().includes('json')) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
