import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  HyperfleetApiClient,
  HyperfleetApiRequestError,
  parseProblemDetails,
  parseRetryAfter,
  redactUrl,
} from '../../../lib/hyperfleet-api/index.ts';

describe('resolveUrl', () => {
  const client = new HyperfleetApiClient({ baseUrl: 'http://api.example:8000/' });

  it('puts relative paths under /api/hyperfleet/<version>', () => {
    expect(client.resolveUrl('/clusters/x')).toBe('http://api.example:8000/api/hyperfleet/v1/clusters/x');
    expect(client.resolveUrl('clusters/x/statuses')).toBe(
      'http://api.example:8000/api/hyperfleet/v1/clusters/x/statuses',
    );
    expect(client.resolveUrl('//clusters//x/./')).toBe(
      'http://api.example:8000/api/hyperfleet/v1/clusters/x',
    );
  });

  it("appends Sentinel's href (already under /api/) to the base URL", () => {
    expect(client.resolveUrl('/api/hyperfleet/v1/clusters/x/nodepools/y')).toBe(
      'http://api.example:8000/api/hyperfleet/v1/clusters/x/nodepools/y',
    );
  });

  it('keeps the query string, drops the fragment, and cannot climb above the API root', () => {
    expect(client.resolveUrl('/clusters?search=name%3D%27a%27&page=2#frag')).toBe(
      'http://api.example:8000/api/hyperfleet/v1/clusters?search=name%3D%27a%27&page=2',
    );
    expect(client.resolveUrl('/clusters/../../../etc')).toBe('http://api.example:8000/api/hyperfleet/v1/etc');
  });

  it('passes absolute URLs through and honours version and a base path prefix', () => {
    expect(client.resolveUrl('https://elsewhere.example/x?y=1')).toBe('https://elsewhere.example/x?y=1');
    const v2 = new HyperfleetApiClient({ baseUrl: 'https://gw.example/prefix', version: 'v2' });
    expect(v2.resolveUrl('/clusters/x')).toBe('https://gw.example/prefix/api/hyperfleet/v2/clusters/x');
  });

  it('rejects a base URL or request URL that is not http(s)', () => {
    expect(() => new HyperfleetApiClient({ baseUrl: 'not a url' })).toThrow(HyperfleetApiRequestError);
    expect(() => new HyperfleetApiClient({ baseUrl: 'ftp://x' })).toThrow(/http or https/);
    expect(() => client.resolveUrl('ftp://x/y')).toThrow(HyperfleetApiRequestError);
  });
});

describe('backoffDelay', () => {
  const policy = { baseDelayMs: 1000, maxDelayMs: 30_000 };
  const mid = () => 0.5; // zero jitter

  it('grows exponentially, linearly or not at all', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, { ...policy, strategy: 'exponential' }, mid))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
    expect([1, 2, 3].map((n) => backoffDelay(n, { ...policy, strategy: 'linear' }, mid))).toEqual([
      1000, 2000, 3000,
    ]);
    expect([1, 2, 3].map((n) => backoffDelay(n, { ...policy, strategy: 'constant' }, mid))).toEqual([
      1000, 1000, 1000,
    ]);
  });

  it('jitters by at most 10% and never exceeds max_delay', () => {
    expect(backoffDelay(1, { ...policy, strategy: 'constant' }, () => 0)).toBe(900);
    expect(backoffDelay(1, { ...policy, strategy: 'constant' }, () => 0.999_999)).toBeCloseTo(1100, 0);
    expect(backoffDelay(10, { ...policy, strategy: 'exponential' }, () => 0.999)).toBe(30_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('parseProblemDetails', () => {
  it('reads problem+json, and a plain JSON body only when it has the shape', () => {
    const body = JSON.stringify({
      type: 'https://api.hyperfleet.io/errors/validation-error',
      title: 'Validation Failed',
      status: 400,
      detail: 'bad',
      code: 'HYPERFLEET-VAL-000',
      errors: [{ field: 'labels', message: 'nope', constraint: 'pattern' }],
    });
    expect(parseProblemDetails('application/problem+json', body)).toMatchObject({
      status: 400,
      code: 'HYPERFLEET-VAL-000',
      errors: [{ field: 'labels', message: 'nope', constraint: 'pattern' }],
    });
    expect(parseProblemDetails('application/json', body)?.code).toBe('HYPERFLEET-VAL-000');
    expect(parseProblemDetails('application/json', '{"items":[]}')).toBeUndefined();
    expect(parseProblemDetails('text/html', body)).toBeUndefined();
    expect(parseProblemDetails('application/problem+json', '<html>')).toBeUndefined();
  });
});

describe('redactUrl', () => {
  it('drops credentials and the query string', () => {
    expect(redactUrl('https://user:pw@h.example/p?token=abc')).toBe('https://h.example/p');
  });
});
