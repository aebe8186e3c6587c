import { readFile } from 'node:fs/promises';
import { registerSecret } from '../observability/logger.ts';
import { HyperfleetTokenError } from './errors.ts';
import { headerValueProblem } from './headers.ts';

/**
 * The bearer token from a file (a projected service-account token rotates in place). With a
 * TTL the token is cached that long; with none (0) the file is read for every request. One
 * read is shared by concurrent callers. The token never enters an error message: a file an
 * HTTP header cannot carry (a line break or another control character inside it, a character
 * outside printable ASCII) is refused here, saying where, before any HTTP library quotes it.
 * Like an unreadable file it is retryable (the event is answered 503): a fixed Secret heals it.
 */
export class FileTokenSource {
  readonly #path: string;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #cached: string | undefined;
  #expiresAt = 0;
  #inflight: Promise<string> | undefined;

  constructor(path: string, ttlMs = 0, now: () => number = Date.now) {
    this.#path = path;
    this.#ttlMs = Math.max(0, ttlMs);
    this.#now = now;
  }

  async get(): Promise<string> {
    if (this.#cached !== undefined && this.#ttlMs > 0 && this.#now() < this.#expiresAt) return this.#cached;
    this.#inflight ??= this.#read().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #read(): Promise<string> {
    let raw: string;
    try {
      raw = await readFile(this.#path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
      throw new HyperfleetTokenError(`cannot read bearer token file ${this.#path} (${code})`);
    }
    registerSecret(raw);
    const token = raw.trim();
    if (token === '') throw new HyperfleetTokenError(`bearer token file ${this.#path} is empty`);
    registerSecret(token);
    const problem = headerValueProblem(token, { asciiOnly: true });
    if (problem) throw new HyperfleetTokenError(`bearer token file ${this.#path} ${problem}`);
    if (this.#ttlMs > 0) {
      this.#cached = token;
      this.#expiresAt = this.#now() + this.#ttlMs;
    }
    return token;
  }
}
