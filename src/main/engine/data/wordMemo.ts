// Per-chunk memoised encoding: a text's ids are the ids of its chunks (the runs between
// boundary characters) back to back, which wordMemoPlan.ts shows is exact for T5-style
// pipelines; each distinct chunk is encoded once and remembered. Natural text repeats its
// words (Zipf), so most chunks are hits. Memory is bounded: two generations of at most
// `maxEntries` entries (and 48 bytes of text and ids an entry on average) each — when the young
// one fills it becomes the old one and the previous old one is dropped; a hit in the old
// generation moves the entry back to the young one.
// NOTE: not a Map<string, number[]>: that needs a sliced string per word and chases ~5
// pointers per lookup, which was most of the time. Here a hash is computed while scanning and
// an entry's text and ids sit together in one typed array (ChunkTable), so a hit allocates
// nothing and touches about two cache lines.

export interface WordMemoOptions {
  /**
   * Entries per generation (so at most twice this many are held), and 48 bytes of text and ids
   * per entry on average: about 17 MB a generation at the default 262,144.
   */
  readonly maxEntries?: number;
  /** Longer chunks (UTF-16 units) are encoded but not remembered. Default 64. */
  readonly maxChunkChars?: number;
}

export interface WordMemoStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
}

/** Pool budget per entry: length, count, ~8 code units, ~2 ids. Bounds memory for long words too. */
const POOL_INTS_PER_ENTRY = 12;

/** Entries a generation starts with room for; it grows (doubling) up to maxEntries. */
const INITIAL_ENTRIES = 4096;

/**
 * One generation: chunk → ids. Slots hold (hash, pool offset), open addressing; the pool
 * holds each entry as [length, id count, code units…, ids…] in one Int32Array, so a lookup
 * touches about two cache lines and nothing is allocated per entry. Both start small and
 * double as entries come, so a tokenizer that encodes one prompt holds little.
 */
class ChunkTable {
  size = 0;
  pool: Int32Array;
  private slots: Int32Array;
  private mask: number;
  private used = 0;

  constructor(private readonly maxEntries: number) {
    const entries = Math.min(maxEntries, INITIAL_ENTRIES);
    let capacity = 16;
    while (capacity < entries * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.slots = new Int32Array(capacity * 2);
    this.pool = new Int32Array(Math.max(64, entries * POOL_INTS_PER_ENTRY));
  }

  /** Holds maxEntries, or its pool's share of memory (long words) is used up. */
  get isFull(): boolean {
    return this.size >= this.maxEntries || this.used >= this.maxEntries * POOL_INTS_PER_ENTRY;
  }

  /** The pool offset of text[start, end) with hash `hash` (never 0), or -1. */
  find(hash: number, text: string, start: number, end: number): number {
    const length = end - start;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const h = this.slots[slot * 2];
      if (h === 0) return -1;
      if (h !== hash) continue;
      const at = this.slots[slot * 2 + 1];
      if (this.pool[at] !== length) continue;
      let k = 0;
      while (k < length && this.pool[at + 2 + k] === text.charCodeAt(start + k)) k++;
      if (k === length) return at;
    }
  }

  /** Adds text[start, end) (known to be absent) with `ids`; returns its pool offset. */
  add(hash: number, text: string, start: number, end: number, ids: ArrayLike<number>): number {
    const length = end - start;
    const need = 2 + length + ids.length;
    if (this.used + need > this.pool.length) {
      // Doubling, but not past the budget isFull checks (plus the entry that crosses it).
      const budget = this.maxEntries * POOL_INTS_PER_ENTRY + need;
      const grown = new Int32Array(Math.max(this.used + need, Math.min(this.pool.length * 2, budget)));
      grown.set(this.pool.subarray(0, this.used));
      this.pool = grown;
    }
    const at = this.used;
    this.pool[at] = length;
    this.pool[at + 1] = ids.length;
    for (let k = 0; k < length; k++) this.pool[at + 2 + k] = text.charCodeAt(start + k);
    for (let k = 0; k < ids.length; k++) this.pool[at + 2 + length + k] = ids[k];
    this.used += need;
    this.place(hash, at);
    this.size++;
    if (this.size * 2 > this.mask + 1) this.rehash();
    return at;
  }

  private place(hash: number, at: number): void {
    let slot = hash & this.mask;
    while (this.slots[slot * 2] !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot * 2] = hash;
    this.slots[slot * 2 + 1] = at;
  }

  /** Doubles the slots (at most to twice maxEntries: a full table is retired, not grown). */
  private rehash(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = old.length - 1; // slots hold 2 ints each: old.length / 2 slots → old.length
    for (let slot = 0; slot < old.length; slot += 2) if (old[slot] !== 0) this.place(old[slot], old[slot + 1]);
  }

  /** The ids of the entry at pool offset `at`. */
  ids(at: number): Int32Array {
    return this.pool.subarray(at + 2 + this.pool[at], at + 2 + this.pool[at] + this.pool[at + 1]);
  }
}

export class WordMemo {
  private young: ChunkTable;
  private old: ChunkTable;
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
    this.maxEntries = options.maxEntries ?? 262_144;
    this.maxChunkChars = options.maxChunkChars ?? 64;
    this.young = new ChunkTable(this.maxEntries);
    this.old = new ChunkTable(0);
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
    this.young = new ChunkTable(this.maxEntries);
    this.old = new ChunkTable(0);
  }

  /** Ids of `text`: the same as encodeChunk(text) for a pipeline wordMemoPlan accepts. */
  encode(text: string): number[] {
    const out: number[] = [];
    const ascii = this.asciiBoundary;
    const wide = this.wideBoundaries;
    const n = text.length;
    let i = 0;
    while (i < n) {
      let code = text.charCodeAt(i);
      if (code < 128 ? ascii[code] === 1 : wide.has(code)) {
        i++;
        continue;
      }
      // FNV-1a over the chunk's code units, found together with its end.
      let hash = 0x811c9dc5;
      let end = i;
      do {
        hash = Math.imul(hash ^ code, 0x01000193);
        if (++end === n) break;
        code = text.charCodeAt(end);
      } while (code < 128 ? ascii[code] === 0 : !wide.has(code));
      this.lookup(hash | 1, text, i, end, out);
      i = end;
    }
    return out;
  }

  /** Appends the ids of text[start, end) to `out`, from the memo or encoded now. */
  private lookup(hash: number, text: string, start: number, end: number, out: number[]): void {
    let table = this.young;
    let at = table.find(hash, text, start, end);
    if (at < 0) {
      at = this.old.find(hash, text, start, end);
      let ids: ArrayLike<number>;
      if (at >= 0) {
        this.hitCount++;
        ids = this.old.ids(at);
      } else {
        this.missCount++;
        ids = this.encodeChunk(text.slice(start, end));
        if (end - start > this.maxChunkChars) {
          for (let k = 0; k < ids.length; k++) out.push(ids[k]);
          return;
        }
      }
      if (this.young.isFull) {
        this.old = this.young;
        this.young = new ChunkTable(this.maxEntries);
      }
      table = this.young;
      at = table.add(hash, text, start, end, ids);
    } else this.hitCount++;
    const pool = table.pool;
    const first = at + 2 + pool[at];
    for (let k = first; k < first + pool[at + 1]; k++) out.push(pool[k]);
  }
}
