/**
 * Reads the zod schemas as data: which keys an object at a given path allows. Alias
 * normalization and "did you mean" hints use it, so neither keeps its own list of keys.
 */
import type { z } from 'zod';

type Def = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  element?: z.ZodType;
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
};

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The concrete schemas a value may match, looking through optional/default/pipe/union wrappers. */
function variants(schema: z.ZodType, out: z.ZodType[] = [], depth = 0): z.ZodType[] {
  if (depth > 32) return out;
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      if (def.innerType) variants(def.innerType, out, depth + 1);
      break;
    case 'pipe':
      if (def.in) variants(def.in, out, depth + 1);
      break;
    case 'lazy':
      if (def.getter) variants(def.getter(), out, depth + 1);
      break;
    case 'union':
      for (const option of def.options ?? []) variants(option, out, depth + 1);
      break;
    default:
      out.push(schema);
  }
  return out;
}

/** Keys allowed by the object schema(s) at this node; undefined when the node is free-form. */
export function allowedKeys(schema: z.ZodType): string[] | undefined {
  const keys = new Set<string>();
  let isObject = false;
  for (const v of variants(schema)) {
    const def = defOf(v);
    if (def.type === 'object' && def.shape) {
      isObject = true;
      for (const k of Object.keys(def.shape)) keys.add(k);
    }
  }
  return isObject ? [...keys] : undefined;
}

/** The schema for a child (object key or list index) of a node matching `schema`. */
export function childSchema(schema: z.ZodType, segment: string | number): z.ZodType | undefined {
  for (const v of variants(schema)) {
    const def = defOf(v);
    if (
      typeof segment === 'string' &&
      def.type === 'object' &&
      def.shape &&
      Object.hasOwn(def.shape, segment)
    ) {
      return def.shape[segment];
    }
    if (typeof segment === 'number' && def.type === 'array' && def.element) return def.element;
    if (typeof segment === 'string' && def.type === 'record' && def.valueType) return def.valueType;
  }
  return undefined;
}

export function schemaAt(schema: z.ZodType, path: readonly (string | number)[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    if (!current) return undefined;
    current = childSchema(current, segment);
  }
  return current;
}
