/**
 * Executes a parsed template the way Go's text/template does with Option("missingkey=error"):
 * same evaluation order, same truth and nil rules, same error texts and error positions
 * (the node Go reports is the last one it "visited", so `visit()` calls follow Go's).
 */
import {
  BUILTINS,
  type FuncEnv,
  FuncError,
  InterfaceIndex,
  type ParamType,
  type TemplateFunc,
} from './builtins.ts';
import { formatValue, PLAIN } from './fmt.ts';
import type {
  ActionNode,
  ArgNode,
  BranchNode,
  ChainNode,
  CommandNode,
  FieldNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  VariableNode,
} from './nodes.ts';
import { nodeString } from './nodes.ts';
import { formatGoTime, goTimeString } from './timefmt.ts';
import { GoInt, goTypeName, intOf, isMap, isTrue, mapGet, mapKeys } from './values.ts';

/** Thrown for any execution failure; index.ts turns it into a TemplateError. */
export class ExecFailure extends Error {
  readonly node: Node | null;
  readonly templateName: string;
  readonly reason: string;
  constructor(reason: string, node: Node | null, templateName: string) {
    super(reason);
    this.reason = reason;
    this.node = node;
    this.templateName = templateName;
  }
}

/**
 * Limits that keep hostile templates from hanging or exhausting the stack or memory.
 * templateDepth is Go's maxExecDepth. Go has no bound on work, so `{{template}}` fan-out under
 * the depth limit (41 definitions, each calling the next twice: 2^42 nodes) never ended:
 * executedNodes bounds a render's steps (each text, action, if/with/range, template call and
 * each range iteration is one) far above any real manifest's thousands and low enough that a
 * render reaching it stops within a second. outputChars bounds the output and every string a
 * function returns (`{{$x = printf "%s%s" $x $x}}` in a range doubles it each iteration).
 */
export const LIMITS = {
  templateDepth: 100_000,
  rangeIterations: 1_000_000,
  executedNodes: 5_000_000,
  // Above the 10 MB `printf "%10000000d"` the conformance vectors hold (Go prints it).
  outputChars: 16 * 1024 * 1024,
};

export function nodeBudgetReason(): string {
  return `exceeded the limit of ${LIMITS.executedNodes} executed template nodes per render`;
}

const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');
/** Go's missingVal: "no value came down the pipeline". */
const MISSING = Symbol('missing');

/**
 * A value plus whether Go holds it inside an interface{} (it came out of a map or slice).
 * That only changes the type named in "can't evaluate field X in type T".
 */
interface Dot {
  v: unknown;
  wrapped: boolean;
}

interface Variable {
  name: string;
  v: unknown;
  wrapped: boolean;
}

interface RangeFrame {
  k: 'range';
  r: BranchNode;
  dot: Dot;
  /** vars length before the pipeline's declarations, and after them (each body's scope). */
  outer: number;
  mark: number;
  pos: number;
  count: number;
  source: 'none' | 'int' | 'list' | 'map';
  val: unknown;
  keys: string[];
  /** An iteration's body is on the stack above (its scope is restored when it returns). */
  busy: boolean;
  ran: boolean;
}

type Frame =
  | { k: 'list'; dot: Dot; nodes: Node[]; i: number }
  | { k: 'scope'; mark: number }
  | { k: 'template'; vars: Variable[]; name: string }
  | RangeFrame;

export interface ExecContext {
  funcs: Record<string, TemplateFunc>;
  defines: Map<string, ListNode>;
  env: FuncEnv;
}

class State {
  node: Node | null = null;
  vars: Variable[];
  out: string[] = [];
  outLen = 0;
  iterations = 0;
  executed = 0;
  depth = 0;
  readonly ctx: ExecContext;
  name: string;
  constructor(ctx: ExecContext, name: string, dot: Dot) {
    this.ctx = ctx;
    this.name = name;
    this.vars = [{ name: '$', v: dot.v, wrapped: dot.wrapped }];
  }

  visit(n: Node): void {
    this.node = n;
  }
  fail(reason: string): never {
    throw new ExecFailure(reason, this.node, this.name);
  }
  write(s: string): void {
    this.outLen += s.length;
    if (this.outLen > LIMITS.outputChars) this.fail(`output exceeds ${LIMITS.outputChars} characters`);
    this.out.push(s);
  }

  varValue(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) return this.vars[i]!;
    }
    this.fail(`undefined variable: ${name}`);
  }
  setVar(name: string, v: unknown, wrapped: boolean): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const x = this.vars[i]!;
      if (x.name === name) {
        x.v = v;
        x.wrapped = wrapped;
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }
  setTopVar(n: number, v: unknown, wrapped: boolean): void {
    const x = this.vars[this.vars.length - n]!;
    x.v = v;
    x.wrapped = wrapped;
  }

  /**
   * Walks the tree with an explicit stack, so the depth of nested {{template}} calls is
   * bounded by Go's limit (100,000) and not by the JS call stack. Each frame is a list being
   * walked, a range between iterations, or the scope to restore when a branch or a called
   * template ends; `break`/`continue` unwind to the innermost range.
   */
  walk(dot: Dot, root: Node): void {
    const stack: Frame[] = [];
    this.step(dot, root, stack);
    while (stack.length > 0) {
      const f = stack[stack.length - 1]!;
      try {
        switch (f.k) {
          case 'list':
            if (f.i < f.nodes.length) this.step(f.dot, f.nodes[f.i++]!, stack);
            else stack.pop();
            break;
          case 'scope':
            stack.pop();
            this.vars.length = f.mark;
            break;
          case 'template':
            stack.pop();
            this.depth--;
            this.vars = f.vars;
            this.name = f.name;
            break;
          case 'range':
            this.nextIteration(f, stack);
            break;
        }
      } catch (e) {
        if (e !== BREAK && e !== CONTINUE) throw e;
        this.unwind(stack, e);
      }
    }
  }

  /** Pops to the innermost range and ends it (break) or resumes it (continue). */
  private unwind(stack: Frame[], signal: typeof BREAK | typeof CONTINUE): void {
    for (;;) {
      const f = stack.pop();
      if (f === undefined) throw signal;
      if (f.k === 'scope') this.vars.length = f.mark;
      else if (f.k === 'template') {
        this.depth--;
        this.vars = f.vars;
        this.name = f.name;
      } else if (f.k === 'range') {
        this.vars.length = f.mark;
        if (signal === CONTINUE) {
          f.busy = false;
          stack.push(f);
        } else this.vars.length = f.outer;
        return;
      }
    }
  }

  private step(dot: Dot, node: Node, stack: Frame[]): void {
    this.visit(node);
    if (++this.executed > LIMITS.executedNodes) this.fail(nodeBudgetReason());
    switch (node.kind) {
      case 'action':
        this.walkAction(dot, node);
        return;
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, node.pipe);
        stack.push({ k: 'scope', mark });
        if (isTrue(v)) this.pushList(node.kind === 'with' ? { v, wrapped: false } : dot, node.list, stack);
        else if (node.elseList) this.pushList(dot, node.elseList, stack);
        return;
      }
      case 'list':
        this.pushList(dot, node, stack);
        return;
      case 'range':
        this.startRange(dot, node, stack);
        return;
      case 'template':
        this.callTemplate(dot, node, stack);
        return;
      case 'text':
        this.write(node.text);
        return;
      default:
        this.fail(`unknown node: ${nodeString(node)}`);
    }
  }

  private pushList(dot: Dot, list: ListNode, stack: Frame[]): void {
    stack.push({ k: 'list', dot, nodes: list.nodes, i: 0 });
  }

  walkAction(dot: Dot, node: ActionNode): void {
    const v = this.evalPipeline(dot, node.pipe);
    if (node.pipe.decl.length === 0) this.printValue(node, v);
  }

  printValue(node: Node, v: unknown): void {
    this.visit(node);
    if (typeof v === 'string') this.write(v);
    else this.write(v === undefined ? '<no value>' : formatValue(v, 'v', PLAIN, true));
  }

  private startRange(dot: Dot, r: BranchNode, stack: Frame[]): void {
    const outer = this.vars.length;
    const val = this.evalPipeline(dot, r.pipe);
    const frame: RangeFrame = {
      k: 'range',
      r,
      dot,
      outer,
      mark: this.vars.length,
      pos: 0,
      count: 0,
      source: 'none',
      val,
      keys: [],
      busy: false,
      ran: false,
    };
    const iv = intOf(val);
    if (iv !== undefined) {
      if (r.pipe.decl.length > 1)
        this.fail(`can't use ${formatValue(val, 'v', PLAIN, true)} to iterate over more than one variable`);
      frame.source = 'int';
      frame.count = iv > BigInt(LIMITS.rangeIterations) ? LIMITS.rangeIterations + 1 : Number(iv);
    } else if (Array.isArray(val)) {
      frame.source = 'list';
      frame.count = val.length;
    } else if (isMap(val)) {
      frame.source = 'map';
      frame.keys = mapKeys(val);
      frame.count = frame.keys.length;
    } else if (val !== undefined) {
      this.fail(`range can't iterate over ${formatValue(val, 'v', PLAIN, true)}`);
    }
    stack.push(frame);
  }

  /** On top of the stack again: the previous body (if any) is done; run the next one or end. */
  private nextIteration(f: RangeFrame, stack: Frame[]): void {
    const { r } = f;
    if (f.busy) this.vars.length = f.mark;
    if (f.pos >= f.count) {
      stack.pop();
      this.vars.length = f.outer;
      if (!f.ran && r.elseList) {
        stack.push({ k: 'scope', mark: f.outer });
        this.pushList(f.dot, r.elseList, stack);
      }
      return;
    }
    const i = f.pos++;
    let index: unknown;
    let elem: unknown;
    let elemWrapped = true;
    if (f.source === 'int') {
      const n = BigInt(i);
      elem = typeof f.val === 'bigint' ? n : new GoInt(n);
      elemWrapped = false;
    } else if (f.source === 'list') {
      index = new GoInt(BigInt(i));
      elem = (f.val as unknown[])[i];
    } else {
      index = f.keys[i];
      elem = (f.val as Record<string, unknown>)[f.keys[i]!];
    }
    f.ran = true;
    f.busy = true;
    if (++this.iterations > LIMITS.rangeIterations) this.fail('range iteration limit exceeded');
    if (++this.executed > LIMITS.executedNodes) this.fail(nodeBudgetReason());
    const decl = r.pipe.decl;
    if (decl.length > 0) {
      if (r.pipe.isAssign) {
        if (decl.length > 1) this.setVar(decl[0]!.ident[0]!, index, false);
        else this.setVar(decl[0]!.ident[0]!, elem, elemWrapped);
      } else this.setTopVar(1, elem, elemWrapped);
    }
    if (decl.length > 1) {
      if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem, elemWrapped);
      else this.setTopVar(2, index, false);
    }
    this.pushList({ v: elem, wrapped: elemWrapped }, r.list, stack);
  }

  private callTemplate(dot: Dot, t: TemplateNode, stack: Frame[]): void {
    const tmpl = this.ctx.defines.get(t.name);
    if (tmpl === undefined) this.fail(`template ${JSON.stringify(t.name)} not defined`);
    if (this.depth >= LIMITS.templateDepth)
      this.fail(`exceeded maximum template depth (${LIMITS.templateDepth})`);
    const v = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    stack.push({ k: 'template', vars: this.vars, name: this.name });
    this.vars = [{ name: '$', v, wrapped: false }];
    this.name = t.name;
    this.depth++;
    this.pushList({ v, wrapped: false }, tmpl, stack);
  }

  evalPipeline(dot: Dot, pipe: PipeNode): unknown {
    this.visit(pipe);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // Go unwraps interface{} results, so a nil interface becomes "no value".
      if (value === null) value = undefined;
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, value, false);
      else this.vars.push({ name: v.ident[0]!, v: value, wrapped: false });
    }
    return value;
  }

  notAFunction(args: ArgNode[], final: unknown): void {
    if (args.length > 1 || final !== MISSING)
      this.fail(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  evalCommand(dot: Dot, cmd: CommandNode, final: unknown): unknown {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        this.visit(first);
        return this.evalFunction(dot, first.ident, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.visit(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return first.val;
      case 'dot':
        return dot.v;
      case 'nil':
        this.fail('nil is not a command');
        break;
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
    this.fail(`can't evaluate command ${JSON.stringify(nodeString(first))}`);
  }

  idealConstant(n: NumberNode): unknown {
    this.visit(n);
    const isHexInt = /^[+-]?0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    if (n.isFloat && !isHexInt && !n.text.startsWith("'") && /[.eEpP]/.test(n.text)) return n.float;
    if (n.isInt) return new GoInt(n.int);
    if (n.isUint) this.fail(`${n.text} overflows int`);
    return undefined;
  }

  evalFieldNode(dot: Dot, field: FieldNode, args: ArgNode[], final: unknown): unknown {
    this.visit(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  evalChainNode(dot: Dot, chain: ChainNode, args: ArgNode[], final: unknown): unknown {
    this.visit(chain);
    if (chain.node.kind === 'nil') this.fail(`indirection through explicit nil in ${nodeString(chain)}`);
    const v = this.evalArg(dot, 'raw', chain.node);
    return this.evalFieldChain(dot, { v, wrapped: false }, chain, chain.field, args, final);
  }

  evalVariableNode(dot: Dot, variable: VariableNode, args: ArgNode[], final: unknown): unknown {
    this.visit(variable);
    const x = this.varValue(variable.ident[0]!);
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return x.v;
    }
    return this.evalFieldChain(
      dot,
      { v: x.v, wrapped: x.wrapped },
      variable,
      variable.ident.slice(1),
      args,
      final,
    );
  }

  evalFieldChain(
    dot: Dot,
    receiver: Dot,
    node: Node,
    ident: string[],
    args: ArgNode[],
    final: unknown,
  ): unknown {
    let r = receiver;
    for (let i = 0; i < ident.length - 1; i++) {
      r = { v: this.evalField(dot, ident[i]!, node, [], MISSING, r), wrapped: true };
    }
    return this.evalField(dot, ident[ident.length - 1]!, node, args, final, r);
  }

  evalField(dot: Dot, name: string, node: Node, args: ArgNode[], final: unknown, receiver: Dot): unknown {
    const v = receiver.v;
    if (v === undefined) this.fail(`nil data; no entry for key ${JSON.stringify(name)}`);
    const typ = receiver.wrapped ? 'interface {}' : goTypeName(v);
    if (v === null) this.fail(`nil pointer evaluating ${typ}.${name}`);
    if (v instanceof Date && Object.hasOwn(TIME_METHODS, name)) {
      const m = TIME_METHODS[name]!;
      const bound: TemplateFunc = { params: m.params.slice(1), call: (a, env) => m.call([v, ...a], env) };
      return this.evalCall(dot, bound, false, node, name, args, final);
    }
    const hasArgs = args.length > 1 || final !== MISSING;
    if (isMap(v)) {
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      const got = mapGet(v, name);
      if (!got.found) this.fail(`map has no entry for key ${JSON.stringify(name)}`);
      return got.value;
    }
    this.fail(`can't evaluate field ${name} in type ${typ}`);
  }

  evalFunction(dot: Dot, name: string, cmd: Node, args: ArgNode[], final: unknown): unknown {
    const builtin = Object.hasOwn(BUILTINS, name);
    const fn = builtin
      ? BUILTINS[name]
      : Object.hasOwn(this.ctx.funcs, name)
        ? this.ctx.funcs[name]
        : undefined;
    if (fn === undefined) this.fail(`${JSON.stringify(name)} is not a defined function`);
    return this.evalCall(dot, fn, builtin, cmd, name, args, final);
  }

  evalCall(
    dot: Dot,
    fn: TemplateFunc,
    builtin: boolean,
    node: Node,
    name: string,
    allArgs: ArgNode[],
    final: unknown,
  ): unknown {
    const args = allArgs.slice(1);
    const hasFinal = final !== MISSING;
    const numIn = args.length + (hasFinal ? 1 : 0);
    const nParams = fn.params.length + (fn.variadic ? 1 : 0);
    const numFixed = fn.variadic ? fn.params.length : args.length;
    if (fn.variadic) {
      if (numIn < numFixed)
        this.fail(`wrong number of args for ${name}: want at least ${fn.params.length} got ${args.length}`);
    } else if (numIn !== nParams) {
      this.fail(`wrong number of args for ${name}: want ${nParams} got ${numIn}`);
    }
    if (builtin && (name === 'and' || name === 'or')) {
      let v: unknown;
      for (const a of args) {
        v = this.evalArg(dot, 'value', a);
        if (isTrue(v === null ? undefined : v) === (name === 'or')) return v;
      }
      if (hasFinal) v = final;
      return v;
    }
    const argv: unknown[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, fn.params[i]!, args[i]!));
    if (fn.variadic) for (; i < args.length; i++) argv.push(this.evalArg(dot, fn.variadic, args[i]!));
    if (hasFinal) {
      let t: ParamType;
      if (fn.variadic) t = numIn - 1 < numFixed ? fn.params[numIn - 1]! : fn.variadic;
      else t = fn.params[fn.params.length - 1]!;
      argv.push(this.validateType(final, t));
    }
    if (builtin && name === 'slice') {
      for (let k = 1; k < args.length; k++) {
        if (this.holdsInterface(dot, args[k]!)) argv[k] = new InterfaceIndex(argv[k]);
      }
    }
    if (builtin && name === 'call') {
      const callee = args.length === 0 ? String(final) : nodeString(args[0]!);
      argv.unshift(callee);
    }
    try {
      const result = fn.call(argv, this.ctx.env);
      if (typeof result === 'string' && result.length > LIMITS.outputChars) {
        this.visit(node);
        this.fail(`error calling ${name}: result exceeds ${LIMITS.outputChars} characters`);
      }
      return result;
    } catch (e) {
      if (e instanceof FuncError) {
        this.visit(node);
        this.fail(`error calling ${name}: ${e.message}`);
      }
      throw e;
    }
  }

  /** Whether Go would hold this argument's value as interface{} (a map entry or range element). */
  holdsInterface(dot: Dot, n: ArgNode): boolean {
    switch (n.kind) {
      case 'field':
      case 'chain':
        return true;
      case 'variable':
        return n.ident.length > 1 || this.varValue(n.ident[0]!).wrapped;
      case 'dot':
        return dot.wrapped;
      default:
        return false;
    }
  }

  validateType(v: unknown, t: ParamType | 'raw'): unknown {
    if (t === 'raw' || t === 'value') return v;
    if (v === undefined) {
      if (t === 'any') return null;
      this.fail(`invalid value; expected ${PARAM_GO_TYPE[t]}`);
    }
    switch (t) {
      case 'any':
        return v;
      case 'string':
        if (typeof v === 'string') return v;
        break;
      case 'time':
        if (v instanceof Date) return v;
        break;
    }
    this.fail(`wrong type for value; expected ${PARAM_GO_TYPE[t]}; got ${goTypeName(v)}`);
  }

  evalArg(dot: Dot, t: ParamType | 'raw', n: ArgNode): unknown {
    this.visit(n);
    switch (n.kind) {
      case 'dot':
        return this.validateType(dot.v, t);
      case 'nil':
        if (t === 'any' || t === 'value') return t === 'any' ? null : undefined;
        if (t === 'raw') this.fail("evalEmptyInterface: nil (can't happen)");
        this.fail(`cannot assign nil to ${PARAM_GO_TYPE[t]}`);
        break;
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), t);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, [], MISSING), t);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), t);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n.ident, n, [n], MISSING), t);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, [], MISSING), t);
    }
    switch (t) {
      case 'string':
        if (n.kind === 'string') return n.text;
        this.fail(`expected string; found ${nodeString(n)}`);
        break;
      case 'time':
        this.fail(`can't handle ${nodeString(n)} for arg of type time.Time`);
        break;
    }
    // interface{} and reflect.Value parameters take the constant's natural Go type.
    switch (n.kind) {
      case 'bool':
        return n.val;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
    }
    return undefined;
  }
}

const PARAM_GO_TYPE: Record<ParamType, string> = {
  any: 'interface {}',
  value: 'reflect.Value',
  string: 'string',
  time: 'time.Time',
};

/** The time.Time methods a template can call on a Date (the rest of Go's set is never used). */
function timeMethod(params: ParamType[], f: (t: Date, args: unknown[]) => unknown): TemplateFunc {
  return { params: ['time', ...params], call: (a) => f(a[0] as Date, a.slice(1)) };
}
const TIME_METHODS: Record<string, TemplateFunc> = {
  Format: timeMethod(['string'], (t, [l]) => formatGoTime(t, l as string)),
  String: timeMethod([], (t) => goTimeString(t)),
  Year: timeMethod([], (t) => new GoInt(BigInt(t.getUTCFullYear()))),
  Day: timeMethod([], (t) => new GoInt(BigInt(t.getUTCDate()))),
  Hour: timeMethod([], (t) => new GoInt(BigInt(t.getUTCHours()))),
  Minute: timeMethod([], (t) => new GoInt(BigInt(t.getUTCMinutes()))),
  Second: timeMethod([], (t) => new GoInt(BigInt(t.getUTCSeconds()))),
  Unix: timeMethod([], (t) => BigInt(Math.floor(t.getTime() / 1000))),
  UnixMilli: timeMethod([], (t) => BigInt(t.getTime())),
  UTC: timeMethod([], (t) => t),
};

export function execute(ctx: ExecContext, name: string, root: ListNode, data: unknown): string {
  // Top-level data is never "inside an interface": Execute does reflect.ValueOf(data).
  const dot: Dot = { v: data === null ? undefined : data, wrapped: false };
  const s = new State(ctx, name, dot);
  s.walk(dot, root);
  return s.out.join('');
}
