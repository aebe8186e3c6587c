import { redactSecrets } from '../observability/logger.ts';

/**
 * RFC 9457 problem details as the HyperFleet API sends them (`application/problem+json`).
 * `code` is the API's own stable code (`HYPERFLEET-NTF-001`, ...); `errors` carries
 * per-field validation failures.
 */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  code?: string;
  timestamp?: string;
  trace_id?: string;
  errors?: ProblemFieldError[];
}

export interface ProblemFieldError {
  field: string;
  message: string;
  value?: unknown;
  constraint?: string;
}

/** The API's catch-all 404 (no route matched): a broken URL, not a missing resource. */
export const ENDPOINT_NOT_FOUND_CODE = 'HYPERFLEET-NTF-000';

/** A `HYPERFLEET-NTF-*` code: the API's own 404s (NTF-001 resource, NTF-002 cluster, NTF-003 nodepool). */
const NOT_FOUND_CODE = /^HYPERFLEET-NTF-\d{3}$/;

/**
 * True when `problem` is the HyperFleet API's own "resource not found": problem details
 * carrying a `HYPERFLEET-NTF-*` code other than the catch-all route's (NTF-000). `type`
 * differs between API versions and fixtures (`.../not-found`, `.../resource-not-found`),
 * so the code decides.
 */
export function isHyperfleetNotFound(problem: ProblemDetails | undefined): boolean {
  const code = problem?.code;
  return code !== undefined && NOT_FOUND_CODE.test(code) && code !== ENDPOINT_NOT_FOUND_CODE;
}

const STRING_FIELDS = ['type', 'title', 'detail', 'instance', 'code', 'timestamp', 'trace_id'] as const;

/**
 * Reads problem details from a response body. Accepts `application/problem+json`, and a plain
 * JSON body that has the shape (a proxy or an older API may relabel it). Returns undefined for
 * anything else, so a caller can fall back to the raw body.
 */
export function parseProblemDetails(
  contentType: string | undefined,
  body: string,
): ProblemDetails | undefined {
  if (body.trim() === '') return undefined;
  const ct = (contentType ?? '').toLowerCase();
  const declared = ct.includes('application/problem+json');
  if (!declared && !ct.includes('json') && ct !== '') return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const obj = raw as Record<string, unknown>;
  if (
    !declared &&
    !(
      typeof obj['status'] === 'number' &&
      (typeof obj['title'] === 'string' || typeof obj['type'] === 'string')
    )
  ) {
    return undefined;
  }
  const out: ProblemDetails = {};
  for (const key of STRING_FIELDS) {
    const v = obj[key];
    if (typeof v === 'string') out[key] = v;
  }
  if (typeof obj['status'] === 'number') out.status = obj['status'];
  if (Array.isArray(obj['errors'])) {
    out.errors = obj['errors'].flatMap((e): ProblemFieldError[] => {
      if (e === null || typeof e !== 'object') return [];
      const fe = e as Record<string, unknown>;
      const item: ProblemFieldError = {
        field: typeof fe['field'] === 'string' ? fe['field'] : '',
        message: typeof fe['message'] === 'string' ? fe['message'] : '',
      };
      if ('value' in fe) item.value = fe['value'];
      if (typeof fe['constraint'] === 'string') item.constraint = fe['constraint'];
      return [item];
    });
  }
  return out;
}

/** `problem` with every text a peer could have filled with our headers passed through `redactSecrets`. */
export function redactProblem(problem: ProblemDetails): ProblemDetails {
  const out: ProblemDetails = { ...problem };
  for (const key of STRING_FIELDS) {
    const v = out[key];
    if (v !== undefined) out[key] = redactSecrets(v);
  }
  if (out.errors) {
    out.errors = out.errors.map((e) => ({
      ...e,
      field: redactSecrets(e.field),
      message: redactSecrets(e.message),
      ...(typeof e.value === 'string' ? { value: redactSecrets(e.value) } : {}),
    }));
  }
  return out;
}
