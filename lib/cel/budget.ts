import { EvaluationError } from '@marcbachmann/cel-js';

/**
 * What one evaluation may spend, so a single config expression cannot stall the instance
 * (`lists.range(1000000).map(a, lists.range(1000000).map(b, a))` ran out of memory). cel-go
 * has no limit here; ours sit far above anything a config does (its lists are dozens long) and
 * low enough that an evaluation which reaches them stops in a fraction of a second.
 *
 * - steps: comprehension iterations (charged before the loop starts, so an exhausted budget
 *   stops it before the work) plus the elements of every list and map a function or `+` returns;
 * - chars: the length of every string a function or `+` returns.
 *
 * What an evaluation builds is then copied into status payloads, logs and dry-run output
 * several times over: a million-element list or a 16 MB string under a higher budget took a
 * dry run to 630-990 MB of memory, over a 512Mi pod's limit.
 */
export const BUDGET = { steps: 1_000_000, chars: 4 * 1024 * 1024 } as const;

/** Why an evaluation stopped: the reason and, when known, the offset of the node that spent it. */
export interface Overrun {
  reason: string;
  offset: number | undefined;
}

/** The spending of one evaluation. */
export class Meter {
  steps = 0;
  chars = 0;
  overrun: Overrun | undefined;

  /** Charges `n` steps for `what`; throws (and stays exhausted) once the budget is passed. */
  spend(n: number, what: string, offset?: number): void {
    this.steps += n;
    if (this.overrun === undefined && this.steps <= BUDGET.steps) return;
    this.trip(
      `${what}: evaluation exceeds the budget of ${BUDGET.steps} steps (iterations and elements built)`,
      offset,
    );
  }

  spendChars(n: number, what: string, offset?: number): void {
    this.chars += n;
    if (this.overrun === undefined && this.chars <= BUDGET.chars) return;
    this.trip(
      `${what}: evaluation exceeds the budget of ${BUDGET.chars} characters of strings built`,
      offset,
    );
  }

  /** Refuses up front work that would need `n` more steps (a list a function is about to build). */
  ensure(n: number, what: string): void {
    if (this.overrun !== undefined || this.steps + n > BUDGET.steps) this.spend(n, what);
  }

  private trip(reason: string, offset: number | undefined): never {
    this.overrun ??= { reason, offset };
    // cel-js's quantifiers and `||`/`&&` absorb errors; program.ts fails the evaluation anyway.
    throw new EvaluationError({ code: 'budget_exceeded', message: this.overrun.reason });
  }
}

// Evaluation is synchronous and single-threaded: the meter of the evaluation in progress can
// live here (program.ts sets it around each evaluate(), like the clock).
let current: Meter | undefined;

export function withMeter<T>(meter: Meter, run: () => T): T {
  const previous = current;
  current = meter;
  try {
    return run();
  } finally {
    current = previous;
  }
}

/** For functions that build a list of `n` elements: refuse before building it. */
export function ensureSteps(n: number, what: string): void {
  current?.ensure(n, what);
}

/** Charges `n` steps to the evaluation in progress (sortBy keys, `in` over a list). */
export function spendSteps(n: number, what: string): void {
  current?.spend(n, what);
}

function sizeOf(v: unknown): number {
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map || v instanceof Set) return v.size;
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) return Object.keys(v).length;
  }
  return 0;
}

function charge(v: unknown, what: string, offset: number): void {
  const meter = current;
  if (meter === undefined) return;
  if (typeof v === 'string') {
    if (v.length > 0) meter.spendChars(v.length, what, offset);
  } else if (typeof v === 'object' && v !== null) {
    const n = sizeOf(v);
    if (n > 0) meter.spend(n, what, offset);
  }
}

// The members of cel-js's AST nodes used here (see overrides.ts for the same approach).
interface EngineNode {
  op: string;
  args: unknown;
  start: number;
  meta: { evaluate: EvalHook; alternate?: EngineNode; macro?: unknown };
  setMeta(key: 'evaluate', value: EvalHook): EngineNode;
  handle: (items: unknown, args: unknown, ev: unknown, ctx: unknown) => unknown;
}
interface ComprehensionArgs {
  iterable: EngineNode;
  condition?: (accu: unknown) => boolean;
}
interface EngineEvaluator {
  run(ast: unknown, ctx: unknown): unknown;
}
type EvalHook = (ev: EngineEvaluator, ast: EngineNode, ctx: unknown) => unknown;

/** Nodes whose result is charged: function calls and `+` (string and list concatenation). */
const BUILDERS = new Set(['call', 'rcall', '+']);

/**
 * Sets the metering hooks on each node of a parsed expression, before its first evaluation
 * (cel-js reads a node's evaluate hook once). Macros (map, filter, all, exists, exists_one)
 * are expanded by the parser into a comprehension node, the call's `alternate`: it is charged
 * its iteration count before it loops, and a quantifier stops at the next element once the
 * budget is gone (it would otherwise absorb the error and go on).
 */
export function meterExpression(root: unknown, children: (n: never) => unknown[]): void {
  const stack = [root as EngineNode];
  while (stack.length > 0) {
    const node = stack.pop()!;
    stack.push(...(children(node as never) as EngineNode[]));
    const alternate = node.meta.alternate;
    if (alternate?.op === 'comprehension') meterComprehension(alternate, node);
    else if (BUILDERS.has(node.op) && alternate === undefined && !node.meta.macro) meterResult(node);
  }
}

function meterResult(node: EngineNode): void {
  const evaluate = node.meta.evaluate;
  const what = node.op === '+' ? 'concatenation' : `${String((node.args as unknown[])[0])}()`;
  node.setMeta('evaluate', (ev, ast, ctx) => {
    const v = evaluate(ev, ast, ctx);
    charge(v, what, ast.start);
    return v;
  });
}

function meterComprehension(node: EngineNode, call: EngineNode): void {
  const args = node.args as ComprehensionArgs;
  const what = `${String((call.args as unknown[])[0])}() over`;
  const condition = args.condition;
  if (condition !== undefined) args.condition = (accu) => current?.overrun === undefined && condition(accu);
  node.setMeta('evaluate', (ev, ast, ctx) => {
    const items = ev.run(args.iterable, ctx);
    const meter = current;
    if (meter === undefined) return ast.handle(items, args, ev, ctx);
    const n = sizeOf(items);
    meter.spend(n, `${what} ${n} elements`, ast.start);
    const result = ast.handle(items, args, ev, ctx);
    if (meter.overrun !== undefined) meter.spend(0, meter.overrun.reason);
    return result;
  });
}

interface StaticNode {
  op: string;
  args: unknown;
  start: number;
}

/** What an expression spends on every evaluation, as far as its text tells (a lower bound). */
interface StaticCost {
  steps: number;
  /** The length of the list it yields, when the text fixes it (`lists.range(1000)`, `[1, 2]`). */
  size: number | undefined;
  /** How an overrun names it. */
  what?: string;
}

/** Macros whose step runs for every element (the others stop at the first decisive one). */
const EVERY_ELEMENT = new Set(['map', 'filter', 'exists_one']);

/**
 * The budget an expression passes on every evaluation, found from its text, for load-time
 * validation: a literal `lists.range(N)` and comprehensions over such ranges are counted as
 * the evaluation charges them; branches (`?:`, the right of `&&`/`||`) and early-stopping
 * quantifiers' steps count nothing. The overrun names the innermost node that alone passes it.
 */
export function staticOverrun(root: unknown, children: (n: never) => unknown[]): Overrun | undefined {
  let found: Overrun | undefined;
  const cost = (node: StaticNode): StaticCost => {
    const c = nodeCost(node);
    if (found === undefined && c.steps > BUDGET.steps) {
      found = {
        reason: `${c.what ?? 'this expression'}: every evaluation exceeds the budget of ${BUDGET.steps} steps (iterations and elements built)`,
        offset: node.start,
      };
    }
    return c;
  };
  const sum = (nodes: StaticNode[]): number => nodes.reduce((t, n) => t + cost(n).steps, 0);
  const nodeCost = (node: StaticNode): StaticCost => {
    switch (node.op) {
      case 'list':
        return { steps: sum(node.args as StaticNode[]), size: (node.args as unknown[]).length };
      case '?:':
      case '&&':
      case '||':
        return { steps: cost((node.args as StaticNode[])[0]!).steps, size: undefined };
      case 'rcall':
        return rcallCost(node);
      default:
        return { steps: sum(children(node as never) as StaticNode[]), size: undefined };
    }
  };
  const rcallCost = (node: StaticNode): StaticCost => {
    const [name, receiver, args] = node.args as [string, StaticNode, StaticNode[]];
    const range = rangeSize(name, receiver, args);
    if (range !== undefined) return { steps: range, size: range, what: `lists.range(${range})` };
    const over = cost(receiver);
    const n = over.size ?? 0;
    const macro = (node as { meta?: { alternate?: StaticNode } }).meta?.alternate?.op === 'comprehension';
    if (!macro) return { steps: over.steps + sum(args), size: undefined };
    const step = EVERY_ELEMENT.has(name) && args[1] !== undefined ? cost(args[1]).steps : 0;
    return {
      steps: over.steps + n + n * step,
      size: name === 'map' && args.length === 2 ? n : undefined,
      what: `${name}() over ${n} elements`,
    };
  };
  cost(root as StaticNode);
  return found;
}

function rangeSize(name: string, receiver: StaticNode, args: StaticNode[]): number | undefined {
  if (name !== 'range' || receiver.op !== 'id' || receiver.args !== 'lists' || args.length !== 1)
    return undefined;
  const n = args[0]!;
  return n.op === 'value' && typeof n.args === 'bigint' && n.args >= 0n ? Number(n.args) : undefined;
}
