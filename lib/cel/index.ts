/**
 * CEL for adapter configs: cel-js configured to behave like the Go adapter's cel-go
 * environment (optional types, strings/lists extensions, HyperFleet helper functions).
 * Values use the project model: number = double, bigint = int, Date = timestamp.
 */
export { type CelDiagnostic, type CelType, checkCel } from './check.ts';
export { CelError, type CelErrorKind, type CelPosition } from './errors.ts';
export {
  type CelEvaluateOptions,
  type CelProgram,
  type CelResult,
  celCacheSize,
  clearCelCache,
  compileCel,
} from './program.ts';
