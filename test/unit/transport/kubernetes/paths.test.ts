import { describe, expect, it } from 'vitest';
import {
  collectionPath,
  formatLabelSelector,
  groupVersionPath,
  objectPath,
  qualifiedResource,
  type ResourceInfo,
} from '../../../../lib/transport/kubernetes/paths.ts';

const configmaps: ResourceInfo = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  namespaced: true,
};
const deployments: ResourceInfo = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  resource: 'deployments',
  namespaced: true,
};
const namespaces: ResourceInfo = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  resource: 'namespaces',
  namespaced: false,
};

describe('paths', () => {
  it('core and named groups have different roots', () => {
    expect(groupVersionPath('v1')).toBe('/api/v1');
    expect(groupVersionPath('apps/v1')).toBe('/apis/apps/v1');
    expect(groupVersionPath('work.open-cluster-management.io/v1')).toBe(
      '/apis/work.open-cluster-management.io/v1',
    );
  });

  it('namespaced objects sit under their namespace; cluster-scoped ones ignore it', () => {
    expect(objectPath(configmaps, 'ns1', 'cm')).toBe('/api/v1/namespaces/ns1/configmaps/cm');
    expect(objectPath(deployments, 'ns1', 'd')).toBe('/apis/apps/v1/namespaces/ns1/deployments/d');
    expect(objectPath(namespaces, 'ignored', 'ns1')).toBe('/api/v1/namespaces/ns1');
  });

  it('a namespaced collection without namespace spans all namespaces', () => {
    expect(collectionPath(configmaps, undefined)).toBe('/api/v1/configmaps');
  });

  it('encodes names so a hostile name cannot change the path', () => {
    expect(objectPath(configmaps, 'ns1', '../secrets/x')).toBe(
      '/api/v1/namespaces/ns1/configmaps/..%2Fsecrets%2Fx',
    );
  });

  it('qualifies resources as RBAC does', () => {
    expect(qualifiedResource(configmaps)).toBe('configmaps');
    expect(qualifiedResource(deployments)).toBe('deployments.apps');
  });

  it('formats equality selectors in a stable order', () => {
    expect(formatLabelSelector({ b: '2', 'hyperfleet.io/cluster-id': 'c1', a: '1' })).toBe(
      'a=1,b=2,hyperfleet.io/cluster-id=c1',
    );
    expect(formatLabelSelector({})).toBe('');
  });
});
