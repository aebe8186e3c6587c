/**
 * Runs one compat example through the dry run: the example's own files mounted at
 * /etc/adapter (read from the shared corpus, never copied), our event / canned API answers /
 * discovery overrides from test/fixtures/compat/<example>/<scenario>/, a fixed clock and the
 * env vars the e2e adapters read. Returns what the assertions need in comparable form.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DryRunOptions, dryRun } from '../../../lib/cli/dry-run.ts';
import type { DryRunReport } from '../../../lib/cli/dry-run-report.ts';
import type { ExecutionResult } from '../../../lib/executor/executor.ts';
import type { TransportRecord } from '../../../lib/transport/memory.ts';
import { selector } from './expectations.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** CI clones the repo next to a copy of shared/: the corpus is a sibling of the repo. */
export const EXAMPLES_DIR = resolve(REPO_ROOT, '../shared/compat/examples');
export const FIXTURES_DIR = join(REPO_ROOT, 'test/fixtures/compat');

export function requireExamples(): void {
  if (!existsSync(join(EXAMPLES_DIR, 'e2e-cl-maestro', 'task-config.yaml'))) {
    throw new Error(
      `compat examples not found at ${EXAMPLES_DIR}: these tests read the shared corpus ` +
        '(shared/compat/examples) from a checkout of shared/ placed next to the repository',
    );
  }
}

/** The instant every dry run sees as now (observed_time, CEL now(), TTL checks). */
export const NOW = new Date('2026-11-26T10:00:00Z');

/** What the e2e deployment sets; SECRET-like vars are added by the secrets test only. */
export const E2E_ENV: Record<string, string> = {
  NAMESPACE: 'hyperfleet-e2e',
  RUN_ID: 'run-4711',
  CI: 'true',
};

export interface ScenarioRun {
  report: DryRunReport;
  result: ExecutionResult;
}

/**
 * `discovery`: 'scenario' reads the fixture's discovery.json, 'example' the example's own
 * dryrun-discovery.json, undefined none (an empty cluster).
 */
export async function runScenario(
  example: string,
  scenario: string,
  discovery: 'scenario' | 'example' | undefined,
  overrides: Partial<DryRunOptions> = {},
): Promise<ScenarioRun> {
  const exDir = join(EXAMPLES_DIR, example);
  const fxDir = join(FIXTURES_DIR, example, scenario);
  const discoveryFile =
    discovery === 'scenario'
      ? join(fxDir, 'discovery.json')
      : discovery === 'example'
        ? join(exDir, 'dryrun-discovery.json')
        : undefined;
  return dryRun({
    configFile: join(exDir, 'adapter-config.yaml'),
    taskConfigFile: join(exDir, 'task-config.yaml'),
    eventFile: join(fxDir, 'event.json'),
    apiResponsesFile: join(fxDir, 'api-responses.json'),
    ...(discoveryFile ? { discoveryFile } : {}),
    mounts: [`/etc/adapter=${exDir}`],
    output: 'json',
    verbose: false,
    env: E2E_ENV,
    now: () => NOW,
    ...overrides,
  });
}

export interface StatusPut {
  method: string;
  /** The full URL the executor sent to. */
  url: string;
  /** Path under the API origin, as the API sees it. */
  path: string;
  raw: string;
  body: Record<string, unknown>;
}

/** Every status PUT the post actions sent, in order. */
export function statusPuts(result: ExecutionResult): StatusPut[] {
  const puts: StatusPut[] = [];
  for (const action of result.postActions) {
    const req = action.request;
    if (req?.method !== 'PUT') continue;
    const raw = req.body ?? '';
    puts.push({
      method: req.method,
      url: req.url,
      path: new URL(req.url).pathname,
      raw,
      body: JSON.parse(raw) as Record<string, unknown>,
    });
  }
  return puts;
}

/** "METHOD /path" for every HyperFleet API request, in order. */
export function apiCalls(report: DryRunReport): string[] {
  return report.apiRequests.map((r) => `${r.method} ${r.url}`);
}

/** One line per transport operation: client, operation, consumer, kind, namespace/name or selector, outcome. */
export function operations(report: DryRunReport): string[] {
  return report.transportOperations.map((r: TransportRecord) =>
    [
      r.client,
      r.operation,
      r.target === undefined ? '' : `@${r.target}`,
      r.kind,
      r.namespace === undefined ? '' : `ns=${r.namespace}`,
      r.name === undefined ? '' : `name=${r.name}`,
      r.labelSelector === undefined ? '' : `sel=${selector(r.labelSelector)}`,
      `=> ${r.outcome}`,
    ]
      .filter((part) => part !== '')
      .join(' '),
  );
}

/** The transport's writes only (reads are an implementation detail of discovery). */
export function mutations(report: DryRunReport): string[] {
  return operations(report).filter((line) => / (apply|delete) /.test(line));
}

/** One line per resource result (see ScenarioExpectation.resources). */
export function resourceLines(result: ExecutionResult): string[] {
  return result.resources.map((r) => {
    const where = `${r.namespace ? `${r.namespace}/` : ''}${r.resourceName ?? ''}`;
    return `${r.name}: ${r.operation ?? 'none'} ${r.kind ?? '-'} ${where}${r.target ? ` @${r.target}` : ''} [${r.status}]`;
  });
}

/** The objects applied, in order. */
export function applied(report: DryRunReport): NonNullable<TransportRecord['object']>[] {
  return report.transportOperations.flatMap((r) => (r.operation === 'apply' && r.object ? [r.object] : []));
}
