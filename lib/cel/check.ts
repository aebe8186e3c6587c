import { TypeError as CelTypeError } from '@marcbachmann/cel-js';
import { checkingEnvironment, NAMESPACES } from './env.ts';
import { CelError, positionOf } from './errors.ts';
import { compileCel } from './program.ts';

export type CelType = 'dyn' | 'string' | 'int' | 'double' | 'bool' | 'map' | 'list';

export interface CelDiagnostic {
  /** `budget`: every evaluation would spend more than the evaluation budget (lib/cel/budget.ts). */
  kind: 'parse' | 'undeclared' | 'type' | 'budget';
  /** Full text naming the expression and, when known, line:column. */
  message: string;
  line?: number;
  column?: number;
  /** For `undeclared`: the variable name. */
  identifier?: string;
}

const ENGINE_TYPES: Record<CelType, string> = {
  dyn: 'dyn',
  string: 'string',
  int: 'int',
  double: 'double',
  bool: 'bool',
  map: 'map<string, dyn>',
  list: 'list<dyn>',
};

function diagnostic(kind: CelDiagnostic['kind'], error: CelError, identifier?: string): CelDiagnostic {
  const d: CelDiagnostic = { kind, message: error.message };
  if (error.position) {
    d.line = error.position.line;
    d.column = error.position.column;
  }
  if (identifier !== undefined) d.identifier = identifier;
  return d;
}

/**
 * Load-time validation of one expression against the variables a config declares: syntax,
 * references to undeclared variables, and type errors cel-js's checker can prove with the
 * declared types (with everything `dyn`, only literal misuse like `1 + "a"` is provable), and
 * work the text alone shows to pass the evaluation budget (`lists.range(1000000).map(...)`).
 */
export function checkCel(expression: string, declared: Record<string, CelType>): CelDiagnostic[] {
  let program: ReturnType<typeof compileCel>;
  try {
    program = compileCel(expression);
  } catch (err) {
    if (err instanceof CelError) return [diagnostic('parse', err)];
    throw err;
  }
  const { identifiers, overBudget } = program;
  const out: CelDiagnostic[] = overBudget === undefined ? [] : [diagnostic('budget', overBudget)];
  for (const name of identifiers) {
    if (Object.hasOwn(declared, name)) continue;
    const offset = findIdentifier(expression, name);
    const error = new CelError(
      'check',
      expression,
      `undeclared reference to '${name}'`,
      offset === undefined ? {} : { offset },
    );
    out.push(diagnostic('undeclared', error, name));
  }
  const env = checkingEnvironment();
  for (const [name, type] of Object.entries(declared)) {
    // Namespaces are constants in the environment; a name cel-js refuses (a reserved word) stays
    // dyn through unlistedVariablesAreDyn, which is what the runtime does with it anyway.
    if (NAMESPACES.has(name)) continue;
    try {
      env.registerVariable(name, ENGINE_TYPES[type]);
    } catch {}
  }
  let result: ReturnType<typeof env.check>;
  try {
    result = env.check(expression);
  } catch (err) {
    result = { valid: false, error: err as CelTypeError };
  }
  if (!result.valid && result.error instanceof CelTypeError) {
    const offset = result.error.range?.start;
    const error = new CelError(
      'check',
      expression,
      result.error.summary,
      offset === undefined ? {} : { offset },
    );
    out.push(diagnostic('type', error));
  }
  return out;
}

function findIdentifier(expression: string, name: string): number | undefined {
  const re = new RegExp(`(?<![\\w.$])${name.replace(/[$]/g, '\\$')}(?!\\w)`);
  const m = re.exec(expression);
  return m?.index;
}

export { positionOf };
