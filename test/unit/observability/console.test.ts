import { Console } from 'node:console';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { routeConsoleToLog } from '../../../lib/observability/console.ts';
import { createLogger } from '../../../lib/observability/logger.ts';

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== ''),
  };
}

describe('console output in the function process', () => {
  it("faas-js-runtime's console.error(message, err) with raw request bytes is one JSON line, secrets redacted", () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream, level: 'debug' });
    const target = new Console(new PassThrough());
    routeConsoleToLog(() => logger, target);
    // What its invoker writes for a body it cannot parse: the error's stack holds the bytes.
    const err = new SyntaxError(
      'Unexpected token \u001b in JSON at position 3: {"a\n\u0007 Authorization: Bearer s3cr3t-token',
    );
    target.error('Error parsing JSON body', err);
    target.log('plain %s', 'text');
    target.warn({ an: 'object' });
    const lines = out.lines();
    expect(lines).toHaveLength(3);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map((p) => [p['level'], p['source']])).toEqual([
      ['error', 'console'],
      ['info', 'console'],
      ['warn', 'console'],
    ]);
    expect(parsed[0]?.['msg']).toMatch(/^Error parsing JSON body SyntaxError: Unexpected token \u001b/);
    expect(lines[0]).not.toContain('s3cr3t-token');
    expect(parsed[1]?.['msg']).toBe('plain text');
  });

  it('cuts a huge console line', () => {
    const out = capture();
    const target = new Console(new PassThrough());
    routeConsoleToLog(() => createLogger({ destination: out.stream }), target);
    target.error('x'.repeat(100_000));
    const [line] = out.lines();
    const msg = (JSON.parse(line ?? '{}') as { msg: string }).msg;
    expect(msg.length).toBeLessThan(4200);
    expect(msg.endsWith('(cut)')).toBe(true);
  });

  it('without a logger (the runtime failed to start) it still writes one redacted JSON line', () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const target = new Console(new PassThrough());
      routeConsoleToLog(() => {
        throw new Error('HYPERFLEET_EVENT_TIMEOUT is not a duration');
      }, target);
      target.error('Error starting server\nBearer abc.def');
    } finally {
      spy.mockRestore();
    }
    expect(written).toHaveLength(1);
    const line = JSON.parse(written[0] ?? '') as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'error', source: 'console' });
    expect(String(line['msg'])).toContain('Error starting server\n');
    expect(written[0]).not.toContain('abc.def');
  });
});
