/**
 * Recursive-descent parser for Go text/template, following the Go parser's grammar and its
 * error messages ("unexpected EOF", `function "x" not defined`, ...). A failure throws
 * ParseFailure carrying the source offset; the caller formats it Go-style.
 */
import { type Item, isKeyword, lex } from './lexer.ts';
import { goQuote, goUnquote, goUnquoteChar, parseGoFloat, parseGoInt } from './literals.ts';
import type {
  ArgNode,
  BranchNode,
  CommandNode,
  ListNode,
  MarkerNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  VariableNode,
} from './nodes.ts';
import { nodeString } from './nodes.ts';

export class ParseFailure extends Error {
  readonly pos: number;
  constructor(message: string, pos: number) {
    super(message);
    this.pos = pos;
  }
}

export interface ParsedTemplate {
  root: ListNode;
  defines: Map<string, ListNode>;
}

/** Parentheses and block nesting are bounded so hostile input cannot exhaust the stack. */
const MAX_DEPTH = 500;

function itemString(i: Item): string {
  if (i.typ === 'eof') return 'EOF';
  if (i.typ === 'error') return i.val;
  if (isKeyword(i.typ)) return `<${i.val}>`;
  if ([...i.val].length > 10) return `${goQuote([...i.val].slice(0, 10).join(''))}...`;
  return goQuote(i.val);
}

function isEmptyTree(n: Node): boolean {
  switch (n.kind) {
    case 'list':
      return n.nodes.every(isEmptyTree);
    case 'text':
      return n.text.trim().length === 0 || /^[ \t\r\n\f\v]*$/.test(n.text);
    default:
      return false;
  }
}

class Parser {
  private readonly items: Item[];
  private idx = 0;
  private furthest = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private depth = 0;
  private actionLine = 0;
  readonly defines = new Map<string, ListNode>();

  private readonly text: string;
  private readonly name: string;
  private readonly hasFunction: (name: string) => boolean;

  constructor(text: string, name: string, hasFunction: (name: string) => boolean) {
    this.text = text;
    this.name = name;
    this.hasFunction = hasFunction;
    this.items = lex(text);
  }

  private newlines: number[] | null = null;

  /** 1-based line of an offset; newline positions are indexed once per parse. */
  private lineAt(pos: number): number {
    if (this.newlines === null) {
      this.newlines = [];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) this.newlines.push(i);
    }
    let lo = 0;
    let hi = this.newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.newlines[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }

  private get(i: number): Item {
    const it = this.items[Math.min(i, this.items.length - 1)]!;
    return it;
  }
  private next(): Item {
    const i = Math.min(this.idx, this.items.length - 1);
    this.idx = i + 1;
    if (i > this.furthest) this.furthest = i;
    return this.items[i]!;
  }
  private backup(n = 1): void {
    this.idx -= n;
  }
  private peek(): Item {
    const it = this.next();
    this.backup();
    return it;
  }
  private nextNonSpace(): Item {
    let it = this.next();
    while (it.typ === 'space') it = this.next();
    return it;
  }
  private peekNonSpace(): Item {
    const it = this.nextNonSpace();
    this.backup();
    return it;
  }

  fail(msg: string): never {
    const at = this.get(this.furthest);
    throw new ParseFailure(msg, at.pos);
  }
  private unexpected(it: Item, context: string): never {
    if (it.typ === 'error') {
      const itLine = this.lineAt(it.pos);
      if (this.actionLine !== 0 && this.actionLine !== itLine) {
        const extra = ` in action started at ${this.name}:${this.actionLine}`;
        this.fail(it.val + (it.val.endsWith(' action') ? extra.slice(' in action'.length) : extra));
      }
      this.fail(it.val);
    }
    this.fail(`unexpected ${itemString(it)} in ${context}`);
  }
  private expect(typ: Item['typ'], context: string): Item {
    const it = this.nextNonSpace();
    if (it.typ !== typ) this.unexpected(it, context);
    return it;
  }

  parseMain(): ListNode {
    const root: ListNode = { kind: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().typ !== 'eof') {
      if (this.peek().typ === 'leftDelim') {
        this.next();
        const save = this.idx;
        if (this.nextNonSpace().typ === 'define') {
          this.parseDefinition();
          continue;
        }
        this.idx = save - 1;
      }
      const n = this.textOrAction();
      if (n === null) continue;
      if (n.kind === 'end' || n.kind === 'else') this.fail(`unexpected ${nodeString(n)}`);
      root.nodes.push(n);
    }
    return root;
  }

  private addDefinition(name: string, list: ListNode): void {
    const existing = this.defines.get(name);
    if (existing === undefined || isEmptyTree(existing)) {
      this.defines.set(name, list);
      return;
    }
    if (!isEmptyTree(list)) this.fail(`template: multiple definition of template ${goQuote(name)}`);
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const nameTok = this.nextNonSpace();
    if (nameTok.typ !== 'string' && nameTok.typ !== 'rawString') this.unexpected(nameTok, context);
    const name = this.unquote(nameTok.val);
    this.expect('rightDelim', context);
    const savedVars = this.vars;
    const savedRange = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0;
    const [list, end] = this.itemList();
    if (end.kind !== 'end') this.fail(`unexpected ${nodeString(end)} in ${context}`);
    this.vars = savedVars;
    this.rangeDepth = savedRange;
    this.addDefinition(name, list);
  }

  private itemList(): [ListNode, MarkerNode] {
    const list: ListNode = { kind: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().typ !== 'eof') {
      const n = this.textOrAction();
      if (n === null) continue;
      if (n.kind === 'end' || n.kind === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.fail('unexpected EOF');
  }

  private textOrAction(): Node | null {
    const it = this.nextNonSpace();
    switch (it.typ) {
      case 'text':
        return { kind: 'text', pos: it.pos, text: it.val };
      case 'leftDelim': {
        this.actionLine = this.lineAt(it.pos);
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      case 'comment':
        return null;
      default:
        this.unexpected(it, 'input');
    }
  }

  private action(): Node {
    const it = this.nextNonSpace();
    switch (it.typ) {
      case 'block':
        return this.blockControl();
      case 'break':
      case 'continue': {
        const after = this.nextNonSpace();
        if (after.typ !== 'rightDelim') this.unexpected(after, `{{${it.typ}}}`);
        if (this.rangeDepth === 0) this.fail(`{{${it.typ}}} outside {{range}}`);
        return { kind: it.typ, pos: it.pos };
      }
      case 'else': {
        const p = this.peekNonSpace();
        if (p.typ === 'if' || p.typ === 'with') return { kind: 'else', pos: p.pos };
        const t = this.expect('rightDelim', 'else');
        return { kind: 'else', pos: t.pos };
      }
      case 'end':
        return { kind: 'end', pos: this.expect('rightDelim', 'end').pos };
      case 'if':
      case 'range':
      case 'with':
        return this.control(it.typ);
      case 'template':
        return this.templateControl();
    }
    this.backup();
    const pos = this.peek().pos;
    return { kind: 'action', pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail('max expression depth exceeded');
  }

  private control(kind: 'if' | 'range' | 'with'): BranchNode {
    this.enter();
    const varCount = this.vars.length;
    const pipe = this.pipeline(kind, 'rightDelim');
    if (kind === 'range') this.rangeDepth++;
    let [list, next] = this.itemList();
    if (kind === 'range') this.rangeDepth--;
    let elseList: ListNode | null = null;
    if (next.kind === 'else') {
      const p = this.peek();
      if ((kind === 'if' && p.typ === 'if') || (kind === 'with' && p.typ === 'with')) {
        this.next();
        elseList = { kind: 'list', pos: next.pos, nodes: [this.control(kind)] };
      } else {
        [elseList, next] = this.itemList();
        if (next.kind !== 'end') this.fail(`expected end; found ${nodeString(next)}`);
      }
    }
    this.vars.length = varCount;
    this.depth--;
    return { kind, pos: pipe.pos, pipe, list, elseList };
  }

  private parseTemplateName(it: Item, context: string): string {
    if (it.typ === 'string' || it.typ === 'rawString') return this.unquote(it.val);
    this.unexpected(it, context);
  }

  private blockControl(): TemplateNode {
    const context = 'block clause';
    const tok = this.nextNonSpace();
    const name = this.parseTemplateName(tok, context);
    const pipe = this.pipeline(context, 'rightDelim');
    const savedVars = this.vars;
    const savedRange = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0;
    const [list, end] = this.itemList();
    if (end.kind !== 'end') this.fail(`unexpected ${nodeString(end)} in ${context}`);
    this.vars = savedVars;
    this.rangeDepth = savedRange;
    this.addDefinition(name, list);
    return { kind: 'template', pos: tok.pos, name, pipe };
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const tok = this.nextNonSpace();
    const name = this.parseTemplateName(tok, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { kind: 'template', pos: tok.pos, name, pipe };
  }

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', pos: first.pos, isAssign: false, decl: [], cmds: [] };
    for (;;) {
      const v = this.peekNonSpace();
      if (v.typ !== 'variable') break;
      const startIdx = this.idx;
      this.nextNonSpace();
      const afterVar = this.peek();
      const nxt = this.peekNonSpace();
      if (nxt.typ === 'assign' || nxt.typ === 'declare') {
        pipe.isAssign = nxt.typ === 'assign';
        this.nextNonSpace();
        pipe.decl.push({ kind: 'variable', pos: v.pos, ident: v.val.split('.') });
        this.vars.push(v.val);
      } else if (nxt.typ === 'char' && nxt.val === ',') {
        this.nextNonSpace();
        pipe.decl.push({ kind: 'variable', pos: v.pos, ident: v.val.split('.') });
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const t = this.peekNonSpace().typ;
          if (t === 'variable' || t === 'rightDelim' || t === 'rightParen') continue;
          this.fail('range can only initialize variables');
        }
        this.fail(`too many declarations in ${context}`);
      } else {
        void afterVar;
        this.idx = startIdx;
      }
      break;
    }
    for (;;) {
      const it = this.nextNonSpace();
      if (it.typ === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (it.typ) {
        case 'bool':
        case 'charConstant':
        case 'complex':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(it, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const k = c.args[0]!.kind;
      if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string') {
        this.fail(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const it = this.next();
      if (it.typ === 'space') continue;
      if (it.typ === 'rightDelim' || it.typ === 'rightParen') this.backup();
      else if (it.typ !== 'pipe') this.unexpected(it, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.fail('empty command');
    return cmd;
  }

  private operand(): ArgNode | null {
    const node = this.term();
    if (node === null) return null;
    if (this.peek().typ !== 'field') return node;
    const chainPos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().typ === 'field') fields.push(this.next().val.slice(1));
    switch (node.kind) {
      case 'field':
        return { kind: 'field', pos: chainPos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { kind: 'variable', pos: chainPos, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.fail(`unexpected . after term ${goQuote(nodeString(node))}`);
        break;
    }
    return { kind: 'chain', pos: chainPos, node, field: fields };
  }

  private term(): ArgNode | null {
    const it = this.nextNonSpace();
    switch (it.typ) {
      case 'identifier':
        if (!this.hasFunction(it.val)) this.fail(`function ${goQuote(it.val)} not defined`);
        return { kind: 'identifier', pos: it.pos, ident: it.val };
      case 'dot':
        return { kind: 'dot', pos: it.pos };
      case 'nil':
        return { kind: 'nil', pos: it.pos };
      case 'variable': {
        const ident = it.val.split('.');
        if (!this.vars.includes(ident[0]!)) this.fail(`undefined variable ${goQuote(ident[0]!)}`);
        return { kind: 'variable', pos: it.pos, ident };
      }
      case 'field':
        return { kind: 'field', pos: it.pos, ident: it.val.slice(1).split('.') };
      case 'bool':
        return { kind: 'bool', pos: it.pos, val: it.val === 'true' };
      case 'charConstant':
      case 'complex':
      case 'number':
        return this.number(it);
      case 'leftParen': {
        this.enter();
        const p = this.pipeline('parenthesized pipeline', 'rightParen');
        this.depth--;
        return p;
      }
      case 'string':
      case 'rawString':
        return { kind: 'string', pos: it.pos, quoted: it.val, text: this.unquote(it.val) };
    }
    this.backup();
    return null;
  }

  private unquote(q: string): string {
    const r = goUnquote(q);
    if (r === null) this.fail('invalid syntax');
    return r;
  }

  private number(it: Item): NumberNode {
    const text = it.val;
    const n: NumberNode = {
      kind: 'number',
      pos: it.pos,
      text,
      isInt: false,
      isUint: false,
      isFloat: false,
      isComplex: false,
      int: 0n,
      uint: 0n,
      float: 0,
    };
    if (it.typ === 'charConstant') {
      const body = goUnquoteChar(text);
      if (body === null) this.fail('invalid syntax');
      if (body === 'malformed') this.fail(`malformed character constant: ${text}`);
      n.int = BigInt(body);
      n.uint = n.int;
      n.float = body;
      n.isInt = n.isUint = n.isFloat = true;
      return n;
    }
    if (it.typ === 'complex' || text.endsWith('i')) {
      // Complex numbers have no place in adapter data; Go accepts them, we reject clearly.
      this.fail(`complex constants are not supported: ${goQuote(text)}`);
    }
    const asInt = parseGoInt(text);
    if (asInt !== null) {
      if (asInt >= 0n && asInt <= 0xffffffffffffffffn) {
        n.isUint = true;
        n.uint = asInt;
      }
      if (asInt >= -(2n ** 63n) && asInt < 2n ** 63n) {
        n.isInt = true;
        n.int = asInt;
      }
    }
    if (n.isInt) {
      n.isFloat = true;
      n.float = Number(n.int);
    } else if (n.isUint) {
      n.isFloat = true;
      n.float = Number(n.uint);
    } else {
      const f = parseGoFloat(text);
      if (f !== null) {
        if (!/[.eEpP]/.test(text)) this.fail(`integer overflow: ${goQuote(text)}`);
        n.isFloat = true;
        n.float = f;
        if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
          n.isInt = true;
          n.int = BigInt(f);
        }
        if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
          n.isUint = true;
          n.uint = BigInt(f);
        }
      }
    }
    if (!n.isInt && !n.isUint && !n.isFloat) this.fail(`illegal number syntax: ${goQuote(text)}`);
    return n;
  }
}

export function parseTemplate(
  text: string,
  name: string,
  hasFunction: (name: string) => boolean,
): ParsedTemplate {
  const p = new Parser(text, name, hasFunction);
  const root = p.parseMain();
  return { root, defines: p.defines };
}

export type { VariableNode };
