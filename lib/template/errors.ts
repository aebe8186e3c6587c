import { AdapterError } from '../errors.ts';

export type TemplateErrorCode = 'TEMPLATE_PARSE' | 'TEMPLATE_EXEC';

/**
 * A template that failed to parse or render. `message` is shaped like Go's text/template
 * error ("template: NAME:LINE:COL: executing ..."), so configs written against the Go adapter
 * produce recognisable errors. `line` is 1-based; `column` is Go's 0-based byte offset in the
 * line (the number Go prints), so the message and the fields agree.
 */
export class TemplateError extends AdapterError {
  readonly line: number;
  readonly column: number;
  /** The bare reason without the location prefix, e.g. `map has no entry for key "x"`. */
  readonly reason: string;

  constructor(
    code: TemplateErrorCode,
    message: string,
    where: { line: number; column: number; reason: string; cause?: unknown },
  ) {
    super(code, message, where.cause === undefined ? {} : { cause: where.cause });
    this.line = where.line;
    this.column = where.column;
    this.reason = where.reason;
  }
}
