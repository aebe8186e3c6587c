/**
 * The adapter configuration language, once: these zod schemas are the only description of
 * what an AdapterConfig (deployment: where things are) and an AdapterTaskConfig (business
 * logic: params -> preconditions -> resources -> post) may contain. Every exported type is
 * `z.output` of a schema, i.e. the NORMALIZED shape the executor consumes:
 *
 * - keys are canonical snake_case (camelCase aliases were renamed before validation, see
 *   aliases.ts); only `lifecycle.delete.propagationPolicy` stays camelCase, as in Go;
 * - objects are strict (an unknown key is an error, like the Go adapter's KnownFields);
 * - Go durations ("10s", "1m30s") become milliseconds under a `*_ms` key
 *   (`timeout` -> `timeout_ms`, `base_delay` -> `base_delay_ms`, ...);
 * - defaults are filled (HyperFleet API: version v1, timeout 10s, 3 attempts, exponential,
 *   base delay 1s, max delay 30s; Maestro: timeout 10s, healthiness 20s, client_id = source_id);
 * - a param `source` is a discriminated union (`path` | `api_call` | `expression` | `file`);
 * - a resource `manifest` is `{kind:'inline', value}` or `{kind:'ref', ref, path, text}` with
 *   the referenced file already read (raw text: it is a Go template, rendered before parsing);
 * - a payload's `build` (inline or from `build_ref`) is a BuildValue tree.
 *
 * Rules that need the whole document (unique names, names visible to templates and CEL) live in
 * semantic.ts; this file holds the rules one node can check by itself.
 */
import { z } from 'zod';
import { type BuildValue, toBuildValue } from './build.ts';
import { parseGoDuration } from './duration.ts';

export type { BuildValue } from './build.ts';

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

/** Go's yaml.v3 decodes any scalar into a string field; so do we for fields where that happens in practice. */
const scalarString = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

/** A Go duration string, normalized to milliseconds. */
const duration = z.string().transform((text, ctx) => {
  const ms = parseGoDuration(text);
  if (ms === undefined || ms < 0) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid duration ${JSON.stringify(text)}`,
      params: { hint: 'use Go duration syntax, e.g. 500ms, 10s, 1m30s' },
    });
    return z.NEVER;
  }
  return ms;
});

/** Names that CEL and templates can refer to as bare identifiers. */
export const IDENTIFIER = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Go's `resourcename` rule (preconditions, post actions, resources, nested discoveries). */
export const STEP_NAME = /^[a-z][a-zA-Z0-9_]*$/;

const identifier = z.string().regex(IDENTIFIER, {
  message: 'must be a CEL-safe identifier (letters, digits, underscores; not starting with a digit)',
});
const stepName = z.string().regex(STEP_NAME, {
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

const when = z.strictObject({ expression: z.string().trim().min(1) });
export type When = z.output<typeof when>;

const logAction = z.strictObject({
  message: z.string(),
  level: z.enum(['debug', 'info', 'warn', 'warning', 'error']).default('info'),
});
export type LogAction = z.output<typeof logAction>;

/** `{field}` or `{expression}` (exactly one), as used by captures. */
function exactlyOneOf<T extends Record<string, unknown>>(
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

// ---------------------------------------------------------------------------------------------
// AdapterConfig
// ---------------------------------------------------------------------------------------------

const hyperfleetApi = z
  .strictObject({
    base_url: z.string().optional(),
    version: z.string().min(1).default('v1'),
    timeout: duration.prefault('10s'),
    retry_attempts: z.int().min(0).default(3),
    retry_backoff: z.enum(RETRY_BACKOFFS).default('exponential'),
    base_delay: duration.prefault('1s'),
    max_delay: duration.prefault('30s'),
    default_headers: z.record(z.string(), scalarString).default({}),
    auth: z
      .strictObject({
        token_path: z.string().startsWith('/', { message: 'must be an absolute path' }),
        token_cache_ttl: duration.optional(),
      })
      .transform(({ token_cache_ttl, ...rest }) => ({ ...rest, token_cache_ttl_ms: token_cache_ttl ?? 0 }))
      .optional(),
  })
  .transform(({ timeout, base_delay, max_delay, ...rest }) => ({
    ...rest,
    timeout_ms: timeout,
    base_delay_ms: base_delay,
    max_delay_ms: max_delay,
  }));

const maestro = z
  .strictObject({
    grpc_server_address: z.string().optional(),
    http_server_address: z
      .string()
      .regex(/^https?:\/\//, { message: 'must start with http:// or https://' })
      .optional(),
    source_id: z.string().min(1),
    client_id: z.string().optional(),
    insecure: z.boolean().default(false),
    timeout: duration.prefault('10s'),
    server_healthiness_timeout: duration.prefault('20s'),
    retry_attempts: z.int().min(0).optional(),
    keepalive: z
      .strictObject({ time: duration.optional(), timeout: duration.optional() })
      .transform(({ time, timeout }) => ({ time_ms: time, timeout_ms: timeout }))
      .optional(),
    auth: z
      .strictObject({
        type: z.enum(['tls', 'token', 'none']).optional(),
        token_path: z.string().optional(),
        tls_config: z
          .strictObject({
            ca_file: z.string().optional(),
            cert_file: z.string().optional(),
            key_file: z.string().optional(),
            server_name: z.string().optional(),
            http_ca_file: z.string().optional(),
          })
          .optional(),
      })
      .optional(),
  })
  .superRefine((m, ctx) => {
    if (m.http_server_address?.startsWith('http://') && !m.insecure) {
      ctx.addIssue({
        code: 'custom',
        path: ['http_server_address'],
        message: 'must use https:// unless `insecure: true`',
      });
    }
  })
  .transform(({ timeout, server_healthiness_timeout, ...rest }) => ({
    ...rest,
    client_id: rest.client_id ?? rest.source_id,
    timeout_ms: timeout,
    server_healthiness_timeout_ms: server_healthiness_timeout,
  }));

const kubernetes = z.strictObject({
  api_version: z.string().optional(),
  kube_config_path: z.string().optional(),
  qps: z.number().min(0).optional(),
  burst: z.int().min(0).optional(),
});

export const AdapterConfigSchema = z.strictObject({
  adapter: z.strictObject({
    name: z.string().min(1),
    version: scalarString.optional(),
  }),
  debug_config: z.boolean().default(false),
  log: z
    .strictObject({
      level: z.enum(['trace', 'debug', 'info', 'warn', 'warning', 'error', 'fatal']).optional(),
      format: z.enum(['json', 'text']).optional(),
      output: z.string().optional(),
    })
    .default({}),
  clients: z
    .strictObject({
      hyperfleet_api: hyperfleetApi.prefault({}),
      broker: z
        .strictObject({ subscription_id: z.string().optional(), topic: z.string().optional() })
        .optional(),
      maestro: maestro.optional(),
      kubernetes: kubernetes.optional(),
    })
    .prefault({}),
});
export type AdapterConfig = z.output<typeof AdapterConfigSchema>;

// ---------------------------------------------------------------------------------------------
// AdapterTaskConfig
// ---------------------------------------------------------------------------------------------

/** Reads the file a `manifest.ref` / `build_ref` names (resolution and escape checks in refs.ts). */
export type RefResolver = (
  ref: string,
) => { ok: true; path: string; text: string } | { ok: false; message: string; hint?: string };

const fileSource = z
  .strictObject({ path: z.string().min(1), trim: z.boolean().default(true) })
  .transform((f) => ({ path: f.path, trim: f.trim }));

const paramSource = z.union([
  z
    .string()
    .trim()
    .min(1, { message: 'source must not be empty' })
    .transform((path) => ({ kind: 'path' as const, path })),
  z
    .strictObject({
      api_call: ApiCallSchema.optional(),
      expression: z.string().trim().min(1, { message: 'expression must not be empty' }).optional(),
      file: fileSource.optional(),
    })
    .superRefine((s, ctx) => {
      exactlyOneOf(s, ['api_call', 'expression', 'file'], ctx);
    })
    .transform((s): ParamSourceOut => {
      if (s.api_call) return { kind: 'api_call', api_call: s.api_call };
      if (s.expression !== undefined) return { kind: 'expression', expression: s.expression };
      return { kind: 'file', file: s.file! };
    }),
]);
type ParamSourceOut =
  | { kind: 'api_call'; api_call: ApiCall }
  | { kind: 'expression'; expression: string }
  | { kind: 'file'; file: { path: string; trim: boolean } };
export type ParamSource = z.output<typeof paramSource>;

export const ParamSchema = z.strictObject({
  name: identifier,
  source: paramSource,
  type: z.enum(PARAM_TYPES).optional(),
  default: z.unknown().optional(),
  required: z.boolean().default(false),
  description: z.string().optional(),
});
export type Param = z.output<typeof ParamSchema>;

const capture = z
  .strictObject({
    name: identifier,
    field: z.string().min(1).optional(),
    expression: z.string().trim().min(1).optional(),
    default: z.unknown().optional(),
  })
  .superRefine((c, ctx) => {
    exactlyOneOf(c, ['field', 'expression'], ctx);
  })
  .transform(
    (c): Capture =>
      c.field !== undefined
        ? { name: c.name, kind: 'field', field: c.field, default: c.default }
        : { name: c.name, kind: 'expression', expression: c.expression!, default: c.default },
  );
export type Capture = { name: string; default?: unknown } & (
  | { kind: 'field'; field: string }
  | { kind: 'expression'; expression: string }
);

const condition = z
  .strictObject({
    field: z.string().min(1),
    operator: z.enum(OPERATORS),
    value: z.unknown().optional(),
    values: z.unknown().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.value !== undefined && c.values !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['values'],
        message: '`value` and `values` are mutually exclusive',
      });
      return;
    }
    const v = c.value ?? c.values;
    if (c.operator === 'exists') {
      if (v !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [c.value !== undefined ? 'value' : 'values'],
          message: 'operator `exists` takes no value',
        });
    } else if (v === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['operator'],
        message: `operator \`${c.operator}\` needs a \`value\``,
      });
    } else if ((c.operator === 'in' || c.operator === 'notIn') && !Array.isArray(v)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.value !== undefined ? 'value' : 'values'],
        message: `operator \`${c.operator}\` needs a list value`,
      });
    }
  })
  .transform((c) => ({ field: c.field, operator: c.operator, value: c.value ?? c.values }));
export type Condition = z.output<typeof condition>;
export type Operator = Condition['operator'];

export const PreconditionSchema = z
  .strictObject({
    name: stepName,
    log: logAction.optional(),
    api_call: ApiCallSchema.optional(),
    capture: z.array(capture).default([]),
    conditions: z.array(condition).default([]),
    expression: z.string().trim().min(1).optional(),
  })
  .superRefine((p, ctx) => {
    if (!p.api_call && p.conditions.length === 0 && p.expression === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'a precondition needs `api_call`, `conditions` or `expression`',
      });
    }
  });
export type Precondition = z.output<typeof PreconditionSchema>;

const discovery = z
  .strictObject({
    namespace: z.string().optional(),
    by_name: z.string().min(1).optional(),
    by_selectors: z
      .strictObject({
        label_selector: z
          .record(z.string(), scalarString)
          .refine((m) => Object.keys(m).length > 0, { message: 'label_selector needs at least one label' }),
      })
      .optional(),
  })
  .superRefine((d, ctx) => {
    exactlyOneOf(d, ['by_name', 'by_selectors'], ctx);
  });
export type Discovery = z.output<typeof discovery>;

const nestedDiscovery = z.strictObject({ name: stepName, discovery });
export type NestedDiscovery = z.output<typeof nestedDiscovery>;

export type Manifest =
  | { kind: 'inline'; value: Record<string, unknown> }
  | { kind: 'ref'; ref: string; path: string; text: string };

function manifestSchema(resolveRef: RefResolver) {
  return z.record(z.string(), z.unknown()).transform((m, ctx): Manifest => {
    if (!('ref' in m)) return { kind: 'inline', value: m };
    for (const key of Object.keys(m)) {
      if (key !== 'ref')
        ctx.addIssue({ code: 'custom', path: [key], message: `unknown key \`${key}\` next to \`ref\`` });
    }
    const ref = m['ref'];
    if (typeof ref !== 'string' || ref.trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['ref'], message: 'ref must be a non-empty file path' });
      return z.NEVER;
    }
    const loaded = resolveRef(ref);
    if (!loaded.ok) {
      ctx.addIssue({ code: 'custom', path: ['ref'], message: loaded.message, params: { hint: loaded.hint } });
      return z.NEVER;
    }
    return { kind: 'ref', ref, path: loaded.path, text: loaded.text };
  });
}

function resourceSchema(resolveRef: RefResolver) {
  return z
    .strictObject({
      name: stepName,
      transport: z
        .strictObject({
          client: z.enum(TRANSPORT_CLIENTS).default('kubernetes'),
          maestro: z.strictObject({ target_cluster: z.string().min(1) }).optional(),
        })
        .default({ client: 'kubernetes' }),
      manifest: manifestSchema(resolveRef).optional(),
      discovery,
      nested_discoveries: z.array(nestedDiscovery).default([]),
      recreate_on_change: z.boolean().default(false),
      lifecycle: z
        .strictObject({
          create: z.strictObject({ when }).optional(),
          delete: z
            .strictObject({
              when,
              propagationPolicy: z.enum(PROPAGATION_POLICIES).default('Background'),
            })
            .optional(),
        })
        .optional(),
    })
    .superRefine((r, ctx) => {
      if (r.manifest === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['manifest'],
          message: `manifest is required (${r.transport.client})`,
        });
      }
      if (r.transport.client === 'maestro' && r.transport.maestro === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['transport', 'maestro'],
          message: 'a maestro resource needs `transport.maestro.target_cluster`',
        });
      }
      if (r.transport.client === 'kubernetes' && r.transport.maestro !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['transport', 'maestro'],
          message: '`transport.maestro` is only valid with `client: maestro`',
        });
      }
      if (r.transport.client !== 'maestro' && r.nested_discoveries.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['nested_discoveries'],
          message: 'nested_discoveries look inside a ManifestWork: only valid with `client: maestro`',
        });
      }
    })
    .transform((r) => ({ ...r, manifest: r.manifest! }));
}
export type Resource = z.output<ReturnType<typeof resourceSchema>>;

function payloadSchema(resolveRef: RefResolver) {
  return z
    .strictObject({
      name: identifier,
      build: z.unknown().optional(),
      build_ref: z.string().min(1).optional(),
      when: when.optional(),
    })
    .superRefine((p, ctx) => {
      exactlyOneOf(p, ['build', 'build_ref'], ctx);
    })
    .transform((p, ctx) => {
      let build: BuildValue;
      let buildRef: { ref: string; path: string } | undefined;
      if (p.build_ref !== undefined) {
        const loaded = resolveRef(p.build_ref);
        if (!loaded.ok) {
          ctx.addIssue({
            code: 'custom',
            path: ['build_ref'],
            message: loaded.message,
            params: { hint: loaded.hint },
          });
          return z.NEVER;
        }
        buildRef = { ref: p.build_ref, path: loaded.path };
        build = toBuildValue({ kind: 'text', text: loaded.text, file: loaded.path }, (issue) =>
          ctx.addIssue({
            code: 'custom',
            path: ['build_ref'],
            message: issue.message,
            params: { file: loaded.path, line: issue.line, column: issue.column },
          }),
        );
      } else {
        build = toBuildValue({ kind: 'value', value: p.build }, (issue) =>
          ctx.addIssue({ code: 'custom', path: ['build', ...issue.path], message: issue.message }),
        );
      }
      return { name: p.name, build, build_ref: buildRef, when: p.when };
    });
}
export type Payload = z.output<ReturnType<typeof payloadSchema>>;

export const PostActionSchema = z
  .strictObject({
    name: stepName,
    log: logAction.optional(),
    api_call: ApiCallSchema.optional(),
    when: when.optional(),
  })
  .superRefine((a, ctx) => {
    if (!a.api_call && !a.log)
      ctx.addIssue({ code: 'custom', message: 'a post action needs `api_call` or `log`' });
  });
export type PostAction = z.output<typeof PostActionSchema>;

/** The task-config schema; refs are read during parsing so their problems carry their path. */
export function createTaskConfigSchema(resolveRef: RefResolver) {
  return z.strictObject({
    params: z.array(ParamSchema).default([]),
    preconditions: z.array(PreconditionSchema).default([]),
    resources: z.array(resourceSchema(resolveRef)).default([]),
    post: z
      .strictObject({
        payloads: z.array(payloadSchema(resolveRef)).default([]),
        post_actions: z.array(PostActionSchema).default([]),
      })
      .default({ payloads: [], post_actions: [] }),
  });
}
export type TaskConfig = z.output<ReturnType<typeof createTaskConfigSchema>>;

// ---------------------------------------------------------------------------------------------
// Kubernetes-style wrapper (older design documents): apiVersion/kind/metadata/spec
// ---------------------------------------------------------------------------------------------

export const API_VERSION = 'hyperfleet.redhat.com/v1alpha1';

export const EnvelopeSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.enum(['AdapterConfig', 'AdapterTaskConfig']),
  metadata: z
    .strictObject({
      name: z.string().min(1).optional(),
      namespace: z.string().optional(),
      labels: z.record(z.string(), scalarString).optional(),
      annotations: z.record(z.string(), scalarString).optional(),
    })
    .default({}),
  spec: z.record(z.string(), z.unknown()),
});
export type Envelope = z.output<typeof EnvelopeSchema>;
