import type { ResourceKind } from './model.ts';
import { type Problem, problem } from './problem.ts';

/**
 * The create (POST) and PATCH request rules of the real API, in its order: the body must be
 * JSON (400 VAL-006), then each field is checked and the first failure answers (400 VAL-000);
 * a PATCH takes only `spec` and `labels` (anything else is 400 VAL-005) and at least one.
 */

export interface CreateRequest {
  name: string;
  spec: Record<string, unknown>;
  labels: Record<string, string>;
}

export interface PatchRequest {
  spec?: Record<string, unknown>;
  labels?: Record<string, string>;
}

type Checked<T> = { ok: true; value: T } | { ok: false; problem: Problem };

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Name length limits per kind (a nodepool's name becomes part of cloud resource names). */
const NAME_MAX: Record<ResourceKind, number> = { Cluster: 53, NodePool: 15 };

export function checkCreate(kind: ResourceKind, raw: string): Checked<CreateRequest> {
  const body = parseObject(raw);
  if (!body) return { ok: false, problem: problem.malformed('Invalid JSON in request body') };
  const fail = (detail: string): Checked<CreateRequest> => ({
    ok: false,
    problem: problem.validation(detail),
  });
  if (typeof body['id'] === 'string' && body['id'] !== '') return fail('id must be empty');
  const name = typeof body['name'] === 'string' ? body['name'] : '';
  if (name === '') return fail('name is required');
  if (name.length < 3) return fail('name must be at least 3 characters');
  if (name.length > NAME_MAX[kind]) return fail(`name must be at most ${NAME_MAX[kind]} characters`);
  if (!NAME.test(name)) {
    return fail(
      'name must start and end with lowercase letter or number, and contain only lowercase letters, numbers, and hyphens',
    );
  }
  const k = typeof body['kind'] === 'string' ? body['kind'] : '';
  if (k === '') return fail('kind is required');
  if (k !== kind) return fail(`kind must be '${kind}'`);
  if (!isObject(body['spec'])) return fail('spec is required');
  const labels = isObject(body['labels']) ? (body['labels'] as Record<string, string>) : {};
  return { ok: true, value: { name, spec: body['spec'], labels: { ...labels } } };
}

export function checkPatch(raw: string): Checked<PatchRequest> {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (err) {
    return {
      ok: false,
      problem: problem.badRequest(`Unknown or immutable field in request body: ${(err as Error).message}`),
    };
  }
  if (!isObject(body)) {
    return {
      ok: false,
      problem: problem.badRequest('Unknown or immutable field in request body: not an object'),
    };
  }
  const unknown = Object.keys(body).find((k) => k !== 'spec' && k !== 'labels');
  if (unknown !== undefined) {
    return {
      ok: false,
      problem: problem.badRequest(
        `Unknown or immutable field in request body: json: unknown field "${unknown}"`,
      ),
    };
  }
  const spec = isObject(body['spec']) ? body['spec'] : undefined;
  const labels = isObject(body['labels']) ? (body['labels'] as Record<string, string>) : undefined;
  if (spec === undefined && labels === undefined) {
    return { ok: false, problem: problem.badRequest('at least one field must be provided for update') };
  }
  return { ok: true, value: { ...(spec ? { spec } : {}), ...(labels ? { labels } : {}) } };
}

function parseObject(raw: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(raw);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
