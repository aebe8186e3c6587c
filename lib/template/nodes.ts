/** Parse tree for Go text/template, with Go's String() rendering (used in error contexts). */

export interface Base {
  pos: number;
}
export interface TextNode extends Base {
  kind: 'text';
  text: string;
}
export interface ActionNode extends Base {
  kind: 'action';
  pipe: PipeNode;
}
export interface BranchNode extends Base {
  kind: 'if' | 'range' | 'with';
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface TemplateNode extends Base {
  kind: 'template';
  name: string;
  pipe: PipeNode | null;
}
export interface MarkerNode extends Base {
  kind: 'break' | 'continue' | 'end' | 'else';
}
export interface ListNode extends Base {
  kind: 'list';
  nodes: Node[];
}
export interface PipeNode extends Base {
  kind: 'pipe';
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode extends Base {
  kind: 'command';
  args: ArgNode[];
}
export interface FieldNode extends Base {
  kind: 'field';
  ident: string[];
}
export interface VariableNode extends Base {
  kind: 'variable';
  ident: string[];
}
export interface ChainNode extends Base {
  kind: 'chain';
  node: ArgNode;
  field: string[];
}
export interface IdentifierNode extends Base {
  kind: 'identifier';
  ident: string;
}
export interface DotNode extends Base {
  kind: 'dot';
}
export interface NilNode extends Base {
  kind: 'nil';
}
export interface BoolNode extends Base {
  kind: 'bool';
  val: boolean;
}
export interface NumberNode extends Base {
  kind: 'number';
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int: bigint;
  uint: bigint;
  float: number;
}
export interface StringNode extends Base {
  kind: 'string';
  quoted: string;
  text: string;
}

export type ArgNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

export type Node =
  | TextNode
  | ActionNode
  | BranchNode
  | TemplateNode
  | MarkerNode
  | ListNode
  | ArgNode
  | CommandNode;

export function nodeString(n: Node): string {
  switch (n.kind) {
    case 'text':
      return n.text;
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'if':
    case 'range':
    case 'with': {
      const head = `{{${n.kind} ${nodeString(n.pipe)}}}${nodeString(n.list)}`;
      return n.elseList ? `${head}{{else}}${nodeString(n.elseList)}{{end}}` : `${head}{{end}}`;
    }
    case 'template':
      return n.pipe
        ? `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe)}}}`
        : `{{template ${JSON.stringify(n.name)}}}`;
    case 'break':
    case 'continue':
    case 'end':
    case 'else':
      return `{{${n.kind}}}`;
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) {
        s = n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ');
      }
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'field':
      return n.ident.map((i) => `.${i}`).join('');
    case 'variable':
      return n.ident.join('.');
    case 'chain': {
      const head = n.node.kind === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return head + n.field.map((f) => `.${f}`).join('');
    }
    case 'identifier':
      return n.ident;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return n.val ? 'true' : 'false';
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
  }
}
