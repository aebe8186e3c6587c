import { type Environment, Optional } from '@marcbachmann/cel-js';
import { type Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { formatFloat } from '../template/floatfmt.ts';
import { spendSteps } from './budget.ts';
import { ExtensionError } from './extensions.ts';
import { rfc3339Nano } from './go-json.ts';
import * as gostr from './go-strings.ts';
import {
  checkTimestamp,
  compareTimestamps,
  durationFromNanos,
  durationNanos,
  durationText,
  parseDuration,
  parseTimestamp,
  Timestamp,
  timestampFromNanos,
  timestampFromUnix,
  timestampNanos,
} from './go-time.ts';
import { type IndexRules, registerSubclass, replaceFunction, replaceOperator } from './overrides.ts';
import { regexMatches } from './regex.ts';
import { celEquals } from './values.ts';

/**
 * cel-go's standard library where cel-js computes something else: the built-in overloads are
 * replaced (overrides.ts) or completed with the ones cel-go has and cel-js lacks. Every
 * error message is cel-go's.
 */

const MIN_INT = -(2n ** 63n);
const MAX_INT = 2n ** 63n - 1n;
const TS = 'google.protobuf.Timestamp';
const GPD = 'google.protobuf.Duration';

/** The ordering operators, each as a test of a three-way comparison (negative, 0, positive). */
const ORDERINGS = [
  ['<', (c: number) => c < 0],
  ['<=', (c: number) => c <= 0],
  ['>', (c: number) => c > 0],
  ['>=', (c: number) => c >= 0],
] as const;

function fail(message: string): never {
  throw new ExtensionError(message);
}

/** Runs `fn`, turning the plain errors of the Go-semantics helpers into CEL errors. */
function guarded<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return (...args: A) => {
    try {
      return fn(...args);
    } catch (err) {
      if (err instanceof ExtensionError || !(err instanceof Error)) throw err;
      throw new ExtensionError(err.message);
    }
  };
}

function checkedInt(v: bigint): bigint {
  return v < MIN_INT || v > MAX_INT ? fail('integer overflow') : v;
}

function registerStrings(env: Environment): void {
  const s = (sig: string, fn: (...args: never[]) => unknown) => replaceFunction(env, sig, guarded(fn));
  s('string.lowerAscii(): string', gostr.lowerAscii);
  s('string.upperAscii(): string', gostr.upperAscii);
  s('string.trim(): string', gostr.trimSpace);
  s('string.indexOf(string): int', (str: string, sub: string) => gostr.indexOf(str, sub));
  s('string.indexOf(string, int): int', gostr.indexOf);
  s('string.lastIndexOf(string): int', (str: string, sub: string) => gostr.lastIndexOf(str, sub));
  s('string.lastIndexOf(string, int): int', gostr.lastIndexOf);
  s('string.substring(int): string', (str: string, start: bigint) => gostr.substring(str, start));
  s('string.substring(int, int): string', gostr.substring);
  s('string.split(string): list<string>', (str: string, sep: string) => gostr.split(str, sep));
  s('string.split(string, int): list<string>', gostr.split);
  s('string.matches(string): bool', regexMatches);
  env.registerFunction('matches(string, string): bool', guarded(regexMatches));
  for (const [op, test] of ORDERINGS) {
    replaceOperator(env, op, [`string ${op} string: bool`], `string ${op} string`, (a: string, b: string) =>
      test(gostr.compareStrings(a, b)),
    );
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

// Go's strconv.ParseFloat syntax: decimal with `_` between digits, or hex with a p exponent.
const DECIMAL = /^[+-]?(?=\.?\d)(?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][+-]?\d(?:_?\d)*)?$/;
const HEX = /^([+-]?)0[xX]([\da-fA-F_]*)(?:\.([\da-fA-F_]*))?[pP]([+-]?\d+)$/;
const SPECIAL: Record<string, number> = {
  inf: Number.POSITIVE_INFINITY,
  '+inf': Number.POSITIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  '+infinity': Number.POSITIVE_INFINITY,
  '-infinity': Number.NEGATIVE_INFINITY,
  nan: Number.NaN,
};

function parseGoFloat(s: string): number {
  const special = SPECIAL[s.toLowerCase()];
  if (special !== undefined) return special;
  let v: number | undefined;
  if (DECIMAL.test(s)) v = Number(s.replaceAll('_', ''));
  else {
    const m = HEX.exec(s);
    if (m && `${m[2]}${m[3] ?? ''}`.replaceAll('_', '') !== '') {
      const frac = (m[3] ?? '').replaceAll('_', '');
      const mant = BigInt(`0x${(m[2]!.replaceAll('_', '') || '0') + frac}`);
      v = (m[1] === '-' ? -1 : 1) * Number(mant) * 2 ** (Number(m[4]) - 4 * frac.length);
    }
  }
  if (v === undefined || !Number.isFinite(v)) fail("type conversion error from 'string' to 'double'");
  return v;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function registerConversions(env: Environment): void {
  replaceFunction(env, 'string(double): string', (d: number) => formatFloat(d, 'g', -1));
  replaceFunction(env, 'double(string): double', guarded(parseGoFloat));
  replaceFunction(env, 'string(bytes): string', (b: Uint8Array) => {
    try {
      return UTF8.decode(b);
    } catch {
      return fail('invalid UTF-8 in bytes, cannot convert to string');
    }
  });
  replaceFunction(env, 'int(double): int', (d: number) => {
    // cel-go refuses both ends (±2^63): float64(MinInt64) itself is out of range there.
    if (!(d > -(2 ** 63) && d < 2 ** 63)) fail('integer overflow');
    return BigInt(Math.trunc(d));
  });
  replaceFunction(env, 'uint(double): uint', (d: number) => {
    if (!(d >= 0 && d < 2 ** 64)) fail('unsigned integer overflow');
    return new UnsignedInt(BigInt(Math.trunc(d)));
  });
  env.registerFunction('int(uint): int', (u: UnsignedInt) =>
    u.value > MAX_INT ? fail('integer overflow') : u.value,
  );
  env.registerFunction(`int(${TS}): int`, (t: Date) => BigInt(Math.floor(t.getTime() / 1000)));
  env.registerFunction(`int(${GPD}): int`, (d: Duration) => durationNanos(d));
  env.registerFunction(`string(${TS}): string`, (t: Date) => rfc3339Nano(t));
  env.registerFunction(`string(${GPD}): string`, (d: Duration) => durationText(d));
  replaceFunction(env, `timestamp(string): ${TS}`, guarded(parseTimestamp));
  replaceFunction(env, `timestamp(int): ${TS}`, guarded(timestampFromUnix));
  replaceFunction(env, `duration(string): ${GPD}`, guarded(parseDuration));
}

function registerArithmetic(env: Environment): void {
  replaceOperator(env, '-_', ['-_int: int'], '-int', (a: bigint) => checkedInt(-a));
  replaceOperator(env, '/', ['int / int: int'], 'int / int', (a: bigint, b: bigint) =>
    b === 0n ? fail('division by zero') : checkedInt(a / b),
  );
  replaceOperator(env, '%', ['int % int: int'], 'int % int', (a: bigint, b: bigint) => {
    if (b === 0n) fail('modulus by zero');
    return a === MIN_INT && b === -1n ? fail('integer overflow') : a % b;
  });
  const ts = guarded((n: bigint) => checkTimestamp(timestampFromNanos(n)));
  replaceOperator(env, '+', [`${TS} + ${GPD}: ${TS}`], `${TS} + ${GPD}`, (t: Date, d: Duration) =>
    ts(timestampNanos(t) + durationNanos(d)),
  );
  // cel-js declares this one as returning a duration.
  replaceOperator(env, '+', [`${GPD} + ${TS}: ${GPD}`], `${GPD} + ${TS}: ${TS}`, (d: Duration, t: Date) =>
    ts(timestampNanos(t) + durationNanos(d)),
  );
  replaceOperator(env, '-', [`${TS} - ${GPD}: ${TS}`], `${TS} - ${GPD}`, (t: Date, d: Duration) =>
    ts(timestampNanos(t) - durationNanos(d)),
  );
  const dur = guarded((n: bigint) => durationFromNanos(n));
  replaceOperator(env, '-', [`${TS} - ${TS}: ${GPD}`], `${TS} - ${TS}: ${GPD}`, (a: Date, b: Date) =>
    dur(timestampNanos(a) - timestampNanos(b)),
  );
  replaceOperator(env, '==', [`${TS} == ${TS}: bool`], `${TS} == ${TS}`, (a: Date, b: Date) => {
    return compareTimestamps(a, b) === 0;
  });
  replaceOperator(env, '+', [`${GPD} + ${GPD}: ${GPD}`], `${GPD} + ${GPD}`, (a: Duration, b: Duration) =>
    dur(durationNanos(a) + durationNanos(b)),
  );
  replaceOperator(env, '-', [`${GPD} - ${GPD}: ${GPD}`], `${GPD} - ${GPD}`, (a: Duration, b: Duration) =>
    dur(durationNanos(a) - durationNanos(b)),
  );
  env.registerOperator(`-${GPD}`, (d: Duration) => dur(-durationNanos(d)));
  for (const [op, test] of ORDERINGS) {
    replaceOperator(
      env,
      op,
      [`${GPD} ${op} ${GPD}: bool`],
      `${GPD} ${op} ${GPD}`,
      (a: Duration, b: Duration) => {
        const x = durationNanos(a);
        const y = durationNanos(b);
        return test(x < y ? -1 : x > y ? 1 : 0);
      },
    );
    env.registerOperator(`bytes ${op} bytes`, (a: Uint8Array, b: Uint8Array) => test(compareBytes(a, b)));
    replaceOperator(env, op, [`${TS} ${op} ${TS}: bool`], `${TS} ${op} ${TS}`, (a: Date, b: Date) =>
      test(compareTimestamps(a, b)),
    );
  }
  replaceOperator(env, '==', [`${GPD} == ${GPD}: bool`], `${GPD} == ${GPD}`, (a: Duration, b: Duration) => {
    return durationNanos(a) === durationNanos(b);
  });
}

/**
 * cel-go's equality is heterogeneous at run time: values of different types are unequal
 * (numbers compare by value across int, uint and double), aggregates compare element-wise
 * by the same rule. cel-js types literal operands statically and has no overload for
 * `[1] == [1.0]` or `1 in [1.0]`: its placeholder overloads (`list<V> == list<V>`) become
 * `list<dyn>` ones. (A single `dyn == dyn` would overlap every other overload at run time.)
 */
function registerEquality(env: Environment): void {
  replaceOperator(env, '==', ['list<V> == list<V>: bool'], 'list == list', (a: unknown, b: unknown) =>
    celEquals(a, b),
  );
  replaceOperator(env, '==', ['map<K, V> == map<K, V>: bool'], 'map == map', (a: unknown, b: unknown) =>
    celEquals(a, b),
  );
  replaceOperator(env, 'in', ['V in list<V>: bool'], 'dyn in list', (v: unknown, list: unknown[]) => {
    spendSteps(list.length, `in over ${list.length} elements`);
    return list.some((e) => celEquals(v, e));
  });
  replaceOperator(env, 'in', ['K in map<K, V>: bool'], 'dyn in map', (k: unknown, map: unknown) =>
    mapHas(map, k),
  );
}

function mapHas(map: unknown, key: unknown): boolean {
  if (map instanceof Map) {
    const k = map.has(key) ? key : numericKey(map, key);
    return k !== undefined && map.get(k) !== undefined;
  }
  return typeof key === 'string' && Object.hasOwn(map as object, key);
}

/** The key of `map` numerically equal to `key` (1, 1u and 1.0 find each other). */
function numericKey(map: Map<unknown, unknown>, key: unknown): unknown {
  const n = integral(key);
  if (n === undefined) return undefined;
  for (const k of map.keys()) if (integral(k) === n) return k;
  return undefined;
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** How indexes and map literals behave (see alignIndexing in overrides.ts). */
export const INDEX_RULES: IndexRules = {
  listIndex: (v) => (v instanceof UnsignedInt ? v.value : undefined),
  mapKey: numericKey,
  noSuchKey: (key, optional) => (optional ? Optional.none() : fail(`no such key: ${formatKey(key)}`)),
  mapLiteral: (entries) => {
    if (entries.every(([k]) => typeof k === 'string')) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of entries) if (!UNSAFE_KEYS.has(k as string)) out[k as string] = v;
      return out;
    }
    return new Map(entries);
  },
};

function formatKey(key: unknown): string {
  if (key instanceof UnsignedInt) return String(key.value);
  return typeof key === 'number' ? formatFloat(key, 'g', -1) : String(key);
}

/** A numeric key as the int cel-go would look it up with (1u, 1.0 -> 1n), if it is one. */
function integral(k: unknown): bigint | undefined {
  if (typeof k === 'bigint') return k;
  if (k instanceof UnsignedInt) return k.value;
  if (typeof k === 'number' && Number.isInteger(k)) return BigInt(k);
  return undefined;
}

/** `has(e.f)` as cel-go evaluates it: any operand; a field of a list is an error. */
function registerHas(env: Environment): void {
  const evaluate = (ev: MacroEvaluator, macro: HasMacro, ctx: unknown) => {
    const select = macro.args[0]!;
    return hasField(ev.run(select.args[0], ctx), select.args[1]);
  };
  const typeCheck = (checker: MacroChecker, macro: HasMacro, ctx: unknown) => {
    const select = macro.args[0];
    if (select?.op !== '.' && select?.op !== '.?') fail('invalid argument to has() macro');
    checker.check(select.args[0], ctx);
    return checker.getType('bool');
  };
  replaceFunction(env, 'has(ast): bool', ({ args }: { args: HasMacro['args'] }) => ({
    args,
    evaluate,
    typeCheck,
    async: false,
  }));
}

// The members of cel-js's macro hooks used here (its AST, checker and evaluator objects).
interface SelectNode {
  op: string;
  args: [unknown, string];
}
interface HasMacro {
  args: SelectNode[];
}
interface MacroEvaluator {
  run(ast: unknown, ctx: unknown): unknown;
}
interface MacroChecker {
  check(ast: unknown, ctx: unknown): unknown;
  getType(name: string): unknown;
}

function hasField(obj: unknown, key: string): boolean {
  if (obj instanceof Optional) return obj.hasValue() ? hasField(obj.value(), key) : false;
  if (Array.isArray(obj)) fail("unsupported index type 'string' in list");
  if (obj instanceof Map) return obj.get(key) !== undefined;
  if (obj === null || typeof obj !== 'object') return false;
  const proto = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.hasOwn(obj, key) && (obj as Record<string, unknown>)[key] !== undefined;
}

export function registerStdlib(env: Environment): void {
  registerSubclass(env, Date, Timestamp);
  registerArithmetic(env);
  registerHas(env);
  registerStrings(env);
  registerConversions(env);
  registerEquality(env);
}
