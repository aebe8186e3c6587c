/**
 * The Go adapter's side: `serve --dry-run-event ... --dry-run-output json --dry-run-verbose`
 * for the trace (API calls with bodies, resources, phases), and the same run as verbose text
 * for the rendered manifests (the JSON trace names transport operations but not what they
 * applied). Both are turned into the shared Shape.
 */
import { spawn } from 'node:child_process';
import type { Input } from './inputs.ts';
import { type ApiCall, canonical, PHASES, type Phase, parseBody, parseJson, type Shape } from './shape.ts';

export interface GoRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runGo(
  binary: string,
  input: Input,
  output: 'json' | 'text',
  env: NodeJS.ProcessEnv,
): Promise<GoRun> {
  const args = [
    'serve',
    '--config',
    input.config,
    '--task-config',
    input.taskConfig,
    '--dry-run-event',
    input.event,
    '--dry-run-verbose',
    '--dry-run-output',
    output,
  ];
  if (input.apiResponses) args.push('--dry-run-api-responses', input.apiResponses);
  if (input.discovery) args.push('--dry-run-discovery', input.discovery);
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: input.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

interface GoTrace {
  status: string;
  params?: Record<string, unknown>;
  preconditions?: { name: string; status: string; matched: boolean; error?: string }[];
  resources?: {
    name: string;
    kind?: string;
    namespace?: string;
    resourceName?: string;
    status: string;
    operation?: string;
    error?: string;
  }[];
  postActions?: { name: string; status: string; skipped?: boolean }[];
  errors?: Record<string, string>;
  apiRequests?: { method: string; url: string; statusCode: number; requestBody?: string }[];
}

/** `[verbose] Rendered manifest:` blocks of the text trace, by the resource row they follow. */
export function renderedManifests(text: string): { resource: string; manifest: unknown }[] {
  const lines = text.split('\n');
  const out: { resource: string; manifest: unknown }[] = [];
  let inResources = false;
  let current = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('Phase 3: Resources')) inResources = true;
    else if (/^Phase \d/.test(line)) inResources = false;
    if (!inResources) continue;
    const row = /^ {2}\[\d+\/\d+\] (\S+)\s/.exec(line);
    if (row) current = row[1] as string;
    if (line.trim() === '[verbose] Rendered manifest:') {
      const block: string[] = [];
      for (i++; i < lines.length; i++) {
        const l = lines[i] as string;
        block.push(l);
        if (l === '      }') break;
      }
      out.push({ resource: current, manifest: parseJson(block.join('\n')) });
    }
  }
  return out;
}

/** Go's trace (JSON run) and manifests (text run) as a Shape; a run that printed no trace was refused. */
export function goShape(json: GoRun, text: GoRun, paramNames: ReadonlySet<string>, now: number): Shape {
  let trace: GoTrace;
  try {
    trace = parseJson(json.stdout) as GoTrace;
  } catch {
    const lines = json.stderr.trim().split('\n');
    const refusal = (
      lines.find((l) => /^Error:/.test(l)) ??
      lines.find((l) => /error/i.test(l)) ??
      lines.at(-1) ??
      ''
    ).slice(0, 400);
    return { outcome: 'refused', exitCodeRefused: json.code, refusal };
  }
  const phases = Object.fromEntries(
    PHASES.map((p) => [p, trace.errors?.[p] === undefined ? 'ok' : 'failed']),
  ) as Record<Phase, 'ok' | 'failed'>;
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(trace.params ?? {}))
    if (paramNames.has(k)) params[k] = canonical(v, now);
  const env = trace.params?.['env'];
  const apiCalls: ApiCall[] = (trace.apiRequests ?? []).map((r) => {
    const body = parseBody(r.requestBody, now);
    return { method: r.method, url: r.url, status: r.statusCode, ...(body === undefined ? {} : { body }) };
  });
  return {
    outcome: trace.status === 'success' ? 'success' : 'failed',
    exitCode: json.code,
    phases,
    params,
    envNames: env && typeof env === 'object' ? Object.keys(env).sort() : [],
    preconditions: (trace.preconditions ?? []).map((p) => ({
      name: p.name,
      matched: p.matched,
      failed: p.status === 'failed',
    })),
    resources: (trace.resources ?? []).map((r) => ({
      name: r.name,
      status: r.status,
      operation: r.operation ?? '',
      kind: r.kind ?? '',
      namespace: r.namespace ?? '',
      resourceName: r.resourceName ?? '',
      failed: r.status === 'failed',
    })),
    // The text trace prints no resource rows once post has marked the resources skipped (a
    // 404 on the status PUT): what was rendered is not observable then.
    ...(/^Phase 3: Resources \.+ \S+\n {2}Reason: /m.test(text.stdout) && (trace.resources ?? []).length > 0
      ? {}
      : {
          manifests: renderedManifests(text.stdout).map((m) => ({
            resource: m.resource,
            manifest: canonical(m.manifest, now),
          })),
        }),
    postActions: (trace.postActions ?? []).map((p) => ({ name: p.name, status: p.status })),
    apiCalls,
  };
}
