import { AdapterError } from '../../errors.ts';

/**
 * Every failure the Maestro transport raises on purpose. The code is what the executor and
 * metrics switch on; `retryable` follows the rule "could the same event succeed later".
 */
export class MaestroError extends AdapterError {}

/** The work targets a consumer Maestro does not know (foreign key on publish). Never heals by itself. */
export class MaestroConsumerNotRegisteredError extends MaestroError {
  readonly consumer: string;
  constructor(consumer: string, options: { cause?: unknown } = {}) {
    super(
      'MAESTRO_CONSUMER_NOT_REGISTERED',
      `Maestro consumer "${consumer}" is not registered (register it with POST /api/maestro/v1/consumers)`,
      { retryable: false, ...options },
    );
    this.consumer = consumer;
  }
}

/** Optimistic lock lost: someone published a newer version in between. A re-read fixes it. */
export class MaestroStaleVersionError extends MaestroError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('MAESTRO_STALE_VERSION', message, { retryable: true, ...options });
  }
}

/** The work fails Maestro's (or our pre-publish) validation: the rendered config is wrong. */
export class MaestroInvalidBundleError extends MaestroError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('MAESTRO_INVALID_BUNDLE', message, { retryable: false, ...options });
  }
}

/** The server (gRPC or REST) cannot be reached or failed internally; a later delivery may work. */
export class MaestroUnavailableError extends MaestroError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('MAESTRO_UNAVAILABLE', message, { retryable: true, ...options });
  }
}

/** Credentials refused (TLS identity, token, or the SubjectAccessReview on /sources/<id>). */
export class MaestroUnauthorizedError extends MaestroError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('MAESTRO_UNAUTHORIZED', message, { retryable: false, ...options });
  }
}

/** The work is being deleted; an update must wait until the agent confirms the deletion. */
export class MaestroUnderDeletionError extends MaestroError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('MAESTRO_UNDER_DELETION', message, { retryable: true, ...options });
  }
}

/** Misconfiguration of the transport itself (options, unreadable cert files). */
export class MaestroConfigError extends MaestroError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('MAESTRO_CONFIG_INVALID', message, { retryable: false, ...options });
  }
}

/** gRPC status codes we branch on (numbers from the gRPC spec, so no grpc import is needed). */
const GRPC = {
  CANCELLED: 1,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  ABORTED: 10,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/**
 * Classify a failed Publish. Maestro reports almost everything as UNKNOWN with a
 * `failed to <op>: maestro-<n>: <reason>` message, so the message is what we match.
 */
export function classifyPublishError(err: unknown, consumer: string): MaestroError {
  if (err instanceof MaestroError) return err;
  const code = typeof (err as { code?: unknown })?.code === 'number' ? (err as { code: number }).code : -1;
  const details = String((err as { details?: unknown })?.details ?? (err as Error)?.message ?? err);
  const options = { cause: err };
  if (details.includes('fk_resources_consumers'))
    return new MaestroConsumerNotRegisteredError(consumer, options);
  if (details.includes('is not the latest'))
    return new MaestroStaleVersionError(`Maestro: ${details}`, options);
  if (details.includes('under deletion'))
    return new MaestroUnderDeletionError(`Maestro: ${details}`, options);
  if (details.includes('maestro-8') || details.includes('is invalid')) {
    return new MaestroInvalidBundleError(`Maestro rejected the ManifestWork: ${details}`, options);
  }
  if (
    code === GRPC.UNAUTHENTICATED ||
    code === GRPC.PERMISSION_DENIED ||
    details.includes('unauthorized to')
  ) {
    return new MaestroUnauthorizedError(`Maestro refused the credentials: ${details}`, options);
  }
  if (code === GRPC.RESOURCE_EXHAUSTED) {
    return new MaestroInvalidBundleError(`ManifestWork too large for Maestro: ${details}`, options);
  }
  if (
    code === GRPC.UNAVAILABLE ||
    code === GRPC.DEADLINE_EXCEEDED ||
    code === GRPC.CANCELLED ||
    code === GRPC.ABORTED ||
    code === GRPC.INTERNAL ||
    details.includes('maestro-9')
  ) {
    return new MaestroUnavailableError(`Maestro unavailable: ${details}`, options);
  }
  if (details.includes('maestro-6') && details.includes('already exists')) {
    return new MaestroError('MAESTRO_ALREADY_EXISTS', `Maestro: ${details}`, { retryable: true, ...options });
  }
  if (details.includes('maestro-7')) {
    return new MaestroError('MAESTRO_NOT_FOUND', `Maestro: ${details}`, { retryable: true, ...options });
  }
  return new MaestroError('MAESTRO_PUBLISH_FAILED', `Maestro publish failed: ${details}`, {
    retryable: code !== GRPC.UNKNOWN,
    ...options,
  });
}

/** Classify a REST failure by HTTP status (`undefined` = no response at all). */
export function classifyHttpError(
  status: number | undefined,
  body: string,
  what: string,
  cause?: unknown,
): MaestroError {
  const options = { cause };
  // No answer at all: say why the connection failed (DNS, refused, TLS), not "no response body".
  const reason = status === undefined && cause !== undefined ? describeCause(cause) : describeRestError(body);
  if (status === undefined || status >= 500 || status === 408 || status === 429) {
    return new MaestroUnavailableError(
      `Maestro REST ${what} failed${status ? ` (${status})` : ''}: ${reason}`,
      options,
    );
  }
  if (status === 401 || status === 403) {
    return new MaestroUnauthorizedError(`Maestro REST ${what} refused (${status}): ${reason}`, options);
  }
  return new MaestroError(
    'MAESTRO_REQUEST_FAILED',
    `Maestro REST ${what} failed (${status}): ${reason}`,
    options,
  );
}

function describeCause(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  const inner = (cause as { cause?: { code?: string; message?: string } }).cause;
  const code = (cause as { code?: unknown }).code ?? inner?.code;
  if (typeof code === 'string' && !message.includes(code)) return `${message} (${code})`;
  return inner?.message && !message.includes(inner.message) ? `${message}: ${inner.message}` : message;
}

function describeRestError(body: string): string {
  try {
    const parsed = JSON.parse(body) as { code?: string; reason?: string };
    if (parsed.reason) return parsed.code ? `${parsed.code}: ${parsed.reason}` : parsed.reason;
  } catch {
    // not the Maestro error shape: show the raw text
  }
  return body.slice(0, 300) || 'no response body';
}
