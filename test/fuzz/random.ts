/** A seeded generator (mulberry32): the same seed gives the same inputs, so a finding replays. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** In [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** `weighted([[3, 'a'], [1, 'b']])` is 'a' three times in four. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    const total = choices.reduce((s, [w]) => s + w, 0);
    let r = this.next() * total;
    for (const [w, v] of choices) {
      r -= w;
      if (r < 0) return v;
    }
    return (choices[choices.length - 1] as readonly [number, T])[1];
  }

  /** A string of `length` characters drawn from `alphabet`. */
  string(length: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  /** Any characters: ASCII, controls, Latin-1, astral, lone surrogates. */
  wild(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) {
      const kind = this.int(0, 9);
      const code =
        kind < 5
          ? this.int(0x20, 0x7e)
          : kind < 7
            ? this.int(0, 0x1f)
            : kind === 7
              ? this.int(0x80, 0x2fff)
              : kind === 8
                ? this.int(0xd800, 0xdfff)
                : this.int(0x1f300, 0x1f6ff);
      out += String.fromCodePoint(code);
    }
    return out;
  }
}
