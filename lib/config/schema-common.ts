/** Pieces every config schema shares: Go-compatible scalars, names, enums, API calls. */
import { z } from 'zod';
import { parseGoDuration, timerMs } from './duration.ts';

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

/** Go's yaml.v3 decodes any scalar into a string field; so do we for fields where that happens in practice. */
export const scalarString = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

/** A Go duration string, normalized to milliseconds (capped at what a timer holds). */
export const duration = z.string().transform((text, ctx) => {
  const ms = parseGoDuration(text);
  if (ms === undefined || ms < 0) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid duration ${JSON.stringify(text)}`,
      params: { hint: 'use Go duration syntax, e.g. 500ms, 10s, 1m30s' },
    });
    return z.NEVER;
  }
  return timerMs(ms);
});

/** Names that CEL and templates can refer to as bare identifiers. */
export const IDENTIFIER = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Go's `resourcename` rule (preconditions, post actions, resources, nested discoveries). */
export const STEP_NAME = /^[a-z][a-zA-Z0-9_]*$/;

export const identifier = z.string().regex(IDENTIFIER, {
  message: 'must be a CEL-safe identifier (letters, digits, underscores; not starting with a digit)',
});
export const stepName = z.string().regex(STEP_NAME, {
  message: 'must start with a lowercase letter and contain only letters, digits and underscores (no hyphens)',
});

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const RETRY_BACKOFFS = ['exponential', 'linear', 'constant'] as const;
export const OPERATORS = [
  'equals',
  'notEquals',
  'in',
  'notIn',
  'contains',
  'greaterThan',
  'lessThan',
  'exists',
] as const;
export const PARAM_TYPES = ['string', 'int', 'int64', 'float', 'float64', 'bool'] as const;
export const PROPAGATION_POLICIES = ['Background', 'Foreground', 'Orphan'] as const;
export const TRANSPORT_CLIENTS = ['kubernetes', 'maestro'] as const;

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

const header = z.strictObject({ name: z.string().min(1), value: scalarString });

export const ApiCallSchema = z
  .strictObject({
    method: z.enum(HTTP_METHODS),
    url: z.string().min(1),
    body: z.string().optional(),
    headers: z.array(header).default([]),
    timeout: duration.optional(),
    retry_attempts: z.int().min(0).optional(),
    retry_backoff: z.enum(RETRY_BACKOFFS).optional(),
  })
  .transform(({ timeout, ...rest }) => ({ ...rest, timeout_ms: timeout }));
export type ApiCall = z.output<typeof ApiCallSchema>;

export const when = z.strictObject({ expression: z.string().trim().min(1) });
export type When = z.output<typeof when>;

export const logAction = z.strictObject({
  message: z.string(),
  level: z.enum(['debug', 'info', 'warn', 'warning', 'error']).default('info'),
});
export type LogAction = z.output<typeof logAction>;

/** `{field}` or `{expression}` (exactly one), as used by captures. */
export function exactlyOneOf<T extends Record<string, unknown>>(
  value: T,
  keys: readonly (keyof T & string)[],
  ctx: z.RefinementCtx,
): boolean {
  const present = keys.filter((k) => value[k] !== undefined);
  if (present.length === 1) return true;
  ctx.addIssue({
    code: 'custom',
    message:
      present.length === 0
        ? `one of ${keys.map((k) => `\`${k}\``).join(', ')} is required`
        : `${present.map((k) => `\`${k}\``).join(' and ')} are mutually exclusive`,
    path: present.length > 1 ? [present[1]!] : [],
  });
  return false;
}
