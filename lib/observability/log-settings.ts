/**
 * A logger from the Go adapter's log settings (`--log-level`, `--log-format`, `--log-output`,
 * LOG_LEVEL/LOG_FORMAT/LOG_OUTPUT, the adapter config's `log:`; same values:
 * debug|info|warn|error, json|text, stdout|stderr). `text` is Go's slog text form
 * (`time=... level=INFO msg="..." key=value`), one event per line.
 */
import { UsageError } from '../cli/args.ts';
import { createLogger, type Logger } from './logger.ts';

export interface CliLogOptions {
  level?: string | undefined;
  format?: string | undefined;
  output?: string | undefined;
}

interface Sink {
  write(s: string): unknown;
}

/** Go's logger accepts any level (an unknown one logs at info); so do we. */
export function pinoLevel(level: string): string {
  const l = level.toLowerCase();
  if (l === 'warning') return 'warn';
  return ['debug', 'info', 'warn', 'error'].includes(l) ? l : 'info';
}

export function cliLogger(
  options: CliLogOptions,
  fallbackLevel: string,
  streams: { stdout: Sink; stderr: Sink },
  defaultOutput: 'stdout' | 'stderr' = 'stderr',
): Logger {
  const format = (options.format ?? 'json').toLowerCase();
  if (format !== 'json' && format !== 'text')
    throw new UsageError(`--log-format must be json or text, got ${JSON.stringify(options.format)}`);
  const output = options.output || defaultOutput;
  if (output !== 'stdout' && output !== 'stderr' && output !== '')
    throw new UsageError(`--log-output must be stdout or stderr, got ${JSON.stringify(options.output)}`);
  const sink = output === 'stdout' ? streams.stdout : streams.stderr;
  const level = options.level === undefined ? fallbackLevel : pinoLevel(options.level);
  return createLogger({
    level,
    destination: { write: (line: string) => sink.write(format === 'text' ? toText(line) : line) },
  });
}

/** One pino JSON line as slog's TextHandler would print it. */
export function toText(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, msg, ...rest } = record;
  const parts = [
    `time=${value(time)}`,
    `level=${String(level ?? 'info').toUpperCase()}`,
    `msg=${value(msg ?? '')}`,
  ];
  for (const [k, v] of Object.entries(rest)) parts.push(`${k}=${value(v)}`);
  return `${parts.join(' ')}\n`;
}

function value(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === '' || /[\s"=\\]/.test(s) || /[^\x21-\x7e]/.test(s) ? JSON.stringify(s) : s;
}
