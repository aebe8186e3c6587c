/**
 * Phase 1: params, resolved in list order, later ones seeing earlier ones. Sources:
 * `event.<path>`, `env.<VAR>`, `config.<path>`, `<earlierParam>.<path>` (else a path into the
 * event), `api_call` (the JSON answer), `expression` (CEL), `file`. Conversions to the
 * declared type apply to path and file sources only, as in the Go adapter; int/int64 become
 * bigint (Go int64), float/float64 number (Go float64).
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { DEFAULT_FILE_ROOTS, fileRootProblem } from '../config/file-roots.ts';
import type { Param, TaskConfig } from '../config/schema.ts';
import { AdapterError } from '../errors.ts';
import { HyperfleetApiError } from '../hyperfleet-api/index.ts';
import { type ApiCaller, executeApiCall, parseJsonObject } from './api-call.ts';
import { type Clock, evaluateCel } from './evaluate.ts';
import { getNestedValue } from './jsonpath.ts';
import type { ExecutionState } from './state.ts';

const MAX_FILE_SOURCE_BYTES = 1 << 20;

export class ParamError extends AdapterError {
  readonly param: string;
  constructor(param: string, message: string, cause?: unknown) {
    super('PARAM_EXTRACTION_FAILED', message, { cause, retryable: isRetryableCause(cause) });
    this.param = param;
  }
}

function isRetryableCause(cause: unknown): boolean {
  return cause instanceof AdapterError && cause.retryable;
}

/** A param's API call was answered 404 for the resource: the event's resource is gone. */
export class ResourceGoneError extends AdapterError {
  constructor(param: string, cause: unknown) {
    super('RESOURCE_GONE', `param '${param}': the API answered 404 (resource not found)`, { cause });
  }
}

function isResourceNotFound(err: unknown): boolean {
  return err instanceof HyperfleetApiError && err.isResourceNotFound;
}

export interface ParamDeps {
  api: ApiCaller;
  clock: Clock;
  signal: AbortSignal;
  env: Readonly<Record<string, string | undefined>>;
  /** The AdapterConfig as a plain map, for `config.<path>` sources and `.config` in templates. */
  configMap: Record<string, unknown>;
  /** The folders a `file:` source may read (default: the secret mounts only). */
  fileRoots?: readonly string[];
  traceparent?: string;
}

/** The env vars a task config declares (`env.X` sources): the only ones templates and CEL may see. */
export function declaredEnv(
  task: TaskConfig,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of task.params) {
    if (p.source.kind !== 'path' || !p.source.path.startsWith('env.')) continue;
    const name = p.source.path.slice(4);
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export async function extractParams(task: TaskConfig, state: ExecutionState, deps: ParamDeps): Promise<void> {
  for (const param of task.params) {
    let value: unknown;
    try {
      value = await extractOne(param, state, deps);
    } catch (err) {
      // A required param's resource no longer exists (hard-deleted): nothing to do for it. An
      // optional one is left out (or takes its default) and the execution goes on, as in the Go
      // adapter: its status PUT then meets the same 404 and post ends quietly.
      if (param.required && param.source.kind === 'api_call' && isResourceNotFound(err))
        throw new ResourceGoneError(param.name, err);
      if (param.required) {
        throw new ParamError(
          param.name,
          `failed to extract required parameter '${param.name}' from source '${describe(param)}': ${(err as Error).message}`,
          err,
        );
      }
      if (err instanceof AdapterError && err.retryable)
        throw new ParamError(param.name, (err as Error).message, err);
      if (param.default !== undefined) state.params[param.name] = param.default;
      continue;
    }
    if ((value === undefined || value === null || value === '') && param.default !== undefined)
      value = param.default;
    if (
      value !== undefined &&
      value !== null &&
      param.type &&
      (param.source.kind === 'path' || param.source.kind === 'file')
    ) {
      try {
        value = convertType(value, param.type);
      } catch (err) {
        if (param.required) {
          throw new ParamError(
            param.name,
            `failed to convert parameter '${param.name}' to type '${param.type}': ${(err as Error).message}`,
            err,
          );
        }
        if (param.default !== undefined) state.params[param.name] = param.default;
        continue;
      }
    }
    // A CEL null is a value (CEL sees it as null again, as in the Go adapter); a path that
    // leads to null or nowhere leaves the param out.
    if (value !== undefined && (value !== null || param.source.kind === 'expression'))
      state.params[param.name] = value;
  }
}

function describe(param: Param): string {
  const s = param.source;
  switch (s.kind) {
    case 'path':
      return s.path;
    case 'api_call':
      return `api_call ${s.api_call.method} ${s.api_call.url}`;
    case 'expression':
      return `expression ${s.expression}`;
    case 'file':
      return `file ${s.file.path}`;
  }
}

async function extractOne(param: Param, state: ExecutionState, deps: ParamDeps): Promise<unknown> {
  const s = param.source;
  switch (s.kind) {
    case 'api_call': {
      const resp = await executeApiCall(s.api_call, state, deps);
      return parseJsonObject(resp.body, `param "${param.name}"`);
    }
    case 'expression': {
      const out = evaluateCel(s.expression, state.celVariables(), deps.clock);
      if (!out.ok) throw new Error(`param "${param.name}": CEL expression error: ${out.error.message}`);
      return out.value;
    }
    case 'file': {
      const refused = await fileRootProblem(s.file.path, deps.fileRoots ?? DEFAULT_FILE_ROOTS);
      if (refused) throw new Error(refused);
      const raw = await readBounded(s.file.path, MAX_FILE_SOURCE_BYTES + 1);
      if (raw.length > MAX_FILE_SOURCE_BYTES) {
        throw new Error(`file "${s.file.path}" exceeds maximum size of ${MAX_FILE_SOURCE_BYTES} bytes`);
      }
      const text = s.file.trim ? raw.toString('utf8').trim() : raw.toString('utf8');
      if (param.required && text.trim() === '') throw new Error(`file "${s.file.path}" is empty`);
      return text;
    }
    case 'path':
      return fromPath(s.path, state, deps);
  }
}

/**
 * At most `limit` bytes of a file, as Go reads a file source (io.LimitReader): a device that
 * never ends (`/dev/zero`) yields the size error instead of exhausting the heap. A FIFO or a
 * socket would block the read forever (in Go too, for that event): refused before opening,
 * and opened non-blocking so a file swapped for one in between cannot hang it either.
 */
async function readBounded(path: string, limit: number): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (stat.isFIFO() || stat.isSocket())
      throw new Error(`file "${path}" is not a regular file (a ${stat.isFIFO() ? 'FIFO' : 'socket'})`);
    if (stat.isDirectory()) throw new Error(`file "${path}" is a directory`);
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < limit) {
      const buf = Buffer.alloc(Math.min(64 * 1024, limit - total));
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

function unwrap(r: { value: unknown } | { error: string }): unknown {
  if ('error' in r) throw new Error(r.error);
  return r.value;
}

function fromPath(source: string, state: ExecutionState, deps: ParamDeps): unknown {
  if (source.startsWith('env.')) {
    const name = source.slice(4);
    const value = deps.env[name];
    if (value === undefined) throw new Error(`environment variable ${name} not set`);
    return value;
  }
  if (source.startsWith('event.')) return unwrap(getNestedValue(state.event, source.slice(6)));
  if (source.startsWith('config.')) return unwrap(getNestedValue(deps.configMap, source.slice(7)));
  const dot = source.indexOf('.');
  const head = dot === -1 ? source : source.slice(0, dot);
  if (Object.hasOwn(state.params, head)) {
    const base = state.params[head];
    if (dot === -1) return base;
    if (typeof base !== 'object' || base === null || Array.isArray(base)) {
      throw new Error(`param "${head}" is not a map, cannot derive "${source}" from it`);
    }
    return unwrap(getNestedValue(base, source.slice(dot + 1)));
  }
  return unwrap(getNestedValue(state.event, source));
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest digits, never an exponent. */
function formatFloatF(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
  const s = String(v);
  if (!/e/i.test(s)) return s;
  const [mant = '', expText = '0'] = s.toLowerCase().split('e');
  const exp = Number(expText);
  const negative = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const pointAt =
    (mant.replace('-', '').indexOf('.') === -1
      ? mant.replace('-', '').length
      : mant.replace('-', '').indexOf('.')) + exp;
  let out: string;
  if (pointAt <= 0) out = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return negative ? `-${out}` : out;
}

const DECIMAL_FLOAT =
  /^[+-]?(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+(?:_\d+)*)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]_?([0-9a-fA-F]+(?:_[0-9a-fA-F]+)*)?(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/;

/**
 * Go's strconv.ParseFloat(s, 64): decimal (underscores between digits), hexadecimal only with
 * a `p` exponent, `inf`/`infinity` (signed) and `nan`; no spaces, no `0x1F`; out of range is
 * an error. Undefined when Go refuses the text.
 */
export function parseGoFloat(text: string): number | undefined {
  const special = /^([+-]?)(inf|infinity)$/i.exec(text);
  if (special) return special[1] === '-' ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return Number.NaN;
  let value: number;
  const hex = HEX_FLOAT.exec(text);
  if (hex) {
    const int = (hex[2] ?? '').replace(/_/g, '');
    const frac = hex[3] ?? '';
    if (int === '' && frac === '') return undefined;
    const mantissa = Number.parseInt(`${int}${frac}` || '0', 16);
    value = mantissa * 2 ** (Number(hex[4]) - 4 * frac.length);
    if (hex[1] === '-') value = -value;
  } else if (DECIMAL_FLOAT.test(text)) {
    value = Number(text.replace(/_/g, ''));
  } else {
    return undefined;
  }
  return Number.isFinite(value) ? value : undefined;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function floatToInt64(v: number): bigint {
  if (Number.isNaN(v)) return INT64_MIN;
  const t = BigInt(Math.trunc(Math.max(Math.min(v, 9.3e18), -9.3e18)));
  return t > INT64_MAX || t < INT64_MIN ? INT64_MIN : t;
}

export function convertType(value: unknown, type: NonNullable<Param['type']>): unknown {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'number') return formatFloatF(value);
      if (typeof value === 'boolean') return String(value);
      return JSON.stringify(value);
    case 'int':
    case 'int64':
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number') return floatToInt64(value);
      if (typeof value === 'boolean') return value ? 1n : 0n;
      if (typeof value === 'string') {
        if (/^[+-]?\d+$/.test(value)) {
          const n = BigInt(value);
          if (n >= INT64_MIN && n <= INT64_MAX) return n;
        }
        const f = parseGoFloat(value);
        if (f !== undefined) return floatToInt64(f);
        throw new Error(`cannot convert string '${value}' to int`);
      }
      throw new Error(`cannot convert ${typeof value} to int`);
    case 'float':
    case 'float64':
      if (typeof value === 'number') return value;
      if (typeof value === 'bigint') return Number(value);
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'string') {
        const f = parseGoFloat(value);
        if (f === undefined) throw new Error(`cannot convert string '${value}' to float`);
        return f;
      }
      throw new Error(`cannot convert ${typeof value} to float`);
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') {
        // strconv.ParseBool, then the Go adapter's extra spellings.
        if (value === '' || ['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
        if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
        const lower = value.toLowerCase();
        if (['yes', 'y', 'on'].includes(lower)) return true;
        if (['no', 'n', 'off'].includes(lower)) return false;
        throw new Error(`cannot convert string '${value}' to bool`);
      }
      if (typeof value === 'number') return value !== 0;
      if (typeof value === 'bigint') return value !== 0n;
      throw new Error(`cannot convert ${typeof value} to bool`);
  }
}
