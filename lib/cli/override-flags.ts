/**
 * The Go adapter's configuration override flags (`--hyperfleet-api-base-url`, `--maestro-*`,
 * `--kubernetes-*`, `--broker-*`, `--log-*`, `--debug-config`), one table for every command
 * that loads a config. Numbers are checked when parsed, as Go's pflag does.
 */
import { type FlagValues, OVERRIDE_KEYS } from '../config/index.ts';
import { type FlagSpecs, UsageError } from './args.ts';

export const OVERRIDE_FLAG_SPECS: FlagSpecs = Object.fromEntries(
  OVERRIDE_KEYS.flatMap((k) =>
    k.flag ? [[k.flag, { type: k.kind === 'bool' ? 'boolean' : 'string' }]] : [],
  ),
);

export const OVERRIDE_FLAG_NAMES: readonly string[] = OVERRIDE_KEYS.flatMap((k) => (k.flag ? [k.flag] : []));

/** The override values present in parsed flags; a malformed number is a usage error. */
export function overrideValues(flags: Readonly<Record<string, unknown>>): FlagValues {
  const out: Record<string, string | boolean> = {};
  for (const key of OVERRIDE_KEYS) {
    if (!key.flag) continue;
    const value = flags[key.flag];
    if (typeof value !== 'string' && typeof value !== 'boolean') continue;
    if (typeof value === 'string') {
      const text = value.trim();
      if (key.kind === 'int' && !/^[+-]?\d+$/.test(text))
        throw new UsageError(`--${key.flag} takes an integer, got ${JSON.stringify(value)}`);
      if (key.kind === 'number' && (text === '' || !Number.isFinite(Number(text))))
        throw new UsageError(`--${key.flag} takes a number, got ${JSON.stringify(value)}`);
    }
    out[key.flag] = value;
  }
  return out;
}

export const OVERRIDE_USAGE = `Overrides (flag > env > file), as in the Go adapter:\n${wrap(
  OVERRIDE_FLAG_NAMES.map((f) => `--${f}`),
)}`;

function wrap(words: string[]): string {
  const lines: string[] = [];
  let line = ' ';
  for (const w of words) {
    if (line.length + w.length + 1 > 96) {
      lines.push(line);
      line = ' ';
    }
    line += ` ${w}`;
  }
  lines.push(line);
  return `${lines.join('\n')}\n`;
}
