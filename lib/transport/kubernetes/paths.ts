/** Where a resource lives on the API server, as discovery reported it. */
export interface ResourceInfo {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  /** Plural resource name, e.g. `deployments`. */
  resource: string;
  namespaced: boolean;
}

/** `v1` -> `/api/v1`, `apps/v1` -> `/apis/apps/v1`. */
export function groupVersionPath(apiVersion: string): string {
  const { group, version } = splitApiVersion(apiVersion);
  return group === '' ? `/api/${enc(version)}` : `/apis/${enc(group)}/${enc(version)}`;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** `deployments.apps` / `configmaps`: the spelling RBAC messages and kubectl use. */
export function qualifiedResource(info: ResourceInfo): string {
  return info.group === '' ? info.resource : `${info.resource}.${info.group}`;
}

/** The collection URL; no namespace on a namespaced resource means all namespaces. */
export function collectionPath(info: ResourceInfo, namespace: string | undefined): string {
  const base = groupVersionPath(info.group === '' ? info.version : `${info.group}/${info.version}`);
  const ns = info.namespaced && namespace ? `/namespaces/${enc(namespace)}` : '';
  return `${base}${ns}/${enc(info.resource)}`;
}

export function objectPath(info: ResourceInfo, namespace: string | undefined, name: string): string {
  return `${collectionPath(info, namespace)}/${enc(name)}`;
}

/** Equality-based selector, ANDed, in a stable order so identical queries are identical URLs. */
export function formatLabelSelector(selector: Record<string, string>): string {
  return Object.keys(selector)
    .sort()
    .map((k) => `${k}=${selector[k]}`)
    .join(',');
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
