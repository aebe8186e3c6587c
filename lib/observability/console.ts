/**
 * faas-js-runtime writes some failures with `console.error(message, err)`: a multi-line stack
 * trace holding raw request bytes (escape sequences, line breaks) in the middle of the JSON
 * log stream, which a log pipeline splits into unparseable lines. In the function process
 * every console method becomes one JSON log line instead, secrets redacted as in any other.
 */
import { format } from 'node:util';
import { type Logger, redactSecrets } from './logger.ts';

/** A console line longer than this is cut (a stack with a request body in it can be any size). */
const MAX_CONSOLE_CHARS = 4096;

type Level = 'debug' | 'info' | 'warn' | 'error';

export function routeConsoleToLog(log: () => Logger, target: Console = console): void {
  const send =
    (level: Level) =>
    (...args: unknown[]): void => {
      let text = format(...args);
      if (text.length > MAX_CONSOLE_CHARS) text = `${text.slice(0, MAX_CONSOLE_CHARS)}… (cut)`;
      let logger: Logger;
      try {
        logger = log();
      } catch (err) {
        // No logger yet (the runtime failed to start): still one JSON line, still redacted.
        const line = { level, source: 'console', msg: text, logger_error: String(err) };
        process.stderr.write(`${redactSecrets(JSON.stringify(line))}\n`);
        return;
      }
      logger[level]({ source: 'console' }, text);
    };
  target.debug = send('debug');
  target.log = send('info');
  target.info = send('info');
  target.warn = send('warn');
  target.error = send('error');
  target.trace = send('debug');
}
