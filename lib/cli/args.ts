/**
 * The flag syntax every command shares: `--flag value`, `--flag=value`, repeatable flags,
 * boolean switches (`--verbose`, `--verbose=false`), short aliases (`-c file`), `--` to end
 * flags. Unknown or malformed flags are usage errors (exit 2), never silently ignored.
 */
import { AdapterError } from '../errors.ts';

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** Collect every occurrence into a list (otherwise the last one wins, as in Go's pflag). */
  multiple?: boolean;
  /** One-letter alias, without the dash. */
  short?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

type ValueOf<S extends FlagSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['multiple'] extends true
    ? string[]
    : string;

export type ParsedFlags<T extends FlagSpecs> = { [K in keyof T]?: ValueOf<T[K]> };

export interface ParsedArgs<T extends FlagSpecs> {
  flags: ParsedFlags<T>;
  positionals: string[];
}

/** Bad command line: the caller prints the message and the usage, and exits 2. */
export class UsageError extends AdapterError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

const TRUE = new Set(['true', '1', 't', 'yes']);
const FALSE = new Set(['false', '0', 'f', 'no']);

export function parseArgs<T extends FlagSpecs>(argv: readonly string[], specs: T): ParsedArgs<T> {
  const flags: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.short) byShort.set(spec.short, name);

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    } else if (/^-[A-Za-z]$/.test(arg) || /^-[A-Za-z]=/.test(arg)) {
      const long = byShort.get(arg[1]!);
      if (!long) throw new UsageError(`unknown flag ${arg.slice(0, 2)}`);
      name = long;
      inline = arg.length > 2 ? arg.slice(3) : undefined;
    } else {
      positionals.push(arg);
      continue;
    }
    const spec = specs[name];
    if (!spec || !Object.hasOwn(specs, name)) throw new UsageError(`unknown flag --${name}`);
    if (spec.type === 'boolean') {
      let value = true;
      if (inline !== undefined) {
        const v = inline.toLowerCase();
        if (TRUE.has(v)) value = true;
        else if (FALSE.has(v)) value = false;
        else throw new UsageError(`--${name} takes true or false, got ${JSON.stringify(inline)}`);
      }
      flags[name] = value;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next.length > 1))
        throw new UsageError(`--${name} needs a value`);
      value = next;
      i++;
    }
    if (spec.multiple) {
      const list = (flags[name] as string[] | undefined) ?? [];
      list.push(value);
      flags[name] = list;
    } else {
      flags[name] = value;
    }
  }
  return { flags: flags as ParsedFlags<T>, positionals };
}
