/**
 * RFC 9457 problem details with the real API's `type` URIs, titles and HYPERFLEET-* codes, so
 * a client that switches on them is tested against what production sends.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
}

const TYPE_BASE = 'https://api.hyperfleet.io/errors/';

function make(kind: string, title: string, status: number, code: string, detail: string): Problem {
  return { type: TYPE_BASE + kind, title, status, code, detail };
}

export const problem = {
  validation: (detail: string) =>
    make('validation-error', 'Validation Failed', 400, 'HYPERFLEET-VAL-000', detail),
  malformed: (detail: string) =>
    make('malformed-request', 'Malformed Request', 400, 'HYPERFLEET-VAL-006', detail),
  /** Query parameter not a number (page, size). */
  format: (detail: string) => make('validation-error', 'Invalid Format', 400, 'HYPERFLEET-VAL-003', detail),
  range: (detail: string) =>
    make('validation-error', 'Value Out of Range', 400, 'HYPERFLEET-VAL-004', detail),
  badRequest: (detail: string) => make('bad-request', 'Bad Request', 400, 'HYPERFLEET-VAL-005', detail),
  exists: (kind: string) =>
    make('conflict', 'Resource Conflict', 409, 'HYPERFLEET-CNF-001', `This ${kind} already exists`),
  markedForDeletion: (kind: string, id: string) =>
    make('conflict', 'State Conflict', 409, 'HYPERFLEET-CNF-003', `${kind} '${id}' is marked for deletion`),
  notFound: (detail: string) => make('not-found', 'Resource Not Found', 404, 'HYPERFLEET-NTF-001', detail),
  endpointNotFound: (path: string) =>
    make(
      'not-found',
      'Endpoint Not Found',
      404,
      'HYPERFLEET-NTF-000',
      `The requested endpoint '${path}' does not exist`,
    ),
  noCredentials: (detail: string) =>
    make('authentication-error', 'Authentication Required', 401, 'HYPERFLEET-AUT-001', detail),
  invalidCredentials: (detail: string) =>
    make('authentication-error', 'Invalid Credentials', 401, 'HYPERFLEET-AUT-002', detail),
  /** Injected faults: the closest real problem for the status. */
  forStatus: (status: number, detail: string): Problem => {
    if (status === 429) return make('rate-limit', 'Rate Limit Exceeded', 429, 'HYPERFLEET-LMT-001', detail);
    if (status === 503)
      return make('service-unavailable', 'Service Unavailable', 503, 'HYPERFLEET-SVC-001', detail);
    if (status === 504)
      return make('service-unavailable', 'Service Timeout', 504, 'HYPERFLEET-SVC-002', detail);
    if (status === 409) return make('conflict', 'Resource Conflict', 409, 'HYPERFLEET-CNF-001', detail);
    if (status === 404) return make('not-found', 'Resource Not Found', 404, 'HYPERFLEET-NTF-001', detail);
    if (status >= 400 && status < 500)
      return make('bad-request', 'Bad Request', status, 'HYPERFLEET-VAL-005', detail);
    return make('internal-error', 'Internal Server Error', status, 'HYPERFLEET-INT-001', detail);
  },
};

/** `traceId` is the request's X-Request-Id; empty for paths outside the API's routes, as the real router answers them. */
export function problemBody(p: Problem, instance: string, traceId: string, timestamp: string): string {
  return JSON.stringify({ ...p, instance, timestamp, trace_id: traceId });
}
