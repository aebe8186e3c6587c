import http from 'node:http';
import https from 'node:https';
import { deadlineSignal } from '../../abort.ts';
import type { KubeObject } from '../types.ts';
import { specFromBundle } from './codec.ts';
import { classifyHttpError, MaestroError } from './errors.ts';
import { WatchedFiles } from './files.ts';
import type { Condition, ManifestCondition, ManifestWork } from './types.ts';
import { MANIFESTWORK_API_VERSION, MANIFESTWORK_KIND } from './types.ts';
import { isValidLabel } from './validation.ts';

/** A Maestro resource bundle as `GET /api/maestro/v1/resource-bundles` returns it. */
export interface ResourceBundle {
  id: string;
  kind?: string;
  name?: string;
  consumer_name?: string;
  version?: number;
  created_at?: string;
  updated_at?: string;
  deleted_at?: string;
  metadata?: Record<string, unknown>;
  manifests?: KubeObject[];
  delete_option?: Record<string, unknown>;
  manifest_configs?: Record<string, unknown>[];
  status?: {
    ObservedVersion?: number;
    SequenceID?: string;
    conditions?: Condition[];
    resourceStatus?: ManifestCondition[];
  };
}

interface BundleList {
  items?: ResourceBundle[];
  total?: number;
}

const BASE = '/api/maestro/v1';
const PAGE_SIZE = 400;

/** A resource bundle as the ManifestWork the Go client's ToManifestWork would produce. */
export function resourceBundleToWork(rb: ResourceBundle): ManifestWork {
  const meta = { ...(rb.metadata ?? {}) } as ManifestWork['metadata'];
  if (!meta.name) meta.name = rb.name ?? rb.id;
  if (!meta.namespace && rb.consumer_name) meta.namespace = rb.consumer_name;
  if (!meta['uid']) meta['uid'] = rb.id;
  const version = rb.version ?? 0;
  meta['resourceVersion'] = String(version);
  meta['generation'] = version;
  if (rb.deleted_at && !meta['deletionTimestamp']) meta['deletionTimestamp'] = rb.deleted_at;
  const work: ManifestWork = {
    apiVersion: MANIFESTWORK_API_VERSION,
    kind: MANIFESTWORK_KIND,
    metadata: meta,
    spec: specFromBundle({
      manifests: rb.manifests ?? [],
      deleteOption: rb.delete_option,
      manifestConfigs: rb.manifest_configs,
    }),
  };
  if (rb.status) {
    work.status = {
      conditions: rb.status.conditions ?? [],
      resourceStatus: { manifests: rb.status.resourceStatus ?? [] },
    };
  }
  return work;
}

/**
 * The `search` expression the Go client builds for a list: source and consumer, and every
 * equality label in one JSONB containment clause. Returns undefined when a label could never
 * match (not a valid key/value), so callers answer [] without a round trip and nothing
 * caller-supplied is ever pasted into a query unchecked.
 */
export function buildListSearch(
  sourceId: string,
  consumer: string,
  labels: Record<string, string>,
): string | undefined {
  const quoted = (s: string) => `'${s.replaceAll("'", "''")}'`;
  let search = `source=${quoted(sourceId)} and consumer_name=${quoted(consumer)}`;
  const entries = Object.entries(labels);
  if (!entries.every(([k, v]) => isValidLabel(k, v))) return undefined;
  if (entries.length > 0) search += ` and payload->'metadata'->'labels'@>'${JSON.stringify(labels)}'`;
  return search;
}

export interface RestOptions {
  baseUrl: string;
  timeoutMs: number;
  caFile?: string;
  skipVerify: boolean;
  /** Returns the bearer token to send (https only), or undefined. */
  token?: () => string | undefined;
}

interface HttpResult {
  status: number;
  body: string;
}

/** Maestro's REST API: reads only (writes go over gRPC), one keep-alive agent per client. */
export class MaestroRest {
  private readonly base: URL;
  private readonly options: RestOptions;
  private readonly files: WatchedFiles;
  private agent: http.Agent;
  private agentVersion = -1;

  constructor(options: RestOptions) {
    this.options = options;
    this.base = new URL(options.baseUrl);
    this.files = new WatchedFiles([options.caFile]);
    this.agent = this.makeAgent();
  }

  private makeAgent(): http.Agent {
    this.agentVersion = this.files.version;
    const common = { keepAlive: true, maxSockets: 64, keepAliveMsecs: 15_000 };
    if (this.base.protocol !== 'https:') return new http.Agent(common);
    const ca = this.files.get(this.options.caFile);
    return new https.Agent({
      ...common,
      rejectUnauthorized: !this.options.skipVerify,
      ...(ca ? { ca } : {}),
    });
  }

  private currentAgent(): http.Agent {
    this.files.refresh();
    if (this.files.version !== this.agentVersion) {
      const old = this.agent;
      this.agent = this.makeAgent();
      old.destroy();
    }
    return this.agent;
  }

  private request(path: string, signal: AbortSignal, what: string): Promise<HttpResult> {
    const url = new URL(this.base.pathname.replace(/\/$/, '') + path, this.base);
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.base.protocol === 'https:' ? this.options.token?.() : undefined;
    if (token) headers['authorization'] = `Bearer ${token}`;
    const mod = url.protocol === 'https:' ? https : http;
    const { signal: deadline, dispose } = deadlineSignal(this.options.timeoutMs, signal);
    return new Promise<HttpResult>((resolve, reject) => {
      if (deadline.aborted) {
        reject(classifyHttpError(undefined, '', what, deadline.reason));
        return;
      }
      const req = mod.request(
        url,
        { method: 'GET', headers, agent: this.currentAgent(), signal: deadline },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', (err) => reject(classifyHttpError(undefined, '', what, err)));
        },
      );
      req.on('error', (err) => {
        const reason = signal.aborted ? signal.reason : err;
        reject(classifyHttpError(undefined, String((reason as Error)?.message ?? reason), what, reason));
      });
      req.end();
    }).finally(dispose);
  }

  private parse<T>(res: HttpResult, what: string): T {
    try {
      return JSON.parse(res.body) as T;
    } catch (cause) {
      throw new MaestroError('MAESTRO_BAD_RESPONSE', `Maestro REST ${what}: response is not JSON`, { cause });
    }
  }

  /** One bundle by its id; undefined when Maestro has no such bundle (never created, or deletion finished). */
  async getBundle(id: string, signal: AbortSignal): Promise<ResourceBundle | undefined> {
    const what = `GET resource-bundles/${id}`;
    const res = await this.request(`${BASE}/resource-bundles/${encodeURIComponent(id)}`, signal, what);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw classifyHttpError(res.status, res.body, what);
    return this.parse<ResourceBundle>(res, what);
  }

  /** Every bundle matching `search`, following pages until a short one. */
  async listBundles(search: string, signal: AbortSignal): Promise<ResourceBundle[]> {
    const out: ResourceBundle[] = [];
    for (let page = 1; ; page++) {
      const q = new URLSearchParams({ search, page: String(page), size: String(PAGE_SIZE) });
      const what = 'GET resource-bundles (list)';
      const res = await this.request(`${BASE}/resource-bundles?${q}`, signal, what);
      if (res.status !== 200) throw classifyHttpError(res.status, res.body, what);
      const items = this.parse<BundleList>(res, what).items ?? [];
      out.push(...items);
      if (items.length < PAGE_SIZE) return out;
    }
  }

  /** Cheapest authoritative call for readiness: one consumer. */
  async ping(signal: AbortSignal): Promise<void> {
    const what = 'GET consumers (health)';
    const res = await this.request(`${BASE}/consumers?size=1`, signal, what);
    if (res.status !== 200) throw classifyHttpError(res.status, res.body, what);
  }

  /** Whether a consumer of that name is registered. */
  async consumerExists(name: string, signal: AbortSignal): Promise<boolean> {
    const q = new URLSearchParams({ search: `name='${name.replaceAll("'", "''")}'`, size: '1' });
    const what = 'GET consumers';
    const res = await this.request(`${BASE}/consumers?${q}`, signal, what);
    if (res.status !== 200) throw classifyHttpError(res.status, res.body, what);
    return (this.parse<{ items?: unknown[] }>(res, what).items ?? []).length > 0;
  }

  close(): void {
    this.agent.destroy();
  }
}
