import { type Environment, EvaluationError, Optional } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { ensureSteps, spendSteps } from './budget.ts';
import { formatString } from './format.ts';
import { compareStrings, quote, replace } from './go-strings.ts';
import { timestampNanos } from './go-time.ts';
import { replaceOperator } from './overrides.ts';

/**
 * The parts of cel-go's ext.Strings() and ext.Lists() (all versions, as the Go adapter
 * enables them) that cel-js lacks, plus cel-go's runtime heterogeneous numeric equality and
 * ordering for operands cel-js types statically (`1 == 1.0`). Errors use cel-go's wording.
 */

class StringsNamespace {}
class ListsNamespace {}

const MAX_RANGE = 1_000_000n;

/**
 * Thrown by extension functions. It is cel-js's own error class so cel-js attaches the call's
 * source position on the way out, like its built-in functions' errors.
 */
export class ExtensionError extends EvaluationError {
  constructor(message: string) {
    super({ code: 'extension_error', message });
  }
}

function num(v: bigint | number | UnsignedInt): number | bigint {
  return v instanceof UnsignedInt ? v.value : v;
}

/**
 * cel-go's comparison of int/uint/double (common/types/compare.go): int against uint exactly,
 * a double against an integer as doubles once the double is inside the integer's range (so
 * 9223372036854775807 == 9223372036854775808.0 there). NaN compares as NaN (every test false).
 */
export function compareNumbers(a: bigint | number | UnsignedInt, b: bigint | number | UnsignedInt): number {
  const x = num(a);
  const y = num(b);
  if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'number' && typeof y === 'number')
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : Number.NaN;
  if (typeof x === 'number') return compareDoubleInteger(x, y as bigint, b instanceof UnsignedInt);
  return -compareDoubleInteger(y as number, x, a instanceof UnsignedInt);
}

function compareDoubleInteger(d: number, i: bigint, unsigned: boolean): number {
  if (Number.isNaN(d)) return Number.NaN;
  // float64(math.MinInt64), float64(math.MaxInt64) and float64(math.MaxUint64) are 2^63 and 2^64.
  if (d < (unsigned ? 0 : -(2 ** 63))) return -1;
  if (d > (unsigned ? 2 ** 64 : 2 ** 63)) return 1;
  const f = Number(i);
  return d < f ? -1 : d > f ? 1 : 0;
}

function registerNumericOperators(env: Environment): void {
  const kinds = ['int', 'uint', 'double'] as const;
  const ops: Record<string, (c: number) => boolean> = {
    '==': (c) => c === 0,
    '<': (c) => c < 0,
    '<=': (c) => c <= 0,
    '>': (c) => c > 0,
    '>=': (c) => c >= 0,
  };
  for (const l of kinds) {
    for (const r of kinds) {
      if (l === r) continue;
      for (const [op, test] of Object.entries(ops)) {
        // cel-js derives `!=` from `==`; it orders some pairs itself, exactly, where cel-go
        // compares as doubles: those are replaced.
        const handler = (a: bigint | number | UnsignedInt, b: bigint | number | UnsignedInt) =>
          test(compareNumbers(a, b));
        try {
          env.registerOperator(`${l} ${op} ${r}`, handler);
        } catch (err) {
          if (!(err instanceof Error && /already registered/.test(err.message))) throw err;
          // `==` registers its mirror too: that one is ours already.
          if (op !== '==') replaceOperator(env, op, [`${l} ${op} ${r}: bool`], `${l} ${op} ${r}`, handler);
        }
      }
    }
  }
}

// cel-go answers `==` across kinds with false at runtime; cel-js refuses the overload when
// both operand types are known statically (literals), so declare those pairs.
const SCALARS = [
  'int',
  'uint',
  'double',
  'string',
  'bool',
  'bytes',
  'google.protobuf.Timestamp',
  'google.protobuf.Duration',
  'null',
  'list',
  'map',
] as const;

function registerCrossKindEquality(env: Environment): void {
  for (const l of SCALARS) {
    for (const r of SCALARS) {
      if (l === r) continue;
      const numeric = (t: string) => t === 'int' || t === 'uint' || t === 'double';
      // Numeric pairs are registered by registerNumericOperators; other pairs (lists, maps,
      // null) reach the `dyn == dyn` overload of stdlib.ts.
      if (!(numeric(l) && numeric(r))) tryRegister(env, `${l} == ${r}`, () => false);
    }
  }
}

function tryRegister(env: Environment, signature: string, handler: (a: never, b: never) => unknown): void {
  try {
    env.registerOperator(signature, handler as (a: unknown, b: unknown) => unknown);
  } catch (err) {
    if (!(err instanceof Error && /already registered|overlaps/.test(err.message))) throw err;
  }
}

function registerStrings(env: Environment): void {
  env.registerType('StringsNamespace', StringsNamespace);
  env.registerConstant('strings', 'StringsNamespace', new StringsNamespace());
  // cel-go indexes strings by code point, not UTF-16 unit.
  env.registerFunction('string.charAt(int): string', (s: string, i: bigint) => {
    const chars = [...s];
    if (i < 0n || i > BigInt(chars.length)) throw new ExtensionError(`index out of range: ${i}`);
    return chars[Number(i)] ?? '';
  });
  env.registerFunction('string.replace(string, string, int): string', replace);
  env.registerFunction('string.replace(string, string): string', (s: string, from: string, to: string) =>
    replace(s, from, to),
  );
  env.registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''));
  env.registerFunction('StringsNamespace.quote(string): string', (_ns: StringsNamespace, s: string) =>
    quote(s),
  );
  env.registerFunction('string.format(list): string', (s: string, args: unknown[]) => {
    try {
      return formatString(s, args);
    } catch (err) {
      throw new ExtensionError(err instanceof Error ? err.message : String(err));
    }
  });
}

function sortKey(v: unknown): [string, unknown] {
  if (typeof v === 'bigint') return ['int', v];
  if (typeof v === 'number') return ['double', v];
  if (v instanceof UnsignedInt) return ['uint', v.value];
  if (typeof v === 'string') return ['string', v];
  if (typeof v === 'boolean') return ['bool', v];
  if (v instanceof Date) return ['timestamp', timestampNanos(v)];
  if (v instanceof Duration) return ['duration', v.valueOf()];
  throw new ExtensionError('list elements must be comparable');
}

function compareKeys(a: unknown, b: unknown): number {
  const [ka, va] = sortKey(a);
  const [kb, vb] = sortKey(b);
  if (ka !== kb) throw new ExtensionError('list elements must have the same type');
  if (ka === 'string') return compareStrings(va as string, vb as string);
  return (va as number) < (vb as number) ? -1 : (va as number) > (vb as number) ? 1 : 0;
}

function sortByKeys<T>(items: readonly T[], keys: readonly unknown[]): T[] {
  // cel-go rejects a list it cannot order even when no two elements need comparing.
  const kinds = new Set(keys.map((k) => sortKey(k)[0]));
  if (kinds.size > 1) throw new ExtensionError('list elements must have the same type');
  const idx = items.map((_, i) => i);
  idx.sort((i, j) => compareKeys(keys[i], keys[j]));
  return idx.map((i) => items[i]!);
}

function flatten(list: readonly unknown[], depth: bigint): unknown[] {
  if (depth < 0n) throw new ExtensionError('level must be non-negative');
  const out: unknown[] = [];
  for (const v of list) {
    if (Array.isArray(v) && depth > 0n) out.push(...flatten(v, depth - 1n));
    else out.push(v);
  }
  return out;
}

export type Equals = (a: unknown, b: unknown) => boolean;

function registerLists(env: Environment, equals: Equals): void {
  env.registerType('ListsNamespace', ListsNamespace);
  env.registerConstant('lists', 'ListsNamespace', new ListsNamespace());
  env.registerFunction('list.slice(int, int): list', (l: unknown[], start: bigint, end: bigint) => {
    if (start < 0n || end < 0n)
      throw new ExtensionError(`cannot slice(${start}, ${end}), negative indexes not supported`);
    if (start > end)
      throw new ExtensionError(
        `cannot slice(${start}, ${end}), start index must be less than or equal to end index`,
      );
    if (end > BigInt(l.length))
      throw new ExtensionError(`cannot slice(${start}, ${end}), list is length ${l.length}`);
    return l.slice(Number(start), Number(end));
  });
  env.registerFunction('list.flatten(): list', (l: unknown[]) => flatten(l, 1n));
  env.registerFunction('list.flatten(int): list', (l: unknown[], depth: bigint) => flatten(l, depth));
  env.registerFunction('list.reverse(): list', (l: unknown[]) => [...l].reverse());
  env.registerFunction('list.sort(): list', (l: unknown[]) => sortByKeys(l, l));
  env.registerFunction('list.distinct(): list', (l: unknown[]) => {
    const out: unknown[] = [];
    for (const v of l) if (!out.some((o) => equals(o, v))) out.push(v);
    return out;
  });
  env.registerFunction('ListsNamespace.range(int): list<int>', (_ns: ListsNamespace, n: bigint) => {
    if (n < 0n) throw new ExtensionError(`lists.range: size must be non-negative, got ${n}`);
    if (n > MAX_RANGE)
      throw new ExtensionError(`lists.range: size ${n} exceeds maximum allowed size ${MAX_RANGE}`);
    ensureSteps(Number(n), `lists.range(${n})`);
    const out: bigint[] = [];
    for (let i = 0n; i < n; i++) out.push(i);
    return out;
  });
  registerSortBy(env);
}

interface SortByMacro {
  receiver: MacroAst;
  varName: string;
  key: MacroAst;
  bindCtx?: MacroCtx;
}
// cel-js passes its internal AST, checker and evaluator objects to macro hooks; only the few
// members used here are described.
interface MacroAst {
  op: string;
  args: unknown;
}
interface MacroCtx {
  forkWithVariable(name: string, type: unknown): MacroCtx;
  reuse(ctx: MacroCtx): MacroCtx;
  setIterValue(value: unknown, ev: MacroEvaluator): MacroCtx;
}
interface MacroChecker {
  check(ast: MacroAst, ctx: MacroCtx): { kind: string; valueType?: unknown };
  registry: { getType(name: string): unknown };
}
interface MacroEvaluator {
  run(ast: MacroAst, ctx: MacroCtx): unknown;
}

function registerSortBy(env: Environment): void {
  env.registerFunction(
    'list.sortBy(ast, ast): list',
    ({ args, receiver }: { args: MacroAst[]; receiver: MacroAst }) => {
      const [iter, key] = args;
      if (iter?.op !== 'id' || typeof iter.args !== 'string' || !key) {
        throw new ExtensionError('sortBy(var, keyExpr) requires an identifier as its first argument');
      }
      const macro: SortByMacro & {
        typeCheck: (c: MacroChecker, m: SortByMacro, ctx: MacroCtx) => unknown;
        evaluate: (e: MacroEvaluator, m: SortByMacro, ctx: MacroCtx) => unknown;
      } = {
        receiver,
        varName: iter.args,
        key,
        typeCheck(checker, m, ctx) {
          const listType = checker.check(m.receiver, ctx);
          const elem = listType.kind === 'list' ? listType.valueType : checker.registry.getType('dyn');
          m.bindCtx = ctx.forkWithVariable(m.varName, elem);
          checker.check(m.key, m.bindCtx);
          return listType;
        },
        evaluate(ev, m, ctx) {
          const list = ev.run(m.receiver, ctx);
          if (!Array.isArray(list)) throw new ExtensionError('sortBy() receiver must be a list');
          spendSteps(list.length, `sortBy() over ${list.length} elements`);
          const bindCtx = m.bindCtx!;
          const keys = list.map((item) => ev.run(m.key, bindCtx.reuse(ctx).setIterValue(item, ev)));
          return sortByKeys(list, keys);
        },
      };
      return macro;
    },
  );
}

function isZeroValue(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '' || v === 0 || v === 0n) return true;
  if (v instanceof UnsignedInt) return v.value === 0n;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  if (v instanceof Date || v instanceof Duration) return v.valueOf() === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

export function registerExtensions(env: Environment, equals: Equals): void {
  env.registerFunction('OptionalNamespace.ofNonZeroValue(dyn): optional<dyn>', (_ns: unknown, v: unknown) =>
    isZeroValue(v) ? Optional.none() : Optional.of(v),
  );
  registerNumericOperators(env);
  registerCrossKindEquality(env);
  registerStrings(env);
  registerLists(env, equals);
}
