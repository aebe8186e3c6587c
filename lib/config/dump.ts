/**
 * The merged configuration as YAML, what the Go adapter prints for `config-dump` and logs at
 * start-up with `debug_config`: the adapter config (with env and flag overrides) and the task
 * config as one document, in the Go `Config` struct's key order. Certificate and key paths are
 * redacted as Go does; header values that may carry credentials are redacted too (Go prints
 * them).
 */
import { stringify } from 'yaml';
import type { LoadedConfigPair } from './loader.ts';
import { isPlainMap } from './source.ts';

const REDACTED = '**REDACTED**';
const SECRET_HEADER = /auth|token|key|secret|cookie|password|credential/i;

export function mergedConfigYaml(loaded: LoadedConfigPair): string {
  const adapter = plain(loaded.documents?.adapter);
  const task = plain(loaded.documents?.task);
  const clients = redactClients(plain(adapter['clients']));
  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    if (value === undefined || value === null || value === false) return;
    if (Array.isArray(value) && value.length === 0) return;
    if (isPlainMap(value) && Object.keys(value).length === 0) return;
    out[key] = value;
  };
  put('post', task['post']);
  put('log', adapter['log']);
  out['adapter'] = adapter['adapter'] ?? {};
  put('params', task['params']);
  put('preconditions', task['preconditions']);
  put('resources', task['resources']);
  out['clients'] = clients;
  put('debug_config', adapter['debug_config'] === true ? true : undefined);
  return stringify(redactHeaders(out), { indent: 4, lineWidth: 0, aliasDuplicateObjects: false });
}

function plain(v: unknown): Record<string, unknown> {
  return isPlainMap(v) ? v : {};
}

function redactClients(clients: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...clients };
  const maestro = plain(copy['maestro']);
  const tls = plain(plain(maestro['auth'])['tls_config']);
  if (Object.keys(tls).length > 0) {
    const redacted = { ...tls };
    for (const k of ['ca_file', 'cert_file', 'key_file', 'http_ca_file'])
      if (typeof redacted[k] === 'string' && redacted[k] !== '') redacted[k] = REDACTED;
    copy['maestro'] = { ...maestro, auth: { ...plain(maestro['auth']), tls_config: redacted } };
  }
  const api = plain(copy['hyperfleet_api']);
  if (isPlainMap(api['default_headers'])) {
    const headers = Object.fromEntries(Object.keys(api['default_headers']).map((k) => [k, REDACTED]));
    copy['hyperfleet_api'] = { ...api, default_headers: headers };
  }
  return copy;
}

/** Every `headers: [{name, value}]` list: values of credential-like headers redacted. */
function redactHeaders(value: unknown, depth = 0): unknown {
  if (depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => redactHeaders(v, depth + 1));
  if (!isPlainMap(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'headers' && Array.isArray(v)) {
      out[k] = v.map((h) =>
        isPlainMap(h) && typeof h['name'] === 'string' && SECRET_HEADER.test(h['name'])
          ? { ...h, value: REDACTED }
          : h,
      );
    } else out[k] = redactHeaders(v, depth + 1);
  }
  return out;
}
