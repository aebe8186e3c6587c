/**
 * Structured precondition conditions (`field` + `operator` + `value`). Equality follows Go's
 * reflect.DeepEqual over the shared value model, as the Go adapter does: a YAML integer
 * (bigint) never equals a JSON number (float64), a string never equals a number.
 */
import { AdapterError } from '../errors.ts';
import { extractField } from './jsonpath.ts';

export type Operator =
  | 'equals'
  | 'notEquals'
  | 'in'
  | 'notIn'
  | 'contains'
  | 'greaterThan'
  | 'lessThan'
  | 'exists';

export interface ConditionOutcome {
  field: string;
  operator: Operator;
  expected: unknown;
  actual: unknown;
  matched: boolean;
}

export class ConditionError extends AdapterError {
  constructor(message: string) {
    super('CONDITION_INVALID', message);
  }
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== typeof b) return false;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (typeof a === 'object') {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const ak = Object.keys(ao);
    if (ak.length !== Object.keys(bo).length) return false;
    return ak.every((k) => Object.hasOwn(bo, k) && deepEqual(ao[k], bo[k]));
  }
  return false;
}

function toNumber(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw new ConditionError(`failed to convert ${what} to number: cannot convert ${goTypeName(v)} to float64`);
}

function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object') return 'map[string]interface {}';
  return typeof v;
}

function evaluateIn(actual: unknown, expected: unknown): boolean {
  if (expected === null || expected === undefined) throw new ConditionError('expected list cannot be nil');
  if (!Array.isArray(expected)) throw new ConditionError('expected list to be a slice or array');
  return expected.some((item) => deepEqual(actual, item));
}

function evaluateContains(actual: unknown, needle: unknown): boolean {
  if (actual === null || actual === undefined) throw new ConditionError('fieldValue cannot be nil');
  if (needle === null || needle === undefined) throw new ConditionError('needle cannot be nil');
  if (typeof actual === 'string') {
    if (typeof needle !== 'string')
      throw new ConditionError('needle must be a string when field is a string');
    return actual.includes(needle);
  }
  if (Array.isArray(actual)) return actual.some((item) => deepEqual(item, needle));
  if (typeof actual === 'object') return typeof needle === 'string' && Object.hasOwn(actual, needle);
  throw new ConditionError('contains operator requires string, slice, array, or map field type');
}

function evaluateExists(actual: unknown): boolean {
  if (actual === null || actual === undefined) return false;
  if (typeof actual === 'string') return actual !== '';
  if (Array.isArray(actual)) return actual.length > 0;
  if (typeof actual === 'object' && !(actual instanceof Date)) return Object.keys(actual).length > 0;
  return true;
}

export function evaluateCondition(
  data: unknown,
  field: string,
  operator: Operator,
  expected: unknown,
): ConditionOutcome {
  const actual = extractField(data, field).value;
  let matched: boolean;
  switch (operator) {
    case 'equals':
      matched = deepEqual(actual ?? null, expected ?? null);
      break;
    case 'notEquals':
      matched = !deepEqual(actual ?? null, expected ?? null);
      break;
    case 'in':
      matched = evaluateIn(actual, expected);
      break;
    case 'notIn':
      matched = !evaluateIn(actual, expected);
      break;
    case 'contains':
      matched = evaluateContains(actual, expected);
      break;
    case 'greaterThan':
      matched = toNumber(actual, 'field value') > toNumber(expected, 'comparison value');
      break;
    case 'lessThan':
      matched = toNumber(actual, 'field value') < toNumber(expected, 'comparison value');
      break;
    case 'exists':
      matched = evaluateExists(actual);
      break;
    default:
      throw new ConditionError(`unsupported operator: ${String(operator)}`);
  }
  return { field, operator, expected, actual, matched };
}
