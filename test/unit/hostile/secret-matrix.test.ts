import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  fixture,
  type Harness,
  type HarnessOptions,
  sentinelEvent,
  startHarness,
} from '../../support/function-harness.ts';
import type { FunctionAnswer } from '../../support/function-process.ts';

// A marker secret in every credential the function holds, every failure path driven, and
// every output grepped: the event's answer (what Knative forwards to the dead-letter sink),
// every log line, every request the API received (status payloads included), readiness and
// metrics. The marker is split in two halves so that neither half alone is a finding of its
// own: every check looks for the first 12 characters of it, which only a leak can produce.

const MARK = 'mk7f3e1d5c9a';
const GOOD_TOKEN = `${MARK}-good-token`;
const API_KEY = `${MARK}-api-key`;

let dir: string;
const tokenPath = () => join(dir, 'token');

/** Everything the function (and anything it called) put out, as text to grep. */
async function outputs(h: Harness, answers: string[]): Promise<Record<string, string>> {
  return {
    answers: answers.join('\n'),
    logs: h.fn
      .logs()
      .map((l) => l.raw)
      .join('\n'),
    'requests to the API': h.api.requests.map((r) => `${r.path}\n${r.body}`).join('\n'),
    readiness: (await h.fn.get('/health/readiness')).body,
    metrics: await h.fn.metrics(),
  };
}

async function expectNoMarker(h: Harness, answers: string[]): Promise<void> {
  for (const [where, text] of Object.entries(await outputs(h, answers))) {
    expect(text.includes(MARK), `${MARK} found in ${where}:\n${text}`).toBe(false);
  }
}

/** The phases' error messages of an answer, one per line. */
function errorMessages(json: Record<string, unknown> | undefined): string {
  const errors = (json?.['errors'] ?? {}) as Record<string, { message: string }>;
  return Object.values(errors)
    .map((e) => e.message)
    .join('\n');
}

/** The fixture plus a precondition API call, so an API error ends up in the status payload. */
const TASK = fixture('task-config.yaml').replace(
  'preconditions:\n',
  `preconditions:
  - name: statusesReadable
    api_call:
      method: GET
      url: /clusters/{{ .clusterId }}/statuses
`,
);
const ADAPTER = (extra: string) =>
  fixture('adapter-config.yaml').replace('    max_delay: 20ms\n', `    max_delay: 20ms\n${extra}`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hf-secret-'));
  await writeFile(tokenPath(), `${GOOD_TOKEN}\n`);
  expect(TASK).toContain('statusesReadable');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the bearer token file and a default x-api-key header', () => {
  let h: Harness;
  const answers: string[] = [];

  beforeAll(async () => {
    h = await startHarness({
      adapterConfig: ADAPTER(
        `    default_headers:\n      x-api-key: "${API_KEY}"\n    auth:\n      token_path: ${tokenPath()}\n`,
      ),
      taskConfig: TASK,
      api: { requireToken: GOOD_TOKEN },
      env: { LOG_LEVEL: 'debug' },
    });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  async function send(id: string): Promise<FunctionAnswer> {
    h.api.putCluster({ id, name: id, generation: 1, spec: { ready: true } });
    const answer = await h.fn.send(sentinelEvent(id));
    answers.push(answer.body);
    return answer;
  }

  test('the control case: the good token and the key reach the API, and only the API', async () => {
    const from = h.api.requests.length;
    const answer = await send('good');
    expect(errorMessages(answer.json)).toBe('');
    const sent = h.api.requests.slice(from);
    expect(sent.map((r) => r.status)).toEqual([200, 200, 201]);
    for (const r of sent)
      expect(r.headers).toMatchObject({ authorization: `Bearer ${GOOD_TOKEN}`, 'x-api-key': API_KEY });
  });

  test.each([
    [
      'a line break inside',
      `${MARK}-first-line\n${MARK}-second-line\n`,
      'holds a line break at character 24',
    ],
    ['a carriage return inside', `${MARK}-cr\r${MARK}`, 'holds a line break at character 16'],
    ['a non-ASCII character', `${MARK}-caf\u00e9`, 'holds a non-ASCII character at character 17'],
    ['a character beyond Latin-1', `${MARK}-\u2603`, 'holds a non-ASCII character at character 14'],
    ['a NUL', `${MARK}\u0000x`, 'holds a control character at character 13'],
  ])('a token file with %s: 503 (retry), saying where, never quoting it', async (_name, content, where) => {
    await writeFile(tokenPath(), content);
    const from = h.api.requests.length;
    try {
      const answer = await send(`bad-token-${answers.length}`);
      expect(answer.status).toBe(503);
      expect(errorMessages(answer.json)).toContain(`bearer token file ${tokenPath()} ${where}`);
      expect(h.api.requests.slice(from)).toEqual([]);
    } finally {
      await writeFile(tokenPath(), `${GOOD_TOKEN}\n`);
    }
  });

  test('a token file with spaces inside is sent as it is (as Go does) and refused by the API: 503', async () => {
    await writeFile(tokenPath(), `  ${MARK} with spaces  \n`);
    try {
      const answer = await send('spaced-token');
      expect(answer.status).toBe(503);
      expect(h.api.requests.at(-1)).toMatchObject({
        status: 401,
        headers: { authorization: `Bearer ${MARK} with spaces` },
      });
    } finally {
      await writeFile(tokenPath(), `${GOOD_TOKEN}\n`);
    }
  });

  test('an unreadable token file: 503', async () => {
    await rm(tokenPath());
    try {
      const answer = await send('no-token');
      expect(answer.status).toBe(503);
      expect(errorMessages(answer.json)).toContain(`cannot read bearer token file ${tokenPath()} (ENOENT)`);
    } finally {
      await writeFile(tokenPath(), `${GOOD_TOKEN}\n`);
    }
  });

  const ECHO = `request headers: Authorization: Bearer ${GOOD_TOKEN}; x-api-key: ${API_KEY}`;
  test.each([
    [
      'problem details quoting the headers (precondition GET 400: the error reaches the status payload)',
      { method: 'GET', path: /\/statuses$/ },
      {
        status: 400,
        headers: { 'content-type': 'application/problem+json' },
        body: JSON.stringify({
          type: 'https://api.hyperfleet.io/errors/bad-request',
          title: 'Bad Request',
          status: 400,
          code: 'HYPERFLEET-VAL-005',
          detail: ECHO,
        }),
      },
      200,
    ],
    [
      'a proxy page quoting the headers (status PUT 403)',
      { method: 'PUT' },
      { status: 403, headers: { 'content-type': 'text/html' }, body: `<html><pre>${ECHO}</pre></html>` },
      422,
    ],
    [
      'a long body with the token past the 300th character',
      { method: 'PUT' },
      { status: 409, headers: { 'content-type': 'text/plain' }, body: `${'x'.repeat(290)} ${ECHO}` },
      422,
    ],
    [
      'a 500 quoting the headers, every attempt',
      { method: 'PUT' },
      {
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ detail: ECHO }),
      },
      503,
    ],
  ])('an API answer echoing our headers: %s', async (_name, route, fault, expected) => {
    h.api.failNext(3, fault, route);
    try {
      const answer = await send(`echo-${answers.length}`);
      expect(answer.status).toBe(expected);
      if (expected === 200) {
        // The failure was reported: its message is in the status payload the API stored.
        const put = h.api.requests.at(-1);
        expect(put?.method).toBe('PUT');
        expect(put?.body).toContain('[REDACTED]');
      }
    } finally {
      h.api.clearFaults();
    }
  });

  test('timeouts and a refused connection', { timeout: 30_000 }, async () => {
    h.api.failNext(3, { delayMs: 2500 }, { method: 'GET' });
    expect((await send('slow')).status).toBe(503);
    h.api.clearFaults();
    await h.api.setDown(true);
    try {
      expect((await send('down')).status).toBe(503);
    } finally {
      await h.api.setDown(false);
    }
  });

  test('no answer, log line, API request body, readiness or metric carries any of it', async () => {
    await h.fn.waitForLog((l) => l.msg === 'Event failed on a transient error: asking for redelivery');
    expect(answers.length).toBeGreaterThanOrEqual(14);
    await expectNoMarker(h, answers);
  });
});

/** The cluster GET made required, so a refused request ends the event with its reason. */
const REQUIRED_GET = fixture('task-config.yaml').replace(
  '  - name: cluster\n    source:',
  '  - name: cluster\n    required: true\n    source:',
);

describe('credentials in URLs and headers the config holds', () => {
  let plain: Server;
  const plainHeaders: string[] = [];

  beforeAll(async () => {
    plain = createServer((req, res) => {
      plainHeaders.push(JSON.stringify(req.headers));
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => plain?.close(resolve));
    // Nothing that reached it carried the password either.
    expect(plainHeaders.join('\n')).not.toContain(MARK);
  });

  test.each<[string, HarnessOptions, string]>([
    [
      'a default header value with a line break',
      {
        adapterConfig: ADAPTER(`    default_headers:\n      x-api-key: "${MARK}-hdr\\nInjected: 1"\n`),
        taskConfig: REQUIRED_GET,
      },
      'default header "x-api-key" holds a line break at character 17',
    ],
    [
      'credentials in the base URL',
      {
        // A server that answers, so the instance is ready (its probe drops the credentials).
        env: { HYPERFLEET_API_BASE_URL: `http://user:${MARK}-pw@127.0.0.1:PLAIN_PORT` },
        taskConfig: REQUIRED_GET,
      },
      'HyperFleet API base_url http://127.0.0.1:PLAIN_PORT/ carries credentials (user:password@host): not sent',
    ],
    [
      'credentials in an api_call URL',
      {
        env: { OTHER_URL: `http://ops:${MARK}-pw@127.0.0.1:1` },
        taskConfig: REQUIRED_GET.replace(
          '\npreconditions:',
          `  - name: otherUrl
    source: env.OTHER_URL
    type: string
    required: true
  - name: zone
    required: true
    source:
      api_call:
        method: GET
        url: "{{ .otherUrl }}/zones/{{ .clusterId }}"

preconditions:`,
        ),
      },
      'GET URL http://127.0.0.1:1/zones/creds carries credentials (user:password@host): not sent',
    ],
  ])(
    '%s: refused with a message that names it without it, 422 (not retried forever)',
    async (_name, options, message) => {
      const port = String((plain.address() as AddressInfo).port);
      const env = Object.fromEntries(
        Object.entries(options.env ?? {}).map(([k, v]) => [k, v.replace('PLAIN_PORT', port)]),
      );
      const h = await startHarness({ ...options, env: { LOG_LEVEL: 'debug', ...env } });
      try {
        h.api.putCluster({ id: 'creds', name: 'creds', generation: 1, spec: { ready: true } });
        const answer = await h.fn.send(sentinelEvent('creds'));
        expect(answer.status).toBe(422);
        expect(errorMessages(answer.json)).toContain(message.replace('PLAIN_PORT', port));
        await h.fn.waitForLog(
          (l) => l.msg === 'Event failed and nothing was reported: sending to the dead letter',
        );
        await expectNoMarker(h, [answer.body]);
      } finally {
        await h.close();
      }
    },
    60_000,
  );
});
