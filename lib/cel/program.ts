import { type ASTNode, EvaluationError, ParseError, type ParseResult } from '@marcbachmann/cel-js';
import { withClock } from './adapter-functions.ts';
import { Meter, meterExpression, staticOverrun, withMeter } from './budget.ts';
import { celEnvironment } from './env.ts';
import { CelError } from './errors.ts';
import {
  astDepth,
  celOffset,
  children,
  freeIdentifiers,
  globalCalls,
  invalidHas,
  invalidIntLiteral,
  usesCelNamespace,
} from './identifiers.ts';
import { engineReason } from './messages.ts';
import { alignIndexing, dynamicTernaries, overloadCount } from './overrides.ts';
import { INDEX_RULES } from './stdlib.ts';
import { fromCel } from './values.ts';

export type CelResult = { ok: true; value: unknown } | { ok: false; error: CelError };

export interface CelEvaluateOptions {
  /** The clock `now()`, `conditionAge()` and `stableFor()` read; defaults to the system clock. */
  now?: () => Date;
}

export interface CelProgram {
  readonly expression: string;
  /** Free top-level variable names the expression reads, sorted, for load-time declaration checks. */
  readonly identifiers: string[];
  /**
   * The error every evaluation fails with, found from the text alone: it spends more than the
   * evaluation budget (budget.ts) whatever the variables. For load-time validation.
   */
  readonly overBudget: CelError | undefined;
  /** Never throws: every failure, including engine bugs, comes back as `{ ok: false }`. */
  evaluate(vars: Record<string, unknown>, options?: CelEvaluateOptions): CelResult;
}

class CompiledProgram implements CelProgram {
  readonly expression: string;
  readonly identifiers: string[];
  readonly #run: ParseResult;
  #overBudget: { error: CelError | undefined } | undefined;

  constructor(expression: string, run: ParseResult) {
    this.expression = expression;
    this.#run = run;
    this.identifiers = freeIdentifiers(run.ast);
  }

  get overBudget(): CelError | undefined {
    if (this.#overBudget === undefined) {
      const overrun = staticOverrun(this.#run.ast, children);
      this.#overBudget = {
        error: overrun && new CelError('check', this.expression, overrun.reason, { offset: overrun.offset! }),
      };
    }
    return this.#overBudget.error;
  }

  evaluate(vars: Record<string, unknown>, options: CelEvaluateOptions = {}): CelResult {
    const meter = new Meter();
    try {
      const raw = withMeter(meter, () => withClock(options.now, () => this.#run(vars)));
      // The engine absorbs some errors (`error || true`, a quantifier's step): a spent
      // budget fails the evaluation whatever it made of the error.
      if (meter.overrun !== undefined)
        return { ok: false, error: overrunError(this.expression, meter, undefined) };
      if (raw instanceof Promise) {
        // Only async custom functions produce promises and none are registered; guard anyway.
        raw.catch(() => {});
        return {
          ok: false,
          error: new CelError('eval', this.expression, 'asynchronous result not supported'),
        };
      }
      return { ok: true, value: fromCel(raw) };
    } catch (err) {
      if (meter.overrun !== undefined) return { ok: false, error: overrunError(this.expression, meter, err) };
      return { ok: false, error: toEvalError(this.expression, err) };
    }
  }
}

function overrunError(expression: string, meter: Meter, err: unknown): CelError {
  const { reason, offset = offsetOf(err) } = meter.overrun!;
  return new CelError('eval', expression, reason, offset === undefined ? {} : { offset });
}

function offsetOf(err: unknown): number | undefined {
  if (err instanceof ParseError || err instanceof EvaluationError) return err.range?.start;
  if (err && typeof err === 'object' && 'range' in err) {
    const range = (err as { range?: { start?: unknown } }).range;
    if (typeof range?.start === 'number') return range.start;
  }
  return undefined;
}

export function toEvalError(expression: string, err: unknown): CelError {
  if (err instanceof CelError) return err;
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return new CelError('eval', expression, 'expression nesting too deep', { cause: err });
  }
  const offset = offsetOf(err);
  return new CelError(
    'eval',
    expression,
    engineReason(err),
    offset === undefined ? { cause: err } : { offset, cause: err },
  );
}

const CACHE_LIMIT = 2_000;
const MAX_AST_DEPTH = 1_000;
const cache = new Map<string, CelProgram>();

/**
 * Parses `expression` once; the same text returns the same program (bounded LRU), so hot
 * paths can call this per event without re-parsing. Throws CelError (CEL_PARSE) on bad syntax.
 */
export function compileCel(expression: string): CelProgram {
  const hit = cache.get(expression);
  if (hit !== undefined) {
    cache.delete(expression);
    cache.set(expression, hit);
    return hit;
  }
  const program = parseProgram(expression);
  cache.set(expression, program);
  if (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  return program;
}

/** Test and bench hook: how many programs are cached, and a way to start cold. */
export function celCacheSize(): number {
  return cache.size;
}

export function clearCelCache(): void {
  cache.clear();
}

function parseProgram(expression: string): CelProgram {
  let run: ParseResult;
  try {
    run = celEnvironment().parse(expression);
  } catch (err) {
    // cel-js also reports macro misuse (`has(1)`) while parsing, as cel-go's parser does.
    const reason = err instanceof RangeError ? 'expression nesting too deep' : engineReason(err);
    const offset = offsetOf(err);
    throw new CelError(
      'parse',
      expression,
      reason,
      offset === undefined ? { cause: err } : { offset, cause: err },
    );
  }
  // cel-js bounds only some kinds of nesting (not unary chains); everything after parsing
  // walks the tree recursively, so bound its depth here, generously above any real config.
  if (astDepth(run.ast) > MAX_AST_DEPTH) {
    throw new CelError('parse', expression, `expression nesting deeper than ${MAX_AST_DEPTH} levels`);
  }
  const badHas = invalidHas(run.ast);
  if (badHas !== undefined) {
    throw new CelError('parse', expression, 'invalid argument to has() macro', { offset: badHas.start });
  }
  const badInt = invalidIntLiteral(run.ast);
  if (badInt !== undefined) {
    throw new CelError('parse', expression, 'invalid int literal', { offset: badInt.start });
  }
  const badCall = arityMismatch(run.ast);
  if (badCall !== undefined) {
    // cel-go refuses it when building the program (a program error in the Go adapter), which
    // happens per evaluation there: the config loads and every evaluation fails.
    const error = new CelError('check', expression, `no such overload: ${badCall.name}`, {
      offset: badCall.node.start,
    });
    return {
      expression,
      identifiers: freeIdentifiers(run.ast),
      overBudget: undefined,
      evaluate: () => ({ ok: false, error }),
    };
  }
  if (usesCelNamespace(run.ast)) {
    // The Go adapter does not enable cel-go's bindings extension, so `cel.bind` fails there;
    // cel-js has it built in. Refuse it the same way, so configs stay portable.
    const error = new CelError('eval', expression, 'no such attribute(s): cel', {
      offset: celOffset(run.ast),
    });
    return {
      expression,
      identifiers: freeIdentifiers(run.ast),
      overBudget: undefined,
      evaluate: () => ({ ok: false, error }),
    };
  }
  alignIndexing(run.ast, children, INDEX_RULES);
  dynamicTernaries(run.ast, children);
  meterExpression(run.ast, children);
  return new CompiledProgram(expression, run);
}

const MAX_ARITY = 8;

/** A call to a global function that exists, but with no overload of this many arguments. */
function arityMismatch(ast: ASTNode): { name: string; node: ASTNode } | undefined {
  const env = celEnvironment();
  for (const call of globalCalls(ast)) {
    if (call.name === 'has' || overloadCount(env, false, call.name, call.argCount) > 0) continue;
    for (let n = 0; n <= MAX_ARITY; n++) {
      if (overloadCount(env, false, call.name, n) > 0) return call;
    }
  }
  return undefined;
}

export type { ASTNode };
