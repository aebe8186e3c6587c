import http from 'node:http';
import https from 'node:https';
import { classifyNetworkError, classifyStatus, type KubeCallSite, type KubeError } from './errors.ts';
import type { TokenBucket } from './rate-limit.ts';

/** How to reach one API server: everything credential-shaped stays behind `headers()`. */
export interface Endpoint {
  /** Base URL, possibly with a path prefix (`https://host:6443`, `https://proxy/k8s/c1`). */
  server: string;
  /** Pooled, keep-alive; carries the TLS trust and client certificate. */
  agent: http.Agent;
  /** Auth headers for the next request; re-evaluated per call so rotated tokens are picked up. */
  headers: () => Promise<Record<string, string>>;
  limiter: TokenBucket;
}

export interface WireRequest {
  method: 'GET' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
  signal: AbortSignal;
  site: KubeCallSite;
}

export interface WireResponse {
  status: number;
  /** Parsed JSON when the server sent JSON, the raw text otherwise. */
  body: unknown;
}

/**
 * One HTTP exchange with the API server. Any HTTP answer resolves (the caller decides whether a
 * 404 is an error); only a missing answer (refused, reset, aborted, timed out) rejects, as
 * KUBE_UNAVAILABLE naming the call site.
 */
export async function send(endpoint: Endpoint, req: WireRequest): Promise<WireResponse> {
  try {
    await endpoint.limiter.take(req.signal);
    const auth = await endpoint.headers();
    return await exchange(endpoint, req, auth);
  } catch (err) {
    throw classifyNetworkError(req.site, err);
  }
}

export function statusError(site: KubeCallSite, res: WireResponse): KubeError {
  return classifyStatus(site, res.status, res.body);
}

export function buildUrl(server: string, path: string, query: WireRequest['query']): URL {
  const url = new URL(server);
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined) url.searchParams.set(k, v);
  }
  return url;
}

function exchange(endpoint: Endpoint, req: WireRequest, auth: Record<string, string>): Promise<WireResponse> {
  const url = buildUrl(endpoint.server, req.path, req.query);
  const headers: Record<string, string> = { ...auth, accept: 'application/json' };
  if (req.body !== undefined) {
    headers['content-type'] = req.contentType ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(req.body));
  }
  const request = url.protocol === 'http:' ? http.request : https.request;
  return new Promise((resolve, reject) => {
    const r = request(
      url,
      { method: req.method, headers, agent: endpoint.agent, signal: req.signal },
      (res) => {
        const chunks: Buffer[] = [];
        let ended = false;
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('close', () => {
          if (!ended)
            reject(req.signal.aborted ? req.signal.reason : new Error('response cut off before its end'));
        });
        res.on('end', () => {
          ended = true;
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: parseBody(text, res.headers['content-type']) });
        });
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
