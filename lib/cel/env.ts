import { Environment } from '@marcbachmann/cel-js';
import { registerAdapterFunctions } from './adapter-functions.ts';
import { registerExtensions } from './extensions.ts';
import { registerStdlib } from './stdlib.ts';
import { celEquals } from './values.ts';

/**
 * The one CEL environment, built to match the Go adapter's: optional types, strings and
 * lists extensions, the HyperFleet helper functions, every variable dynamic. Expressions are
 * not type-checked before evaluation (the Go adapter skips Check too), so type mistakes
 * surface as evaluation errors, like there.
 */

/** Names the environment itself binds; they are never free variables of an expression. */
export const NAMESPACES: ReadonlySet<string> = new Set(['cel', 'optional', 'strings', 'lists']);

export const LIMITS = {
  maxAstNodes: 100_000,
  // Deep nesting is the only way a short text can make the recursive evaluator overflow the stack.
  maxDepth: 250,
  maxListElements: 10_000,
  maxMapEntries: 10_000,
  maxCallArguments: 32,
} as const;

function build(): Environment {
  const env = new Environment({
    unlistedVariablesAreDyn: true,
    enableOptionalTypes: true,
    homogeneousAggregateLiterals: false,
    limits: LIMITS,
  });
  registerExtensions(env, celEquals);
  registerStdlib(env);
  registerAdapterFunctions(env);
  return env;
}

let shared: Environment | undefined;

/** The evaluation environment (built on first use: construction costs a few milliseconds). */
export function celEnvironment(): Environment {
  shared ??= build();
  return shared;
}

let checkingBase: Environment | undefined;

/**
 * An environment to declare typed variables on, for load-time checks: a cheap clone of a
 * base that is never used for anything else (cloning freezes the parent's registrations).
 */
export function checkingEnvironment(): Environment {
  checkingBase ??= build();
  return checkingBase.clone();
}
