/**
 * The render budget (exec.ts LIMITS.executedNodes) checked without rendering, so the config
 * loader refuses a template every render of which would fail on it instead of loading it.
 * Only nodes every render executes are counted: those outside if/with/range, with each
 * `{{template}}` call counted as its definition's own unconditional nodes. That is a lower
 * bound, so a template found over the budget fails on every render; what depends on the data
 * (branches, loops, recursion through them) is left to the runtime limit.
 */
import { LIMITS } from './exec.ts';
import type { ListNode, Node } from './nodes.ts';

/** The first top-level node after which the unconditional count passes the budget. */
export function overBudgetNode(root: ListNode, defines: Map<string, ListNode>): Node | undefined {
  const limit = LIMITS.executedNodes;
  const memo = new Map<string, number>();
  // A callee not summed yet is on a cycle of unconditional calls (it fails on the depth limit):
  // it adds nothing, which keeps the count a lower bound.
  const countNode = (n: Node): number => (n.kind === 'template' ? 1 + (memo.get(n.name) ?? 0) : 1);
  for (const name of definitionsBottomUp(root, defines)) {
    let total = 0;
    for (const n of defines.get(name)!.nodes) total += countNode(n);
    memo.set(name, Math.min(total, limit + 1));
  }
  let executed = 0;
  for (const n of root.nodes) {
    executed += countNode(n);
    if (executed > limit) return n;
  }
  return undefined;
}

/**
 * The definitions reachable by unconditional calls, callees before their callers; walked with
 * an explicit stack, since a chain of definitions can be 100,000 long.
 */
function definitionsBottomUp(root: ListNode, defines: Map<string, ListNode>): string[] {
  const calls = (list: ListNode): string[] =>
    list.nodes.flatMap((n) => (n.kind === 'template' && defines.has(n.name) ? [n.name] : []));
  const order: string[] = [];
  const seen = new Set<string>();
  const stack: Array<{ name: string; callees: string[]; i: number }> = [];
  const enter = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    stack.push({ name, callees: calls(defines.get(name)!), i: 0 });
  };
  for (const name of calls(root)) {
    enter(name);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.i < top.callees.length) enter(top.callees[top.i++]!);
      else order.push(stack.pop()!.name);
    }
  }
  return order;
}
