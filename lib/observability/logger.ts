import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Paths pino censors wherever they appear. Secrets reach a log only by mistake; this is the
 * net under that mistake, not a licence to log whole objects.
 */
export const REDACTED_PATHS = [
  'authorization',
  'Authorization',
  'token',
  'password',
  '*.authorization',
  '*.Authorization',
  '*.token',
  '*.password',
  'headers.authorization',
  'headers.Authorization',
  'req.headers.authorization',
];

export interface LoggerOptions {
  level?: string;
  /** Where to write; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
      base: { component: 'hyperfleet-adapter' },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination(1),
  );
}
