/**
 * A dry run must not leak secrets: neither an Authorization default header from the
 * AdapterConfig nor an env var the task config does not declare may appear in the text or
 * JSON output, nor in the logs written while it runs (the Go adapter exposes the whole
 * environment to templates, CEL and the dry-run trace; this project must not).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runDryRun } from '../../../lib/cli/dry-run.ts';
import { E2E_ENV, EXAMPLES_DIR, FIXTURES_DIR, NOW, requireExamples, runScenario } from './harness.ts';

requireExamples();

const BEARER = 'sup3r-s3cret-t0ken';
const SECRET_ENV = 's3cr3t';
const VISIBLE_HEADER = 'compat-secrets-test';

let dir = '';
let configFile = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'compat-secrets-'));
  configFile = join(dir, 'adapter-config.yaml');
  await writeFile(
    configFile,
    [
      'adapter:',
      '  name: cl-namespace',
      'clients:',
      '  hyperfleet_api:',
      '    base_url: http://hyperfleet-api.hyperfleet.svc:8000',
      '    version: v1',
      '    default_headers:',
      `      Authorization: "Bearer ${BEARER}"`,
      `      X-Request-Source: ${VISIBLE_HEADER}`,
      '  kubernetes:',
      '    api_version: "v1"',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const env = { ...E2E_ENV, SECRET_TOKEN: SECRET_ENV };

async function output(format: 'text' | 'json'): Promise<{ stdout: string; stderr: string; code: number }> {
  const example = join(EXAMPLES_DIR, 'e2e-cl-namespace');
  const fixture = join(FIXTURES_DIR, 'e2e-cl-namespace', 'discovered');
  let stdout = '';
  let stderr = '';
  // Verbose logs go to the process's stderr: capture them too.
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    const code = await runDryRun(
      {
        configFile,
        taskConfigFile: join(example, 'task-config.yaml'),
        eventFile: join(fixture, 'event.json'),
        apiResponsesFile: join(fixture, 'api-responses.json'),
        discoveryFile: join(fixture, 'discovery.json'),
        mounts: [`/etc/adapter=${example}`],
        output: format,
        verbose: true,
        env,
        now: () => NOW,
      },
      {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
      },
    );
    return { stdout, stderr, code };
  } finally {
    spy.mockRestore();
  }
}

describe('dry-run output carries no secrets', () => {
  it('sends the configured Authorization header (the secret is really in play)', async () => {
    const { report, result } = await runScenario('e2e-cl-namespace', 'discovered', 'scenario', {
      configFile,
      env,
    });
    expect(result.status).toBe('success');
    expect(report.apiRequests.length).toBeGreaterThan(0);
    for (const r of report.apiRequests) {
      expect(r.headers['authorization']).toBe('[REDACTED]');
      expect(r.headers['x-request-source']).toBe(VISIBLE_HEADER);
    }
  });

  for (const format of ['text', 'json'] as const) {
    it(`${format} output and logs show neither the bearer token nor an undeclared env var`, async () => {
      const { stdout, stderr, code } = await output(format);
      expect(code).toBe(0);
      // Non-secret header values do show, so their absence below means redaction, not silence.
      if (format === 'json') expect(stdout).toContain(VISIBLE_HEADER);
      expect(stdout).toContain('cl-namespace');
      expect(stderr.length).toBeGreaterThan(0);
      for (const text of [stdout, stderr]) {
        expect(text).not.toContain(BEARER);
        expect(text).not.toContain(SECRET_ENV);
      }
    });
  }
});
