import type { Environment } from '@marcbachmann/cel-js';

/**
 * Replacing a built-in overload of cel-js. cel-js refuses to register a function or operator
 * that overlaps one it already has, and its standard library differs from cel-go's in places
 * (UTF-16 string indexing, Unicode lowerAscii, literal list equality across numeric kinds).
 * cel-js has no public way to drop an overload, so this reaches its registry (the `this` of a
 * function handler is the evaluator, which holds it) and removes the built-in declaration from
 * the overload set before the replacement is registered. Only the members used here are
 * described; test/unit/cel pins every replacement, so a cel-js upgrade that moves them fails
 * loudly there rather than silently falling back to the built-in.
 */

interface Declaration {
  readonly signature: string;
}

interface OverloadSet {
  declarations: Declaration[];
  macro: unknown;
}

interface EngineRegistry {
  functionCandidates(receiver: boolean, name: string, argCount: number): OverloadSet;
  operatorCandidates(op: string): OverloadSet;
  objectTypesByConstructor: Map<unknown, unknown>;
}

/** Makes instances of `subclass` values of the CEL type `base`'s instances have (a Date subclass). */
export function registerSubclass(
  env: Environment,
  base: abstract new (...a: never[]) => unknown,
  subclass: unknown,
): void {
  const types = registryOf(env).objectTypesByConstructor;
  const type = types.get(base);
  if (type === undefined) throw new Error('cel-js internals changed: no type registered for the base class');
  types.set(subclass, type);
}

const registries = new WeakMap<Environment, EngineRegistry>();
const PROBE = '__hyperfleetRegistryProbe';

function registryOf(env: Environment): EngineRegistry {
  const known = registries.get(env);
  if (known) return known;
  let found: EngineRegistry | undefined;
  env.registerFunction(`${PROBE}(): bool`, function (this: { registry?: EngineRegistry }) {
    found = this.registry;
    return true;
  });
  env.evaluate(`${PROBE}()`);
  if (!found || typeof found.functionCandidates !== 'function') {
    throw new Error('cel-js internals changed: cannot reach the function registry');
  }
  remove(found.functionCandidates(false, PROBE, 0), `${PROBE}(): bool`);
  registries.set(env, found);
  return found;
}

function remove(set: OverloadSet, signature: string): void {
  const before = set.declarations.length;
  set.declarations = set.declarations.filter((d) => d.signature !== signature);
  if (set.declarations.length === before) {
    throw new Error(`cel-js internals changed: no built-in overload ${signature} to replace`);
  }
  if ((set.macro as Declaration | undefined)?.signature === signature) set.macro = false;
}

/** How many overloads `name` has with this many arguments (global functions when `receiver` is false). */
export function overloadCount(env: Environment, receiver: boolean, name: string, argCount: number): number {
  return registryOf(env).functionCandidates(receiver, name, argCount).declarations.length;
}

const FUNCTION_SIGNATURE = /^(?:([\w.<>]+)\.)?(\w+)\(([^)]*)\):/;

/** Replaces cel-js's overload with exactly `signature` (its own text, e.g. `string.lowerAscii(): string`). */
export function replaceFunction(
  env: Environment,
  signature: string,
  handler: (...args: never[]) => unknown,
  replacement = signature,
): void {
  const m = FUNCTION_SIGNATURE.exec(signature);
  if (!m) throw new Error(`not a function signature: ${signature}`);
  const argCount = m[3]!.trim() === '' ? 0 : m[3]!.split(',').length;
  remove(registryOf(env).functionCandidates(m[1] !== undefined, m[2]!, argCount), signature);
  env.registerFunction(replacement, handler as (...args: unknown[]) => unknown);
}

/**
 * Removes cel-js's operator overloads with these exact signatures (`list<V> == list<V>: bool`;
 * for `==` also the `!=` cel-js derived from it) and registers `replacement`.
 */
export function replaceOperator(
  env: Environment,
  op: string,
  signatures: readonly string[],
  replacement: string,
  handler: (a: never, b: never) => unknown,
): void {
  const registry = registryOf(env);
  const targets: Array<[string, string]> = signatures.map((s) => [op, s]);
  if (op === '==') for (const s of signatures) targets.push(['!=', s.replace(' == ', ' != ')]);
  const old = new Set<Declaration>();
  for (const [o, signature] of targets) {
    const set = registry.operatorCandidates(o);
    const found = set.declarations.filter((d) => d.signature === signature);
    if (found.length === 0) {
      throw new Error(`cel-js internals changed: no built-in overload ${signature} to replace`);
    }
    for (const d of found) old.add(d);
    set.declarations = set.declarations.filter((d) => !old.has(d));
  }
  env.registerOperator(replacement, handler as (a: unknown, b: unknown) => unknown);
  // The first operator an environment registers makes it copy the overload sets it shared
  // with its parent, which brings the removed declarations back: drop them from the copy.
  for (const [o] of targets) {
    const set = registry.operatorCandidates(o);
    set.declarations = set.declarations.filter((d) => !old.has(d));
  }
}
