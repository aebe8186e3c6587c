/**
 * Reading YAML the way gopkg.in/yaml.v3 v3.0.1 decodes it (decode.go), on the syntax tree
 * of the `yaml` package: plain scalars resolved by resolve.ts, quoted and block scalars
 * always strings, a mapping whose keys are all strings a map[string]interface{} (else a
 * map[interface{}]interface{}), merge keys (`<<`) applied after the mapping's own keys with
 * the first merged mapping winning, aliases expanded.
 *
 * parseManifest is manifest.RenderStringManifest's second half: yaml.Unmarshal into a
 * map[string]interface{} (keys take their written text; a null key drops the entry), then
 * encoding/json.Marshal (which refuses NaN, ±Inf and any map with a non-string key, writes
 * times as RFC 3339 and every digit of an int64 or uint64: exact.ts).
 */
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  type Node,
  type Pair,
  parseAllDocuments,
} from 'yaml';
import { compareGoStrings } from '../template/values.ts';
import { normaliseBreaks, rereadKeptBreaks } from './breaks.ts';
import { formatRFC3339Nano } from './emit.ts';
import { jsonInteger } from './exact.ts';
import { resolve, shortTag, YamlGoError } from './resolve.ts';
import { GoAnyMap, GoTime, type GoValue } from './values.ts';

/** Alias expansion bound ("billion laughs"); yaml.v3 refuses excessive aliasing too. */
const MAX_NODES = 1_000_000;

interface Context {
  doc: Document.Parsed | Document;
  budget: number;
  /** Anchored nodes being expanded, to refuse an alias to its own ancestor. */
  expanding: Set<unknown>;
}

type ScalarNode = { value: unknown; source?: unknown; type?: string; tag?: string };

function scalarText(n: ScalarNode): string {
  if (typeof n.source === 'string') return n.source;
  return n.value === null || n.value === undefined ? '' : String(n.value);
}

function isIndicatedString(n: ScalarNode): boolean {
  const tag = shortTag(n.tag);
  if (tag === '!!str') return true;
  return (tag === '' || tag === '!') && n.type !== undefined && n.type !== 'PLAIN';
}

/** Node.ShortTag(): the tag a key counts as when deciding between the two map types. */
function keyTag(node: unknown, ctx: Context): string {
  if (node === null || node === undefined) return '!!null';
  if (isAlias(node)) return keyTag(node.resolve(ctx.doc as Document), ctx);
  if (isScalar(node)) {
    const n = node as ScalarNode;
    if (isIndicatedString(n)) return '!!str';
    const tag = shortTag(n.tag);
    if (tag === '' || tag === '!') {
      try {
        return resolve('', scalarText(n))[0];
      } catch {
        return '';
      }
    }
    return tag;
  }
  if (isMap(node)) return '!!map';
  if (isSeq(node)) return '!!seq';
  return '';
}

function isMerge(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const tag = shortTag((key as ScalarNode).tag);
  return scalarText(key as ScalarNode) === '<<' && (tag === '' || tag === '!' || tag === '!!merge');
}

function decodeScalar(n: ScalarNode): GoValue {
  const text = scalarText(n);
  if (isIndicatedString(n)) return text;
  const tag = shortTag(n.tag);
  if (tag === '!!binary') return Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
  return resolve(tag, text)[1];
}

function step(ctx: Context): void {
  if (--ctx.budget < 0) throw new YamlGoError('yaml: document contains excessive aliasing');
}

/** Decodes a node into a Go interface{} value. */
export function decodeNode(node: unknown, ctx: Context): GoValue {
  step(ctx);
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = node.resolve(ctx.doc as Document);
    if (!target) throw new YamlGoError(`yaml: unknown anchor '${node.source}' referenced`);
    if (ctx.expanding.has(target))
      throw new YamlGoError(`yaml: anchor '${node.source}' value contains itself`);
    ctx.expanding.add(target);
    try {
      return decodeNode(target, ctx);
    } finally {
      ctx.expanding.delete(target);
    }
  }
  if (isScalar(node)) return decodeScalar(node as ScalarNode);
  if (isSeq(node)) return node.items.map((item) => decodeNode(item, ctx));
  if (isMap(node)) {
    const stringKeys = node.items.every((p) => {
      const t = keyTag(isPair(p) ? p.key : null, ctx);
      return t === '!!str' || t === '!!merge';
    });
    return stringKeys ? decodeStringMap(node, ctx, 'iface') : decodeAnyMap(node, ctx);
  }
  throw new YamlGoError('yaml: unsupported node');
}

type MapNode = { items: unknown[] };
type PairNode = Pair<unknown, unknown>;

function mergeSources(value: unknown, ctx: Context): unknown[] {
  const target = isAlias(value) ? value.resolve(ctx.doc as Document) : value;
  if (isMap(target)) return [value];
  if (isSeq(target) && !isAlias(value)) {
    for (const item of target.items) {
      const t = isAlias(item) ? item.resolve(ctx.doc as Document) : item;
      if (!isMap(t)) throw new YamlGoError('yaml: map merge requires map or sequence of maps as the value');
    }
    return target.items;
  }
  throw new YamlGoError('yaml: map merge requires map or sequence of maps as the value');
}

/** A mapping's own pairs, and the value of its merge key (`<<`; the last one when repeated). */
function splitMerge(node: MapNode): { pairs: PairNode[]; merge: unknown; hasMerge: boolean } {
  const pairs: PairNode[] = [];
  let merge: unknown;
  let hasMerge = false;
  for (const item of node.items) {
    if (!isPair(item)) continue;
    if (isMerge(item.key)) {
      merge = item.value;
      hasMerge = true;
    } else pairs.push(item);
  }
  return { pairs, merge, hasMerge };
}

/** The entries of every mapping a merge key names, decoded, in the order they are named. */
function mergedEntries(merge: unknown, ctx: Context): [GoValue, GoValue][] {
  const out: [GoValue, GoValue][] = [];
  for (const source of mergeSources(merge, ctx)) {
    const merged = decodeNode(source, ctx);
    if (merged instanceof Map) out.push(...merged);
    else if (merged instanceof GoAnyMap) out.push(...merged.entries);
  }
  return out;
}

/**
 * A map[string]interface{}. keys 'iface': keys decoded as interface{} values (all strings
 * here); 'string': keys decoded into a Go string (any scalar's text; a null key is dropped).
 */
function decodeStringMap(node: MapNode, ctx: Context, keys: 'iface' | 'string'): Map<string, GoValue> {
  const out = new Map<string, GoValue>();
  const { pairs, merge, hasMerge } = splitMerge(node);
  for (const item of pairs) {
    const key = keys === 'string' ? stringKey(item.key, ctx) : decodeNode(item.key, ctx);
    if (key === undefined) continue;
    if (typeof key !== 'string') throw new YamlGoError('yaml: internal: non-string key in a string map');
    out.set(key, decodeNode(item.value, ctx));
  }
  if (hasMerge) {
    const own = new Set(out.keys());
    for (const [k, v] of mergedEntries(merge, ctx)) {
      const key = keys === 'string' ? (k === null ? undefined : typeof k === 'string' ? k : sprintKey(k)) : k;
      if (typeof key !== 'string' || own.has(key)) continue;
      own.add(key);
      out.set(key, v);
    }
  }
  return out;
}

function sprintKey(k: GoValue): string {
  return typeof k === 'bigint' || typeof k === 'number' || typeof k === 'boolean' ? String(k) : '';
}

/** A scalar key decoded into a Go string: its text; undefined for a null key (the entry is skipped). */
function stringKey(key: unknown, ctx: Context): string | undefined {
  const node = isAlias(key) ? key.resolve(ctx.doc as Document) : key;
  if (node === null || node === undefined) return undefined;
  if (!isScalar(node))
    throw new YamlGoError(
      `yaml: unmarshal errors: cannot unmarshal ${isSeq(node) ? '!!seq' : '!!map'} into string`,
    );
  const n = node as ScalarNode;
  const text = scalarText(n);
  if (isIndicatedString(n)) return text;
  const tag = shortTag(n.tag);
  if (tag === '!!binary') return Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
  const [, resolved] = resolve(tag, text);
  return resolved === null ? undefined : text;
}

function decodeAnyMap(node: MapNode, ctx: Context): GoAnyMap {
  const entries: [GoValue, GoValue][] = [];
  const index = (k: GoValue): number => entries.findIndex(([e]) => sameKey(e, k));
  const { pairs, merge, hasMerge } = splitMerge(node);
  for (const item of pairs) {
    const key = decodeNode(item.key, ctx);
    if (Array.isArray(key) || key instanceof Map || key instanceof GoAnyMap) {
      throw new YamlGoError(`yaml: invalid map key: ${describeKey(key)}`);
    }
    const value = decodeNode(item.value, ctx);
    const at = index(key);
    if (at >= 0) entries[at] = [key, value];
    else entries.push([key, value]);
  }
  if (hasMerge) {
    for (const [k, v] of mergedEntries(merge, ctx)) {
      if (index(k) < 0) entries.push([k, v]);
    }
  }
  return new GoAnyMap(entries);
}

function sameKey(a: GoValue, b: GoValue): boolean {
  if (a instanceof GoTime && b instanceof GoTime) {
    return a.epochSeconds === b.epochSeconds && a.nanos === b.nanos && a.offsetMinutes === b.offsetMinutes;
  }
  return a === b;
}

function describeKey(key: GoValue): string {
  return key instanceof Map || key instanceof GoAnyMap ? 'map' : 'sequence';
}

function contextFor(doc: Document.Parsed | Document): Context {
  return { doc, budget: MAX_NODES, expanding: new Set() };
}

/** An inline manifest from a config document, as yaml.v3 puts it in the adapter's `Manifest interface{}`. */
export function decodeManifestNode(node: Node, doc: Document.Parsed | Document): GoValue {
  return decodeNode(node, contextFor(doc));
}

export class ManifestYamlError extends YamlGoError {
  /** Which of Go's two steps refused: yaml.Unmarshal or json.Marshal. */
  readonly stage: 'parse' | 'json';
  constructor(stage: 'parse' | 'json', message: string) {
    super(message);
    this.stage = stage;
  }
}

/**
 * yaml.Unmarshal(text, &map[string]interface{}) then json.Marshal, as plain JSON-like values
 * (object keys in Go's JSON order). Undefined for an empty document or an empty mapping.
 */
export function parseManifest(input: string): Record<string, unknown> | undefined {
  if (NOT_ALLOWED.test(input))
    throw new ManifestYamlError('parse', 'yaml: control characters are not allowed');
  // libyaml breaks lines at NEL, LS and PS too; the `yaml` package reads the text with LFs.
  const breaks = normaliseBreaks(input);
  const text = breaks ? breaks.text : input;
  let doc = firstDocument(text);
  if (!doc) return undefined;
  let parsed = text;
  // The `yaml` lexer ends a quoted scalar at a line that is not indented enough, and its
  // composer takes a scalar that ends in a quote for closed even when that quote is escaped
  // (`'''`, `"a\"`): such a reading is not libyaml's, whether or not it reported an error.
  const unclosed = firstUnterminatedQuote(text) !== undefined;
  if (doc.errors.length > 0 || unclosed) {
    const relaxed = indentQuotedContinuations(text);
    const retry = relaxed === undefined ? undefined : firstDocument(relaxed);
    const closed = relaxed !== undefined && firstUnterminatedQuote(relaxed) === undefined;
    if (retry && retry.errors.length === 0 && closed) {
      doc = retry;
      parsed = relaxed;
    } else if (unclosed) {
      const first = retry?.errors[0] ?? doc.errors[0];
      throw new ManifestYamlError(
        'parse',
        first ? `yaml: ${first.message.split('\n')[0]}` : 'yaml: found unexpected end of stream',
      );
    }
  }
  const error = doc.errors[0];
  if (error) throw new ManifestYamlError('parse', `yaml: ${error.message.split('\n')[0]}`);
  let root: Map<string, GoValue> | undefined;
  try {
    if (breaks?.keeps) rereadKeptBreaks(doc, parsed, breaks.kinds);
    const ctx = contextFor(doc);
    let node: unknown = doc.contents;
    if (isAlias(node)) node = node.resolve(doc);
    if (node === null || node === undefined) return undefined;
    if (isScalar(node)) {
      if (decodeScalar(node as ScalarNode) === null) return undefined;
      throw new YamlGoError(
        `yaml: unmarshal errors: cannot unmarshal !!str \`${scalarText(node as ScalarNode)}\` into map[string]interface {}`,
      );
    }
    if (isSeq(node))
      throw new YamlGoError('yaml: unmarshal errors: cannot unmarshal !!seq into map[string]interface {}');
    root = decodeStringMap(node as MapNode, ctx, 'string');
  } catch (err) {
    if (err instanceof YamlGoError) throw new ManifestYamlError('parse', err.message);
    throw err;
  }
  if (root.size === 0) return undefined;
  return toJson(root) as Record<string, unknown>;
}

/** libyaml's reader refuses these code points anywhere in the input. */
const NOT_ALLOWED = /[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function firstDocument(text: string): Document.Parsed | undefined {
  const docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: true, prettyErrors: false });
  return Array.isArray(docs) ? docs[0] : undefined;
}

/**
 * libyaml lets a quoted scalar's continuation lines start at any column (a template that
 * puts a newline inside `'{{ .x }}'` yields `v: 'line1\nline2'`, folded to "line1 line2");
 * YAML 1.2, and so the `yaml` package, wants them indented past the enclosing node. Leading
 * blanks of a continuation line are not part of the value, so indenting those lines further
 * keeps the value and lets the `yaml` package read what libyaml reads. A document marker at
 * the start of a line stays an error, as in libyaml. Undefined when nothing was changed.
 */
export function indentQuotedContinuations(text: string): string | undefined {
  let current = text;
  for (let round = 0; round < 1000; round++) {
    const broken = firstUnterminatedQuote(current);
    if (broken === undefined) break;
    const end = closingQuote(current, broken);
    if (end === undefined) break;
    const lineStart = current.lastIndexOf('\n', broken - 1) + 1;
    const pad = ' '.repeat(broken - lineStart + 1);
    const span = current.slice(broken, end);
    if (/\n(---|\.\.\.)(?=[ \t\r\n\u0085\u2028\u2029]|$)/.test(span)) break;
    const inner = span.replace(/\n[ \t]*(?=[^ \t\r\n])/g, `\n${pad}`);
    if (inner === span) break;
    current = current.slice(0, broken) + inner + current.slice(end);
  }
  return current === text ? undefined : current;
}

/** Offset of the first quoted scalar the `yaml` lexer could not close on its line(s). */
export function firstUnterminatedQuote(text: string): number | undefined {
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    // Document, scalar and flow-error markers are not source text.
    if (token === '\x02' || token === '\x1f' || token === '\x18') continue;
    const q = token[0];
    if ((q === "'" || q === '"') && closingQuote(token, 0) !== token.length) return offset;
    offset += token.length;
  }
  return undefined;
}

/** Index just past the quote closing the scalar that opens at `start` (libyaml's rules). */
function closingQuote(text: string, start: number): number | undefined {
  const q = text[start];
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (q === "'" && c === "'") {
      if (text[i + 1] === "'") {
        i++;
        continue;
      }
      return i + 1;
    }
    if (q === '"') {
      if (c === '\\') i++;
      else if (c === '"') return i + 1;
    }
  }
  return undefined;
}

/** encoding/json.Marshal's view of a decoded value, as plain JS values. */
function toJson(v: GoValue): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return jsonInteger(v);
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new ManifestYamlError('json', 'json: unsupported value: NaN');
    if (!Number.isFinite(v))
      throw new ManifestYamlError('json', `json: unsupported value: ${v > 0 ? '+Inf' : '-Inf'}`);
    return v;
  }
  if (v instanceof GoTime) return formatRFC3339Nano(v);
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof GoAnyMap)
    throw new ManifestYamlError('json', 'json: unsupported type: map[interface {}]interface {}');
  const out: Record<string, unknown> = {};
  for (const k of [...v.keys()].sort(compareGoStrings)) {
    Object.defineProperty(out, k, {
      value: toJson(v.get(k)!),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
