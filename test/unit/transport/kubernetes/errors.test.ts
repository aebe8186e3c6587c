import { describe, expect, it } from 'vitest';
import { isRetryable } from '../../../../lib/errors.ts';
import {
  classifyNetworkError,
  classifyStatus,
  KubeConflictError,
  KubeForbiddenError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeUnauthorizedError,
  KubeUnavailableError,
} from '../../../../lib/transport/kubernetes/errors.ts';

const site = {
  verb: 'patch',
  ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm1', namespace: 'team-a' },
  resource: 'configmaps',
};

function status(code: number, message: string, extra: Record<string, unknown> = {}) {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, message, ...extra };
}

describe('classifyStatus', () => {
  it('403 names verb, resource, object, namespace and the server message', () => {
    const msg = 'configmaps "cm1" is forbidden: User "x" cannot patch resource "configmaps"';
    const err = classifyStatus(site, 403, status(403, msg, { reason: 'Forbidden' }));
    expect(err).toBeInstanceOf(KubeForbiddenError);
    expect(err.code).toBe('KUBE_FORBIDDEN');
    expect(err.message).toBe(`forbidden to patch configmaps cm1 in namespace team-a: ${msg}`);
    expect(err.ref).toEqual(site.ref);
    expect(err.httpStatus).toBe(403);
    expect(err.serverMessage).toBe(msg);
    expect(err.retryable).toBe(false);
  });

  it('says cluster-wide when the call had no namespace', () => {
    const err = classifyStatus(
      { verb: 'list', ref: { apiVersion: 'v1', kind: 'Namespace', name: '' }, resource: 'namespaces' },
      403,
      status(403, 'no'),
    );
    expect(err.message).toBe('forbidden to list namespaces cluster-wide: no');
  });

  it('maps 401, 404 and 409 to their own classes, none retryable', () => {
    const e401 = classifyStatus(site, 401, status(401, 'Unauthorized'));
    const e404 = classifyStatus(site, 404, status(404, 'namespaces "team-a" not found'));
    const e409 = classifyStatus(site, 409, status(409, 'Apply failed with 1 conflict'));
    expect(e401).toBeInstanceOf(KubeUnauthorizedError);
    expect(e401.code).toBe('KUBE_UNAUTHORIZED');
    expect(e404).toBeInstanceOf(KubeNotFoundError);
    expect(e404.code).toBe('KUBE_NOT_FOUND');
    expect(e409).toBeInstanceOf(KubeConflictError);
    expect(e409.code).toBe('KUBE_CONFLICT');
    expect(e409.message).toContain('Apply failed with 1 conflict');
    for (const e of [e401, e404, e409]) expect(isRetryable(e)).toBe(false);
  });

  it('422 carries the field causes, in the error and its message', () => {
    const causes = [
      { reason: 'FieldValueInvalid', message: 'Invalid value: "Bad_Name"', field: 'metadata.name' },
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template' },
    ];
    const err = classifyStatus(
      site,
      422,
      status(422, 'ConfigMap "Bad_Name" is invalid', { details: { causes } }),
    );
    expect(err).toBeInstanceOf(KubeInvalidError);
    expect(err.code).toBe('KUBE_INVALID');
    expect((err as KubeInvalidError).causes).toEqual(causes);
    expect(err.message).toContain('metadata.name: Invalid value: "Bad_Name"');
    expect(err.message).toContain('spec.template: Required value');
  });

  it('400 and other client refusals are invalid, not retryable', () => {
    for (const code of [400, 405, 415]) {
      const err = classifyStatus(site, code, 'plain text');
      expect(err.code).toBe('KUBE_INVALID');
      expect(err.serverMessage).toBe('plain text');
      expect(err.retryable).toBe(false);
    }
  });

  it('429 and 5xx are unavailable and retryable', () => {
    for (const code of [429, 500, 503, 504]) {
      const err = classifyStatus(site, code, status(code, 'try later'));
      expect(err).toBeInstanceOf(KubeUnavailableError);
      expect(err.code).toBe('KUBE_UNAVAILABLE');
      expect(isRetryable(err)).toBe(true);
    }
  });
});

describe('classifyNetworkError', () => {
  it('is retryable, keeps the cause, and names the errno code', () => {
    const cause = Object.assign(new Error('connect failed 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const err = classifyNetworkError(site, cause);
    expect(err.code).toBe('KUBE_UNAVAILABLE');
    expect(err.retryable).toBe(true);
    expect(err.cause).toBe(cause);
    expect(err.httpStatus).toBe(0);
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).toContain('configmaps cm1 in namespace team-a');
  });
});
