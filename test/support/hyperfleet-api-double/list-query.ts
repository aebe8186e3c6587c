import type { StoredResource } from './model.ts';
import { type Problem, problem } from './problem.ts';

/**
 * The list query parameters as the real API reads them: `page` (default 1), `size` (default
 * 20, at most 100), `search` in the API's TSL (the subset the double understands: `field op
 * 'value'` terms joined by `and`, with `=`, `!=` and `like`, on name, id, generation and
 * labels.<key>) and the default order, newest created first.
 */
export interface ListQuery {
  page: number;
  size: number;
  matches: (r: StoredResource) => boolean;
}

export const MAX_PAGE_SIZE = 100;

export function parseListQuery(
  params: URLSearchParams,
): { ok: true; value: ListQuery } | { ok: false; problem: Problem } {
  const page = intParam(params.get('page'), 'page', 1);
  if (typeof page !== 'number') return { ok: false, problem: page };
  const size = intParam(params.get('size'), 'size', 20);
  if (typeof size !== 'number') return { ok: false, problem: size };
  if (size > MAX_PAGE_SIZE) {
    return {
      ok: false,
      problem: problem.range(
        `Invalid size parameter: ${size} exceeds maximum allowed value of ${MAX_PAGE_SIZE}`,
      ),
    };
  }
  const search = (params.get('search') ?? '').trim();
  if (search === '') return { ok: true, value: { page, size, matches: () => true } };
  const matches = parseSearch(search);
  if (!matches) return { ok: false, problem: problem.badRequest(`Failed to parse search query: ${search}`) };
  return { ok: true, value: { page, size, matches } };
}

/** Newest first (the real default `created_time desc`), then the page. */
export function pageOf(items: StoredResource[], q: ListQuery): { items: StoredResource[]; total: number } {
  const all = items.filter(q.matches).sort((a, b) => b.createdTime - a.createdTime || (a.id < b.id ? 1 : -1));
  const start = (q.page - 1) * q.size;
  return { items: all.slice(start, start + q.size), total: all.length };
}

function intParam(raw: string | null, name: string, fallback: number): number | Problem {
  const v = (raw ?? '').trim();
  if (v === '') return fallback;
  if (!/^[+-]?\d+$/.test(v)) return problem.format(`Invalid ${name} parameter: must be a positive integer`);
  const n = Number(v);
  if (n < 1) return problem.range(`Invalid ${name} parameter: ${n} is less than 1`);
  return n;
}

const TERM = /^\s*([a-z_]+(?:\.[A-Za-z0-9_./-]+)?)\s*(=|!=|\s+like\s+)\s*'((?:[^']|'')*)'\s*$/i;

function parseSearch(search: string): ((r: StoredResource) => boolean) | undefined {
  const terms = search.split(/\s+and\s+/i).map((t) => TERM.exec(t));
  if (terms.some((t) => t === null)) return undefined;
  const preds = (terms as RegExpExecArray[]).map(([, field = '', rawOp = '', rawValue = '']) => {
    const op = rawOp.trim().toLowerCase();
    const value = rawValue.replace(/''/g, "'");
    const get = (r: StoredResource): string | undefined => {
      if (field.startsWith('labels.')) return r.labels[field.slice('labels.'.length)];
      if (field === 'name') return r.name;
      if (field === 'id') return r.id;
      if (field === 'generation') return String(r.generation);
      return undefined;
    };
    if (op === 'like') {
      const re = new RegExp(
        `^${value
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/%/g, '.*')
          .replace(/_/g, '.')}$`,
        's',
      );
      return (r: StoredResource) => {
        const v = get(r);
        return v !== undefined && re.test(v);
      };
    }
    return op === '=' ? (r: StoredResource) => get(r) === value : (r: StoredResource) => get(r) !== value;
  });
  return (r) => preds.every((p) => p(r));
}
