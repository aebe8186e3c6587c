/**
 * YAML text -> plain value plus a parallel tree of source positions, so every later problem
 * (schema, semantic, ref) can name the line and column it came from even after keys were
 * renamed or values overridden. Syntax errors and duplicate keys are collected, not thrown.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { normaliseBreaks, rereadKeptBreaks } from '../yaml-go/breaks.ts';
import { firstUnterminatedQuote, indentQuotedContinuations } from '../yaml-go/decode.ts';
import { decodeManifestNode, type GoValue } from '../yaml-go/index.ts';
import { YamlGoError } from '../yaml-go/resolve.ts';

export interface Pos {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface SourceNode {
  /** Where the value starts. */
  pos: Pos;
  /** Where the key of this map entry starts. */
  keyPos?: Pos;
  /** The key as written (before camelCase aliases became snake_case). */
  writtenKey?: string;
  /** Set when the value does not come from the file (an env var or a flag). */
  origin?: string;
  children?: Map<string | number, SourceNode>;
  /** For a mapping: the value as Go's yaml.v3 decodes it into an interface{} (inline manifests). */
  decoded?: () => GoValue;
}

export interface SourceIssue {
  pos: Pos;
  message: string;
  /** Path of the node the issue is about, when known. */
  path?: (string | number)[];
}

export interface ParsedSource {
  value: unknown;
  root: SourceNode;
  /** Syntax errors, duplicate keys, unsupported constructs. Non-empty => do not trust `value`. */
  issues: SourceIssue[];
}

/** A real config is a few thousand nodes; this bounds alias expansion ("billion laughs"). */
const MAX_NODES = 50_000;
const MAX_DEPTH = 200;

export function parseYamlSource(original: string): ParsedSource {
  // Go's yaml.v3 (libyaml) breaks lines at NEL, LS and PS too, so a raw one in a config file
  // splits a key or folds a quoted value there; read the file with those breaks as LFs. Each
  // break stays one break, so lines and columns are the file's as libyaml counts them.
  const breaks = normaliseBreaks(original);
  let text = breaks ? breaks.text : original;
  let lineCounter = new LineCounter();
  const read = (t: string, lc: LineCounter) =>
    parseAllDocuments(t, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  let docs = read(text, lineCounter);
  // libyaml lets a quoted scalar's continuation lines sit at any indentation; YAML 1.2 wants
  // them past the enclosing node. Indenting those lines (blanks there are not part of the
  // value) reads what Go reads; the lines stay where they were. As in parseManifest.
  const failed = Array.isArray(docs) && docs.some((x) => x.errors.length > 0);
  if (failed || firstUnterminatedQuote(text) !== undefined) {
    const relaxed = indentQuotedContinuations(text);
    // Once every quote closes, the relaxed reading is libyaml's, and so are its other errors.
    if (relaxed !== undefined && firstUnterminatedQuote(relaxed) === undefined) {
      text = relaxed;
      lineCounter = new LineCounter();
      docs = read(text, lineCounter);
    }
  }
  const at = (offset: number): Pos => {
    const lp = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    return { line: lp.line, column: lp.col };
  };
  const issues: SourceIssue[] = [];
  const start: Pos = { line: 1, column: 1 };
  // Go's yaml.v3 (libyaml's reader) refuses a file holding any of these.
  const control = /[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.exec(text);
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    issues.push({ pos: at(control.index), message: `control characters are not allowed (U+${code})` });
  }
  if (!Array.isArray(docs)) {
    // An empty stream comes back as an EmptyStream (a non-array); nothing to read.
    return { value: null, root: { pos: start }, issues };
  }
  for (const doc of docs) {
    for (const err of doc.errors) {
      issues.push({ pos: at(err.pos[0]), message: describeYamlError(err.code, err.message) });
    }
  }
  if (docs.length > 1) {
    const second = docs[1]!;
    issues.push({
      pos: at(second.range[0]),
      message: 'a config file holds one YAML document; found a second one (`---`)',
    });
  }
  const doc = docs[0];
  if (!doc || issues.length > 0) return { value: null, root: { pos: start }, issues };
  if (breaks?.keeps) {
    try {
      rereadKeptBreaks(doc, text, breaks.kinds);
    } catch (err) {
      if (!(err instanceof YamlGoError)) throw err;
      issues.push({ pos: start, message: err.message.replace(/^yaml: /, '') });
      return { value: null, root: { pos: start }, issues };
    }
  }

  let budget = MAX_NODES;
  const resolved = new Map<object, unknown>();
  const convert = (node: unknown, depth: number, path: (string | number)[]): [unknown, SourceNode] => {
    if (--budget < 0) throw new TooLarge();
    if (depth > MAX_DEPTH) throw new TooLarge();
    if (isAlias(node)) {
      // resolve() searches the whole document; an alias used in a loop must not pay that each time.
      let target = resolved.get(node);
      if (!resolved.has(node)) {
        target = node.resolve(doc);
        resolved.set(node, target);
      }
      const pos = at(node.range?.[0] ?? 0);
      if (!target) {
        issues.push({ pos, message: `unknown alias *${node.source}`, path });
        return [null, { pos }];
      }
      const [value, source] = convert(target, depth + 1, path);
      return [value, { ...source, pos }];
    }
    const pos = at((node as Node | null)?.range?.[0] ?? 0);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const children = new Map<string | number, SourceNode>();
      const merges: unknown[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key;
        const keyPos = at((keyNode as Node | null)?.range?.[0] ?? node.range?.[0] ?? 0);
        let key: string;
        if (isScalar(keyNode)) key = String(keyNode.value);
        else if (keyNode === null || keyNode === undefined) key = '';
        else {
          issues.push({ pos: keyPos, message: 'complex (non-scalar) mapping keys are not supported', path });
          continue;
        }
        if (key === '<<' && isScalar(keyNode) && keyNode.source === '<<') {
          merges.push(pair.value);
          continue;
        }
        if (Object.hasOwn(out, key)) continue; // reported by the parser as a duplicate key
        const [value, child] = convert(pair.value, depth + 1, [...path, key]);
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        children.set(key, { ...child, keyPos, writtenKey: key, pos: pair.value ? child.pos : keyPos });
      }
      // YAML 1.1 merge keys (`<<: *base`), which Go's yaml.v3 honours: explicit keys win.
      for (const merge of merges) {
        const [value, source] = convert(merge, depth + 1, path);
        const sources = Array.isArray(value)
          ? value.map((v, i) => [v, source.children?.get(i)] as const)
          : [[value, source] as const];
        for (const [m, s] of sources) {
          if (m === null || typeof m !== 'object' || Array.isArray(m)) {
            issues.push({ pos: s?.pos ?? pos, message: 'a merge key (<<) needs a mapping', path });
            continue;
          }
          for (const [k, v] of Object.entries(m)) {
            if (Object.hasOwn(out, k)) continue;
            Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
            const child = s?.children?.get(k);
            if (child) children.set(k, child);
          }
        }
      }
      const mapNode = node;
      return [out, { pos, children, decoded: () => decodeManifestNode(mapNode, doc) }];
    }
    if (isSeq(node)) {
      const out: unknown[] = [];
      const children = new Map<string | number, SourceNode>();
      node.items.forEach((item, i) => {
        const [value, child] = convert(item, depth + 1, [...path, i]);
        out.push(value);
        children.set(i, child);
      });
      return [out, { pos, children }];
    }
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'bigint') return [Number(v), { pos }];
      if (v instanceof Date) return [node.source, { pos }];
      return [v ?? null, { pos }];
    }
    return [null, { pos }];
  };

  try {
    const [value, root] = convert(doc.contents, 0, []);
    return { value, root, issues };
  } catch (err) {
    if (err instanceof TooLarge) {
      issues.push({
        pos: start,
        message: `document too large or too deeply nested (over ${MAX_NODES} nodes or ${MAX_DEPTH} levels, e.g. through aliases)`,
      });
      return { value: null, root: { pos: start }, issues };
    }
    throw err;
  }
}

class TooLarge extends Error {}

/**
 * The yaml package's message, first line, without its own position (we print ours) and
 * without the source text it quotes: a broken line may be a header or token value
 * (`x-api-key: ...`), and this message reaches logs before any value is known to be secret.
 */
export function describeYamlError(code: string, message: string): string {
  const first = message
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:?$/, '')
    .replace(/: ".*"$/, '');
  if (code === 'DUPLICATE_KEY') return `duplicate key: ${first}`;
  return `YAML syntax error: ${first}`;
}

/** A mapping as parseYamlSource produces it. */
export function isPlainMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The value at `path` in a parsed document (own keys only), or undefined. */
export function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let v = value;
  for (const segment of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, segment)) return undefined;
    v = (v as Record<string | number, unknown>)[segment];
  }
  return v;
}

/** The deepest node along `path`, and how much of the path it covers. */
export function locate(
  root: SourceNode,
  path: readonly (string | number)[],
): { node: SourceNode; depth: number } {
  let node = root;
  let depth = 0;
  for (const segment of path) {
    const child = node.children?.get(segment) ?? node.children?.get(String(segment));
    if (!child) break;
    node = child;
    depth++;
  }
  return { node, depth };
}

/** "resources[1].discovery.by_name" */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[^.[\]\s"'`]+$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
