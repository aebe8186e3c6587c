/**
 * toYaml as Sprig does it (sigs.k8s.io/yaml, i.e. JSON then go-yaml v2 block style): sorted
 * keys, two-space indent, sequences not indented under their key, strings quoted when they
 * would read back as another type. Covers the data templates see (decoded JSON); exotic
 * scalars may be quoted differently from go-yaml.
 */

import { formatFloat } from './floatfmt.ts';
import { goJson } from './funcs.ts';
import { GoInt, isMap, mapKeys } from './values.ts';

const NEEDS_QUOTE =
  /^(|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|0x[0-9a-fA-F]+|0o?[0-7]+|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|<<)$/;
const PLAIN_UNSAFE = /^[\s\-?:,[\]{}#&*!|>'"%@`]|[\s]$|: |\s#|[\u0000-\u001f\u007f]/;

function scalarString(s: string): string {
  if (s.includes('\n')) return null as unknown as string;
  if (NEEDS_QUOTE.test(s)) return `"${s}"`;
  if (PLAIN_UNSAFE.test(s) || s.startsWith('- ') || s === '-') {
    if (/[\u0000-\u001f\u007f]/.test(s)) return goJson(s);
    return `'${s.replace(/'/g, "''")}'`;
  }
  return s;
}

function scalar(v: unknown): string | null {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof GoInt) return v.value.toString();
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return BigInt(v).toString();
    return formatFloat(v, 'g', -1);
  }
  if (v instanceof Date) return scalarString(JSON.parse(goJson(v)) as string);
  if (typeof v === 'string') return v.includes('\n') ? null : scalarString(v);
  if (Array.isArray(v) && v.length === 0) return '[]';
  if (isMap(v) && mapKeys(v).length === 0) return '{}';
  return null;
}

function literal(s: string, indent: string): string {
  const chomp = s.endsWith('\n') ? (s.endsWith('\n\n') ? '+' : '') : '-';
  const body = (chomp === '' ? s.slice(0, -1) : chomp === '+' ? s.slice(0, -1) : s).split('\n');
  return `|${chomp}\n${body.map((l) => (l === '' ? '' : indent + l)).join('\n')}`;
}

function emit(v: unknown, indent: string, out: string[], prefix: string): void {
  const sc = scalar(v);
  if (sc !== null) {
    out.push(prefix + sc);
    return;
  }
  if (typeof v === 'string') {
    out.push(prefix + literal(v, indent + (prefix.startsWith('-') ? '  ' : '  ')));
    return;
  }
  if (Array.isArray(v)) {
    if (prefix !== '') out.push(prefix.trimEnd());
    for (const e of v) emit(e, `${indent}  `, out, `${indent}- `);
    return;
  }
  if (isMap(v)) {
    let first = prefix !== '' && prefix.trimStart().startsWith('-');
    if (prefix !== '' && !first) out.push(prefix.trimEnd());
    const keyIndent = first ? indent : prefix === '' ? indent : `${indent}  `;
    for (const k of mapKeys(v)) {
      const key = scalarString(k) ?? goJson(k);
      const child = v[k];
      const head = first ? prefix : keyIndent;
      first = false;
      const childSc = scalar(child);
      if (childSc !== null) out.push(`${head}${key}: ${childSc}`);
      else if (typeof child === 'string') out.push(`${head}${key}: ${literal(child, `${keyIndent}  `)}`);
      else if (Array.isArray(child)) {
        out.push(`${head}${key}:`);
        for (const e of child) emit(e, `${keyIndent}  `, out, `${keyIndent}- `);
      } else {
        out.push(`${head}${key}:`);
        emit(child, `${keyIndent}  `, out, '');
      }
    }
  }
}

export function toYaml(v: unknown): string {
  const out: string[] = [];
  emit(v, '', out, '');
  return out.join('\n');
}
