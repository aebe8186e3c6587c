import { AdapterError } from '../errors.ts';

/** Where a CEL problem was found: parse (syntax), check (load-time validation) or eval (runtime). */
export type CelErrorKind = 'parse' | 'check' | 'eval';

export interface CelPosition {
  /** 0-based character offset into the expression. */
  offset: number;
  /** 1-based line and column, as cel-go prints them (`<input>:1:5`). */
  line: number;
  column: number;
}

const CODES: Record<CelErrorKind, string> = { parse: 'CEL_PARSE', check: 'CEL_CHECK', eval: 'CEL_EVAL' };

/**
 * One failed CEL expression. The message always names the expression and, when the engine
 * knows it, the line:column of the offending token, so an operator can find it in the YAML.
 * `reason` is the bare engine message (e.g. `no such key: foo`) for callers that build their own text.
 */
export class CelError extends AdapterError {
  readonly expression: string;
  readonly kind: CelErrorKind;
  readonly reason: string;
  readonly position: CelPosition | undefined;

  constructor(
    kind: CelErrorKind,
    expression: string,
    reason: string,
    options: { offset?: number; cause?: unknown } = {},
  ) {
    const position = options.offset === undefined ? undefined : positionOf(expression, options.offset);
    const where = position ? ` at ${position.line}:${position.column}` : '';
    super(CODES[kind], `CEL ${kind} error in ${JSON.stringify(expression)}${where}: ${reason}`, {
      cause: options.cause,
    });
    this.expression = expression;
    this.kind = kind;
    this.reason = reason;
    this.position = position;
  }
}

export function positionOf(text: string, offset: number): CelPosition {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: clamped, line, column: clamped - lineStart + 1 };
}
