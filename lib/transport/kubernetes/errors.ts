import { AdapterError } from '../../errors.ts';
import type { ObjectRef } from '../types.ts';

/** What a failed call was doing, so an error can say it without the caller re-stating it. */
export interface KubeCallSite {
  /** Kubernetes verb: get, list, patch (server-side apply), delete. */
  verb: string;
  /** The object (for list: its kind, name empty) the call was about. */
  ref: ObjectRef;
  /** Plural resource name with group (`deployments.apps`), when discovery got that far. */
  resource?: string;
}

/** One field-level complaint of the API server (`status.details.causes[]`). */
export interface KubeCause {
  field?: string;
  reason?: string;
  message?: string;
}

/** The subset of a `metav1.Status` the classification reads. */
export interface KubeStatus {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: KubeCause[] };
}

/**
 * Base of every error the Kubernetes transport raises. It carries the object identity and the
 * HTTP status (0 when the request never got an answer), so the executor can report which
 * resource failed without parsing a message.
 */
export class KubeError extends AdapterError {
  readonly ref: ObjectRef;
  readonly verb: string;
  readonly resource: string | undefined;
  readonly httpStatus: number;
  /** The API server's own message, unchanged. */
  readonly serverMessage: string;

  constructor(
    code: string,
    message: string,
    site: KubeCallSite & { httpStatus: number; serverMessage: string },
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.ref = site.ref;
    this.verb = site.verb;
    this.resource = site.resource;
    this.httpStatus = site.httpStatus;
    this.serverMessage = site.serverMessage;
  }
}

/** 403: the identity may not do this verb on this resource in this namespace. */
export class KubeForbiddenError extends KubeError {}
/** 401: the credentials were refused (expired token, wrong CA-signed cert). */
export class KubeUnauthorizedError extends KubeError {}
/** 404 on something that had to exist (the namespace of an apply), or a kind the server does not serve. */
export class KubeNotFoundError extends KubeError {}
/** 409: a server-side apply field conflict with another manager, or AlreadyExists. */
export class KubeConflictError extends KubeError {}
/** 400/422 and other refusals of the request itself; `causes` are the server's field complaints. */
export class KubeInvalidError extends KubeError {
  readonly causes: KubeCause[];
  constructor(
    message: string,
    site: KubeCallSite & { httpStatus: number; serverMessage: string },
    causes: KubeCause[],
  ) {
    super('KUBE_INVALID', message, site);
    this.causes = causes;
  }
}
/** Connection refused or reset, timeouts, 429, 5xx: the same call later may succeed. */
export class KubeUnavailableError extends KubeError {}

export function describeRef(ref: ObjectRef): string {
  const where = ref.namespace ? ` in namespace ${ref.namespace}` : '';
  const name = ref.name ? ` ${ref.name}` : '';
  return `${ref.apiVersion} ${ref.kind}${name}${where}`;
}

function describeTarget(site: KubeCallSite): string {
  const resource = site.resource ?? `${site.ref.apiVersion} ${site.ref.kind}`;
  const name = site.ref.name ? ` ${site.ref.name}` : '';
  const where = site.ref.namespace ? `in namespace ${site.ref.namespace}` : 'cluster-wide';
  return `${resource}${name} ${where}`;
}

function formatCauses(causes: KubeCause[]): string {
  return causes
    .map((c) => [c.field, c.message ?? c.reason].filter((s) => s !== undefined && s !== '').join(': '))
    .filter((s) => s !== '')
    .join('; ');
}

/** Map an API server answer (non-2xx) to the error class a caller switches on. */
export function classifyStatus(site: KubeCallSite, httpStatus: number, body: unknown): KubeError {
  const status = asStatus(body);
  const serverMessage = status?.message ?? (typeof body === 'string' ? body.slice(0, 500) : '');
  const full = { ...site, httpStatus, serverMessage };
  const target = describeTarget(site);
  const suffix = serverMessage ? `: ${serverMessage}` : '';
  if (httpStatus === 403) {
    return new KubeForbiddenError('KUBE_FORBIDDEN', `forbidden to ${site.verb} ${target}${suffix}`, full);
  }
  if (httpStatus === 401) {
    return new KubeUnauthorizedError(
      'KUBE_UNAUTHORIZED',
      `unauthorized to ${site.verb} ${target}${suffix}`,
      full,
    );
  }
  if (httpStatus === 404) {
    return new KubeNotFoundError('KUBE_NOT_FOUND', `${site.verb} ${target}: not found${suffix}`, full);
  }
  if (httpStatus === 409) {
    return new KubeConflictError('KUBE_CONFLICT', `${site.verb} ${target}: conflict${suffix}`, full);
  }
  if (httpStatus === 429 || httpStatus >= 500) {
    return new KubeUnavailableError(
      'KUBE_UNAVAILABLE',
      `${site.verb} ${target}: API server answered ${httpStatus}${suffix}`,
      full,
      { retryable: true },
    );
  }
  const causes = status?.details?.causes ?? [];
  const detail = causes.length > 0 ? ` (${formatCauses(causes)})` : '';
  return new KubeInvalidError(
    `${site.verb} ${target}: rejected with ${httpStatus}${suffix}${detail}`,
    full,
    causes,
  );
}

/** The request never got an HTTP answer: refused, reset, timed out, or the caller's deadline passed. */
export function classifyNetworkError(site: KubeCallSite, err: unknown): KubeUnavailableError {
  const reason = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  const label = typeof code === 'string' && !reason.includes(code) ? `${code} ${reason}` : reason;
  return new KubeUnavailableError(
    'KUBE_UNAVAILABLE',
    `${site.verb} ${describeTarget(site)}: no answer from the API server: ${label}`,
    { ...site, httpStatus: 0, serverMessage: '' },
    { retryable: true, cause: err },
  );
}

function asStatus(body: unknown): KubeStatus | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const s = body as KubeStatus;
  return s.kind === 'Status' || typeof s.message === 'string' ? s : undefined;
}
