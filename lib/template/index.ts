/**
 * Go text/template for adapter configs: manifests, payload `build` strings, URLs and bodies
 * render exactly as the Go hyperfleet-adapter renders them (text/template with
 * Option("missingkey=error") and its function map).
 *
 * Value model (shared with the CEL engine): objects = map[string]interface{}, arrays =
 * []interface{}, strings, booleans, null = nil, number = float64 (as encoding/json decodes),
 * bigint = int64 (params typed int/int64), Date = time.Time (UTC).
 */

import { overBudgetNode } from './budget.ts';
import { BUILTINS, FuncError, type TemplateFunc } from './builtins.ts';
import { TemplateError } from './errors.ts';
import { ExecFailure, execute, LIMITS } from './exec.ts';
import { ADAPTER_FUNCS, HELPER_FUNCS } from './funcs.ts';
import { goQuote } from './literals.ts';
import type { ArgNode, ListNode, Node, PipeNode } from './nodes.ts';
import { nodeString } from './nodes.ts';
import { ParseFailure, parseTemplate } from './parser.ts';
import { utf8Length } from './values.ts';

export { TemplateError } from './errors.ts';

export interface RenderOptions {
  /** Clock for the `now` function; defaults to the wall clock. */
  now?: () => Date;
}

export interface CompiledTemplate {
  readonly text: string;
  render(data: unknown, options?: RenderOptions): string;
  /** Distinct top-level keys of the data the template reads (`.clusterId`, `.adapter.name` → adapter). */
  readonly fieldRefs: string[];
  /**
   * The error every render fails with, found without rendering: the nodes it executes
   * whatever the data already pass the render budget (budget.ts). For the config loader.
   */
  readonly overBudget: TemplateError | undefined;
}

const FUNCS: Record<string, TemplateFunc> = { ...HELPER_FUNCS, ...ADAPTER_FUNCS };
const hasFunction = (name: string): boolean => Object.hasOwn(BUILTINS, name) || Object.hasOwn(FUNCS, name);

/** The template name the Go adapter uses, which appears in every error message. */
export const DEFAULT_TEMPLATE_NAME = 'template';

function position(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, pos);
  const nl = before.lastIndexOf('\n');
  let line = 1;
  for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) line++;
  return { line, column: utf8Length(before.slice(nl + 1)) };
}

class Compiled implements CompiledTemplate {
  readonly text: string;
  readonly name: string;
  private readonly root: ListNode;
  private readonly defines: Map<string, ListNode>;
  private refs: string[] | null = null;
  private budget: { error: TemplateError | undefined } | null = null;

  constructor(text: string, name: string) {
    this.text = text;
    this.name = name;
    try {
      const parsed = parseTemplate(text, name, hasFunction);
      this.root = parsed.root;
      this.defines = parsed.defines;
    } catch (e) {
      if (e instanceof ParseFailure) {
        const { line, column } = position(text, e.pos);
        throw new TemplateError('TEMPLATE_PARSE', `template: ${name}:${line}: ${e.message}`, {
          line,
          column,
          reason: e.message,
        });
      }
      if (e instanceof RangeError) {
        throw new TemplateError('TEMPLATE_PARSE', `template: ${name}: template too deeply nested`, {
          line: 1,
          column: 0,
          reason: 'template too deeply nested',
        });
      }
      throw e;
    }
  }

  get fieldRefs(): string[] {
    if (this.refs === null) this.refs = collectFieldRefs(this.root, this.defines);
    return this.refs;
  }

  get overBudget(): TemplateError | undefined {
    if (this.budget === null) {
      const node = overBudgetNode(this.root, this.defines);
      const reason = `every render exceeds the limit of ${LIMITS.executedNodes} executed template nodes`;
      this.budget = { error: node && this.execError(new ExecFailure(reason, node, this.name)) };
    }
    return this.budget.error;
  }

  render(data: unknown, options: RenderOptions = {}): string {
    const now = options.now ?? (() => new Date());
    try {
      return execute({ funcs: FUNCS, defines: this.defines, env: { now } }, this.name, this.root, data);
    } catch (e) {
      throw this.execError(e);
    }
  }

  private execError(e: unknown): TemplateError {
    if (e instanceof ExecFailure) {
      if (e.node === null) {
        return new TemplateError('TEMPLATE_EXEC', `template: ${e.templateName}: ${e.reason}`, {
          line: 1,
          column: 0,
          reason: e.reason,
        });
      }
      const { line, column } = position(this.text, e.node.pos);
      const message = `template: ${this.name}:${line}:${column}: executing ${goQuote(e.templateName)} at <${nodeString(e.node)}>: ${e.reason}`;
      return new TemplateError('TEMPLATE_EXEC', message, { line, column, reason: e.reason });
    }
    const reason =
      e instanceof RangeError
        ? 'template recursion too deep'
        : e instanceof FuncError || e instanceof Error
          ? e.message
          : String(e);
    return new TemplateError('TEMPLATE_EXEC', `template: ${this.name}: ${reason}`, {
      line: 1,
      column: 0,
      reason,
      cause: e,
    });
  }
}

/** Top-level data keys read through `.` (while dot is the data) or `$`. */
function collectFieldRefs(root: ListNode, defines: Map<string, ListNode>): string[] {
  const refs = new Set<string>();
  const visitArg = (a: ArgNode, dotIsRoot: boolean): void => {
    switch (a.kind) {
      case 'field':
        if (dotIsRoot) refs.add(a.ident[0]!);
        break;
      case 'variable':
        if (a.ident[0] === '$' && a.ident.length > 1) refs.add(a.ident[1]!);
        break;
      case 'chain':
        visitArg(a.node, dotIsRoot);
        break;
      case 'pipe':
        visitPipe(a, dotIsRoot);
        break;
    }
  };
  const visitPipe = (p: PipeNode, dotIsRoot: boolean): void => {
    for (const c of p.cmds) {
      for (const a of c.args) visitArg(a, dotIsRoot);
      const [fn, target, key] = c.args;
      // `index . "key"` / `index $ "key"` read a top-level key too.
      if (fn?.kind === 'identifier' && fn.ident === 'index' && key?.kind === 'string') {
        const isRoot =
          (target?.kind === 'dot' && dotIsRoot) ||
          (target?.kind === 'variable' && target.ident.length === 1 && target.ident[0] === '$');
        if (isRoot) refs.add(key.text);
      }
    }
  };
  const visit = (n: Node, dotIsRoot: boolean): void => {
    switch (n.kind) {
      case 'list':
        for (const c of n.nodes) visit(c, dotIsRoot);
        break;
      case 'action':
        visitPipe(n.pipe, dotIsRoot);
        break;
      case 'if':
        visitPipe(n.pipe, dotIsRoot);
        visit(n.list, dotIsRoot);
        if (n.elseList) visit(n.elseList, dotIsRoot);
        break;
      case 'with':
      case 'range':
        visitPipe(n.pipe, dotIsRoot);
        visit(n.list, false);
        if (n.elseList) visit(n.elseList, dotIsRoot);
        break;
      case 'template': {
        if (n.pipe) visitPipe(n.pipe, dotIsRoot);
        // {{template "x" .}} (or $) hands the data itself to the definition: its reads count.
        const arg = n.pipe?.decl.length === 0 && n.pipe.cmds.length === 1 ? n.pipe.cmds[0]!.args : [];
        const passesRoot =
          arg.length === 1 &&
          ((arg[0]!.kind === 'dot' && dotIsRoot) ||
            (arg[0]!.kind === 'variable' && arg[0]!.ident.length === 1 && arg[0]!.ident[0] === '$'));
        const body = defines.get(n.name);
        // Once is enough: a definition read with the data as dot reads the same keys every
        // time (and fan-out, each definition calling the next twice, would be exponential).
        if (passesRoot && body !== undefined && !expanded.has(n.name)) {
          expanded.add(n.name);
          visit(body, true);
        }
        break;
      }
    }
  };
  const expanded = new Set<string>();
  visit(root, true);
  return [...refs];
}

const CACHE_LIMIT = 2000;
const cache = new Map<string, Compiled>();

/** Parse once; compiled templates are cached by (name, text) with LRU eviction. */
export function compileTemplate(text: string, name: string = DEFAULT_TEMPLATE_NAME): CompiledTemplate {
  const key = `${name}\u0000${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const compiled = new Compiled(text, name);
  cache.set(key, compiled);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return compiled;
}

/** Parse without touching the cache (benchmarks, one-off validation). */
export function compileTemplateUncached(
  text: string,
  name: string = DEFAULT_TEMPLATE_NAME,
): CompiledTemplate {
  return new Compiled(text, name);
}

export function renderTemplate(text: string, data: unknown, options?: RenderOptions): string {
  return compileTemplate(text).render(data, options);
}
