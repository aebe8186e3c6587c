/**
 * The shape of a HyperFleet resource id. The API generates lowercase RFC 4122 UUIDv7s
 * (`019ed716-f3cf-7b8e-b400-0796be4722c3`), documented as DNS-1123 compliant because adapters
 * put them into Kubernetes names; it looks ids up as given (only a nodepool's parent id is
 * parsed as a UUID). The edge holds an event's `id`s to that shape, a DNS-1123 label: every
 * id the API hands out passes, and nothing that could change a URL's route (`/`, `..`, `%`,
 * `?`, `#`, control characters) or a Kubernetes name does.
 */
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_ID_LENGTH = 63;

/** Why `id` is not a HyperFleet resource id (a phrase after "data.id "), or undefined when it is. */
export function hyperfleetIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return `must be a string, got ${id === null ? 'null' : typeof id}`;
  if (id === '') return 'is empty';
  if (id.length > MAX_ID_LENGTH) return `is ${id.length} characters long (at most ${MAX_ID_LENGTH})`;
  if (!DNS_1123_LABEL.test(id))
    return 'is not a HyperFleet id (lowercase letters, digits and inner "-", as the API generates them)';
  return undefined;
}
