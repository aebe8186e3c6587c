/**
 * libyaml's line breaks, which are YAML 1.1's: besides LF, CRLF and a lone CR, also NEL
 * (U+0085), LS (U+2028) and PS (U+2029), anywhere in the text (structure, plain, quoted and
 * block scalars alike). The `yaml` package reads YAML 1.2, where only LF and CR break a line.
 *
 * The text is read with every break written as LF, so the `yaml` package sees libyaml's
 * structure. libyaml reads each of CRLF, CR, LF and NEL into a scalar as LF, so those need
 * nothing more; it keeps an LS or PS as that character, and a fold never turns one into a
 * space, so a scalar whose text holds one is read again here by libyaml's scanner rules
 * (yaml_parser_scan_plain_scalar, _flow_scalar, _block_scalar) from its source.
 */
import { type Document, isMap, isSeq, visit } from 'yaml';
import { YamlGoError } from './resolve.ts';

/** The text with every libyaml break as LF, and what each LF was (LS and PS kept), by position. */
export interface NormalisedBreaks {
  text: string;
  /** The original break of each LF of `text`, in order: '\n' (LF, CR, CRLF or NEL), '\u2028' or '\u2029'. */
  kinds: string[];
  /** Whether an LS or PS is among them (else no scalar needs reading again). */
  keeps: boolean;
}

const OTHER_BREAK = /[\r\u0085\u2028\u2029]/;

export function normaliseBreaks(text: string): NormalisedBreaks | undefined {
  if (!OTHER_BREAK.test(text)) return undefined;
  let out = '';
  const kinds: string[] = [];
  let keeps = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\r' && text[i + 1] === '\n') continue;
    if (c === '\n' || c === '\r' || c === '\u0085') {
      out += '\n';
      kinds.push('\n');
    } else if (c === '\u2028' || c === '\u2029') {
      out += '\n';
      kinds.push(c);
      keeps = true;
    } else out += c;
  }
  return { text: out, kinds, keeps };
}

/**
 * Reads again, as libyaml does, every scalar of `doc` (parsed from `parsed`, a text whose
 * LFs stand for `kinds` in order) whose source spans an LS or PS.
 */
export function rereadKeptBreaks(doc: Document.Parsed, parsed: string, kinds: readonly string[]): void {
  const lfs: number[] = [];
  for (let i = parsed.indexOf('\n'); i !== -1; i = parsed.indexOf('\n', i + 1)) lfs.push(i);
  if (lfs.length !== kinds.length) return;
  const firstAtOrAfter = (offset: number): number => {
    let lo = 0;
    let hi = lfs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lfs[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const column = (offset: number): number => offset - (parsed.lastIndexOf('\n', offset - 1) + 1);
  visit(doc, {
    Scalar(_key, node, path) {
      const range = node.range;
      if (!range) return;
      const [start, end] = range;
      let k = firstAtOrAfter(start);
      let source = '';
      let at = start;
      let kept = false;
      for (; k < lfs.length && lfs[k]! < end; k++) {
        const kind = kinds[k]!;
        if (kind !== '\n') kept = true;
        source += parsed.slice(at, lfs[k]) + kind;
        at = lfs[k]! + 1;
      }
      if (!kept) return;
      source += parsed.slice(at, end);
      // The block collection a block scalar belongs to sets its least indentation.
      let parentIndent = -1;
      for (let i = path.length - 1; i >= 0; i--) {
        const p = path[i];
        if ((isMap(p) || isSeq(p)) && !p.flow && p.range) {
          parentIndent = column(p.range[0]);
          break;
        }
      }
      const value = readScalar(source, node.type, parentIndent);
      (node as { source?: string }).source = value;
      node.value = value;
    },
  });
}

function readScalar(source: string, type: string | undefined, parentIndent: number): string {
  switch (type) {
    case 'QUOTE_SINGLE':
      return foldFlow(source.slice(1, -1), 'single');
    case 'QUOTE_DOUBLE':
      return foldFlow(source.slice(1, -1), 'double');
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED':
      return readBlock(source, type === 'BLOCK_LITERAL', parentIndent);
    default:
      return foldFlow(source.replace(/[ \t\n\u2028\u2029]+$/, ''), 'plain');
  }
}

const isBreak = (c: string | undefined): boolean => c === '\n' || c === '\u2028' || c === '\u2029';
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** Line folding of plain and quoted scalars: a first break LF folds (to a space, or to the breaks after it); LS and PS stay. */
function foldFlow(src: string, style: 'plain' | 'single' | 'double'): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    let leadingBlanks = false;
    while (i < src.length && !isBlank(src[i]) && !isBreak(src[i])) {
      const c = src[i]!;
      if (style === 'single' && c === "'" && src[i + 1] === "'") {
        out += "'";
        i += 2;
      } else if (style === 'double' && c === '\\') {
        if (isBreak(src[i + 1])) {
          i += 2;
          leadingBlanks = true;
          break;
        }
        const [text, next] = readEscape(src, i);
        out += text;
        i = next;
      } else {
        out += c;
        i++;
      }
    }
    let whitespace = '';
    let leadingBreak = '';
    let trailingBreaks = '';
    while (i < src.length && (isBlank(src[i]) || isBreak(src[i]))) {
      const c = src[i]!;
      if (isBlank(c)) {
        if (!leadingBlanks) whitespace += c;
      } else if (!leadingBlanks) {
        whitespace = '';
        leadingBreak = c;
        leadingBlanks = true;
      } else trailingBreaks += c;
      i++;
    }
    if (!leadingBlanks) out += whitespace;
    else if (leadingBreak === '\n') out += trailingBreaks === '' ? ' ' : trailingBreaks;
    else out += leadingBreak + trailingBreaks;
  }
  return out;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  "'": "'",
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

/** A double-quoted scalar's escape at `i` (the backslash): its text and the index after it. */
function readEscape(src: string, i: number): [string, number] {
  const c = src[i + 1];
  if (c !== undefined && Object.hasOwn(ESCAPES, c)) return [ESCAPES[c]!, i + 2];
  const width = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  if (width === 0)
    throw new YamlGoError('yaml: found unknown escape character while parsing a quoted scalar');
  const hex = src.slice(i + 2, i + 2 + width);
  if (!new RegExp(`^[0-9A-Fa-f]{${width}}$`).test(hex))
    throw new YamlGoError('yaml: did not find expected hexdecimal number while parsing a quoted scalar');
  const code = Number.parseInt(hex, 16);
  if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff)
    throw new YamlGoError('yaml: found invalid Unicode character escape code while parsing a quoted scalar');
  return [String.fromCodePoint(code), i + 2 + width];
}

/** A literal or folded block scalar from its header on (yaml_parser_scan_block_scalar). */
function readBlock(source: string, literal: boolean, parentIndent: number): string {
  const headerEnd = source.search(/[\n\u2028\u2029]/);
  if (headerEnd === -1) return '';
  const header = source.slice(1, headerEnd).replace(/[ \t]*(#.*)?$/, '');
  const chomping = header.includes('+') ? 1 : header.includes('-') ? -1 : 0;
  const digit = /[1-9]/.exec(header)?.[0];
  let indent = digit === undefined ? 0 : parentIndent >= 0 ? parentIndent + Number(digit) : Number(digit);
  let i = headerEnd + 1;
  let column = 0;
  let out = '';
  let leadingBreak = '';
  let leadingBlank = false;
  const breaks = (): string => {
    let read = '';
    let maxIndent = 0;
    for (;;) {
      column = 0;
      while ((indent === 0 || column < indent) && source[i] === ' ') {
        i++;
        column++;
      }
      if (column > maxIndent) maxIndent = column;
      if ((indent === 0 || column < indent) && source[i] === '\t')
        throw new YamlGoError(
          'yaml: found a tab character where an indentation space is expected while scanning a block scalar',
        );
      if (!isBreak(source[i])) break;
      read += source[i];
      i++;
    }
    if (indent === 0) indent = Math.max(maxIndent, parentIndent + 1, 1);
    return read;
  };
  let trailingBreaks = breaks();
  while (column === indent && i < source.length) {
    const trailingBlank = isBlank(source[i]);
    if (!literal && leadingBreak === '\n' && !leadingBlank && !trailingBlank) {
      if (trailingBreaks === '') out += ' ';
    } else out += leadingBreak;
    leadingBreak = '';
    out += trailingBreaks;
    trailingBreaks = '';
    leadingBlank = isBlank(source[i]);
    while (i < source.length && !isBreak(source[i])) out += source[i++];
    if (i >= source.length) break;
    leadingBreak = source[i++]!;
    trailingBreaks = breaks();
  }
  if (chomping !== -1) out += leadingBreak;
  if (chomping === 1) out += trailingBreaks;
  return out;
}
