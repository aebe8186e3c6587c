/**
 * Hostile inputs for the differential: event ids that would steer the API URL, and a `file:`
 * param outside the allowed roots, through one small config. Where we are deliberately
 * stricter than the Go adapter, exceptions.json says what Go does with the same input.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Input } from './inputs.ts';

/** Event `data.id`s that each reach the API URL differently in Go; the key names the input. */
export const HOSTILE_IDS: Record<string, unknown> = {
  'dot-segments': '../../admin',
  'encoded-dot-segments': '%2e%2e/%2e%2e/admin',
  backslashes: '..\\..\\admin',
  fragment: 'victim#',
  query: 'x?admin=true',
  'line-break': 'a\nb',
  dot: '.',
  number: 12345,
  object: { a: 1 },
};

const ADAPTER = `adapter:
  name: hostile-adapter
  version: "0.1.0"
clients:
  hyperfleet_api:
    base_url: http://hyperfleet-api.hostile:8000
    version: v1
    timeout: 10s
    retry_attempts: 1
  kubernetes:
    api_version: v1
`;

function task(withFile: boolean): string {
  const file = withFile
    ? `  - name: hostInfo
    source:
      file:
        path: /etc/hostname
        trim: true
`
    : '';
  return `params:
  - name: clusterId
    source: event.id
    type: string
    required: true
${file}preconditions:
  - name: clusterFetch
    api_call:
      method: GET
      url: /clusters/{{ .clusterId }}
    capture:
      - name: clusterName
        field: name
post:
  payloads:
    - name: statusPayload
      build:
        adapter: "{{ .adapter.name }}"
        conditions:
          - type: Health
            status:
              expression: 'adapter.executionStatus == "success" ? "True" : "False"'
            reason: Checked
            message: "cluster {{ .clusterName }}"
${withFile ? '        data:\n          host: "{{ .hostInfo }}"\n' : ''}  post_actions:
    - name: reportStatus
      api_call:
        method: PUT
        url: /clusters/{{ .clusterId }}/statuses
        body: "{{ .statusPayload }}"
`;
}

const API = {
  responses: [
    {
      match: { method: 'GET', urlPattern: '.*' },
      responses: [{ statusCode: 200, body: { id: 'c1', name: 'hostile-cluster', generation: 1 } }],
    },
    { match: { method: 'PUT', urlPattern: '.*' }, responses: [{ statusCode: 200, body: {} }] },
  ],
};

function write(dir: string, id: unknown, withFile: boolean): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'adapter-config.yaml'), ADAPTER);
  writeFileSync(join(dir, 'task-config.yaml'), task(withFile));
  const event = {
    specversion: '1.0',
    id: 'hostile-event',
    source: 'hyperfleet-sentinel',
    type: 'com.redhat.hyperfleet.cluster.reconcile',
    datacontenttype: 'application/json',
    data: { id, kind: 'Cluster', generation: 1 },
  };
  writeFileSync(join(dir, 'event.json'), `${JSON.stringify(event, null, 2)}\n`);
  writeFileSync(join(dir, 'api-responses.json'), `${JSON.stringify(API, null, 2)}\n`);
}

function input(id: string, dir: string): Input {
  return {
    id,
    cwd: dir,
    config: join(dir, 'adapter-config.yaml'),
    taskConfig: join(dir, 'task-config.yaml'),
    event: join(dir, 'event.json'),
    apiResponses: join(dir, 'api-responses.json'),
    env: {},
  };
}

export function hostileInputs(tmp: string): Input[] {
  const inputs: Input[] = [];
  for (const [name, id] of Object.entries(HOSTILE_IDS)) {
    const dir = join(tmp, 'hostile', 'id', name);
    write(dir, id, false);
    inputs.push(input(`hostile/id/${name}`, dir));
  }
  // A well-formed id, so the one difference is the file param's path.
  const fileDir = join(tmp, 'hostile', 'file-param', 'etc-hostname');
  write(fileDir, 'c1', true);
  inputs.push(input('hostile/file-param/etc-hostname', fileDir));
  // The same id without the file param: both adapters agree (the config itself is not the issue).
  const controlDir = join(tmp, 'hostile', 'control');
  write(controlDir, 'c1', false);
  inputs.push(input('hostile/control', controlDir));
  return inputs;
}
