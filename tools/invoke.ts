/**
 * `npm run invoke -- <event.json> [--url http://localhost:8080] [--binary]`: posts a sample
 * CloudEvent to a running function, as `func invoke` does, and prints the status code and the
 * answer body. The answer is the function's ack, so the exit code follows it: 0 on 2xx, 1 on
 * any other answer or no answer, 2 on a bad command line.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs, UsageError } from '../lib/cli/args.ts';

export type EventMode = 'structured' | 'binary';

export interface HttpMessage {
  headers: Record<string, string>;
  body: string;
}

export interface InvokeAnswer {
  status: number;
  contentType: string;
  body: string;
}

const USAGE = `Usage: npm run invoke -- <event.json> [--url http://localhost:8080] [--binary]

Posts the CloudEvent in <event.json> (the structured JSON form) to a running function.
  --url      where the function listens (default http://localhost:8080)
  --binary   send in binary mode (ce-* headers, data as the body) instead of structured`;

const FLAGS = {
  url: { type: 'string' },
  binary: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function attributeText(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new UsageError(`attribute ${name} must be a string, number or boolean for binary mode`);
}

/** The HTTP request that carries `event` (a CloudEvent in its structured JSON form). */
export function encodeCloudEvent(event: Record<string, unknown>, mode: EventMode): HttpMessage {
  if (mode === 'structured') {
    return {
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      body: JSON.stringify(event),
    };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data' || name === 'data_base64' || name === 'datacontenttype' || value === undefined)
      continue;
    headers[`ce-${name.toLowerCase()}`] = attributeText(name, value);
  }
  const contentType =
    typeof event['datacontenttype'] === 'string' ? event['datacontenttype'] : 'application/json';
  headers['content-type'] = contentType;
  let body = '';
  if (typeof event['data_base64'] === 'string') body = Buffer.from(event['data_base64'], 'base64').toString();
  else if (typeof event['data'] === 'string') body = event['data'];
  else if (event['data'] !== undefined) body = JSON.stringify(event['data']);
  return { headers, body };
}

export async function postMessage(
  url: string,
  message: HttpMessage,
  signal?: AbortSignal,
): Promise<InvokeAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: message.headers,
    body: message.body,
    ...(signal ? { signal } : {}),
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
}

async function readEvent(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(`${file} must hold one CloudEvent as a JSON object`);
  return value as Record<string, unknown>;
}

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Runs the command; returns the exit code. */
export async function main(argv: readonly string[], output: Output): Promise<number> {
  let url: string;
  let message: HttpMessage;
  try {
    const { flags, positionals } = parseArgs(argv, FLAGS);
    if (flags.help) {
      output.out(USAGE);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('expected exactly one <event.json>');
    url = flags.url ?? 'http://localhost:8080';
    message = encodeCloudEvent(await readEvent(positionals[0]!), flags.binary ? 'binary' : 'structured');
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    output.err(`invoke: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  let answer: InvokeAnswer;
  try {
    answer = await postMessage(url, message, AbortSignal.timeout(330_000));
  } catch (err) {
    const cause = (err as Error).cause instanceof Error ? `: ${((err as Error).cause as Error).message}` : '';
    output.err(`invoke: no answer from ${url}: ${(err as Error).message}${cause}`);
    return 1;
  }
  output.out(`${answer.status}`);
  if (answer.body !== '') output.out(answer.body);
  return answer.status >= 200 && answer.status < 300 ? 0 : 1;
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
  process.exitCode = code;
}
