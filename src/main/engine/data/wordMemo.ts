// Per-chunk memoised encoding: a text's ids are the ids of its chunks (the runs between
// boundary characters) back to back, which wordMemoPlan.ts shows is exact for T5-style
// pipelines; each distinct chunk is encoded once and remembered. Natural text repeats its
// words (Zipf), so most chunks are hits. Memory is bounded: two generations of at most
// `maxEntries` each — when the young one fills it becomes the old one and the previous old
// one is dropped; a hit in the old generation moves the entry back to the young one.

/** Ids of one chunk: a single id as a number (most words), else an array. */
type ChunkIds = number | readonly number[];

export interface WordMemoOptions {
  /** Entries per generation (so at most twice this many are held). Default 131,072. */
  readonly maxEntries?: number;
  /** Longer chunks (UTF-16 units) are encoded but not remembered. Default 64. */
  readonly maxChunkChars?: number;
}

export interface WordMemoStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
}

export class WordMemo {
  private young = new Map<string, ChunkIds>();
  private old = new Map<string, ChunkIds>();
  private readonly maxEntries: number;
  private readonly maxChunkChars: number;
  /** Boundary flags for code units below 0x80; others are looked up in `wideBoundaries`. */
  private readonly asciiBoundary = new Uint8Array(128);
  private readonly wideBoundaries = new Set<number>();
  private hitCount = 0;
  private missCount = 0;

  /**
   * @param encodeChunk The plain encoder, applied to one chunk (no boundary characters inside).
   * @param boundaries The characters that separate chunks (all in the BMP).
   */
  constructor(
    private readonly encodeChunk: (chunk: string) => number[],
    boundaries: string,
    options: WordMemoOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 131_072;
    this.maxChunkChars = options.maxChunkChars ?? 64;
    for (let i = 0; i < boundaries.length; i++) {
      const code = boundaries.charCodeAt(i);
      if (code < 128) this.asciiBoundary[code] = 1;
      else this.wideBoundaries.add(code);
    }
  }

  get stats(): WordMemoStats {
    return { hits: this.hitCount, misses: this.missCount, entries: this.young.size + this.old.size };
  }

  /** Forgets every remembered chunk (the counters stay). */
  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }

  /** Ids of `text`: the same as encodeChunk(text) for a pipeline wordMemoPlan accepts. */
  encode(text: string): number[] {
    const out: number[] = [];
    const n = text.length;
    let i = 0;
    while (i < n) {
      while (i < n && this.isBoundary(text.charCodeAt(i))) i++;
      if (i === n) break;
      let end = i + 1;
      while (end < n && !this.isBoundary(text.charCodeAt(end))) end++;
      const ids = this.lookup(text.slice(i, end));
      if (typeof ids === 'number') out.push(ids);
      else for (let k = 0; k < ids.length; k++) out.push(ids[k]);
      i = end;
    }
    return out;
  }

  private isBoundary(code: number): boolean {
    return code < 128 ? this.asciiBoundary[code] === 1 : this.wideBoundaries.has(code);
  }

  private lookup(chunk: string): ChunkIds {
    let ids = this.young.get(chunk);
    if (ids !== undefined) {
      this.hitCount++;
      return ids;
    }
    ids = this.old.get(chunk);
    if (ids === undefined) {
      this.missCount++;
      const encoded = this.encodeChunk(chunk);
      if (chunk.length > this.maxChunkChars) return encoded;
      ids = encoded.length === 1 ? encoded[0] : encoded;
    } else this.hitCount++;
    if (this.young.size >= this.maxEntries) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(chunk, ids);
    return ids;
  }
}
