/**
 * Header values checked before any HTTP library sees them: undici's `Headers.set` error (and
 * grpc-js's metadata error) quote the whole value, and the value is often a credential.
 */

/** Names whose values are credentials: never printed, and scrubbed from what a peer echoes. */
export function isSensitiveHeader(name: string): boolean {
  const n = name.toLowerCase();
  return (
    n === 'authorization' ||
    n === 'proxy-authorization' ||
    n === 'cookie' ||
    n === 'set-cookie' ||
    /(^|[-_])(api[-_]?key|key|token|secret|password|passwd|auth|session|credentials?|signature)($|[-_])/.test(
      n,
    )
  );
}

/**
 * Why `value` cannot be sent as a header value (a phrase for "header X ..."), without quoting
 * it; undefined when it can. Fetch refuses NUL, CR, LF and surrounding whitespace and only
 * carries Latin-1; `asciiOnly` also refuses what a Go client would send as other bytes.
 */
export function headerValueProblem(value: string, options: { asciiOnly?: boolean } = {}): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) return `holds a line break at character ${i + 1}`;
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return `holds a control character at character ${i + 1}`;
    if (c > 0xff || (options.asciiOnly && c > 0x7e))
      return `holds a non-ASCII character at character ${i + 1}`;
  }
  if (value !== value.trim()) return 'starts or ends with whitespace';
  return undefined;
}

/** Why `name` is not a header name (RFC 9110 token), or undefined. */
export function headerNameProblem(name: string): string | undefined {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name) ? undefined : 'is not a valid header name';
}
