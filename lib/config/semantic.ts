/**
 * Rules that need the whole task config: names unique, every template variable and CEL
 * identifier declared BEFORE the step that uses it (phases run params -> preconditions ->
 * resources -> post, params in list order), CEL that parses, required env vars present.
 * Problems are reported by source path (the file's spelling of the tree) so the loader can
 * put a line on them; problems inside ref files carry their own file and line.
 *
 * What the Go adapter loads, this loads: a finding its loader refuses too is an error; one it
 * lets through (an undeclared CEL name, which it evaluates to null; a template variable its
 * `{{ .name }}` pattern misses or that is declared only later) is a warning, because the
 * config runs there and must run here.
 */
import { type CelType, compileCel } from '../cel/index.ts';
import { safeCheckCel, stripExpression } from './cel-check.ts';
import {
  IDENTIFIER,
  type Manifest,
  type Param,
  type Payload,
  type PostAction,
  type Precondition,
  type Resource,
} from './schema.ts';
import { isPlainMap, valueAt } from './source.ts';
import { closest } from './suggest.ts';
import { walkBuild, walkStrings } from './walk.ts';

export type SemanticPath = (string | number)[];

export interface SemanticReporter {
  error(path: SemanticPath, message: string, hint?: string): void;
  warning(path: SemanticPath, message: string, hint?: string): void;
  /** A problem inside a referenced file (manifest ref, build_ref). */
  inFile(
    file: string,
    line: number,
    column: number,
    path: SemanticPath,
    message: string,
    hint?: string,
    severity?: 'error' | 'warning',
  ): void;
}

/**
 * What the template engine tells us about one template. Throws on a parse error;
 * `overBudget` is the error every render would end with (the render budget), if any.
 */
export type TemplateInspector = (
  text: string,
  name: string,
) => { fieldRefs: string[]; readonly overBudget?: Error | undefined };

/**
 * The fields a template reads (its parse error thrown), and the budget every render passes:
 * the Go adapter loads such a template and its render never ends, so here it loads with a
 * warning (every render fails on the budget; `--strict` refuses it).
 */
function readsOf(
  inspect: TemplateInspector,
  text: string,
  name: string,
  overBudget: (err: Error) => void,
): string[] {
  const inspected = inspect(text, name);
  if (inspected.overBudget) overBudget(inspected.overBudget);
  return inspected.fieldRefs;
}

const BUDGET_NOTE = '(the Go adapter loads it and never finishes; here each evaluation fails on the budget)';

export interface SemanticOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Without it (tests of the other rules), templates are not checked. */
  inspectTemplate?: TemplateInspector | undefined;
}

/**
 * Variables every step sees (the executor provides them). `env` holds only the variables the
 * config declares through `env.X` param sources, not the whole process environment.
 */
const BUILTIN_MAPS = ['event', 'config', 'adapter', 'env'] as const;
/** `now` is a template function, but the Go adapter lists it among the built-in names too. */
const TEMPLATE_EXTRA = ['now'] as const;
/** The names the Go loader declares for every template, whatever the step (configloader). */
const GO_BUILTINS = ['adapter', 'config', 'env', 'event', 'now', 'date'] as const;
/** The Go loader's template check: only `{{ .a.b }}` and `{{ .a | f }}` are looked at. */
const GO_TEMPLATE_VAR = /\{\{\s*\.([a-zA-Z_][a-zA-Z0-9_.]*)\s*(?:\|[^}]*)?\}\}/g;

/**
 * Which names the Go loader checks a template against: every name the config declares
 * anywhere (`global`), only the builtins and earlier params (a param's api_call), or none
 * (it does not look at that field).
 */
type GoScope = 'global' | 'none' | ReadonlySet<string>;

class Scope {
  readonly names = new Set<string>();
  constructor(parent?: Scope) {
    if (parent) for (const n of parent.names) this.names.add(n);
  }
  add(name: string): void {
    this.names.add(name);
  }
  clone(): Scope {
    return new Scope(this);
  }
}

/**
 * The task config as far as it validated: an item that failed its schema is `undefined` (its
 * problems are already reported) and only its written name is used, so one broken step does
 * not hide the rest of the file's problems nor cascade into "undefined variable" noise.
 */
export interface SemanticTask {
  params: (Param | undefined)[];
  preconditions: (Precondition | undefined)[];
  resources: (Resource | undefined)[];
  payloads: (Payload | undefined)[];
  post_actions: (PostAction | undefined)[];
  /** The alias-normalized document, for names of items that failed validation. */
  raw: unknown;
}

export function checkTaskSemantics(
  input: SemanticTask,
  options: SemanticOptions,
  report: SemanticReporter,
): void {
  const { inspectTemplate } = options;
  // A salvaged item whose name failed its schema goes by its written name.
  const named = <T extends { name: string }>(list: (T | undefined)[], section: string[]) =>
    list.map((x, i) => (x && !x.name ? { ...x, name: nameAt(input.raw, [...section, i]) ?? '' } : x));
  const task: SemanticTask = {
    ...input,
    params: named(input.params, ['params']),
    preconditions: named(input.preconditions, ['preconditions']),
    resources: named(input.resources, ['resources']),
    payloads: named(input.payloads, ['post', 'payloads']),
    post_actions: named(input.post_actions, ['post', 'post_actions']),
  };
  const rawItem = (section: string[], i: number): Record<string, unknown> => {
    const item = valueAt(task.raw, [...section, i]);
    return isPlainMap(item) ? item : {};
  };
  const rawName = (section: string[], i: number): string | undefined => {
    const name = rawItem(section, i)['name'];
    return typeof name === 'string' ? name : undefined;
  };

  // Scopes: `cel` holds CEL-visible names, `tpl` adds template-only names (precondition responses are both).
  const cel = new Scope();
  for (const n of BUILTIN_MAPS) cel.add(n);
  const tpl = cel.clone();
  for (const n of TEMPLATE_EXTRA) tpl.add(n);

  const goRefuses = goTemplateCheck(task);
  const checkName = (name: string, path: SemanticPath): void => {
    if (name !== '' && !IDENTIFIER.test(name))
      report.warning(
        path,
        `name \`${name}\` is not an identifier: CEL and templates cannot refer to it`,
        'use letters, digits and underscores, not starting with a digit',
      );
  };
  const checkTemplate = (text: string, path: SemanticPath, scope: Scope, go: GoScope = 'global'): void => {
    if (!inspectTemplate || !text.includes('{{')) return;
    let refs: string[];
    try {
      refs = readsOf(inspectTemplate, text, pathName(path), (e) =>
        report.warning(path, `template: ${messageOf(e)} ${BUDGET_NOTE}`),
      );
    } catch (err) {
      report.error(path, `template error: ${messageOf(err)}`);
      return;
    }
    for (const ref of new Set(refs.map(rootOf))) {
      if (ref === '' || scope.names.has(ref)) continue;
      const guess = closest(ref, [...scope.names]);
      if (goRefuses(text, ref, go))
        report.error(path, `undefined template variable \`.${ref}\``, hintFor(guess, ref, task));
      else
        report.warning(
          path,
          `undefined template variable \`.${ref}\` (rendering fails at run time)`,
          hintFor(guess, ref, task),
        );
    }
  };

  const checkExpression = (expression: string, path: SemanticPath, scope: Scope): void => {
    const declared: Record<string, CelType> = {};
    for (const n of scope.names) declared[n] = 'dyn';
    for (const n of BUILTIN_MAPS) declared[n] = 'map';
    if (scope.names.has('resources')) declared['resources'] = 'map';
    for (const d of safeCheckCel(expression, declared)) {
      if (d.kind === 'undeclared' && d.identifier !== undefined) {
        // The Go loader only parses CEL; at run time the name is null.
        const guess = closest(d.identifier, [...scope.names]);
        report.warning(
          path,
          `CEL: undeclared reference to \`${d.identifier}\` (no value at run time)`,
          hintFor(guess, d.identifier, task),
        );
      } else if (d.kind === 'budget') {
        report.warning(path, `CEL: ${stripExpression(d.message, expression)} ${BUDGET_NOTE}`);
      } else if (d.kind === 'type') {
        // The Go adapter only parses CEL (variables are dyn, no check): it loads the config
        // and the expression runs, to a value or to an evaluation error, as it does here.
        report.warning(
          path,
          `CEL type error: ${stripExpression(d.message, expression)} (not checked by the Go adapter either; evaluated as dyn at run time)`,
        );
      } else {
        report.error(path, `CEL ${d.kind} error: ${stripExpression(d.message, expression)}`);
      }
    }
  };

  const checkApiCall = (
    call: { url: string; body?: string | undefined; headers: { name: string; value: string }[] },
    path: SemanticPath,
    scope: Scope,
    go: GoScope = 'global',
  ): void => {
    checkTemplate(call.url, [...path, 'url'], scope, go);
    if (call.body !== undefined) checkTemplate(call.body, [...path, 'body'], scope, go);
    call.headers.forEach((h, i) => {
      checkTemplate(h.value, [...path, 'headers', i, 'value'], scope, go);
    });
  };
  // A param's api_call is checked by Go against the builtins and the params before it.
  const goParams = new Set<string>(GO_BUILTINS);

  // --- params ------------------------------------------------------------------------------
  const seenParams = new Map<string, number>();
  task.params.forEach((param, i) => {
    const path: SemanticPath = ['params', i];
    if (!param) {
      const name = rawName(['params'], i);
      if (name) {
        cel.add(name);
        tpl.add(name);
        goParams.add(name);
      }
      return;
    }
    const first = seenParams.get(param.name);
    if (first !== undefined) {
      report.warning(
        [...path, 'name'],
        `param \`${param.name}\` is declared again (first at params[${first}]); this later value replaces it`,
      );
    } else if (param.name !== '') seenParams.set(param.name, i);
    checkName(param.name, [...path, 'name']);
    const source = param.source;
    if (source.kind === 'api_call')
      checkApiCall(source.api_call, [...path, 'source', 'api_call'], tpl, new Set(goParams));
    if (source.kind === 'expression')
      checkExpression(source.expression, [...path, 'source', 'expression'], cel);
    if (
      source.kind === 'path' &&
      source.path.startsWith('env.') &&
      param.required &&
      param.default === undefined
    ) {
      const name = source.path.slice(4);
      if (!options.env[name]) {
        report.error(
          [...path, 'source'],
          `required environment variable ${name} is not set`,
          'set it or give the param a `default`',
        );
      }
    }
    cel.add(param.name);
    tpl.add(param.name);
    goParams.add(param.name);
  });

  // --- preconditions -----------------------------------------------------------------------
  const seenPreconditions = new Map<string, number>();
  task.preconditions.forEach((pre, i) => {
    const path: SemanticPath = ['preconditions', i];
    if (!pre) {
      const raw = rawItem(['preconditions'], i);
      const names = Array.isArray(raw['capture'])
        ? raw['capture'].map((c) => (isPlainMap(c) ? c['name'] : undefined))
        : [];
      if (raw['api_call'] !== undefined) names.push(raw['name']);
      for (const n of names) {
        if (typeof n !== 'string') continue;
        cel.add(n);
        tpl.add(n);
      }
      return;
    }
    duplicate(seenPreconditions, pre.name, i, 'preconditions', [...path, 'name'], report);
    if (pre.api_call) checkApiCall(pre.api_call, [...path, 'api_call'], tpl);
    // Captures read the API response (unknown keys at load time): only their syntax is checked.
    pre.capture.forEach((c, j) => {
      checkName(c.name, [...path, 'capture', j, 'name']);
      if (c.kind === 'expression') checkSyntax(c.expression, [...path, 'capture', j, 'expression'], report);
    });
    if (pre.api_call) {
      cel.add(pre.name);
      tpl.add(pre.name);
    }
    // Written capture names too: a salvaged precondition may have lost a capture that failed.
    const written = rawItem(['preconditions'], i)['capture'];
    const captureNames = [
      ...pre.capture.map((c) => c.name),
      ...(Array.isArray(written) ? written.map((c) => (isPlainMap(c) ? c['name'] : undefined)) : []),
    ];
    for (const n of captureNames) {
      if (typeof n !== 'string') continue;
      cel.add(n);
      tpl.add(n);
    }
    pre.conditions.forEach((cond, j) => {
      const root = rootOf(cond.field);
      if (root !== '' && !/^[{$[]/.test(cond.field) && !cel.names.has(root)) {
        // The Go loader does not look at condition fields; the field is absent at run time.
        const guess = closest(root, [...cel.names]);
        report.warning(
          [...path, 'conditions', j, 'field'],
          `condition field refers to undeclared \`${root}\``,
          hintFor(guess, root, task),
        );
      }
    });
    if (pre.expression !== undefined) checkExpression(pre.expression, [...path, 'expression'], cel);
  });

  // --- resources ---------------------------------------------------------------------------
  const resourceNames = new Map<string, string>();
  const claimResourceName = (name: string, where: string, path: SemanticPath): void => {
    if (name === '') return;
    const first = resourceNames.get(name);
    if (first !== undefined) {
      const message = `name \`${name}\` is already used by ${first}: both would be \`resources.${name}\``;
      // The Go loader refuses two resources of one name, not a nested discovery's clash.
      if (where.includes('nested') || first.includes('nested')) report.warning(path, message);
      else report.error(path, message);
    } else resourceNames.set(name, where);
  };
  const celRes = cel.clone();
  celRes.add('resources');
  task.resources.forEach((res, i) => {
    const path: SemanticPath = ['resources', i];
    if (!res) return;
    claimResourceName(res.name, `resources[${i}]`, [...path, 'name']);
    // The Go adapter ignores these; they are probably meant for a Maestro resource.
    if (res.transport.client !== 'maestro' && res.transport.maestro !== undefined)
      report.warning(
        [...path, 'transport', 'maestro'],
        '`transport.maestro` is ignored: the resource uses `client: kubernetes`',
      );
    if (res.transport.client !== 'maestro' && res.nested_discoveries.length > 0)
      report.warning(
        [...path, 'nested_discoveries'],
        'nested_discoveries look inside a ManifestWork: ignored without `client: maestro`',
      );
    res.nested_discoveries.forEach((nd, j) => {
      claimResourceName(nd.name, `resources[${i}].nested_discoveries[${j}]`, [
        ...path,
        'nested_discoveries',
        j,
        'name',
      ]);
    });
    if (res.transport.maestro)
      checkTemplate(
        res.transport.maestro.target_cluster,
        [...path, 'transport', 'maestro', 'target_cluster'],
        tpl,
      );
    checkManifest(
      res.manifest,
      [...path, 'manifest'],
      tpl,
      checkTemplate,
      inspectTemplate,
      report,
      goRefuses,
    );
    const discoveries: [SemanticPath, typeof res.discovery][] = [
      [[...path, 'discovery'], res.discovery],
      ...res.nested_discoveries.map((nd, j): [SemanticPath, typeof res.discovery] => [
        [...path, 'nested_discoveries', j, 'discovery'],
        nd.discovery,
      ]),
    ];
    for (const [dPath, d] of discoveries) {
      if (d.namespace !== undefined) checkTemplate(d.namespace, [...dPath, 'namespace'], tpl);
      if (d.by_name !== undefined) checkTemplate(d.by_name, [...dPath, 'by_name'], tpl);
      for (const [k, v] of Object.entries(d.by_selectors?.label_selector ?? {})) {
        checkTemplate(v, [...dPath, 'by_selectors', 'label_selector', k], tpl);
      }
    }
    if (res.lifecycle?.create)
      checkExpression(
        res.lifecycle.create.when.expression,
        [...path, 'lifecycle', 'create', 'when', 'expression'],
        celRes,
      );
    if (res.lifecycle?.delete)
      checkExpression(
        res.lifecycle.delete.when.expression,
        [...path, 'lifecycle', 'delete', 'when', 'expression'],
        celRes,
      );
  });

  // --- post --------------------------------------------------------------------------------
  const tplPost = tpl.clone();
  tplPost.add('resources');
  const seenPayloads = new Map<string, number>();
  task.payloads.forEach((payload, i) => {
    const path: SemanticPath = ['post', 'payloads', i];
    if (!payload) return;
    duplicate(seenPayloads, payload.name, i, 'post.payloads', [...path, 'name'], report);
    checkName(payload.name, [...path, 'name']);
    if (payload.when) checkExpression(payload.when.expression, [...path, 'when', 'expression'], celRes);
    if (!payload.build_ref) {
      walkBuild(payload.build, [...path, 'build'], (kind, text, p) =>
        kind === 'template' ? checkTemplate(text, p, tplPost) : checkExpression(text, p, celRes),
      );
    } else {
      const file = payload.build_ref.path;
      // The Go loader does not look inside a build_ref: an undeclared name only warns.
      const inRef: SemanticReporter = {
        ...report,
        error: (p, message, hint) => report.inFile(file, 0, 0, p, message, hint),
        warning: (p, message, hint) => report.inFile(file, 0, 0, p, message, hint, 'warning'),
      };
      walkBuild(payload.build, [...path, 'build_ref'], (kind, text) => {
        if (kind === 'template') {
          if (!inspectTemplate || !text.includes('{{')) return;
          try {
            const refs = readsOf(inspectTemplate, text, file, (e) =>
              inRef.warning([...path, 'build_ref'], `template: ${messageOf(e)} ${BUDGET_NOTE}`),
            );
            for (const ref of new Set(refs.map(rootOf))) {
              if (ref !== '' && !tplPost.names.has(ref))
                inRef.warning(
                  [...path, 'build_ref'],
                  `undefined template variable \`.${ref}\` (rendering fails at run time)`,
                );
            }
          } catch (err) {
            inRef.error([...path, 'build_ref'], `template error: ${messageOf(err)}`);
          }
        } else {
          for (const d of safeCheckCel(text, declaredOf(celRes))) {
            if (d.kind === 'budget')
              inRef.warning(
                [...path, 'build_ref'],
                `CEL: ${stripExpression(d.message, text)} ${BUDGET_NOTE}`,
              );
            else if (d.kind === 'undeclared')
              inRef.warning(
                [...path, 'build_ref'],
                `CEL: undeclared reference to \`${d.identifier}\` (no value at run time)`,
              );
            else
              inRef.error([...path, 'build_ref'], `CEL ${d.kind} error: ${stripExpression(d.message, text)}`);
          }
        }
      });
    }
  });
  // Post actions see every built payload (as a JSON string).
  const tplActions = tplPost.clone();
  const celActions = celRes.clone();
  task.payloads.forEach((p, i) => {
    const name = p?.name ?? rawName(['post', 'payloads'], i);
    if (!name) return;
    tplActions.add(name);
    celActions.add(name);
  });
  const seenActions = new Map<string, number>();
  task.post_actions.forEach((action, i) => {
    const path: SemanticPath = ['post', 'post_actions', i];
    if (!action) return;
    duplicate(seenActions, action.name, i, 'post.post_actions', [...path, 'name'], report);
    if (!action.api_call && !action.log)
      report.warning(path, 'a post action with neither `api_call` nor `log` does nothing');
    if (action.api_call) checkApiCall(action.api_call, [...path, 'api_call'], tplActions);
    if (action.when) checkExpression(action.when.expression, [...path, 'when', 'expression'], celActions);
  });
}

function declaredOf(scope: Scope): Record<string, CelType> {
  const declared: Record<string, CelType> = {};
  for (const n of scope.names) declared[n] = 'dyn';
  return declared;
}

function duplicate(
  seen: Map<string, number>,
  name: string,
  index: number,
  list: string,
  path: SemanticPath,
  report: SemanticReporter,
): void {
  // The Go loader lets these through (both steps run, the later result wins): a warning.
  if (name === '') return;
  const first = seen.get(name);
  if (first !== undefined)
    report.warning(path, `duplicate name \`${name}\` (first used at ${list}[${first}]); the later one wins`);
  else seen.set(name, index);
}

function checkSyntax(expression: string, path: SemanticPath, report: SemanticReporter): void {
  try {
    compileCel(expression);
  } catch (err) {
    report.error(path, `CEL parse error: ${stripExpression(messageOf(err), expression)}`);
  }
}

function checkManifest(
  manifest: Manifest,
  path: SemanticPath,
  scope: Scope,
  checkTemplate: (text: string, path: SemanticPath, scope: Scope) => void,
  inspectTemplate: TemplateInspector | undefined,
  report: SemanticReporter,
  goRefuses: GoRefuses,
): void {
  if (manifest.kind === 'inline') {
    walkStrings(manifest.value, path, (text, p) => checkTemplate(text, p, scope), 0);
    return;
  }
  if (!inspectTemplate) return;
  // A ref file is one Go template over raw text: its problems carry the ref file's lines.
  let refs: string[];
  try {
    refs = readsOf(inspectTemplate, manifest.text, manifest.path, (e) => {
      const { line, column } = positionOf(e);
      const message = `template: ${messageOf(e)} ${BUDGET_NOTE}`;
      report.inFile(manifest.path, line, column, [...path, 'ref'], message, undefined, 'warning');
    });
  } catch (err) {
    const { line, column } = positionOf(err);
    report.inFile(manifest.path, line, column, [...path, 'ref'], `template error: ${messageOf(err)}`);
    return;
  }
  for (const ref of new Set(refs.map(rootOf))) {
    if (ref === '' || scope.names.has(ref)) continue;
    const at = findInText(manifest.text, ref);
    const guess = closest(ref, [...scope.names]);
    const refused = goRefuses(manifest.text, ref, 'global');
    report.inFile(
      manifest.path,
      at.line,
      at.column,
      [...path, 'ref'],
      `undefined template variable \`.${ref}\`${refused ? '' : ' (rendering fails at run time)'}`,
      guess ? `did you mean \`.${guess}\`?` : undefined,
      refused ? 'error' : 'warning',
    );
  }
}

type GoRefuses = (text: string, ref: string, go: GoScope) => boolean;

/**
 * Would the Go loader refuse `ref` in this template? It matches `{{ .name }}` forms only, and
 * knows every param, capture and payload by name, `resources.<name>` for each resource, and
 * its builtins, wherever they are declared (except in a param's api_call: earlier params only).
 */
function goTemplateCheck(task: SemanticTask): GoRefuses {
  const names = (section: string[], items: ({ name: string } | undefined)[]) =>
    items.map((item, i) => item?.name ?? nameAt(task.raw, [...section, i]));
  const declared = new Set<string>(GO_BUILTINS);
  for (const n of names(['params'], task.params)) if (n) declared.add(n);
  for (const n of names(['post', 'payloads'], task.payloads)) if (n) declared.add(n);
  task.preconditions.forEach((pre, i) => {
    const captures = pre?.capture ?? valueAt(task.raw, ['preconditions', i, 'capture']);
    if (!Array.isArray(captures)) return;
    for (const c of captures as unknown[]) {
      const n = isPlainMap(c) ? c['name'] : undefined;
      if (typeof n === 'string' && n !== '') declared.add(n);
    }
  });
  const resources = new Set(names(['resources'], task.resources).filter((n): n is string => !!n));
  return (text, ref, go) => {
    if (go === 'none') return false;
    const known = go === 'global' ? declared : go;
    for (const m of text.matchAll(GO_TEMPLATE_VAR)) {
      const name = m[1]!;
      const [root, second] = name.split('.');
      if (root !== ref || known.has(name) || known.has(root)) continue;
      if (go === 'global' && root === 'resources' && second !== undefined && resources.has(second)) continue;
      return true;
    }
    return false;
  };
}

function nameAt(raw: unknown, path: (string | number)[]): string | undefined {
  const item = valueAt(raw, path);
  const name = isPlainMap(item) ? item['name'] : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** "adapter.name" -> "adapter"; ".clusterId" -> "clusterId". */
function rootOf(ref: string): string {
  const trimmed = ref.replace(/^\$?\./, '');
  const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(trimmed);
  return m ? m[0] : '';
}

function hintFor(guess: string | undefined, name: string, task: SemanticTask): string | undefined {
  if (guess) return `did you mean \`${guess}\`?`;
  const later = task.params.findIndex((p) => p?.name === name);
  if (later >= 0) return `params[${later}] declares it, but only after this step runs`;
  return undefined;
}

function pathName(path: SemanticPath): string {
  return path
    .map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`))
    .join('')
    .replace(/^\./, '');
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function positionOf(err: unknown): { line: number; column: number } {
  const e = err as { line?: unknown; column?: unknown };
  return {
    line: typeof e.line === 'number' ? e.line : 0,
    column: typeof e.column === 'number' ? e.column : 0,
  };
}

function findInText(text: string, ref: string): { line: number; column: number } {
  const m = new RegExp(`\\.${ref}(?![A-Za-z0-9_])`).exec(text);
  if (!m) return { line: 0, column: 0 };
  const before = text.slice(0, m.index);
  const line = before.split('\n').length;
  return { line, column: m.index - before.lastIndexOf('\n') };
}
