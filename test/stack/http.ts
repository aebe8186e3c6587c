import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * A small HTTP client for the stack's own checks: node's fetch cannot trust a private CA
 * without an undici dispatcher, and these peers all use one.
 */

export interface HttpOptions {
  method?: string;
  body?: unknown;
  /** CA file for https peers. */
  caFile?: string;
  token?: string;
  /** For peers serving a self-signed cert we never see (controller-manager's /healthz). */
  insecure?: boolean;
  timeoutMs?: number;
}

export interface HttpResult {
  status: number;
  text: string;
  json: unknown;
}

export function http(url: string, options: HttpOptions = {}): Promise<HttpResult> {
  const u = new URL(url);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  const tls = u.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (tls ? httpsRequest : httpRequest)(
      u,
      {
        method: options.method ?? 'GET',
        headers,
        timeout: options.timeoutMs ?? 5_000,
        ...(tls
          ? {
              ca: options.caFile === undefined ? undefined : readFileSync(options.caFile),
              rejectUnauthorized: options.insecure !== true,
            }
          : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${options.timeoutMs ?? 5_000} ms: ${url}`)));
    req.on('error', reject);
    req.end(payload);
  });
}
