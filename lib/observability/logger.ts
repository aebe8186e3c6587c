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

export const REDACTED = '[REDACTED]';

/** Shorter values are too likely to occur by chance (and too weak to be real credentials). */
const MIN_SECRET_LENGTH = 6;
/** Rotated tokens accumulate; the oldest are forgotten first. */
const MAX_SECRETS = 64;
const secrets = new Set<string>();

/**
 * Makes `value` (a bearer token, an API key, a URL password just read) unprintable: every
 * text passed through `redactSecrets` -- each log line, error texts built from a peer's
 * answer -- has it replaced, also in its JSON-escaped form. A net under every other rule,
 * for the secrets this process knows.
 */
export function registerSecret(value: string | undefined): void {
  if (value === undefined) return;
  const forms = [value, value.trim(), JSON.stringify(value).slice(1, -1)];
  for (const form of forms) {
    if (form.length < MIN_SECRET_LENGTH || secrets.has(form)) continue;
    secrets.add(form);
    if (secrets.size > MAX_SECRETS) secrets.delete(secrets.values().next().value as string);
  }
}

/**
 * A `Bearer <credential>` or `Basic <credential>` anywhere in a text (a peer echoing our
 * headers): a token68 of 6+ characters with a digit, punctuation or an inner capital, so prose such as
 * "bearer token file" or "Basic authentication" stays readable. A line break or tab around the
 * scheme counts as a separator also as JSON escapes it (`\nBearer`, a log line's text).
 */
const AUTH_SCHEME =
  /(?:(?<!\w)|(?<=\\[nrt]))(Bearer|Basic|ServiceAccount)(\s+|(?:\\[nrt])+)(?=[\w.~+/-]*[\d.~+/_-]|[\w.~+/-]+[A-Z])[\w.~+/-]{6,}=*/g;

/** `text` with every registered secret and every `Bearer`/`Basic` credential replaced. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.replaceAll(s, REDACTED);
  return out.replace(AUTH_SCHEME, `$1$2${REDACTED}`);
}

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
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: redactSecrets },
    },
    options.destination ?? pino.destination(1),
  );
}
