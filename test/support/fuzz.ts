// Seeded random inputs for the adversarial suites: a small PRNG (mulberry32, so a failure
// names a seed that reproduces it) and random JSON values of every kind, including the
// awkward ones (control characters, lone surrogates, prototype keys, huge and deep values).

/** mulberry32: 32-bit state, good enough spread for test inputs; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class Fuzzer {
  readonly next: () => number;

  constructor(seed: number) {
    this.next = seededRandom(seed);
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /**
   * A short string of mixed characters. NOTE: never '/' or '.', so a fuzzed file path can only
   * name something inside the (empty) working directory, never '..' or an absolute path.
   */
  string(maxLength = 24): string {
    const pieces = [
      'a',
      'Z',
      '7',
      ' ',
      '_',
      '-',
      'é',
      '中',
      '😀',
      '\n',
      '\t',
      '\u0000',
      '\u007f',
      '\ud800',
      '<extra_id_0>',
    ];
    let text = '';
    const length = this.int(0, maxLength);
    for (let i = 0; i < length; i++) text += this.pick(pieces);
    return text;
  }

  number(): number {
    return this.pick([
      0,
      -1,
      1,
      0.5,
      -0.0001,
      2 ** 31,
      2 ** 32,
      2 ** 53 + 2,
      -(2 ** 63),
      1e308,
      Number.MIN_VALUE,
      this.int(-1000, 1000),
      this.next(),
    ]);
  }

  /** Any JSON value, nested up to `depth` levels. */
  value(depth = 3): unknown {
    const kinds = depth > 0 ? 7 : 5;
    switch (this.int(0, kinds - 1)) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.number();
      case 3:
      case 4:
        return this.string();
      case 5:
        return Array.from({ length: this.int(0, 4) }, () => this.value(depth - 1));
      default:
        return this.object(depth - 1);
    }
  }

  object(depth = 2): Record<string, unknown> {
    const keys = ['__proto__', 'constructor', 'toString', 'id', 'call', 'args', ''];
    const result: Record<string, unknown> = {};
    for (let i = this.int(0, 4); i > 0; i--) {
      Object.defineProperty(result, this.chance(0.3) ? this.pick(keys) : this.string(8), {
        value: this.value(depth),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return result;
  }

  /** A string of `bytes` characters, for oversize fields. */
  huge(bytes: number): string {
    return this.pick(['x', 'é', '\u0001']).repeat(bytes);
  }

  /** An array nested `depth` deep, as JSON text (building the value itself would recurse). */
  deepJson(depth: number): string {
    return `${'['.repeat(depth)}${']'.repeat(depth)}`;
  }
}
