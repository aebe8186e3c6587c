/**
 * Canned HyperFleet API answers for dry runs, in the Go adapter's file format:
 *
 *   { "responses": [ { "match": { "method": "GET" | "*", "urlPattern": "<regexp>" },
 *                      "responses": [ { "statusCode": 200, "headers": {...}, "body": {...} }, ... ] } ] }
 *
 * The first endpoint whose method and pattern match answers; its responses are served in
 * sequence and the last one repeats. A request nothing matches gets 200 `{}`, as in the Go
 * adapter. Patterns are matched against the request's path and query (`/api/hyperfleet/v1/...`).
 * The result is a `fetch` the HyperFleet API client can use, recording every request.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AdapterError } from '../errors.ts';
import { isSensitiveHeader } from '../hyperfleet-api/headers.ts';

const responseSchema = z.object({
  statusCode: z.number().int().min(100).max(599).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
});

const fileSchema = z.object({
  responses: z.array(
    z.object({
      match: z.object({ method: z.string().min(1), urlPattern: z.string().min(1) }),
      responses: z.array(responseSchema).min(1),
    }),
  ),
});

export type ApiResponsesFile = z.infer<typeof fileSchema>;

export interface RecordedApiRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  status: number;
  response: string;
}

export class DryRunInputError extends AdapterError {
  constructor(message: string, cause?: unknown) {
    super('DRY_RUN_INPUT_INVALID', message, { cause });
  }
}

/** A dry-run input file as JSON; an unreadable or malformed one is a DryRunInputError naming it. */
export async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DryRunInputError(`cannot read ${what} ${path}: ${(err as Error).message}`, err);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DryRunInputError(`${what} ${path} is not JSON: ${(err as Error).message}`, err);
  }
}

export async function loadApiResponses(path: string): Promise<ApiResponsesFile> {
  const json = await readJson(path, 'API responses file');
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new DryRunInputError(`API responses file ${path} is invalid: ${where}`);
  }
  return parsed.data;
}

/** A fetch that answers from canned responses and records what was asked. */
export function cannedFetch(file: ApiResponsesFile | undefined): {
  fetch: typeof fetch;
  requests: RecordedApiRequest[];
} {
  const endpoints = (file?.responses ?? []).map((ep, i) => {
    let pattern: RegExp;
    try {
      pattern = new RegExp(ep.match.urlPattern);
    } catch (err) {
      throw new DryRunInputError(
        `endpoint ${i}: invalid urlPattern ${JSON.stringify(ep.match.urlPattern)}`,
        err,
      );
    }
    return { method: ep.match.method.toUpperCase(), pattern, responses: ep.responses, calls: 0 };
  });
  const requests: RecordedApiRequest[] = [];

  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    request.signal.throwIfAborted();
    const url = new URL(request.url);
    const target = url.pathname + url.search;
    const method = request.method.toUpperCase();
    const endpoint = endpoints.find(
      (ep) => (ep.method === '*' || ep.method === method) && ep.pattern.test(target),
    );
    let status = 200;
    let body = '{}';
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (endpoint) {
      const canned = endpoint.responses[Math.min(endpoint.calls, endpoint.responses.length - 1)];
      endpoint.calls++;
      status = canned?.statusCode ?? 200;
      if (canned?.body !== undefined) body = JSON.stringify(canned.body);
      Object.assign(headers, canned?.headers ?? {});
    }
    const sent = init?.body === undefined || init.body === null ? undefined : await request.text();
    const recordedHeaders: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      recordedHeaders[key] = isSensitiveHeader(key) ? '[REDACTED]' : value;
    });
    requests.push({
      method,
      url: target,
      headers: recordedHeaders,
      ...(sent === undefined ? {} : { body: sent }),
      status,
      response: body,
    });
    const nullBody = status === 204 || status === 304;
    return new Response(nullBody ? null : body, { status, headers });
  };
  return { fetch: fake as typeof fetch, requests };
}
