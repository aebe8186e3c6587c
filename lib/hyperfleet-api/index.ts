export type { BackoffPolicy, RetryBackoff } from './backoff.ts';
export { abortableSleep, backoffDelay, parseRetryAfter } from './backoff.ts';
export type {
  ApiCallInfo,
  ApiRefusalInfo,
  ApiRequest,
  ApiResponse,
  HyperfleetApiClientOptions,
} from './client.ts';
export { expectOk, HyperfleetApiClient, USER_AGENT } from './client.ts';
export type { UrlPart, UrlRefusal } from './confine.ts';
export { checkUrlParts, splitUrlTemplate } from './confine.ts';
export type { HttpErrorDetails } from './errors.ts';
export {
  ApiUrlRefusedError,
  codeForStatus,
  DeadlineExceededError,
  HyperfleetApiError,
  HyperfleetApiRequestError,
  HyperfleetApiUnavailableError,
  HyperfleetTokenError,
  isRetryableStatus,
} from './errors.ts';
export { headerValueProblem, isSensitiveHeader } from './headers.ts';
export { hyperfleetIdProblem } from './ids.ts';
export type { ProblemDetails, ProblemFieldError } from './problem.ts';
export {
  ENDPOINT_NOT_FOUND_CODE,
  isHyperfleetNotFound,
  parseProblemDetails,
  redactProblem,
} from './problem.ts';
export { FileTokenSource } from './token.ts';
export { apiBasePath, redactUrl, resolveApiUrl, urlCredentialsProblem } from './url.ts';
