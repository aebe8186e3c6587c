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
 * The schemas live in schema-common.ts (shared scalars, names, API calls), schema-adapter.ts and
 * schema-task.ts; this file is their public face. Rules that need the whole document (unique
 * names, names visible to templates and CEL) live in semantic.ts: the schemas hold the rules one
 * node can check by itself.
 */

export type { BuildValue } from './build.ts';
export {
  type AdapterConfig,
  AdapterConfigSchema,
  API_VERSION,
  type Envelope,
  EnvelopeSchema,
} from './schema-adapter.ts';
export {
  type ApiCall,
  ApiCallSchema,
  HTTP_METHODS,
  IDENTIFIER,
  type LogAction,
  OPERATORS,
  PARAM_TYPES,
  PROPAGATION_POLICIES,
  RETRY_BACKOFFS,
  STEP_NAME,
  TRANSPORT_CLIENTS,
  type When,
} from './schema-common.ts';
export {
  type Capture,
  type Condition,
  createTaskConfigSchema,
  type Discovery,
  type Manifest,
  type NestedDiscovery,
  type Operator,
  type Param,
  ParamSchema,
  type ParamSource,
  type Payload,
  type PostAction,
  PostActionSchema,
  type Precondition,
  PreconditionSchema,
  type RefResolver,
  type Resource,
  type TaskConfig,
} from './schema-task.ts';
