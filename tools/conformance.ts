/**
 * Conformance runner: our engines against Go reference implementations, vector by vector.
 *
 * A suite is pluggable. It is a folder test/conformance/<suite>/ holding
 *   vectors.json     [{ "id": "...", ...inputs }]
 *   expected.json    [{ "id": "...", ...result }], written by the Go oracle and committed
 *   exceptions.json  optional [{ "id": "...", "reason": "..." }]: known, documented gaps;
 *                    an exception whose vector matches is reported stale and fails the run
 * plus a module tools/conformance/<suite>.ts whose default export is a ConformanceSuite:
 *   run(vector)               our engine's result, in the shape the oracle writes (with id)
 *   compare?(expected, got)   undefined when they agree, else a one-line difference
 *                             (default: deep equality of the JSON values)
 *   oracle?                   { cwd, command, args } relative to the repository root; default
 *                             `go run ./cmd/<suite> -in <vectors> -out <expected>` in tools/oracle
 *   vectors?, expected?       paths relative to the root, defaulting to the folder above
 *
 * `npm run conformance` regenerates every expected.json with its oracle when `go` is on PATH,
 * then compares; `npm run conformance:check` (--no-oracle) compares with the committed files.
 * Other arguments name the suites to run (default: all). The last line is always
 * `conformance: N vectors, M match`; the exit code is 1 when a mismatch is not excepted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

export interface ConformanceVector {
  id: string;
}

export interface ConformanceSuite<
  V extends ConformanceVector = ConformanceVector,
  R extends { id: string } = { id: string },
> {
  name?: string;
  vectors?: string;
  expected?: string;
  oracle?: { cwd: string; command: string; args: string[] };
  run(vector: V): R | Promise<R>;
  compare?(expected: R, actual: R): string | undefined;
}

interface Exception {
  id: string;
  reason: string;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SUITES_DIR = join(ROOT, 'test/conformance');
const ORACLE_DIR = join(ROOT, 'tools/oracle');

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function hasGo(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

function runOracle(name: string, oracle: { cwd: string; command: string; args: string[] }): boolean {
  console.log(`[${name}] oracle: ${oracle.command} ${oracle.args.join(' ')} (in ${oracle.cwd})`);
  const started = Date.now();
  const r = spawnSync(oracle.command, oracle.args, {
    cwd: resolve(ROOT, oracle.cwd),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) {
    console.log(`[${name}] oracle failed (exit ${r.status ?? r.signal})`);
    return false;
  }
  console.log(`[${name}] oracle done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return true;
}

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const noOracle = args.includes('--no-oracle');
  const only = args.filter((a) => !a.startsWith('--'));
  const names = readdirSync(SUITES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(SUITES_DIR, d.name, 'vectors.json')))
    .map((d) => d.name)
    .filter((n) => only.length === 0 || only.includes(n))
    .sort();
  const useOracle = !noOracle && hasGo();
  if (!noOracle && !useOracle)
    console.log('go is not on PATH: comparing against the committed expected.json');

  let total = 0;
  let matched = 0;
  let unexcused = 0;
  for (const name of names) {
    const pluginPath = join(ROOT, 'tools/conformance', `${name}.ts`);
    const dir = join(SUITES_DIR, name);
    if (!existsSync(pluginPath)) {
      const count = readJson<ConformanceVector[]>(join(dir, 'vectors.json')).length;
      console.log(`[${name}] no plug-in at tools/conformance/${name}.ts`);
      total += count;
      unexcused += count;
      continue;
    }
    const mod = (await import(pathToFileURL(pluginPath).href)) as { default: ConformanceSuite };
    const suite = mod.default;
    const vectorsPath = suite.vectors ? resolve(ROOT, suite.vectors) : join(dir, 'vectors.json');
    const expectedPath = suite.expected ? resolve(ROOT, suite.expected) : join(dir, 'expected.json');
    const vectors = readJson<ConformanceVector[]>(vectorsPath);
    total += vectors.length;
    const oracle = suite.oracle ?? {
      cwd: relative(ROOT, ORACLE_DIR),
      command: 'go',
      args: ['run', `./cmd/${name}`, '-in', vectorsPath, '-out', expectedPath],
    };
    if (useOracle && !runOracle(name, oracle)) {
      unexcused += vectors.length;
      continue;
    }
    if (!existsSync(expectedPath)) {
      console.log(`[${name}] no expected.json (run with go on PATH to generate it)`);
      unexcused += vectors.length;
      continue;
    }
    const expected = new Map(readJson<{ id: string }[]>(expectedPath).map((r) => [r.id, r]));
    const exceptionsPath = join(dir, 'exceptions.json');
    const exceptions = new Map(
      (existsSync(exceptionsPath) ? readJson<Exception[]>(exceptionsPath) : []).map((e) => [e.id, e.reason]),
    );
    const compare =
      suite.compare?.bind(suite) ??
      ((a: { id: string }, b: { id: string }) => (isDeepStrictEqual(a, b) ? undefined : 'results differ'));
    let suiteMatched = 0;
    const used = new Set<string>();
    for (const vector of vectors) {
      const want = expected.get(vector.id);
      let got: { id: string };
      try {
        got = await suite.run(vector);
      } catch (e) {
        got = { id: vector.id, crash: e instanceof Error ? `${e.name}: ${e.message}` : String(e) } as {
          id: string;
        };
      }
      const diff = want === undefined ? 'missing from expected.json' : compare(want, got);
      if (diff === undefined) {
        suiteMatched++;
        continue;
      }
      used.add(vector.id);
      const reason = exceptions.get(vector.id);
      console.log(`${reason === undefined ? 'MISMATCH' : 'excepted'} ${name}/${vector.id}: ${diff}`);
      console.log(`  expected: ${want === undefined ? '-' : show(want)}`);
      console.log(`  got:      ${show(got)}`);
      if (reason === undefined) unexcused++;
      else console.log(`  reason:   ${reason}`);
    }
    // An exception is checked both ways: one whose vector now matches (or is gone) is stale.
    for (const id of exceptions.keys()) {
      if (used.has(id)) continue;
      console.log(`STALE exception ${name}/${id}: the vector matches or no longer exists; remove it`);
      unexcused++;
    }
    console.log(`[${name}] ${vectors.length} vectors, ${suiteMatched} match`);
    matched += suiteMatched;
  }
  console.log(`conformance: ${total} vectors, ${matched} match`);
  return unexcused === 0 ? 0 : 1;
}

process.exitCode = await main();
