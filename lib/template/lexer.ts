/**
 * Tokeniser for Go text/template syntax. It mirrors the Go lexer's decisions (trim markers,
 * comments, number scanning, terminators) because the error a user sees, and where the
 * parser stops, depend on exactly which token comes out. Positions are UTF-16 offsets into
 * the source; the error formatter converts them to Go's byte columns.
 */

import { goQuote, isGoPrintable } from './literals.ts';

export type ItemType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'comment'
  | 'complex'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  // Keywords: Go prints these as <val> in errors.
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

export interface Item {
  typ: ItemType;
  pos: number;
  val: string;
}

const KEYWORDS: Record<string, ItemType> = {
  '.': 'dot',
  block: 'block',
  break: 'break',
  continue: 'continue',
  define: 'define',
  else: 'else',
  end: 'end',
  if: 'if',
  range: 'range',
  nil: 'nil',
  template: 'template',
  with: 'with',
};
const KEYWORD_TYPES = new Set<ItemType>(Object.values(KEYWORDS));

export function isKeyword(t: ItemType): boolean {
  return KEYWORD_TYPES.has(t);
}

const LEFT = '{{';
const RIGHT = '}}';
const EOF = -1;

export function isSpaceCode(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}_]$/u;
function isAlphaNumeric(c: number): boolean {
  if (c < 0) return false;
  if (c < 0x80) {
    return c === 0x5f || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  }
  return LETTER_OR_DIGIT.test(String.fromCodePoint(c));
}

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s.charCodeAt(at) === 0x2d && isSpaceCode(s.charCodeAt(at + 1));
}
function hasRightTrimMarker(s: string, at: number): boolean {
  return isSpaceCode(s.charCodeAt(at)) && s.charCodeAt(at + 1) === 0x2d;
}

/** Go's %#U: U+0023 '#', the character shown only when Go deems it printable. */
export function goHashU(c: number): string {
  const hex = c.toString(16).toUpperCase().padStart(4, '0');
  return isGoPrintable(c) ? `U+${hex} '${String.fromCodePoint(c)}'` : `U+${hex}`;
}

/** Lex the whole input. The list ends with an 'eof' or an 'error' item. */
export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let insideAction = false;
  let parenDepth = 0;
  let lastWidth = 0;

  const next = (): number => {
    if (pos >= input.length) {
      lastWidth = 0;
      return EOF;
    }
    const c = input.codePointAt(pos)!;
    lastWidth = c > 0xffff ? 2 : 1;
    pos += lastWidth;
    return c;
  };
  const backup = (): void => {
    pos -= lastWidth;
  };
  const peek = (): number => (pos >= input.length ? EOF : input.codePointAt(pos)!);
  const emit = (typ: ItemType): void => {
    items.push({ typ, pos: start, val: input.slice(start, pos) });
    start = pos;
  };
  const fail = (msg: string): void => {
    items.push({ typ: 'error', pos: start, val: msg });
  };
  const accept = (valid: string): boolean => {
    const c = next();
    if (c !== EOF && valid.includes(String.fromCodePoint(c))) return true;
    backup();
    return false;
  };
  const acceptRun = (valid: string): void => {
    for (;;) {
      const c = next();
      if (c === EOF || !valid.includes(String.fromCodePoint(c))) break;
    }
    backup();
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (hasRightTrimMarker(input, pos) && input.startsWith(RIGHT, pos + 2))
      return { delim: true, trim: true };
    if (input.startsWith(RIGHT, pos)) return { delim: true, trim: false };
    return { delim: false, trim: false };
  };
  const atTerminator = (): boolean => {
    const c = peek();
    if (isSpaceCode(c)) return true;
    if (c === EOF || c === 0x2e || c === 0x2c || c === 0x7c || c === 0x3a || c === 0x29 || c === 0x28) {
      return true;
    }
    return input.startsWith(RIGHT, pos);
  };
  const leftTrimLength = (from: number): number => {
    let i = from;
    while (i < input.length && isSpaceCode(input.charCodeAt(i))) i++;
    return i - from;
  };

  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  };

  // Each step returns false when lexing is over (EOF or error emitted).
  const lexText = (): boolean => {
    const x = input.indexOf(LEFT, pos);
    if (x >= 0) {
      if (x > pos) {
        pos = x;
        let trimLength = 0;
        if (hasLeftTrimMarker(input, pos + LEFT.length)) {
          let j = pos;
          while (j > start && isSpaceCode(input.charCodeAt(j - 1))) j--;
          trimLength = pos - j;
        }
        const text = input.slice(start, pos - trimLength);
        if (text.length > 0) items.push({ typ: 'text', pos: start, val: text });
        start = pos;
      }
      return lexLeftDelim();
    }
    pos = input.length;
    if (pos > start) emit('text');
    items.push({ typ: 'eof', pos, val: 'EOF' });
    return false;
  };

  const lexLeftDelim = (): boolean => {
    pos += LEFT.length;
    const trim = hasLeftTrimMarker(input, pos);
    const after = trim ? 2 : 0;
    if (input.startsWith('/*', pos + after)) {
      pos += after;
      start = pos;
      return lexComment();
    }
    items.push({ typ: 'leftDelim', pos: start, val: LEFT });
    insideAction = true;
    pos += after;
    start = pos;
    parenDepth = 0;
    return true;
  };

  const lexComment = (): boolean => {
    pos += 2;
    const x = input.indexOf('*/', pos);
    if (x < 0) {
      fail('unclosed comment');
      return false;
    }
    pos = x + 2;
    const { delim, trim } = atRightDelim();
    if (!delim) {
      fail('comment ends before closing delimiter');
      return false;
    }
    if (trim) pos += 2;
    pos += RIGHT.length;
    if (trim) pos += leftTrimLength(pos);
    start = pos;
    return true;
  };

  const lexRightDelim = (): boolean => {
    const { trim } = atRightDelim();
    if (trim) {
      pos += 2;
      start = pos;
    }
    pos += RIGHT.length;
    emit('rightDelim');
    if (trim) {
      pos += leftTrimLength(pos);
      start = pos;
    }
    insideAction = false;
    return true;
  };

  const lexSpace = (): boolean => {
    let numSpaces = 0;
    while (isSpaceCode(peek())) {
      next();
      numSpaces++;
    }
    if (hasRightTrimMarker(input, pos - 1) && input.startsWith(RIGHT, pos - 1 + 2)) {
      pos -= 1;
      if (numSpaces === 1) return lexRightDelim();
    }
    emit('space');
    return true;
  };

  const lexFieldOrVariable = (typ: 'field' | 'variable'): boolean => {
    if (atTerminator()) {
      emit(typ === 'variable' ? 'variable' : 'dot');
      return true;
    }
    let c: number;
    for (;;) {
      c = next();
      if (!isAlphaNumeric(c)) {
        backup();
        break;
      }
    }
    if (!atTerminator()) {
      fail(`bad character ${goHashU(c)}`);
      return false;
    }
    emit(typ);
    return true;
  };

  const lexIdentifier = (): boolean => {
    for (;;) {
      const c = next();
      if (isAlphaNumeric(c)) continue;
      backup();
      const word = input.slice(start, pos);
      if (!atTerminator()) {
        fail(`bad character ${goHashU(c)}`);
        return false;
      }
      const kw = KEYWORDS[word];
      if (kw !== undefined && word !== '.') emit(kw);
      else if (word === 'true' || word === 'false') emit('bool');
      else emit('identifier');
      return true;
    }
  };

  const lexQuoted = (close: number, typ: ItemType, what: string): boolean => {
    for (;;) {
      const c = next();
      if (c === 0x5c && close !== 0x60) {
        const r = next();
        if (r !== EOF && r !== 0x0a) continue;
        fail(`unterminated ${what}`);
        return false;
      }
      if (c === EOF || (c === 0x0a && close !== 0x60)) {
        fail(`unterminated ${what}`);
        return false;
      }
      if (c === close) break;
    }
    emit(typ);
    return true;
  };

  const lexInsideAction = (): boolean => {
    const { delim } = atRightDelim();
    if (delim) {
      if (parenDepth === 0) return lexRightDelim();
      fail('unclosed left paren');
      return false;
    }
    const c = next();
    if (c === EOF) {
      fail('unclosed action');
      return false;
    }
    if (isSpaceCode(c)) {
      backup();
      return lexSpace();
    }
    switch (c) {
      case 0x3d:
        emit('assign');
        return true;
      case 0x3a:
        if (next() !== 0x3d) {
          fail('expected :=');
          return false;
        }
        emit('declare');
        return true;
      case 0x7c:
        emit('pipe');
        return true;
      case 0x22:
        return lexQuoted(0x22, 'string', 'quoted string');
      case 0x60:
        return lexQuoted(0x60, 'rawString', 'raw quoted string');
      case 0x24:
        if (atTerminator()) {
          emit('variable');
          return true;
        }
        return lexFieldOrVariable('variable');
      case 0x27:
        return lexQuoted(0x27, 'charConstant', 'character constant');
      case 0x28:
        parenDepth++;
        emit('leftParen');
        return true;
      case 0x29:
        parenDepth--;
        if (parenDepth < 0) {
          fail('unexpected right paren');
          return false;
        }
        emit('rightParen');
        return true;
    }
    if (c === 0x2e) {
      const n = input.charCodeAt(pos);
      if (pos < input.length && (n < 0x30 || n > 0x39)) return lexFieldOrVariable('field');
    }
    if (c === 0x2e || c === 0x2b || c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      backup();
      if (!scanNumber()) {
        fail(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
        return false;
      }
      const sign = peek();
      if (sign === 0x2b || sign === 0x2d) {
        if (!scanNumber() || input[pos - 1] !== 'i') {
          fail(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
          return false;
        }
        emit('complex');
        return true;
      }
      emit('number');
      return true;
    }
    if (isAlphaNumeric(c)) {
      backup();
      return lexIdentifier();
    }
    if (c <= 0x7f && c >= 0x20 && c !== 0x7f) {
      emit('char');
      return true;
    }
    fail(`unrecognized character in action: ${goHashU(c)}`);
    return false;
  };

  for (;;) {
    const more = insideAction ? lexInsideAction() : lexText();
    if (!more) return items;
  }
}
