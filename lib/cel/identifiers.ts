import type { ASTNode } from '@marcbachmann/cel-js';
import { NAMESPACES } from './env.ts';

// CEL's type denotations (`type(x) == int`): names the language defines, never variables.
const TYPE_NAMES = new Set([
  'bool',
  'bytes',
  'double',
  'dyn',
  'int',
  'list',
  'map',
  'null_type',
  'string',
  'type',
  'uint',
]);

// Receiver macros whose first argument names a variable scoped to the remaining arguments.
const BINDING_MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter', 'sortBy']);

/** Free variables of a parsed expression: what the caller must provide, sorted. */
export function freeIdentifiers(ast: ASTNode): string[] {
  const found = new Set<string>();
  visit(ast, new Set(), found);
  return [...found].sort();
}

function visit(node: ASTNode, bound: ReadonlySet<string>, found: Set<string>): void {
  switch (node.op) {
    case 'value':
      return;
    case 'id':
      if (!bound.has(node.args) && !NAMESPACES.has(node.args) && !TYPE_NAMES.has(node.args))
        found.add(node.args);
      return;
    case '.':
    case '.?':
      visit(node.args[0], bound, found);
      return;
    case 'call':
      for (const a of node.args[1]) visit(a, bound, found);
      return;
    case 'rcall': {
      const [name, receiver, args] = node.args;
      const first = args[0];
      if (
        receiver.op === 'id' &&
        receiver.args === 'cel' &&
        name === 'bind' &&
        first?.op === 'id' &&
        args.length === 3
      ) {
        visit(args[1]!, bound, found);
        visit(args[2]!, new Set([...bound, first.args]), found);
        return;
      }
      visit(receiver, bound, found);
      if (BINDING_MACROS.has(name) && first?.op === 'id' && args.length >= 2) {
        const inner = new Set([...bound, first.args]);
        for (const a of args.slice(1)) visit(a, inner, found);
        return;
      }
      for (const a of args) visit(a, bound, found);
      return;
    }
    case 'list':
      for (const a of node.args) visit(a, bound, found);
      return;
    case 'map':
      for (const [k, v] of node.args) {
        visit(k, bound, found);
        visit(v, bound, found);
      }
      return;
    case '!_':
    case '-_':
      visit(node.args, bound, found);
      return;
    default:
      for (const a of node.args) visit(a, bound, found);
  }
}

function findCelReceiver(node: ASTNode): ASTNode | undefined {
  if (node.op === 'rcall' && node.args[1].op === 'id' && node.args[1].args === 'cel') return node.args[1];
  for (const child of children(node)) {
    const hit = findCelReceiver(child);
    if (hit) return hit;
  }
  return undefined;
}

export function children(node: ASTNode): ASTNode[] {
  switch (node.op) {
    case 'value':
    case 'id':
      return [];
    case '.':
    case '.?':
      return [node.args[0]];
    case 'call':
      return node.args[1];
    case 'rcall':
      return [node.args[1], ...node.args[2]];
    case 'list':
      return node.args;
    case 'map':
      return node.args.flat();
    case '!_':
    case '-_':
      return [node.args];
    default:
      return [...node.args];
  }
}

/** True when the expression calls a `cel.*` function (cel.bind), which cel-go lacks here. */
export function usesCelNamespace(ast: ASTNode): boolean {
  return findCelReceiver(ast) !== undefined;
}

export function celOffset(ast: ASTNode): number {
  return findCelReceiver(ast)?.start ?? 0;
}

/** The first `has()` whose argument is not a field selection (cel-go rejects it when parsing). */
export function invalidHas(node: ASTNode): ASTNode | undefined {
  if (node.op === 'call' && node.args[0] === 'has') {
    const [arg, ...rest] = node.args[1];
    if (arg === undefined || rest.length > 0 || arg.op !== '.') return arg ?? node;
  }
  for (const child of children(node)) {
    const hit = invalidHas(child);
    if (hit) return hit;
  }
  return undefined;
}

/** Depth of the AST, measured without recursion so any input is safe to measure. */
export function astDepth(ast: ASTNode): number {
  let max = 0;
  const stack: Array<[ASTNode, number]> = [[ast, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    for (const child of children(node)) stack.push([child, depth + 1]);
  }
  return max;
}

const INT_LIMIT = 2n ** 63n;

/**
 * The first int literal outside int64. cel-go's parser refuses them, except 2^63 written
 * directly after a minus sign (`-9223372036854775808`, the minimum int).
 */
export function invalidIntLiteral(ast: ASTNode): ASTNode | undefined {
  const stack: Array<[ASTNode, ASTNode | undefined, ASTNode | undefined]> = [[ast, undefined, undefined]];
  while (stack.length > 0) {
    const [node, parent, grandparent] = stack.pop()!;
    if (node.op === 'value' && typeof node.args === 'bigint' && node.args >= INT_LIMIT) {
      // Only one minus folds into the literal: `--9223372036854775808` is refused too.
      const negated =
        parent?.op === '-_' &&
        !(grandparent?.op === '-_' && parent.start === grandparent.start + 1) &&
        node.args === INT_LIMIT &&
        node.start === parent.start + 1;
      if (!negated) return node;
    }
    for (const child of children(node)) stack.push([child, node, parent]);
  }
  return undefined;
}

/** Global calls `name(args)` in the expression, for arity checks against the environment. */
export function globalCalls(ast: ASTNode): Array<{ name: string; argCount: number; node: ASTNode }> {
  const out: Array<{ name: string; argCount: number; node: ASTNode }> = [];
  const stack = [ast];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.op === 'call') out.push({ name: node.args[0], argCount: node.args[1].length, node });
    stack.push(...children(node));
  }
  return out;
}
