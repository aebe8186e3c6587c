import { HyperfleetApiRequestError } from './errors.ts';

/** The path every HyperFleet API route lives under; `version` is `v1` today. */
export function apiBasePath(version: string): string {
  return `/api/hyperfleet/${version}`;
}

/** Parses an absolute http(s) URL or throws a non-retryable request error. */
export function parseHttpUrl(value: string, what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch (err) {
    throw new HyperfleetApiRequestError(`${what} is not an absolute URL: ${redactUrl(value)}`, err);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new HyperfleetApiRequestError(`${what} must be http or https, got ${parsed.protocol}`);
  }
  return parsed;
}

/**
 * How an `api_call` URL reaches the API, matching the Go adapter: an absolute URL is used as
 * is; a relative path already under `api/` (Sentinel's `href`) is appended to the base URL;
 * any other relative path goes under `/api/hyperfleet/<version>/`. Dot segments and repeated
 * slashes are cleaned; the query string is kept (the Go adapter drops it).
 */
export function resolveApiUrl(baseUrl: string, version: string, url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    parseHttpUrl(url, 'request URL');
    return url;
  }
  const cut = url.search(/[?#]/);
  const rawPath = cut === -1 ? url : url.slice(0, cut);
  const suffix = cut === -1 ? '' : url.slice(cut).replace(/#.*$/, '');
  const cleaned = cleanPath(rawPath);
  const path =
    cleaned === 'api' || cleaned.startsWith('api/') ? `/${cleaned}` : joinPath(apiBasePath(version), cleaned);
  const resolved = baseUrl.replace(/\/+$/, '') + path + suffix;
  parseHttpUrl(resolved, 'request URL');
  return resolved;
}

function joinPath(prefix: string, rest: string): string {
  return rest === '' ? prefix : `${prefix}/${rest}`;
}

/** Resolves `.` and `..` (never above the root) and drops empty segments; no leading slash. */
function cleanPath(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

/**
 * Why `url` may not be used: it carries credentials (`user:password@host`), which fetch
 * refuses with an error quoting the whole URL and which would otherwise reach logs. Undefined
 * for a URL without them (or not absolute). Config validation can call it for `base_url`.
 */
export function urlCredentialsProblem(url: string, what: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.username === '' && parsed.password === '') return undefined;
  return (
    `${what} ${redactUrl(url)} carries credentials (user:password@host): not sent;` +
    ' give the API a bearer token file (auth.token_path) or a default header instead'
  );
}

/** The URL fit for logs, metrics and errors: no credentials, no query string. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return url.replace(/[?#].*$/, '');
  }
}

export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
