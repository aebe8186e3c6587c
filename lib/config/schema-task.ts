/** AdapterTaskConfig (business logic: params -> preconditions -> resources -> post). */

import { z } from 'zod';
import type { GoValue } from '../yaml-go/index.ts';
import { type BuildValue, toBuildValue } from './build.ts';
import {
  type ApiCall,
  ApiCallSchema,
  exactlyOneOf,
  logAction,
  OPERATORS,
  PARAM_TYPES,
  PROPAGATION_POLICIES,
  scalarString,
  stepName,
  TRANSPORT_CLIENTS,
  when,
} from './schema-common.ts';

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

// Param, capture and payload names: the Go adapter requires only a name; one that CEL and
// templates cannot spell loads with a warning (semantic.ts).
export const ParamSchema = z.strictObject({
  name: z.string().min(1),
  source: paramSource,
  type: z.enum(PARAM_TYPES).optional(),
  default: z.unknown().optional(),
  required: z.boolean().default(false),
  description: z.string().optional(),
});
export type Param = z.output<typeof ParamSchema>;

const capture = z
  .strictObject({
    name: z.string().min(1),
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
  | {
      kind: 'inline';
      value: Record<string, unknown>;
      /** The mapping as the Go adapter holds it (yaml.v3 types), when loaded from a file. */
      decoded?: () => GoValue;
    }
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
    })
    .transform((r) => ({ ...r, manifest: r.manifest! }));
}
export type Resource = z.output<ReturnType<typeof resourceSchema>>;

function payloadSchema(resolveRef: RefResolver) {
  return z
    .strictObject({
      name: z.string().min(1),
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

export const PostActionSchema = z.strictObject({
  name: stepName,
  log: logAction.optional(),
  api_call: ApiCallSchema.optional(),
  when: when.optional(),
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
