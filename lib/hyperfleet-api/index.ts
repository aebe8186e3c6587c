export type { BackoffPolicy, RetryBackoff } from './backoff.ts';
export { abortableSleep, backoffDelay, parseRetryAfter } from './backoff.ts';
export type { ApiCallInfo, ApiRequest, ApiResponse, HyperfleetApiClientOptions } from './client.ts';
export { expectOk, HyperfleetApiClient, USER_AGENT } from './client.ts';
export type { HttpErrorDetails } from './errors.ts';
export {
  codeForStatus,
  DeadlineExceededError,
  HyperfleetApiError,
  HyperfleetApiRequestError,
  HyperfleetApiUnavailableError,
  HyperfleetTokenError,
  isRetryableStatus,
} from './errors.ts';
export type { ProblemDetails, ProblemFieldError } from './problem.ts';
export { ENDPOINT_NOT_FOUND_CODE, parseProblemDetails } from './problem.ts';
export { FileTokenSource } from './token.ts';
export { apiBasePath, redactUrl, resolveApiUrl } from './url.ts';
