/**
 * One `api_call` of a config (param source, precondition, post action): URL, headers and
 * body are Go templates over the params; relative URLs go under the HyperFleet API base
 * path (the client resolves them). A non-2xx answer is a typed HyperfleetApiError.
 */
import type { ApiCall } from '../config/schema.ts';
import {
  type ApiRequest,
  type ApiResponse,
  ApiUrlRefusedError,
  expectOk,
  splitUrlTemplate,
  type UrlPart,
} from '../hyperfleet-api/index.ts';
import type { Logger } from '../observability/logger.ts';
import { currentTraceparent, inSpan, SpanKind } from '../observability/tracing.ts';
import { compileTemplate } from '../template/index.ts';
import { type Clock, render } from './evaluate.ts';
import type { ExecutionState } from './state.ts';

/** The slice of the HyperFleet API client the executor needs (a dry run passes one with a canned fetch). */
export interface ApiCaller {
  request(req: ApiRequest): Promise<ApiResponse>;
}

export async function executeApiCall(
  call: ApiCall,
  state: ExecutionState,
  deps: { api: ApiCaller; clock: Clock; signal: AbortSignal; traceparent?: string; log?: Logger },
): Promise<ApiResponse & { sentBody?: string }> {
  const url = render(call.url, state, deps.clock);
  const urlParts = splitRenderedUrl(call.url, url, state, deps.clock);
  const headers: Record<string, string> = {};
  for (const h of call.headers) headers[h.name] = render(h.value, state, deps.clock);
  const method = call.method.toUpperCase();
  const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
  const body = withBody && call.body ? render(call.body, state, deps.clock) : undefined;
  return inSpan(
    `HyperFleet API ${method}`,
    { 'http.request.method': method, 'url.template': call.url },
    async (span) => {
      const traceparent = currentTraceparent() ?? deps.traceparent;
      const resp = await requestOrLogRefusal(deps, call.url, {
        method,
        url,
        urlParts,
        headers,
        ...(body === undefined ? {} : { body }),
        ...(call.timeout_ms === undefined ? {} : { timeoutMs: call.timeout_ms }),
        ...(call.retry_attempts ? { retryAttempts: call.retry_attempts } : {}),
        ...(call.retry_backoff === undefined ? {} : { retryBackoff: call.retry_backoff }),
        signal: deps.signal,
        ...(traceparent === undefined ? {} : { traceparent }),
      });
      span.setAttribute('http.response.status_code', resp.status);
      expectOk(resp);
      return body === undefined ? resp : { ...resp, sentBody: body };
    },
    { kind: SpanKind.CLIENT },
  );
}

async function requestOrLogRefusal(
  deps: { api: ApiCaller; log?: Logger },
  template: string,
  req: ApiRequest,
): Promise<ApiResponse> {
  try {
    return await deps.api.request(req);
  } catch (err) {
    if (err instanceof ApiUrlRefusedError) {
      deps.log?.warn(
        { param: err.param, reason: err.reason, method: err.method, url_template: template },
        'api_call URL refused: a value would have steered the request',
      );
    }
    throw err;
  }
}

/**
 * The rendered URL as the template's text and what each action printed, so the client can
 * tell the config's route from the values filling it. Each action is rendered alone over the
 * same data; a template with control structures (if, range, ...) or whose pieces do not add
 * up counts everything after its leading text as one value.
 */
function splitRenderedUrl(
  template: string,
  rendered: string,
  state: ExecutionState,
  clock: Clock,
): UrlPart[] {
  const pieces = splitUrlTemplate(template);
  if (pieces) {
    const parts = pieces.map(
      (p): UrlPart =>
        p.action === undefined
          ? { text: p.text, literal: true, params: [] }
          : {
              text: render(p.action, state, clock),
              literal: false,
              params: compileTemplate(p.action).fieldRefs,
            },
    );
    if (parts.map((p) => p.text).join('') === rendered) return parts;
  }
  const open = template.indexOf('{{');
  if (open === -1) return [{ text: rendered, literal: true, params: [] }];
  const lead = template.slice(0, open);
  const params = compileTemplate(template).fieldRefs;
  return rendered.startsWith(lead) && lead !== ''
    ? [
        { text: lead, literal: true, params: [] },
        { text: rendered.slice(lead.length), literal: false, params, spansSegments: true },
      ]
    : [{ text: rendered, literal: false, params, spansSegments: true }];
}

/** Parse a JSON object answer the way Go's json.Unmarshal into map[string]interface{} does. */
export function parseJsonObject(body: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new Error(`${what}: failed to parse API response as JSON: ${(err as Error).message}`);
  }
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${what}: failed to parse API response as JSON: expected an object`);
  }
  return value as Record<string, unknown>;
}
