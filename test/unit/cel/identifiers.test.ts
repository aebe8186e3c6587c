import { describe, expect, it } from 'vitest';
import { compileCel } from '../../../lib/cel/index.ts';

const ids = (e: string) => compileCel(e).identifiers;

describe('CelProgram.identifiers', () => {
  it('lists free top-level variables, sorted and unique', () => {
    expect(ids('b.x + a.y + b.z')).toEqual(['a', 'b']);
  });

  it('excludes macro iteration variables but keeps what the macro body reads from outside', () => {
    expect(ids('resources.?x.?status.?conditions.orValue([]).exists(c, c.type == wanted)')).toEqual([
      'resources',
      'wanted',
    ]);
    expect(ids('l.map(v, v.name).filter(n, n != skip)')).toEqual(['l', 'skip']);
    expect(ids('pools.sortBy(p, p.replicas)')).toEqual(['pools']);
  });

  it('treats a macro variable as free outside its macro', () => {
    expect(ids('l.all(c, c > 0) && c')).toEqual(['c', 'l']);
  });

  it('excludes the environment namespaces', () => {
    expect(ids('lists.range(n).size() + strings.quote(s).size() + optional.of(o).value()')).toEqual([
      'n',
      'o',
      's',
    ]);
  });

  it('includes variables read inside has(), map literals and ternaries', () => {
    expect(ids('has(r.x) ? {"k": v}[key] : [w][0]')).toEqual(['key', 'r', 'v', 'w']);
  });
});
