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

// The members of cel-js's AST nodes, checker and evaluator used by acceptUintListIndexes.
interface EngineNode {
  op: string;
  args: unknown;
  meta: { check: CheckHook; evaluate: EvalHook };
  setMeta(key: 'check' | 'evaluate', value: unknown): EngineNode;
  handle: (left: unknown, right: unknown, ast: EngineNode, ev: unknown) => unknown;
  left: EngineNode;
  right: EngineNode;
}
interface EngineType {
  kind: string;
  valueType?: EngineType;
}
interface EngineChecker {
  check(ast: unknown, ctx: unknown): EngineType;
  getType(name: string): EngineType;
  registry: { getOptionalType(t: EngineType): EngineType };
}
interface EngineEvaluator {
  run(ast: unknown, ctx: unknown): unknown;
}
type CheckHook = (chk: EngineChecker, ast: EngineNode, ctx: unknown) => EngineType;
type EvalHook = (ev: EngineEvaluator, ast: EngineNode, ctx: unknown) => unknown;

/** What acceptUintListIndexes needs to know about values, kept out of this module. */
export interface IndexRules {
  /** The value a list index stands for (an int for a uint), or undefined when it is not one. */
  listIndex(v: unknown): unknown;
  /** The key of `map` equal to `key` under cel-go's numeric equality, if any. */
  mapKey(map: Map<unknown, unknown>, key: unknown): unknown;
  /** Thrown (`[]`) or answered as none (`[?]`) when a non-string indexes an object-built map. */
  noSuchKey(key: unknown, optional: boolean): unknown;
  /** A map literal's entries as the value cel-go would build (non-string keys kept). */
  mapLiteral(entries: Array<[unknown, unknown]>): unknown;
}

/**
 * cel-go's indexing where cel-js differs, set on each index and map-literal node of a parsed
 * expression: a uint indexes a list (`[1, 2][1u]`; cel-js's checker and list access take only
 * an int); a map literal keeps int, uint and bool keys (cel-js builds an object keyed by their
 * text, so `{1: "a"}.map(k, k + 1)` failed and `{1: "a"}["1"]` was found); a numeric key finds
 * its numerically equal key (`{1: "a"}[1u]`).
 */
export function alignIndexing(root: unknown, children: (n: never) => unknown[], rules: IndexRules): void {
  const stack = [root as EngineNode];
  while (stack.length > 0) {
    const node = stack.pop()!;
    stack.push(...(children(node as never) as EngineNode[]));
    if (node.op === 'map') {
      node.setMeta('evaluate', ((ev, ast, ctx) =>
        rules.mapLiteral(
          (ast.args as Array<[unknown, unknown]>).map(([k, v]) => [ev.run(k, ctx), ev.run(v, ctx)]),
        )) satisfies EvalHook);
      continue;
    }
    if (node.op !== '[]' && node.op !== '[?]') continue;
    const check = node.meta.check;
    node.setMeta('check', ((chk, ast, ctx) => {
      try {
        return check(chk, ast, ctx);
      } catch (err) {
        const left = chk.check(ast.left, ctx);
        const index = chk.check(ast.right, ctx);
        if (left.kind !== 'list' || (index as { name?: string }).name !== 'uint') throw err;
        const elem = left.valueType ?? chk.getType('dyn');
        return ast.op === '[?]' ? chk.registry.getOptionalType(elem) : elem;
      }
    }) satisfies CheckHook);
    node.setMeta('evaluate', ((ev, ast, ctx) => {
      const left = ev.run(ast.left, ctx);
      let right = ev.run(ast.right, ctx);
      if (Array.isArray(left)) right = rules.listIndex(right) ?? right;
      else if (left instanceof Map) {
        if (!left.has(right)) right = rules.mapKey(left, right) ?? right;
      } else if (typeof right !== 'string' && isPlainObject(left)) {
        return rules.noSuchKey(right, ast.op === '[?]');
      }
      return ast.handle(left, right, ast, ev);
    }) satisfies EvalHook);
  }
}

function isPlainObject(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * The Go adapter only parses CEL (no type check: every variable is dyn), so a conditional
 * whose branches have different types (`has(x.y) ? 1 : null`) runs in cel-go and yields the
 * chosen branch. cel-js's checker, which also runs at evaluation, refuses it; on each `?:`
 * node of a parsed expression that refusal becomes a dyn result.
 */
export function dynamicTernaries(root: unknown, children: (n: never) => unknown[]): void {
  const stack = [root as EngineNode];
  while (stack.length > 0) {
    const node = stack.pop()!;
    stack.push(...(children(node as never) as EngineNode[]));
    if (node.op !== '?:') continue;
    const check = node.meta.check;
    node.setMeta('check', ((chk, ast, ctx) => {
      try {
        return check(chk, ast, ctx);
      } catch (err) {
        // The engine sets the node's evaluation handle before it compares the branches.
        if ((err as { code?: string }).code !== 'incompatible_ternary_branches' || !ast.handle) throw err;
        return chk.getType('dyn');
      }
    }) satisfies CheckHook);
  }
}
