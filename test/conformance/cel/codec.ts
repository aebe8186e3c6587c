/**
 * The tagged JSON both sides of the CEL conformance suite speak. In vars: plain numbers are
 * doubles, {"$int":"5"} an int (bigint; {"$uint":"5"} too, the project model has no uint),
 * {"$float":"NaN"|"+Inf"|"-Inf"} a double JSON cannot spell, {"$time":"RFC3339"} a timestamp.
 * In results, every number is tagged ($int, $uint, $double) so int-vs-double drift is visible.
 */

import { rfc3339Nano } from '../../../lib/cel/go-json.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function encodeVars(v: unknown): Json {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return { $int: v.toString() };
  if (typeof v === 'number' && !Number.isFinite(v)) return { $float: goFloatName(v) };
  if (v instanceof Date) return { $time: v.toISOString() };
  if (Array.isArray(v)) return v.map(encodeVars);
  if (typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, e]) => [k, encodeVars(e)]));
  }
  return v as Json;
}

export function decodeVars(v: Json): unknown {
  if (Array.isArray(v)) return v.map(decodeVars);
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const tag = v['$int'] ?? v['$uint'];
      if (typeof tag === 'string') return BigInt(tag);
      const f = v['$float'];
      if (typeof f === 'string') return parseGoFloat(f);
      const t = v['$time'];
      if (typeof t === 'string') return new Date(t);
    }
    return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, decodeVars(e)]));
  }
  return v;
}

/** A value from lib/cel (project value model) in the oracle's tagged form. */
export function encodeResult(v: unknown): Json {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return { $int: v.toString() };
  if (typeof v === 'number') return Number.isFinite(v) ? { $double: v } : { $double: goFloatName(v) };
  if (v instanceof Date) return { $time: goTime(v) };
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return v.map(encodeResult);
  if (typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, e]) => [k, encodeResult(e)]));
  }
  return v as Json;
}

function parseGoFloat(s: string): number {
  if (s === '+Inf' || s === 'Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  return s === 'NaN' ? Number.NaN : Number(s);
}

function goFloatName(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  return n > 0 ? '+Inf' : '-Inf';
}

function goTime(d: Date): string {
  return rfc3339Nano(d);
}
