/**
 * The standing fuzz suite: generated events through the served function (over raw sockets,
 * against the HyperFleet API double, with API faults armed), and generated configurations,
 * templates and CEL through `validate` and the dry run (in a child process it kills when an
 * input hangs). It counts
 *   crashes  the function process exiting, an exception escaping a command, an answer 500,
 *            an exit code other than 0/1/2;
 *   hangs    an input not answered within 2 s (a config: each of its validate and dry
 *            runs), twice in a row (the second time alone, so a loaded machine's pause is
 *            not a finding), or liveness not answering;
 *   leaks    the marker secret (in the token file, the API key, an API answer that echoes
 *            them) in any answer, log line, output or request the API received;
 *   answers  outside 200/400/413/415/422/503, requests steered off the cluster routes, and
 *            log lines that are not one JSON object each;
 * and exits 1 on any. `--count N` (default 12000), `--seed S`, `--verbose`.
 * The last line: `fuzz: N inputs, C crashes, H hangs, L leaks, ...`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fixture, type Harness, startHarness } from '../support/function-harness.ts';
import { API_KEY, ConfigGenerator, type ConfigInput, MARK } from './configs.ts';
import { type EventRequest, type FaultSpec, nextEvent, type RawAnswer, sendRaw } from './events.ts';
import { Random } from './random.ts';
import type { WorkerAnswer } from './worker.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '12000' },
    seed: { type: 'string', default: '20261204' },
    verbose: { type: 'boolean', default: false },
  },
});
const COUNT = Number(values.count);
const SEED = Number(values.seed);
const HANG_MS = 2000;
const ALLOWED = new Set([200, 400, 413, 415, 422, 503]);
const TOKEN = `${MARK}-bearer-token`;
/** The routes an event may reach: its cluster and the cluster's statuses. */
const ROUTE = /^\/api\/hyperfleet\/v1\/clusters\/[a-z0-9]([-a-z0-9]*[a-z0-9])?(\/statuses)?$/;

interface Finding {
  kind: 'crash' | 'hang' | 'leak' | 'answer' | 'steered' | 'log';
  input: string;
  detail: string;
}
const findings: Finding[] = [];
const find = (kind: Finding['kind'], input: string, detail: string) => {
  findings.push({ kind, input, detail: detail.slice(0, 600) });
  if (values.verbose || findings.length <= 20)
    process.stderr.write(`fuzz: ${kind} ${input}: ${detail.slice(0, 300)}\n`);
};
const leakCheck = (input: string, where: string, text: string) => {
  if (text.includes(MARK))
    find(
      'leak',
      input,
      `${where}: …${text.slice(Math.max(0, text.indexOf(MARK) - 80), text.indexOf(MARK) + 40)}…`,
    );
};

// --- the function ------------------------------------------------------------------------

async function startFunctionUnderTest(dir: string): Promise<Harness> {
  const tokenPath = path.join(dir, 'token');
  await writeFile(tokenPath, `${TOKEN}\n`);
  const adapter = fixture('adapter-config.yaml').replace(
    '    max_delay: 20ms\n',
    `    max_delay: 20ms\n    default_headers:\n      x-api-key: "${API_KEY}"\n    auth:\n      token_path: ${tokenPath}\n`,
  );
  const task = fixture('task-config.yaml').replace(
    'preconditions:\n',
    'preconditions:\n  - name: statusesReadable\n    api_call:\n      method: GET\n      url: /clusters/{{ .clusterId }}/statuses\n',
  );
  return startHarness({
    adapterConfig: adapter,
    taskConfig: task,
    api: { requireToken: TOKEN },
    env: { LOG_LEVEL: 'debug', HYPERFLEET_EVENT_TIMEOUT: '1500ms' },
  });
}

async function eventCampaign(count: number, r: Random): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hf-fuzz-fn-'));
  let h = await startFunctionUnderTest(dir);
  let logsChecked = 0;
  let requestsChecked = 0;
  let crashed = false;
  const watch = (harness: Harness) =>
    harness.fn.exited.then(({ code, signal }) => {
      if (harness === h && !stopping) {
        crashed = true;
        find('crash', 'function', `the function process exited (code ${code}, signal ${signal})`);
      }
    });
  let stopping = false;
  void watch(h);
  const port = () => Number(new URL(h.fn.url).port);
  const echo = (): FaultSpec => ({
    status: r.pick([400, 401, 500, 502]),
    headers: { 'content-type': r.pick(['text/plain', 'application/problem+json']) },
    body: `upstream said: Authorization: Bearer ${TOKEN}; x-api-key: ${API_KEY}`,
  });
  const checkOutputs = (input: string) => {
    const logs = h.fn.logs();
    for (const line of logs.slice(logsChecked)) {
      leakCheck(input, 'function log', line.raw);
      if (line.raw.trim() !== '' && !line.raw.startsWith('{'))
        find('log', input, `not a JSON log line: ${JSON.stringify(line.raw.slice(0, 200))}`);
    }
    logsChecked = logs.length;
    const requests = h.api.requests;
    for (const req of requests.slice(requestsChecked)) {
      // The readiness probe's GET of the API root (sent without credentials) is the function's own.
      const probe = req.method === 'GET' && req.path === '/api/hyperfleet';
      if (!probe && (!ROUTE.test(req.path) || req.path.includes('?')))
        find('steered', input, `${req.method} ${req.path}`);
      leakCheck(input, 'request to the API', `${req.path}\n${req.body}`);
    }
    requestsChecked = requests.length;
  };

  const one = async (req: EventRequest): Promise<RawAnswer | 'timeout' | 'closed'> => {
    if (req.cluster)
      h.api.putCluster({ id: req.cluster, name: req.cluster, generation: 1, spec: { ready: true } });
    if (req.fault !== undefined) h.api.failNext(1, req.fault);
    return sendRaw(port(), '/', req, HANG_MS);
  };
  for (let i = 0; i < count; i++) {
    const req = nextEvent(r, i, echo);
    let answer = await one(req);
    if (answer === 'timeout') {
      h.api.clearFaults();
      answer = await one({ ...req, fault: undefined } as EventRequest);
      if (answer === 'timeout') find('hang', req.id, `not answered within ${HANG_MS} ms, twice`);
    }
    h.api.clearFaults();
    if (answer !== 'timeout') {
      if (answer === 'closed') {
        // A connection closed without an answer: only for bytes that are not HTTP.
        if (!req.id.startsWith('event/raw/'))
          find(
            'answer',
            req.id,
            `connection closed without an answer (${req.body.length} bytes${req.chunked ? ', chunked' : ''}, ${req.headers['content-type'] ?? 'binary'})`,
          );
      } else {
        if (!ALLOWED.has(answer.status))
          find('answer', req.id, `answered ${answer.status}: ${answer.body.slice(0, 300)}`);
        leakCheck(req.id, 'answer', answer.body);
      }
    }
    if (i % 50 === 49 || i === count - 1) {
      const live = await sendRaw(
        port(),
        '/health/liveness',
        { method: 'GET', headers: {}, body: Buffer.alloc(0) },
        HANG_MS,
      );
      if (live === 'timeout') find('hang', req.id, 'liveness not answered within 2 s');
      checkOutputs(req.id);
    }
    if (crashed) {
      crashed = false;
      await h.close().catch(() => undefined);
      h = await startFunctionUnderTest(dir);
      logsChecked = 0;
      requestsChecked = 0;
      void watch(h);
    }
  }
  const metrics = await h.fn.metrics();
  leakCheck('function', 'metrics', metrics);
  const readiness = await h.fn.get('/health/readiness');
  leakCheck('function', 'readiness', readiness.body);
  checkOutputs('function');
  stopping = true;
  await h.close();
  await rm(dir, { recursive: true, force: true });
  return count;
}

// --- configurations ----------------------------------------------------------------------

class Worker {
  private child: ChildProcess | undefined;
  private pending: ((a: WorkerAnswer | 'timeout' | 'exit' | { tick: true }) => void) | undefined;
  private current = 'worker';
  stderr = '';

  async start(): Promise<void> {
    const child = fork(path.join(import.meta.dirname, 'worker.ts'), [], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    const scan = (d: Buffer) => leakCheck(this.current, 'worker output', d.toString('utf8'));
    child.stdout?.on('data', scan);
    child.stderr?.on('data', (d: Buffer) => {
      scan(d);
      this.stderr = (this.stderr + d.toString('utf8')).slice(-4000);
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) =>
        reject(new Error(`fuzz worker exited at start (${code}): ${this.stderr}`)),
      );
    });
    child.on('message', (m: WorkerAnswer | { tick: true }) => this.pending?.(m));
    child.on('exit', () => this.pending?.('exit'));
  }

  run(input: ConfigInput): Promise<WorkerAnswer | 'timeout' | 'exit'> {
    this.current = input.id;
    return new Promise((resolve) => {
      let timer = setTimeout(() => settle('timeout'), HANG_MS);
      const settle = (a: WorkerAnswer | 'timeout' | 'exit' | { tick: true }) => {
        clearTimeout(timer);
        if (typeof a === 'object' && 'tick' in a) {
          timer = setTimeout(() => settle('timeout'), HANG_MS);
          return;
        }
        this.pending = undefined;
        resolve(a);
      };
      this.pending = settle;
      this.child?.send(input);
    });
  }

  async restart(): Promise<void> {
    this.stop();
    await this.start();
  }

  stop(): void {
    this.child?.removeAllListeners('exit');
    this.child?.kill('SIGKILL');
  }
}

async function configCampaign(count: number, r: Random): Promise<number> {
  const generator = new ConfigGenerator();
  const worker = new Worker();
  await worker.start();
  const outcomes = { valid: 0, refused: 0, ran: 0 };
  for (let i = 0; i < count; i++) {
    const input = generator.next(r, i);
    let answer = await worker.run(input);
    if (answer === 'timeout' || answer === 'exit') {
      const first = answer;
      await worker.restart();
      answer = await worker.run(input);
      if (answer === 'timeout') {
        find('hang', input.id, `validate/dry-run not done within ${HANG_MS} ms, twice`);
        await worker.restart();
        continue;
      }
      if (answer === 'exit') {
        find('crash', input.id, `the process exited (${first} first): ${worker.stderr.slice(-500)}`);
        await worker.restart();
        continue;
      }
    }
    if (answer.crash) find('crash', input.id, answer.crash);
    if (![0, 1, 2].includes(answer.validateCode))
      find('crash', input.id, `validate exited ${answer.validateCode}`);
    for (const code of answer.dryRunCodes)
      if (![0, 1, 2].includes(code)) find('crash', input.id, `dry-run exited ${code}`);
    if (
      /\bTypeError\b|\bRangeError\b|Cannot read properties|is not a function|Maximum call stack/.test(
        answer.output,
      )
    )
      find('crash', input.id, `an internal error in the output: ${answer.output.slice(0, 400)}`);
    leakCheck(input.id, 'validate/dry-run output', answer.output);
    if (answer.validateCode === 0) outcomes.valid++;
    else outcomes.refused++;
    if (answer.dryRunCodes.length > 0) outcomes.ran++;
  }
  worker.stop();
  process.stderr.write(
    `fuzz: configurations: ${outcomes.valid} valid (${outcomes.ran} dry-run), ${outcomes.refused} refused\n`,
  );
  return count;
}

// --- main --------------------------------------------------------------------------------

const started = performance.now();
const events = Math.round(COUNT * 0.4);
const [sentEvents, sentConfigs] = await Promise.all([
  eventCampaign(events, new Random(SEED)),
  configCampaign(COUNT - events, new Random(SEED + 1)),
]);
const by = (k: Finding['kind']) => findings.filter((f) => f.kind === k).length;
const total = sentEvents + sentConfigs;
process.stdout.write(
  `fuzz: ${total} inputs, ${by('crash')} crashes, ${by('hang')} hangs, ${by('leak')} leaks, ${by('answer')} unexpected answers, ${by('steered')} steered requests, ${by('log')} non-JSON log lines (seed ${SEED}, ${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
);
process.exit(findings.length === 0 && total >= COUNT ? 0 : 1);
