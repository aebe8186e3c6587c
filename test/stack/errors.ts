import { AdapterError } from '../../lib/errors.ts';

/**
 * A peer of the test stack could not be built, started, checked or stopped. `logs` names the
 * files to read: they are kept on disk whenever this is thrown.
 */
export class StackError extends AdapterError {
  readonly logs: string[];

  constructor(code: string, message: string, options: { logs?: string[]; cause?: unknown } = {}) {
    const logs = options.logs ?? [];
    const suffix = logs.length > 0 ? `\n  logs:\n${logs.map((l) => `    ${l}`).join('\n')}` : '';
    super(code, `${message}${suffix}`, options.cause === undefined ? {} : { cause: options.cause });
    this.logs = logs;
  }
}
