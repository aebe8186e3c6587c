/**
 * Loading = read -> YAML (with positions) -> unwrap -> camelCase aliases -> overrides (adapter
 * config only) -> zod -> semantic checks. Every stage adds to one list of problems; a load
 * either returns normalized configs or throws one ConfigError holding all of them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { compileTemplate } from '../template/index.ts';
import { normalizeAliases } from './aliases.ts';
import { toBuildValue } from './build.ts';
import { checkDeployment, type LoadPurpose } from './deployment.ts';
import { type ConfigKind, unwrap } from './envelope.ts';
import { ConfigError, type ConfigProblem, sortProblems } from './errors.ts';
import { FILE_ROOTS_ENV, fileParamRoots, invalidRootEntries, isInsideAny } from './file-roots.ts';
import { type ProblemContext, problemAt, problemsFromZod } from './issues.ts';
import { applyOverrides, type FlagValues } from './overrides.ts';
import { createRefResolver, type MountMap, parseMounts } from './refs.ts';
import {
  type AdapterConfig,
  AdapterConfigSchema,
  createTaskConfigSchema,
  type Envelope,
  type Param,
  type Payload,
  type PostAction,
  type Precondition,
  type RefResolver,
  type Resource,
  type TaskConfig,
} from './schema.ts';
import { allowedKeys, childSchema, schemaAt } from './schema-walk.ts';
import {
  checkTaskSemantics,
  type SemanticReporter,
  type SemanticTask,
  type TemplateInspector,
} from './semantic.ts';
import { formatPath, isPlainMap, locate, parseYamlSource, type SourceNode, valueAt } from './source.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface AdapterConfigOptions {
  /** Defaults to process.env. */
  env?: Env;
  /** Go adapter flag names without dashes, e.g. { 'hyperfleet-api-base-url': 'http://api' }. */
  flags?: FlagValues;
}

export interface TaskConfigOptions {
  /** Container path -> local folder for absolute refs; merged over HYPERFLEET_ADAPTER_MOUNTS. */
  mounts?: MountMap;
  /** Defaults to process.env (required `env.X` params are checked against it). */
  env?: Env;
  /** Receives non-fatal findings (e.g. a param declared twice). */
  warnings?: ConfigProblem[];
}

export interface ConfigPairOptions {
  configFile: string;
  taskConfigFile: string;
  mounts?: MountMap;
  env?: Env;
  flags?: FlagValues;
  /** What the config is loaded for (default serve): a dry run only warns about deployment settings. */
  purpose?: LoadPurpose;
}

export interface LoadedConfigPair {
  adapter: AdapterConfig;
  task: TaskConfig;
  /** Non-fatal findings, located like problems. */
  warnings: ConfigProblem[];
  /** `metadata` of the wrapped form, when the files used it. */
  metadata: { adapter?: Envelope['metadata']; task?: Envelope['metadata'] };
  /** The documents as written, the adapter config with its env and flag overrides (for config dumps). */
  documents?: { adapter: unknown; task: unknown };
  /** The folders `file:` param sources may read (lib/config/file-roots.ts). */
  fileRoots: string[];
}

interface Stage<T> {
  config?: T;
  problems: ConfigProblem[];
  warnings: ConfigProblem[];
  metadata?: Envelope['metadata'];
  /** How to place further problems in this file (absent when the file could not be read). */
  ctx?: ProblemContext;
  fileRoots?: string[];
}

export async function loadAdapterConfig(
  file: string,
  options: AdapterConfigOptions = {},
): Promise<AdapterConfig> {
  const stage = parseAdapterConfig(file, options);
  if (stage.problems.length > 0 || !stage.config) throw new ConfigError(stage.problems);
  return stage.config;
}

export async function loadTaskConfig(file: string, options: TaskConfigOptions = {}): Promise<TaskConfig> {
  const stage = parseTaskConfig(file, options);
  options.warnings?.push(...stage.warnings);
  if (stage.problems.length > 0 || !stage.config) throw new ConfigError(stage.problems, stage.warnings);
  return stage.config;
}

export async function loadConfigPair(options: ConfigPairOptions): Promise<LoadedConfigPair> {
  const adapter = parseAdapterConfig(options.configFile, options);
  const task = parseTaskConfig(options.taskConfigFile, options);
  const problems = [...adapter.problems, ...task.problems];
  let warnings = [...adapter.warnings, ...task.warnings];
  if (adapter.config && task.config && adapter.ctx && task.ctx)
    checkDeployment(
      adapter.config,
      task.config,
      { adapter: adapter.ctx, task: task.ctx },
      options.purpose ?? 'serve',
      problems,
      warnings,
    );
  if (problems.length > 0 || !adapter.config || !task.config) throw new ConfigError(problems, warnings);
  warnings = sortProblems(warnings);
  const metadata: LoadedConfigPair['metadata'] = {};
  if (adapter.metadata) metadata.adapter = adapter.metadata;
  if (task.metadata) metadata.task = task.metadata;
  return {
    adapter: adapter.config,
    task: task.config,
    warnings,
    metadata,
    documents: { adapter: adapter.ctx?.value, task: task.ctx?.value },
    fileRoots: task.fileRoots ?? fileParamRoots({ taskConfigFile: options.taskConfigFile }),
  };
}

// ---------------------------------------------------------------------------------------------

interface Document {
  file: string;
  value: unknown;
  root: SourceNode;
  prefix: string[];
  metadata?: Envelope['metadata'];
  problems: ConfigProblem[];
}

function readDocument(file: string, kind: ConfigKind): Document {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    return {
      file,
      value: undefined,
      root: { pos: { line: 0, column: 0 } },
      prefix: [],
      problems: [fileProblem(file, `cannot read ${kind}: ${reason}`)],
    };
  }
  const parsed = parseYamlSource(text);
  const problems: ConfigProblem[] = parsed.issues.map((i) => ({
    file,
    path: '',
    line: i.pos.line,
    column: i.pos.column,
    message: i.message,
  }));
  if (problems.length > 0) return { file, value: undefined, root: parsed.root, prefix: [], problems };
  if (parsed.value === null || parsed.value === undefined) {
    return {
      file,
      value: undefined,
      root: parsed.root,
      prefix: [],
      problems: [fileProblem(file, `the ${kind} file is empty`, 1)],
    };
  }
  const unwrapped = unwrap(parsed.value, kind, file, parsed.root);
  const doc: Document = {
    file,
    value: unwrapped.value,
    root: parsed.root,
    prefix: unwrapped.prefix,
    problems: unwrapped.problems,
  };
  if (unwrapped.metadata) doc.metadata = unwrapped.metadata;
  return doc;
}

function fileProblem(file: string, message: string, line = 0): ConfigProblem {
  return { file, path: '', line, column: line > 0 ? 1 : 0, message };
}

function contextOf(doc: Document, schema: z.ZodType): ProblemContext {
  return { file: doc.file, root: doc.root, schema, value: doc.value, prefix: doc.prefix };
}

function parseAdapterConfig(file: string, options: AdapterConfigOptions): Stage<AdapterConfig> {
  const doc = readDocument(file, 'AdapterConfig');
  if (doc.problems.length > 0) return { problems: doc.problems, warnings: [] };
  const specNode = locate(doc.root, doc.prefix).node;
  // The wrapped form named the adapter in metadata.name (spec.adapter held only the version).
  if (doc.metadata?.name && isPlainMap(doc.value)) {
    const adapter = doc.value['adapter'];
    if (adapter === undefined || adapter === null) doc.value['adapter'] = { name: doc.metadata.name };
    else if (isPlainMap(adapter) && adapter['name'] === undefined) adapter['name'] = doc.metadata.name;
  }
  const problems: ConfigProblem[] = [];
  const ctx = contextOf(doc, AdapterConfigSchema);
  for (const issue of normalizeAliases(doc.value, specNode, AdapterConfigSchema)) {
    problems.push(problemAt(ctx, issue.path, issue.message, { atKey: true }));
  }
  const value = applyOverrides(doc.value, specNode, options.env ?? process.env, options.flags ?? {});
  ctx.value = value;
  const parsed = AdapterConfigSchema.safeParse(value);
  if (!parsed.success) problems.push(...problemsFromZod(parsed.error.issues, ctx));
  const stage: Stage<AdapterConfig> = { problems, warnings: [], ctx };
  if (parsed.success) stage.config = parsed.data;
  if (doc.metadata) stage.metadata = doc.metadata;
  return stage;
}

function parseTaskConfig(file: string, options: TaskConfigOptions): Stage<TaskConfig> {
  const doc = readDocument(file, 'AdapterTaskConfig');
  const env = options.env ?? process.env;
  const problems: ConfigProblem[] = [...doc.problems];
  const warnings: ConfigProblem[] = [];
  if (doc.problems.length > 0) return { problems, warnings };

  const envMounts = parseMounts(env['HYPERFLEET_ADAPTER_MOUNTS'] ? [env['HYPERFLEET_ADAPTER_MOUNTS']] : []);
  for (const e of envMounts.errors) problems.push(fileProblem('<env HYPERFLEET_ADAPTER_MOUNTS>', e));
  const mounts = { ...envMounts.mounts, ...options.mounts };
  const resolveRef = createRefResolver({ baseDir: path.dirname(path.resolve(file)), mounts });
  const fileRoots = fileParamRoots({ taskConfigFile: file, mounts, env });
  for (const entry of invalidRootEntries(env))
    warnings.push(
      fileProblem(`<env ${FILE_ROOTS_ENV}>`, `${JSON.stringify(entry)} is not an absolute path: ignored`),
    );
  const schema = TASK_SCHEMA;
  const ctx = contextOf(doc, schema);
  const specNode = locate(doc.root, doc.prefix).node;
  for (const issue of normalizeAliases(doc.value, specNode, schema)) {
    problems.push(problemAt(ctx, issue.path, issue.message, { atKey: true }));
  }
  const parsed = withRefs(resolveRef, () => schema.safeParse(doc.value));
  if (!parsed.success) problems.push(...problemsFromZod(parsed.error.issues, ctx));
  const reporter: SemanticReporter = {
    error: (p, message, hint) => problems.push(problemAt(ctx, p, message, { hint })),
    warning: (p, message, hint) => warnings.push(problemAt(ctx, p, message, { hint })),
    inFile: (refFile, line, column, p, message, hint, severity = 'error') =>
      (severity === 'error' ? problems : warnings).push({
        file: refFile,
        path: formatPath([...ctx.prefix, ...p]),
        line,
        column,
        message,
        ...(hint ? { hint } : {}),
      }),
  };
  checkTaskSemantics(
    parsed.success
      ? { ...parsed.data, ...parsed.data.post, raw: doc.value }
      : withRefs(resolveRef, () => partialTask(doc.value, schema)),
    { env, inspectTemplate },
    reporter,
  );
  if (parsed.success) {
    parsed.data.params.forEach((param, i) => {
      if (param.source.kind !== 'file' || isInsideAny(fileRoots, path.resolve(param.source.file.path)))
        return;
      reporter.warning(
        ['params', i, 'source', 'file', 'path'],
        `file ${JSON.stringify(param.source.file.path)} is outside the folders a file param may read (${fileRoots.join(', ')}): the Go adapter reads it, this adapter refuses it when the param is extracted`,
        `mount the file under one of them, or add its folder to ${FILE_ROOTS_ENV}`,
      );
    });
  }
  const stage: Stage<TaskConfig> = { problems, warnings, ctx, fileRoots };
  if (parsed.success) {
    attachDecodedManifests(parsed.data, doc);
    stage.config = parsed.data;
  }
  if (doc.metadata) stage.metadata = doc.metadata;
  return stage;
}

/** Each inline manifest as yaml.v3 decodes it: the Go adapter marshals and renders that (lib/yaml-go). */
function attachDecodedManifests(task: TaskConfig, doc: Document): void {
  task.resources.forEach((resource, i) => {
    if (resource.manifest.kind !== 'inline') return;
    const at = [...doc.prefix, 'resources', i, 'manifest'];
    const { node, depth } = locate(doc.root, at);
    // Not enumerable: dumps and comparisons of the config see the manifest as written.
    if (depth === at.length && node.decoded)
      Object.defineProperty(resource.manifest, 'decoded', { value: node.decoded, enumerable: false });
  });
}

/**
 * The task schema is built once (building zod schemas costs more than parsing a config);
 * the ref resolver of the load in progress is swapped in around each synchronous parse.
 */
let activeResolver: RefResolver | undefined;
const TASK_SCHEMA = createTaskConfigSchema((ref) =>
  activeResolver ? activeResolver(ref) : { ok: false, message: 'internal: no ref resolver active' },
);

function withRefs<T>(resolver: RefResolver, parse: () => T): T {
  const previous = activeResolver;
  activeResolver = resolver;
  try {
    return parse();
  } finally {
    activeResolver = previous;
  }
}

/**
 * Each list item validated on its own, so semantic checks still run on the items that are fine;
 * an item that fails is salvaged field by field (a typo in `discovery` must not hide an
 * undefined variable in the same item's manifest). Its fields that fail are replaced by neutral
 * values that no check reports on: their own problems are already in the list.
 */
function partialTask(raw: unknown, schema: z.ZodType): SemanticTask {
  const items = <T>(
    section: string[],
    fill: Record<string, unknown>,
    rebuild: (salvaged: Record<string, unknown>, item: Record<string, unknown>) => unknown = (x) => x,
  ): (T | undefined)[] => {
    const v = valueAt(raw, section);
    const element = schemaAt(schema, [...section, 0]);
    if (!Array.isArray(v) || !element) return [];
    return v.map((item) => {
      const r = element.safeParse(item);
      if (r.success) return r.data as T;
      return isPlainMap(item) ? (rebuild(salvage(item, element, fill), item) as T) : undefined;
    });
  };
  // The payload transform builds the tree from the whole item: build it from `build` alone
  // (a build_ref is read only by a payload that validates).
  const payloads = items<Payload>(['post', 'payloads'], { name: '' }, (salvaged, item) => ({
    ...salvaged,
    build: toBuildValue({ kind: 'value', value: 'build_ref' in item ? undefined : item['build'] }, () => {}),
    build_ref: undefined,
  }));
  return {
    params: items<Param>(['params'], { name: '', source: { kind: 'path', path: '' } }),
    preconditions: items<Precondition>(['preconditions'], { name: '', capture: [], conditions: [] }),
    resources: items<Resource>(['resources'], {
      name: '',
      manifest: { kind: 'inline', value: {} },
      discovery: {},
      transport: { client: 'kubernetes' },
      nested_discoveries: [],
    }),
    payloads,
    post_actions: items<PostAction>(['post', 'post_actions'], { name: '' }),
    raw,
  };
}

/** The fields of `item` that pass their own schema, defaults for the absent ones, else `fill`. */
function salvage(
  item: Record<string, unknown>,
  element: z.ZodType,
  fill: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of allowedKeys(element) ?? []) {
    const child = childSchema(element, key);
    const r = child?.safeParse(item[key]);
    if (r?.success && r.data !== undefined) out[key] = r.data;
    else if (key in fill) out[key] = fill[key];
  }
  return out;
}

/** Field references and syntax of one Go template (lib/template), for the semantic checks. */
const inspectTemplate: TemplateInspector = (text, name) => compileTemplate(text, name);
