/**
 * The Kubernetes-style wrapping of the older design documents
 * (`apiVersion: hyperfleet.redhat.com/v1alpha1`, `kind`, `metadata`, `spec`): recognized,
 * checked, and peeled off so the rest of the loader sees the bare document under `spec`.
 */
import type { ConfigProblem } from './errors.ts';
import { type ProblemContext, problemAt, problemsFromZod } from './issues.ts';
import { type Envelope, EnvelopeSchema } from './schema.ts';
import { isPlainMap, type SourceNode } from './source.ts';

export type ConfigKind = 'AdapterConfig' | 'AdapterTaskConfig';

export interface Unwrapped {
  /** The bare document (the file itself, or its `spec`). */
  value: unknown;
  /** Where that document sits in the file: [] or ["spec"]. */
  prefix: string[];
  metadata?: Envelope['metadata'];
  problems: ConfigProblem[];
}

const ENVELOPE_KEYS = ['apiVersion', 'kind', 'spec'];

export function isWrapped(value: unknown): boolean {
  return isPlainMap(value) && ENVELOPE_KEYS.some((k) => Object.hasOwn(value, k));
}

export function unwrap(value: unknown, kind: ConfigKind, file: string, root: SourceNode): Unwrapped {
  if (!isWrapped(value)) return { value, prefix: [], problems: [] };
  const ctx: ProblemContext = { file, root, schema: EnvelopeSchema, value, prefix: [] };
  const parsed = EnvelopeSchema.safeParse(value);
  if (!parsed.success)
    return { value: undefined, prefix: ['spec'], problems: problemsFromZod(parsed.error.issues, ctx) };
  if (parsed.data.kind !== kind) {
    return {
      value: undefined,
      prefix: ['spec'],
      problems: [
        problemAt(ctx, ['kind'], `expected kind ${kind}, got ${parsed.data.kind}`, {
          hint:
            kind === 'AdapterConfig'
              ? 'is this the task config? pass it as --task-config'
              : 'is this the adapter config? pass it as --config',
        }),
      ],
    };
  }
  // Hand back the original `spec` object (not zod's copy) so the source tree still matches it.
  return {
    value: (value as Record<string, unknown>)['spec'],
    prefix: ['spec'],
    metadata: parsed.data.metadata,
    problems: [],
  };
}
