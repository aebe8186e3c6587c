/**
 * What a deployment needs to run the task, checked at load so that a config that loads never
 * fails at its first event for a reason visible in the files: the HyperFleet API address, a
 * Maestro client that can connect, log settings the logger understands.
 *
 * The Go adapter checks these when it creates its clients at start-up, and its dry run, which
 * creates none, loads without them. Same here: each is an error when serving and a warning in a
 * dry run (whose API and cluster are canned). A Maestro block no resource uses is only warned
 * about (the transport is never created), and so is whatever works but is probably a mistake.
 */
import { existsSync } from 'node:fs';
import type { ConfigProblem } from './errors.ts';
import { type ProblemContext, problemAt } from './issues.ts';
import type { AdapterConfig, TaskConfig } from './schema.ts';

/** `serve` runs against real clients; `dry-run` answers the API and the cluster from files. */
export type LoadPurpose = 'serve' | 'dry-run';

/** The Go adapter's logger levels (pkg/logger: anything else logs at info). */
const LOG_LEVELS = new Set(['debug', 'info', 'warn', 'warning', 'error']);
const LOG_FORMATS = new Set(['json', 'text']);
const LOG_OUTPUTS = new Set(['', 'stdout', 'stderr']);

export function checkDeployment(
  adapter: AdapterConfig,
  task: TaskConfig,
  ctx: { adapter: ProblemContext; task: ProblemContext },
  purpose: LoadPurpose,
  problems: ConfigProblem[],
  warnings: ConfigProblem[],
): void {
  const dryRun = purpose === 'dry-run';
  const needIn =
    (c: ProblemContext): Need =>
    (path, message, hint, required) =>
      (required && !dryRun ? problems : warnings).push(
        problemAt(c, path, required && dryRun ? `${message} (a dry run does not connect)` : message, {
          hint,
        }),
      );
  const need = needIn(ctx.adapter);
  checkApiBaseUrl(adapter, task, need);
  if (adapter.clients.maestro) checkMaestro(adapter.clients.maestro, task, need);
  else
    task.resources.forEach((r, i) => {
      if (r.transport.client === 'maestro')
        needIn(ctx.task)(
          ['resources', i, 'transport', 'client'],
          'resource uses the maestro transport but the adapter config has no `clients.maestro`',
          `add clients.maestro to ${ctx.adapter.file}`,
          true,
        );
    });
  checkFiles(adapter, task, need);
  checkLog(adapter, need);
}

/**
 * Files a transport reads when it is created. Only warned about: validate often runs where the
 * pod's mounts are not (a laptop), and the file may be mounted by the time the pod starts.
 */
function checkFiles(adapter: AdapterConfig, task: TaskConfig, need: Need): void {
  const missing = (file: string | undefined) => file !== undefined && file !== '' && !existsSync(file);
  const k = adapter.clients.kubernetes?.kube_config_path;
  if (task.resources.some((r) => r.transport.client === 'kubernetes') && missing(k))
    need(
      ['clients', 'kubernetes', 'kube_config_path'],
      `kubeconfig ${JSON.stringify(k)} is not there; the Kubernetes transport reads it at its first use`,
      'mount it, or leave kube_config_path empty for in-cluster credentials',
      false,
    );
  const m = adapter.clients.maestro;
  if (!m || !task.resources.some((r) => r.transport.client === 'maestro')) return;
  const tls = m.auth?.tls_config ?? {};
  for (const key of ['ca_file', 'cert_file', 'key_file', 'http_ca_file'] as const)
    if (missing(tls[key]))
      need(
        ['clients', 'maestro', 'auth', 'tls_config', key],
        `${key} ${JSON.stringify(tls[key])} is not there; the Maestro transport reads it at its first use`,
        'mount the certificate secret at this path',
        false,
      );
  if (missing(m.auth?.token_path))
    need(
      ['clients', 'maestro', 'auth', 'token_path'],
      `token_path ${JSON.stringify(m.auth?.token_path)} is not there; the Maestro transport reads it at its first use`,
      'mount the token at this path',
      false,
    );
}

type Need = (path: (string | number)[], message: string, hint: string, required: boolean) => void;
type Maestro = NonNullable<AdapterConfig['clients']['maestro']>;

function checkApiBaseUrl(adapter: AdapterConfig, task: TaskConfig, need: Need): void {
  const usesApi =
    task.params.some((p) => p.source.kind === 'api_call') ||
    task.preconditions.some((p) => p.api_call) ||
    task.post.post_actions.some((a) => a.api_call);
  if (!usesApi) return;
  const url = adapter.clients.hyperfleet_api.base_url;
  const path = ['clients', 'hyperfleet_api', 'base_url'];
  if (url === undefined || url.trim() === '') {
    need(
      path,
      'the task config calls the HyperFleet API but no base_url is set',
      'set clients.hyperfleet_api.base_url or HYPERFLEET_API_BASE_URL',
      true,
    );
    return;
  }
  // The examples ship placeholders such as CHANGE_ME, replaced at deploy time.
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    need(
      path,
      `base_url ${JSON.stringify(url)} is not an http(s) URL; every API call will fail`,
      'set HYPERFLEET_API_BASE_URL at deploy time',
      false,
    );
  }
}

/** The rules the Maestro transport applies when it is created (lib/transport/maestro/options.ts). */
function checkMaestro(m: Maestro, task: TaskConfig, need: Need): void {
  const used = task.resources.some((r) => r.transport.client === 'maestro');
  const at = (...keys: string[]) => ['clients', 'maestro', ...keys];
  const unused = used ? '' : ' (no resource uses clients.maestro)';
  const env = (key: string) => `set it or HYPERFLEET_MAESTRO_${key}`;
  if (!m.grpc_server_address?.trim())
    need(
      at('grpc_server_address'),
      `grpc_server_address is required to publish ManifestWorks${unused}`,
      env('GRPC_SERVER_ADDRESS'),
      used,
    );
  const http = m.http_server_address?.trim();
  if (!http) {
    need(
      at('http_server_address'),
      `http_server_address is required to read ManifestWorks${unused}`,
      env('HTTP_SERVER_ADDRESS'),
      used,
    );
  } else if (!URL.canParse(http) || !/^https?:$/.test(new URL(http).protocol)) {
    need(
      at('http_server_address'),
      `http_server_address ${JSON.stringify(http)} is not an http:// or https:// URL${unused}`,
      'e.g. https://maestro.maestro.svc:8000',
      used,
    );
  } else if (new URL(http).protocol === 'http:' && !m.insecure) {
    need(
      at('http_server_address'),
      `http_server_address must use https:// unless \`insecure: true\`${unused}`,
      'use https:// or set insecure: true',
      used,
    );
  }
  if (!m.source_id.trim())
    need(
      at('source_id'),
      `source_id is required (the CloudEvents source of this adapter's ManifestWorks)${unused}`,
      env('SOURCE_ID'),
      used,
    );
  const tls = m.auth?.tls_config;
  if (tls && Boolean(tls.cert_file) !== Boolean(tls.key_file))
    need(
      at('auth', 'tls_config', tls.cert_file ? 'key_file' : 'cert_file'),
      `cert_file and key_file go together${unused}`,
      'set both for mutual TLS, or neither',
      used,
    );
  if (m.auth?.type === 'token' && !m.insecure && !m.auth.token_path)
    need(
      at('auth', 'token_path'),
      `auth.type token needs auth.token_path${unused}`,
      'the file holding the bearer token',
      used,
    );
}

function checkLog(adapter: AdapterConfig, need: Need): void {
  const { level, format, output } = adapter.log;
  if (level !== undefined && !LOG_LEVELS.has(level.toLowerCase()))
    need(
      ['log', 'level'],
      `unknown log level ${JSON.stringify(level)}: logging at info`,
      'one of debug, info, warn, error',
      false,
    );
  if (format !== undefined && !LOG_FORMATS.has(format.toLowerCase()))
    need(['log', 'format'], `invalid log format ${JSON.stringify(format)}`, 'json or text', true);
  if (output !== undefined && !LOG_OUTPUTS.has(output))
    need(['log', 'output'], `invalid log output ${JSON.stringify(output)}`, 'stdout or stderr', true);
}
