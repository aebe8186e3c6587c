import { describe, expect, it } from 'vitest';
import { isRetryable } from '../../../../lib/errors.ts';
import { classifyHttpError, classifyPublishError } from '../../../../lib/transport/maestro/errors.ts';

const unknown = (details: string) => ({ code: 2, details, message: `2 UNKNOWN: ${details}` });

describe('classifyPublishError', () => {
  it.each([
    [
      'failed to create resource: maestro-9: Unable to create Resource: ERROR: insert or update on table "resources" violates foreign key constraint "fk_resources_consumers" (SQLSTATE 23503)',
      'MAESTRO_CONSUMER_NOT_REGISTERED',
      false,
    ],
    [
      'failed to update resource: maestro-6: the resource version is not the latest, the latest version: 3',
      'MAESTRO_STALE_VERSION',
      true,
    ],
    [
      'failed to update resource: maestro-6: the resource is under deletion, id: x',
      'MAESTRO_UNDER_DELETION',
      true,
    ],
    [
      'failed to create resource: maestro-8: the manifest bundle in the resource is invalid, x',
      'MAESTRO_INVALID_BUNDLE',
      false,
    ],
    ['unauthorized to publish the event from source x', 'MAESTRO_UNAUTHORIZED', false],
    ['failed to create resource: maestro-6: This Resource already exists', 'MAESTRO_ALREADY_EXISTS', true],
    ["failed to get resource: maestro-7: Resource with id='x' not found", 'MAESTRO_NOT_FOUND', true],
    ['failed to create resource: maestro-9: connection refused', 'MAESTRO_UNAVAILABLE', true],
    ['failed to parse cloud event type x', 'MAESTRO_PUBLISH_FAILED', false],
  ])('%s', (details, code, retryable) => {
    const e = classifyPublishError(unknown(details), 'cluster9');
    expect(e.code).toBe(code);
    expect(isRetryable(e)).toBe(retryable);
  });

  it('names the consumer when it is not registered', () => {
    const e = classifyPublishError(
      unknown('violates foreign key constraint "fk_resources_consumers"'),
      'cluster9',
    );
    expect(e.message).toContain('"cluster9"');
  });

  it('classifies by gRPC status when the message says nothing', () => {
    expect(classifyPublishError({ code: 14, details: 'No connection established' }, 'c').code).toBe(
      'MAESTRO_UNAVAILABLE',
    );
    expect(classifyPublishError({ code: 4, details: 'Deadline exceeded' }, 'c').code).toBe(
      'MAESTRO_UNAVAILABLE',
    );
    expect(classifyPublishError({ code: 16, details: 'invalid token' }, 'c').code).toBe(
      'MAESTRO_UNAUTHORIZED',
    );
    expect(classifyPublishError({ code: 8, details: 'too large' }, 'c').code).toBe('MAESTRO_INVALID_BUNDLE');
  });
});

describe('classifyHttpError', () => {
  it('maps statuses to codes and reads the Maestro error body', () => {
    const body = JSON.stringify({ kind: 'Error', code: 'maestro-9', reason: 'db down' });
    const e = classifyHttpError(500, body, 'GET x');
    expect(e.code).toBe('MAESTRO_UNAVAILABLE');
    expect(e.message).toContain('maestro-9: db down');
    expect(classifyHttpError(undefined, '', 'GET x').retryable).toBe(true);
    expect(classifyHttpError(403, '', 'GET x').code).toBe('MAESTRO_UNAUTHORIZED');
    expect(classifyHttpError(400, 'bad search', 'GET x')).toMatchObject({
      code: 'MAESTRO_REQUEST_FAILED',
      retryable: false,
    });
  });
});
