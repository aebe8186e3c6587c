import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually } from '../../support/eventually.ts';
import { type Harness, metricValue, sentinelEvent, startHarness } from '../../support/function-harness.ts';

// The function's HTTP edge, attacked without credentials: no request body can grow the
// process past its pod limit, no slow client can hold sockets open, and every request the
// edge refuses is answered, counted and logged whoever refused it (our code, fastify, Node).

let h: Harness;
let port: number;

const HEADERS_TIMEOUT_MS = 2000;
const REQUEST_TIMEOUT_MS = 3000;
const MiB = 1024 * 1024;

beforeAll(async () => {
  h = await startHarness({
    env: {
      HYPERFLEET_HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HYPERFLEET_HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    },
  });
  port = Number(new URL(h.fn.url).port);
  for (const id of ['edge-cluster', 'edge-during-slow'])
    h.api.putCluster({ id, name: id, generation: 1, spec: { ready: true } });
});

afterAll(async () => {
  await h?.close();
});

/** The peak resident set of the function process so far (VmHWM), in bytes. */
function peakRss(): number {
  const status = readFileSync(`/proc/${h.fn.pid}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status);
  if (!kb) throw new Error('no VmHWM in /proc status');
  return Number(kb[1]) * 1024;
}

async function counters(): Promise<{ rejected: number; byReason: (reason: string) => number }> {
  const text = await h.fn.metrics();
  return {
    rejected: metricValue(text, 'hyperfleet_adapter_event_answers_total', { answer: 'rejected' }) ?? 0,
    byReason: (reason) => metricValue(text, 'hyperfleet_adapter_events_rejected_total', { reason }) ?? 0,
  };
}

/** Opens a raw connection and resolves once it is connected. */
function rawSocket(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves once `s` can take more writes, or has closed; leaves no listener behind. */
function drainedOrClosed(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    const go = () => {
      s.off('drain', go).off('close', go);
      resolve();
    };
    s.on('drain', go).on('close', go);
  });
}

/**
 * Streams `totalBytes` of `chunk`s as a chunked body after `head`, stopping when the server
 * closes; resolves with the status line it answered and how much was written.
 */
async function streamChunked(
  head: string,
  totalBytes: number,
): Promise<{ statusLine: string; sent: number }> {
  const s = await rawSocket();
  let answer = '';
  let closed = false;
  s.on('data', (d: Buffer) => {
    answer += d.toString('latin1');
  });
  s.on('error', () => {});
  const done = new Promise<void>((resolve) =>
    s.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  s.write(`${head}Transfer-Encoding: chunked\r\n\r\n`);
  const chunk = Buffer.alloc(MiB, 'a');
  const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
  let sent = 0;
  while (sent < totalBytes && !closed && !answer.includes('\r\n')) {
    if (!s.write(frame) && !closed) await drainedOrClosed(s);
    sent += chunk.length;
  }
  if (!closed) s.end('0\r\n\r\n');
  await eventually('an answer to the streamed body', async () =>
    answer.includes('\r\n') || closed ? true : undefined,
  );
  s.destroy();
  await done;
  return { statusLine: answer.split('\r\n')[0] ?? '', sent };
}

/**
 * Writes `totalBytes` of a chunked body after `head` without reading anything, as a client
 * that only reads its answer once it has sent its request does, then reads what it was
 * answered. Resolves with the status line, or '' if the connection was reset first.
 */
async function streamChunkedThenRead(head: string, totalBytes: number): Promise<string> {
  const s = await rawSocket();
  s.pause();
  let answer = '';
  let failed = false;
  s.on('error', () => {
    failed = true;
  });
  const closed = new Promise<void>((resolve) => s.once('close', () => resolve()));
  s.write(`${head}Transfer-Encoding: chunked\r\n\r\n`);
  const chunk = Buffer.alloc(MiB, 'a');
  const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
  for (let sent = 0; sent < totalBytes && !failed; sent += chunk.length)
    if (!s.write(frame)) await drainedOrClosed(s);
  if (!failed) s.end('0\r\n\r\n');
  s.on('data', (d: Buffer) => {
    answer += d.toString('latin1');
  });
  s.resume();
  await closed;
  return answer.split('\r\n')[0] ?? '';
}

const BINARY_HEAD = {
  'ce-specversion': '1.0',
  'ce-id': 'edge-1',
  'ce-source': 'hyperfleet-sentinel',
  'ce-type': 'com.redhat.hyperfleet.cluster.reconcile',
};
const STRUCTURED = { 'content-type': 'application/cloudevents+json' };

describe('every refusal is answered, counted by reason and logged', () => {
  const event = sentinelEvent('edge-cluster');
  const { data, ...attributes } = event as { data: Record<string, unknown> } & Record<string, unknown>;
  const { specversion: _s, ...noSpecversion } = event;
  const { id: _i, ...noId } = event;
  const cases: Array<{
    name: string;
    headers: Record<string, string>;
    body: string;
    status: number;
    reason: string;
  }> = [
    {
      name: 'binary mode, empty body',
      headers: { ...BINARY_HEAD, 'content-type': 'application/json' },
      body: '',
      status: 400,
      reason: 'malformed_request',
    },
    {
      name: 'binary mode, broken JSON',
      headers: { ...BINARY_HEAD, 'content-type': 'application/json' },
      body: '{"id":',
      status: 400,
      reason: 'malformed_request',
    },
    {
      name: 'binary mode, 10 MB of JSON',
      headers: { ...BINARY_HEAD, 'content-type': 'application/json' },
      body: JSON.stringify({ x: 'a'.repeat(10_000_000) }),
      status: 413,
      reason: 'body_too_large',
    },
    {
      name: 'a form body',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=2',
      status: 415,
      reason: 'unsupported_media_type',
    },
    {
      name: 'plain text, not binary mode',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
      status: 415,
      reason: 'unsupported_media_type',
    },
    {
      name: 'no specversion',
      headers: STRUCTURED,
      body: JSON.stringify(noSpecversion),
      status: 400,
      reason: 'unsupported_specversion',
    },
    {
      name: 'an unknown specversion',
      headers: STRUCTURED,
      body: JSON.stringify({ ...event, specversion: '9.9' }),
      status: 400,
      reason: 'unsupported_specversion',
    },
    { name: 'no id', headers: STRUCTURED, body: JSON.stringify(noId), status: 400, reason: 'missing_id' },
    {
      name: 'data.id a number',
      headers: STRUCTURED,
      body: JSON.stringify({ ...event, data: { ...data, id: 42 } }),
      status: 400,
      reason: 'invalid_id',
    },
    {
      name: 'data.id an object',
      headers: STRUCTURED,
      body: JSON.stringify({ ...event, data: { ...data, id: { a: 1 } } }),
      status: 400,
      reason: 'invalid_id',
    },
  ];

  test.each(cases)('$name: $status $reason', async ({ headers, body, status, reason }) => {
    const before = await counters();
    const from = h.api.requests.length;
    const answer = await h.fn.post(headers, body);
    expect(answer.status).toBe(status);
    const after = await counters();
    expect(after.rejected).toBe(before.rejected + 1);
    expect(after.byReason(reason)).toBe(before.byReason(reason) + 1);
    await h.fn.waitForLog((l) => l.msg === 'event rejected' && l.reason === reason);
    expect(h.api.requests.length).toBe(from);
  });

  test('structured mode with data_base64 is decoded and handled, not refused', async () => {
    const answer = await h.fn.post(
      STRUCTURED,
      JSON.stringify({ ...attributes, data_base64: Buffer.from(JSON.stringify(data)).toString('base64') }),
    );
    expect(answer.status).toBe(200);
    expect(
      h.api.requests.some((r) => r.method === 'PUT' && r.path.endsWith('/clusters/edge-cluster/statuses')),
    ).toBe(true);
  });

  test('binary mode with no content type at all (as RabbitmqSource sends it) is handled', async () => {
    const answer = await h.fn.post({ ...BINARY_HEAD, 'ce-id': 'edge-no-type' }, JSON.stringify(data));
    expect(answer.status).toBe(200);
  });
});

describe('bodies cannot grow the process', () => {
  const POD_LIMIT = 512 * MiB;

  test('600 MB of form body, chunked: 415 before it is read, the process stays small', async () => {
    const before = (await counters()).byReason('unsupported_media_type');
    const { statusLine } = await streamChunked(
      'POST / HTTP/1.1\r\nHost: fn\r\nContent-Type: application/x-www-form-urlencoded\r\n',
      600 * MiB,
    );
    expect(statusLine).toMatch(/^HTTP\/1\.1 415 /);
    expect((await counters()).byReason('unsupported_media_type')).toBe(before + 1);
    expect(peakRss()).toBeLessThan(POD_LIMIT);
  });

  test('a client still sending past the refusal reads its 415, not a reset', async () => {
    // The answer comes after 16 MiB have been drained; the client writes 8 MiB more before it
    // reads anything, so closing the socket at the answer would reset the connection under it.
    const statusLine = await streamChunkedThenRead(
      'POST / HTTP/1.1\r\nHost: fn\r\nContent-Type: application/x-www-form-urlencoded\r\n',
      24 * MiB,
    );
    expect(statusLine).toMatch(/^HTTP\/1\.1 415 /);
  });

  test('a declared 600 MB body: 413 from the header alone', async () => {
    const s = await rawSocket();
    let answer = '';
    s.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
    });
    s.write(
      `POST / HTTP/1.1\r\nHost: fn\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${600 * MiB}\r\n\r\n`,
    );
    await eventually('the 413', async () => (answer.includes('\r\n') ? true : undefined));
    s.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  });

  test('600 MB of binary-mode JSON, chunked: 413 at the body limit, the process stays small', async () => {
    const before = (await counters()).byReason('body_too_large');
    const head = Object.entries({ ...BINARY_HEAD, 'Content-Type': 'application/json' })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    const { statusLine } = await streamChunked(`POST / HTTP/1.1\r\nHost: fn\r\n${head}`, 600 * MiB);
    expect(statusLine).toMatch(/^HTTP\/1\.1 413 /);
    // Counted when the server side of the connection closes, just after the client read it.
    await eventually('the refusal counted', async () =>
      (await counters()).byReason('body_too_large') === before + 1 ? true : undefined,
    );
    expect(peakRss()).toBeLessThan(POD_LIMIT);
    expect((await h.fn.get('/health/liveness')).status).toBe(200);
  });

  test('a client still sending past the 413 at the body limit reads it, not a reset', async () => {
    const head = Object.entries({ ...BINARY_HEAD, 'Content-Type': 'application/json' })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    const statusLine = await streamChunkedThenRead(`POST / HTTP/1.1\r\nHost: fn\r\n${head}`, 40 * MiB);
    expect(statusLine).toMatch(/^HTTP\/1\.1 413 /);
  });
});

describe('slow clients cannot hold the instance', () => {
  test('1000 sockets sending a byte at a time are closed by the timeouts; meanwhile events are answered', async () => {
    const sockets: Socket[] = [];
    let closed = 0;
    for (let i = 0; i < 1000; i++) {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => {});
      s.on('close', () => closed++);
      // Half stall in the headers, half in the body.
      s.write(
        i % 2
          ? 'POST / HTTP/1.1\r\nHost: fn\r\n'
          : 'POST / HTTP/1.1\r\nHost: fn\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
      );
      sockets.push(s);
    }
    const drip = setInterval(() => {
      for (const [i, s] of sockets.entries()) if (!s.destroyed) s.write(i % 2 ? 'X' : ' ');
    }, 250);
    try {
      expect((await h.fn.get('/health/liveness')).status).toBe(200);
      expect((await h.fn.send(sentinelEvent('edge-during-slow'))).status).toBe(200);
      await eventually(
        'every slow socket closed by the server',
        async () => (closed === sockets.length ? true : undefined),
        120_000,
      );
    } finally {
      clearInterval(drip);
      for (const s of sockets) s.destroy();
    }
    const text = await h.fn.metrics();
    expect(
      metricValue(text, 'hyperfleet_adapter_events_rejected_total', { reason: 'request_timeout' }),
    ).toBeGreaterThan(0);
    expect((await h.fn.get('/health/liveness')).status).toBe(200);
  }, 180_000);
});

describe('a client that keeps sending past the limit still reads its answer', () => {
  test('2.5 MB chunked and written whole, as a proxy forwards it: the 413 arrives, not a reset', async () => {
    // A server that closes with the body unread resets the connection, and the reset can
    // discard the answer before the client reads it: a race (the fuzz suite met it about once
    // in four over-size chunked events on a loaded machine), so tried several times.
    const before = (await counters()).byReason('body_too_large');
    const body = Buffer.alloc(Math.floor(2.5 * MiB), 'a');
    const TRIES = 6;
    const answers: string[] = [];
    for (let i = 0; i < TRIES; i++) {
      const s = await rawSocket();
      let answer = '';
      s.on('data', (d: Buffer) => {
        answer += d.toString('latin1');
      });
      s.on('error', () => {});
      const closed = new Promise<void>((resolve) => s.once('close', () => resolve()));
      // Written without waiting for the answer and without a half-close.
      s.write(
        `POST / HTTP/1.1\r\nHost: fn\r\nConnection: close\r\nContent-Type: application/cloudevents+json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      for (let at = 0; at < body.length; at += 64 * 1024) {
        const part = body.subarray(at, at + 64 * 1024);
        s.write(`${part.length.toString(16)}\r\n`);
        s.write(part);
        s.write('\r\n');
      }
      s.write('0\r\n\r\n');
      await closed;
      answers.push(answer.split('\r\n')[0] ?? '');
    }
    expect(answers.filter((a) => !/^HTTP\/1\.1 413 /.test(a))).toEqual([]);
    await eventually('the refusals counted', async () =>
      (await counters()).byReason('body_too_large') === before + TRIES ? true : undefined,
    );
  });
});

describe('the log stays JSON', () => {
  test('nothing the edge or the runtime printed is a plain text line', () => {
    const plain = h.fn.logs().filter((l) => !('level' in l));
    expect(plain.map((l) => (l as { raw?: string }).raw)).toEqual([]);
  });
});
