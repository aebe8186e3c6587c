/**
 * The adapter configuration: schemas and normalized types (schema.ts), the loader that turns
 * two YAML files into them or into one ConfigError listing every problem (loader.ts).
 */
export { camelToSnake } from './aliases.ts';
export type { BuildValue } from './build.ts';
export type { LoadPurpose } from './deployment.ts';
export { mergedConfigYaml } from './dump.ts';
export { parseGoDuration } from './duration.ts';
export { ConfigError, type ConfigProblem, formatProblem, sortProblems } from './errors.ts';
export {
  type AdapterConfigOptions,
  type ConfigPairOptions,
  type Env,
  type LoadedConfigPair,
  loadAdapterConfig,
  loadConfigPair,
  loadTaskConfig,
  type TaskConfigOptions,
} from './loader.ts';
export { type FlagValues, OVERRIDE_FLAGS, OVERRIDE_KEYS } from './overrides.ts';
export { type MountMap, parseMounts } from './refs.ts';
export * from './schema.ts';
