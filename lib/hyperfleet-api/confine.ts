/**
 * What a value rendered into an `api_call` URL may do. A config's URL template fixes the
 * route (`/clusters/{{ .clusterId }}/statuses`); the values its actions print (an event's
 * `id`, an API answer's field) fill path segments or query values and must not change the
 * route: no `/`, `\`, `?`, `#` or control character of their own, no `.`/`..` segment (also
 * percent-encoded, which URL parsers resolve), no empty segment. The Go adapter checks none
 * of this (`path.Clean` resolves the dots, a fragment or query is dropped silently).
 */

/** One piece of a rendered URL: the template's own text, or what one of its actions printed. */
export interface UrlPart {
  text: string;
  /** True for template text, false for an action's output. */
  literal: boolean;
  /** The data keys the action reads (`clusterId`), for the refusal message. */
  params: readonly string[];
  /** The value may span segments (it also holds template text a control structure printed). */
  spansSegments?: boolean;
}

export interface UrlRefusal {
  /** The param (or params) whose value was refused; `the template` when it reads none. */
  param: string;
  reason: string;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why a value printed into the path or query may not be sent; undefined when it may. */
export function checkUrlParts(parts: readonly UrlPart[]): UrlRefusal | undefined {
  let rendered = '';
  let inQuery = false;
  const spans: { start: number; end: number; part: UrlPart }[] = [];
  for (const [i, part] of parts.entries()) {
    const start = rendered.length;
    rendered += part.text;
    if (part.literal) {
      if (!inQuery && /[?#]/.test(part.text)) inQuery = true;
      continue;
    }
    spans.push({ start, end: rendered.length, part });
    const refuse = (reason: string): UrlRefusal => ({ param: nameOf(part), reason });
    const v = part.text;
    if (CONTROL.test(v)) return refuse('a control character');
    if (v.includes('#')) return refuse('a "#" (it would cut the URL)');
    if (inQuery) {
      if (v.includes('&')) return refuse('a "&" in the query (it would add a query parameter)');
      continue;
    }
    if (v.includes('?')) return refuse('a "?" in the path (it would start a query)');
    if (v.includes('\\')) return refuse('a "\\" in the path (URL parsers read it as "/")');
    // The first action may print the URL's start (`{{ .href }}`, `{{ .baseUrl }}/...`);
    // any later one fills a segment or a part of one.
    const leading = i === 0 || part.spansSegments === true;
    if (!leading && v.includes('/')) return refuse('a "/" inside a path segment');
  }
  if (spans.length === 0) return undefined;

  // Segments some value contributed to, as the path will be read: decoded and dot-resolved.
  const pathStart = rendered.match(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i)?.[0].length ?? 0;
  const cut = rendered.slice(pathStart).search(/[?#]/);
  const pathEnd = cut === -1 ? rendered.length : pathStart + cut;
  let segStart = pathStart;
  for (let pos = pathStart; pos <= pathEnd; pos++) {
    if (pos < pathEnd && rendered[pos] !== '/') continue;
    const seg = rendered.slice(segStart, pos);
    const root = seg === '' && segStart === pathStart;
    const from = root
      ? undefined
      : spans.find(
          (s) =>
            (s.start < pos && s.end > segStart) ||
            (s.start === s.end && s.start >= segStart && s.start <= pos),
        );
    if (from) {
      const refuse = (reason: string): UrlRefusal => ({ param: nameOf(from.part), reason });
      const decoded = percentDecode(seg);
      if (seg === '') return refuse('an empty path segment');
      if (decoded === '.' || decoded === '..') return refuse(`a "${seg}" path segment`);
      if (/[/\\]/.test(decoded)) return refuse('an encoded "/" or "\\" in a path segment');
      if (CONTROL.test(decoded)) return refuse('an encoded control character');
    }
    segStart = pos + 1;
  }
  return undefined;
}

function nameOf(part: UrlPart): string {
  return part.params.length === 0 ? 'the template' : part.params.join(', ');
}

/** Decodes valid `%XX` escapes as bytes (UTF-8), leaving anything else as it is. */
function percentDecode(s: string): string {
  if (!s.includes('%')) return s;
  return s.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run.replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    }
  });
}

/** Splits a URL template into its text and its actions' source (`{{ ... }}`), or undefined when its actions are not all plain output (if/range/with/define...). */
export function splitUrlTemplate(template: string): { text: string; action?: string }[] | undefined {
  const out: { text: string; action?: string }[] = [];
  let pos = 0;
  while (pos < template.length) {
    const open = template.indexOf('{{', pos);
    if (open === -1) {
      out.push({ text: template.slice(pos) });
      break;
    }
    if (open > pos) out.push({ text: template.slice(pos, open) });
    const close = actionEnd(template, open + 2);
    if (close === -1) return undefined;
    const source = template.slice(open, close + 2);
    const inner = source.slice(2, -2).replace(/^-\s/, '').replace(/\s-$/, '').trim();
    if (
      /^(if|else|end|range|with|define|template|block|break|continue)\b/.test(inner) ||
      inner.startsWith('/*')
    )
      return undefined;
    if (/^\$\w*\s*:?=/.test(inner)) return undefined;
    // Trim markers eat the neighbouring text's spaces: leave such templates to the strict path.
    if (source.startsWith('{{- ') || source.endsWith(' -}}')) return undefined;
    out.push({ text: '', action: source });
    pos = close + 2;
  }
  return out;
}

/** Index of the `}}` closing an action opened before `from`, skipping quoted strings. */
function actionEnd(t: string, from: number): number {
  for (let i = from; i < t.length; i++) {
    const c = t[i];
    if (c === '"' || c === '`' || c === "'") {
      const quote = c;
      for (i++; i < t.length && t[i] !== quote; i++) if (quote !== '`' && t[i] === '\\') i++;
      continue;
    }
    if (c === '}' && t[i + 1] === '}') return i;
  }
  return -1;
}
