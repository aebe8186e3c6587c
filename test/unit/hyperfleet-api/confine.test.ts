import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiRefusalInfo,
  ApiUrlRefusedError,
  checkUrlParts,
  HyperfleetApiClient,
  splitUrlTemplate,
  type UrlPart,
} from '../../../lib/hyperfleet-api/index.ts';
import { type ApiDouble, startHyperfleetApiDouble } from '../../support/hyperfleet-api-double.ts';

const lit = (text: string): UrlPart => ({ text, literal: true, params: [] });
const val = (text: string, param = 'clusterId'): UrlPart => ({ text, literal: false, params: [param] });

describe('checkUrlParts: what a printed value may do', () => {
  it.each([
    ['a UUID', [lit('/clusters/'), val('019ed716-f3cf-7b8e-b400-0796be4722c3'), lit('/statuses')]],
    [
      'a nodepool under its cluster',
      [lit('/clusters/'), val('c1'), lit('/nodepools/'), val('np1', 'nodepoolId')],
    ],
    ['dots inside a segment', [lit('/clusters/'), val('a.b..c'), lit('/statuses')]],
    ['a value completing a segment', [lit('/clusters/pre-'), val('.'), lit('/statuses')]],
    ['an escaped space', [lit('/clusters/'), val('a%20b')]],
    ['a query value', [lit('/clusters?search='), val("name='x y'")]],
    ['a leading href', [val('/api/hyperfleet/v1/clusters/c1', 'href'), lit('/statuses')]],
    ['a leading base URL', [val('http://other:8080', 'otherOrigin'), lit('/zones/'), val('c1')]],
    ['no value at all', [lit('/clusters')]],
  ])('%s passes', (_name, parts) => {
    expect(checkUrlParts(parts)).toBeUndefined();
  });

  it.each([
    ['a slash', [lit('/clusters/'), val('a/b')], 'a "/" inside a path segment'],
    ['a dot segment', [lit('/clusters/'), val('.'), lit('/statuses')], 'a "." path segment'],
    ['an empty segment', [lit('/clusters/'), val(''), lit('/statuses')], 'an empty path segment'],
    ['an empty last segment', [lit('/clusters/'), val('')], 'an empty path segment'],
    [
      'a dot segment in an href',
      [val('/api/hyperfleet/v1/clusters/../../admin', 'href')],
      'a ".." path segment',
    ],
    ['a "&" in a query value', [lit('/clusters?search='), val('x&force=1', 'q')], 'a "&" in the query'],
    ['a "#" in a query value', [lit('/clusters?search='), val('x#', 'q')], 'a "#"'],
    ['DEL', [lit('/clusters/'), val('a\u007fb')], 'a control character'],
    ['a C1 control', [lit('/clusters/'), val('a\u0085b')], 'a control character'],
  ])('%s is refused', (_name, parts, reason) => {
    const refusal = checkUrlParts(parts);
    expect(refusal?.reason).toContain(reason);
    expect(refusal?.param).toBe(parts.find((p) => !p.literal)?.params[0]);
  });
});

describe('splitUrlTemplate', () => {
  it('splits plain output actions from the text, skipping braces in strings', () => {
    expect(splitUrlTemplate('/clusters/{{ .clusterId }}/x/{{ printf "%s}}" .a }}')).toEqual([
      { text: '/clusters/' },
      { text: '', action: '{{ .clusterId }}' },
      { text: '/x/' },
      { text: '', action: '{{ printf "%s}}" .a }}' },
    ]);
  });

  it.each([
    '/clusters/{{ if .a }}{{ .a }}{{ end }}',
    '/clusters/{{ range .ids }}{{ . }}{{ end }}',
    '{{ $id := .clusterId }}/clusters/{{ $id }}',
    '/clusters/{{- .a -}}',
    '/clusters/{{ .a',
  ])('leaves %s to the strict path', (template) => {
    expect(splitUrlTemplate(template)).toBeUndefined();
  });
});

describe('the client: a URL whose start is a value stays under the API base path', () => {
  let api: ApiDouble;
  const refusals: ApiRefusalInfo[] = [];
  let client: HyperfleetApiClient;

  beforeAll(async () => {
    api = await startHyperfleetApiDouble();
    api.putCluster({ id: 'c1', name: 'c1', generation: 1, spec: {} });
    client = new HyperfleetApiClient({
      baseUrl: api.url,
      retryAttempts: 1,
      onRefused: (info) => refusals.push(info),
    });
  });

  afterAll(async () => {
    await api.close();
  });

  const get = (url: string) =>
    client.request({
      method: 'GET',
      url,
      urlParts: [val(url, 'href')],
      signal: AbortSignal.timeout(5000),
    });

  it("Sentinel's href is followed", async () => {
    const from = api.requests.length;
    const resp = await get('/api/hyperfleet/v1/clusters/c1');
    expect(resp.status).toBe(200);
    expect(api.requests.slice(from).map((r) => r.path)).toEqual(['/api/hyperfleet/v1/clusters/c1']);
  });

  it.each([
    ['another API path', '/api/other/admin'],
    ['the API origin, absolutely', 'ABS/admin'],
    ['a sibling version', '/api/hyperfleet/v10/clusters/c1'],
  ])('%s is refused, counted, never sent', async (_name, target) => {
    const url = target.replace('ABS', api.url);
    const from = api.requests.length;
    const seen = refusals.length;
    const err = await get(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiUrlRefusedError);
    expect((err as ApiUrlRefusedError).retryable).toBe(false);
    expect((err as ApiUrlRefusedError).message).toContain(
      'param "href" puts a path outside /api/hyperfleet/v1/',
    );
    expect(refusals.slice(seen)).toEqual([
      { method: 'GET', param: 'href', reason: 'a path outside /api/hyperfleet/v1/' },
    ]);
    expect(api.requests.slice(from)).toEqual([]);
  });

  it('a base URL path prefix is part of the root', async () => {
    const prefixed = new HyperfleetApiClient({ baseUrl: `${api.url}/gw`, retryAttempts: 1 });
    const from = api.requests.length;
    const url = `${api.url}/api/hyperfleet/v1/clusters/c1`;
    const err = await prefixed
      .request({ method: 'GET', url, urlParts: [val(url, 'href')], signal: AbortSignal.timeout(5000) })
      .catch((e: unknown) => e);
    expect((err as Error).message).toContain('puts a path outside /gw/api/hyperfleet/v1/');
    expect(api.requests.slice(from)).toEqual([]);
  });
});
