import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  expectOk,
  HyperfleetApiError,
  headerValueProblem,
  hyperfleetIdProblem,
  isHyperfleetNotFound,
  isSensitiveHeader,
} from '../../../lib/hyperfleet-api/index.ts';
import { createLogger, redactSecrets, registerSecret } from '../../../lib/observability/logger.ts';

describe('hyperfleetIdProblem: the API id shape the edge holds data.id to', () => {
  it.each(['019ed716-f3cf-7b8e-b400-0796be4722c3', 'abc123', 'cluster-1', 'a'])('%s passes', (id) => {
    expect(hyperfleetIdProblem(id)).toBeUndefined();
  });
  it.each([
    ['..', 'is not a HyperFleet id'],
    ['%2e%2e', 'is not a HyperFleet id'],
    ['a/b', 'is not a HyperFleet id'],
    ['victim#', 'is not a HyperFleet id'],
    ['A1', 'is not a HyperFleet id'],
    ['-a', 'is not a HyperFleet id'],
    ['', 'is empty'],
    ['a'.repeat(64), 'is 64 characters long (at most 63)'],
    [12, 'must be a string, got number'],
    [{ a: 1 }, 'must be a string, got object'],
    [null, 'must be a string, got null'],
  ])('%j is refused: %s', (id, problem) => {
    expect(hyperfleetIdProblem(id)).toContain(problem);
  });
});

describe('headers', () => {
  it.each([
    'authorization',
    'Proxy-Authorization',
    'cookie',
    'x-api-key',
    'X-Auth-Token',
    'x-goog-api-key',
    'api_key',
    'x-session-id',
  ])('%s is sensitive', (name) => expect(isSensitiveHeader(name)).toBe(true));
  it.each(['x-tenant', 'content-type', 'keep-alive', 'traceparent', 'user-agent'])('%s is not', (name) =>
    expect(isSensitiveHeader(name)).toBe(false),
  );
  it('says where a value breaks, never what it is', () => {
    expect(headerValueProblem('s3cret\nx')).toBe('holds a line break at character 7');
    expect(headerValueProblem('caf\u00e9')).toBeUndefined();
    expect(headerValueProblem('caf\u00e9', { asciiOnly: true })).toBe(
      'holds a non-ASCII character at character 4',
    );
    expect(headerValueProblem(' padded')).toBe('starts or ends with whitespace');
    expect(headerValueProblem('with inner spaces\tand tab')).toBeUndefined();
  });
});

describe('redaction', () => {
  it('replaces registered secrets (raw and JSON-escaped) and any Bearer credential', () => {
    registerSecret('zq9-registered-secret\nline2');
    expect(redactSecrets('x zq9-registered-secret\nline2 y')).toBe('x [REDACTED] y');
    expect(redactSecrets(JSON.stringify({ v: 'zq9-registered-secret\nline2' }))).toBe('{"v":"[REDACTED]"}');
    expect(redactSecrets('Authorization: Bearer eyJhbGciOi.xyz, next')).toBe(
      'Authorization: Bearer [REDACTED], next',
    );
    expect(redactSecrets('short')).toBe('short');
  });

  it('every log line goes through it, and stays one JSON object', () => {
    registerSecret('zq9-logged-secret');
    const lines: string[] = [];
    const log = createLogger({
      destination: new Writable({
        write(chunk: Buffer, _e, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    });
    log.info({ echoed: 'the peer said zq9-logged-secret', raw: '\u001b[2J\r\nx' }, 'Bearer abcdef123456');
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? '';
    expect(line).not.toContain('zq9-logged-secret');
    expect(line).not.toContain('abcdef123456');
    expect(line.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(line)).toMatchObject({ echoed: 'the peer said [REDACTED]', msg: 'Bearer [REDACTED]' });
  });

  it('an error quoting a peer body is redacted before it is cut to 300 characters', () => {
    registerSecret('zq9-cut-secret-value');
    const err = (() => {
      try {
        expectOk({
          method: 'PUT',
          status: 409,
          headers: { 'content-type': 'text/plain' },
          body: `${'x'.repeat(290)} zq9-cut-secret-value`,
          json: undefined,
          attempts: 1,
          durationMs: 1,
          url: 'http://api/x',
        });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(HyperfleetApiError);
    expect((err as Error).message).not.toContain('zq9-cut');
    // Cut inside the marker, never inside the secret.
    expect((err as Error).message).toMatch(/ \[REDACTED$/);
  });
});

describe('isHyperfleetNotFound: only the API says a resource is gone', () => {
  it.each([
    [{ code: 'HYPERFLEET-NTF-001' }, true],
    [{ code: 'HYPERFLEET-NTF-002', type: 'https://api.hyperfleet.io/errors/resource-not-found' }, true],
    [{ code: 'HYPERFLEET-NTF-000' }, false],
    [{ code: 'NOT_FOUND' }, false],
    [{ type: 'about:blank', status: 404 }, false],
    [undefined, false],
  ])('%j -> %s', (problem, expected) => {
    expect(isHyperfleetNotFound(problem)).toBe(expected);
  });

  it('a 404 without it is retryable and says why', () => {
    const err = new HyperfleetApiError({
      method: 'GET',
      url: 'http://x/clusters/c',
      status: 404,
      attempts: 1,
      bodySnippet: '<html>',
    });
    expect(err).toMatchObject({
      code: 'API_NOT_FOUND_UNRECOGNISED',
      retryable: true,
      isResourceNotFound: false,
    });
    const api = new HyperfleetApiError({
      method: 'GET',
      url: 'http://x/clusters/c',
      status: 404,
      attempts: 1,
      problem: { code: 'HYPERFLEET-NTF-002' },
    });
    expect(api).toMatchObject({ code: 'API_NOT_FOUND', retryable: false, isResourceNotFound: true });
  });
});

describe('redaction leaves prose alone', () => {
  it.each(['bearer token file /x holds a line break', 'Basic authentication is not used', 'Bearer token'])(
    '%s',
    (text) => expect(redactSecrets(text)).toBe(text),
  );
  it.each([
    ['Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig', 'Bearer [REDACTED]'],
    ['Basic dXNlcjpwYXNz', 'Basic [REDACTED]'],
    ['authorization: Bearer abc-123-def', 'authorization: Bearer [REDACTED]'],
  ])('%s is redacted', (text, out) => expect(redactSecrets(text)).toBe(out));
});
