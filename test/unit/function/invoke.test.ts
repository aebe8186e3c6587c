import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { encodeCloudEvent, main } from '../../../tools/invoke.ts';
import { type Harness, sentinelEvent, startHarness } from '../../support/function-harness.ts';

// tools/invoke.ts as `npm run invoke` runs it: a child process, its stdout and exit code.

const TOOL = resolve(import.meta.dirname, '..', '..', '..', 'tools', 'invoke.ts');

/** The tool as `npm run invoke` runs it: a child process, its stdout and exit code. */
function runInvoke(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [TOOL, ...args], (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** The same command in-process (cheaper): what it printed and its exit code. */
async function invokeInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: (line) => {
      stdout += `${line}\n`;
    },
    err: (line) => {
      stderr += `${line}\n`;
    },
  });
  return { code, stdout, stderr };
}

describe('encodeCloudEvent', () => {
  const event = sentinelEvent(
    'c1',
    {},
    { id: 'e1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  );

  test('structured: the whole event as the body', () => {
    const m = encodeCloudEvent(event, 'structured');
    expect(m.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(JSON.parse(m.body)).toEqual(event);
  });

  test('binary: attributes as ce-* headers, data as the body', () => {
    const m = encodeCloudEvent(event, 'binary');
    expect(m.headers).toEqual({
      'ce-specversion': '1.0',
      'ce-id': 'e1',
      'ce-source': 'hyperfleet-sentinel',
      'ce-type': 'com.redhat.hyperfleet.cluster.reconcile',
      'ce-traceparent': '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'content-type': 'application/json',
    });
    expect(JSON.parse(m.body)).toEqual(event['data']);
  });
});

describe('the command', () => {
  let dir: string;
  let stub: Server;
  let stubUrl: string;
  let nextStatus = 200;
  const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
  let h: Harness;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hf-invoke-'));
    await writeFile(join(dir, 'event.json'), JSON.stringify(sentinelEvent('inv', {}, { id: 'evt-1' })));
    await writeFile(join(dir, 'broken.json'), '{');
    stub = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        body += c;
      });
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(nextStatus, { 'content-type': 'application/json' }).end(`{"answered":${nextStatus}}`);
      });
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    h = await startHarness();
    h.api.putCluster({ id: 'inv', name: 'inv', generation: 1, spec: { ready: true } });
  });

  afterAll(async () => {
    await h?.close();
    await new Promise((r) => stub?.close(r));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('prints the status and the body; exit 0 on 2xx', async () => {
    nextStatus = 200;
    const r = await invokeInProcess([join(dir, 'event.json'), '--url', stubUrl]);
    expect(r).toMatchObject({ code: 0, stdout: '200\n{"answered":200}\n' });
    expect(seen.at(-1)?.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(JSON.parse(seen.at(-1)?.body ?? '')).toMatchObject({ id: 'evt-1', data: { id: 'inv' } });
  });

  test('--binary sends ce-* headers; exit 1 on a non-2xx answer', async () => {
    nextStatus = 503;
    const r = await invokeInProcess([join(dir, 'event.json'), '--url', stubUrl, '--binary']);
    expect(r).toMatchObject({ code: 1, stdout: '503\n{"answered":503}\n' });
    expect(seen.at(-1)?.headers['ce-id']).toBe('evt-1');
    expect(JSON.parse(seen.at(-1)?.body ?? '')).toMatchObject({ id: 'inv', kind: 'Cluster' });
  });

  test('no answer: exit 1 and says why; bad input: exit 2 with the usage', async () => {
    const closedPort = await new Promise<number>((r) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => r(port));
      });
    });
    const down = await invokeInProcess([join(dir, 'event.json'), '--url', `http://127.0.0.1:${closedPort}`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('no answer from');
    const broken = await invokeInProcess([join(dir, 'broken.json')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('is not JSON');
    expect((await invokeInProcess([])).code).toBe(2);
    expect((await invokeInProcess([join(dir, 'event.json'), '--bogus'])).code).toBe(2);
  });

  test('against the real function, both modes (the binary one as a child process): 200 handled', async () => {
    for (const run of [
      () => invokeInProcess([join(dir, 'event.json'), '--url', h.fn.url]),
      () => runInvoke([join(dir, 'event.json'), '--url', h.fn.url, '--binary']),
    ]) {
      const r = await run();
      expect(r.code).toBe(0);
      const [status, body] = r.stdout.split('\n');
      expect(status).toBe('200');
      expect(JSON.parse(body ?? '')).toMatchObject({
        outcome: 'handled',
        eventId: 'evt-1',
        statusReported: true,
      });
    }
    expect(h.api.requests.filter((q) => q.method === 'PUT' && q.status === 201)).toHaveLength(2);
  });
});
