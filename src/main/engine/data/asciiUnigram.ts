// A fast encoder for one plain-ASCII word under a Unigram tokenizer.json that wordMemoPlan
// accepts: the per-word memo's miss path for the common case, ~10× cheaper than a whole
// transformers.js encode call. It reproduces @huggingface/tokenizers 0.2's Unigram exactly:
// the lattice (pieces found by prefix search from each position, shortest first, an <unk>
// node where no one-character piece exists, score = min score − 10), Viterbi that keeps the
// first best left node in insertion order (strict >, the same float additions), fuse_unk,
// and the token → id lookup (the last vocabulary index of a piece). Why only plain ASCII: the
// accepted normalizers leave printable ASCII unchanged, such a word holds no whitespace, and
// with none of the added tokens' first characters in it no added token can match; so the
// pipeline reduces to Unigram on "▁" + word. Anything else returns null (use the full encode).

type Json = Record<string, unknown>;

/** Trie alphabet: printable ASCII by code; the Metaspace replacement as 0. */
const ALPHABET = 128;

/** Nodes with at least this many children get a dense 128-entry child table. */
const DENSE_CHILDREN = 12;

type Piece = { readonly codes: readonly number[]; readonly score: number; readonly id: number };

function compareCodes(a: Piece, b: Piece): number {
  const n = Math.min(a.codes.length, b.codes.length);
  for (let i = 0; i < n; i++) if (a.codes[i] !== b.codes[i]) return a.codes[i] - b.codes[i];
  return a.codes.length - b.codes.length;
}

/**
 * The vocabulary's plain-ASCII pieces as a trie: a node's children sit together (sorted by
 * code) so a walk stays in a few cache lines; wide nodes (the root, "▁") index a dense table
 * instead of scanning. Built from the pieces in sorted order, each sharing a path prefix with
 * the one before it, so no per-node maps are needed.
 */
class PieceTrie {
  /** Per node: the score and id of the piece ending there (id -1: none). */
  readonly leafScore: Float64Array;
  readonly leafId: Int32Array;
  private readonly childStart: Int32Array;
  private readonly childCode: Uint8Array;
  private readonly childNode: Int32Array;
  private readonly denseAt: Int32Array;
  private readonly dense: Int32Array;

  constructor(pieces: Piece[]) {
    pieces.sort(compareCodes);
    // Nodes in depth-first order; edge k leads from edgeParent[k] to node k + 1.
    const score: number[] = [NaN];
    const id: number[] = [-1];
    const edgeParent: number[] = [];
    const edgeCode: number[] = [];
    const path: number[] = [0]; // the previous piece's nodes, root first
    let previous: readonly number[] = [];
    for (const piece of pieces) {
      let shared = 0;
      while (shared < previous.length && shared < piece.codes.length && previous[shared] === piece.codes[shared])
        shared++;
      path.length = shared + 1;
      for (let depth = shared; depth < piece.codes.length; depth++) {
        edgeParent.push(path[depth]);
        edgeCode.push(piece.codes[depth]);
        path.push(score.length);
        score.push(NaN);
        id.push(-1);
      }
      score[path[piece.codes.length]] = piece.score;
      id[path[piece.codes.length]] = piece.id;
      previous = piece.codes;
    }
    this.leafScore = Float64Array.from(score);
    this.leafId = Int32Array.from(id);
    // Group the edges by parent (stable: children stay in code order).
    const nodes = score.length;
    this.childStart = new Int32Array(nodes + 1);
    for (const parent of edgeParent) this.childStart[parent + 1]++;
    for (let n = 0; n < nodes; n++) this.childStart[n + 1] += this.childStart[n];
    const fill = this.childStart.slice(0, nodes);
    this.childCode = new Uint8Array(edgeParent.length);
    this.childNode = new Int32Array(edgeParent.length);
    edgeParent.forEach((parent, k) => {
      this.childCode[fill[parent]] = edgeCode[k];
      this.childNode[fill[parent]++] = k + 1;
    });
    this.denseAt = new Int32Array(nodes).fill(-1);
    const wide: number[] = [];
    for (let n = 0; n < nodes; n++) if (this.childStart[n + 1] - this.childStart[n] >= DENSE_CHILDREN) wide.push(n);
    this.dense = new Int32Array(wide.length * ALPHABET).fill(-1);
    wide.forEach((n, k) => {
      this.denseAt[n] = k * ALPHABET;
      for (let e = this.childStart[n]; e < this.childStart[n + 1]; e++)
        this.dense[k * ALPHABET + this.childCode[e]] = this.childNode[e];
    });
  }

  /** The child of `node` along `code`, or -1. */
  child(node: number, code: number): number {
    const at = this.denseAt[node];
    if (at >= 0) return this.dense[at + code];
    const last = this.childStart[node + 1];
    for (let e = this.childStart[node]; e < last; e++) {
      const c = this.childCode[e];
      if (c === code) return this.childNode[e];
      if (c > code) return -1;
    }
    return -1;
  }
}

/** Growable scratch arrays for one word's lattice (reused between words). */
class Scratch {
  codes = new Int32Array(64);
  start = new Int32Array(256);
  size = new Int32Array(256);
  id = new Int32Array(256);
  score = new Float64Array(256);
  backtrace = new Float64Array(256);
  prev = new Int32Array(256);
  /** Nodes ending at each position, in insertion order: a linked list (head, tail, next). */
  endHead = new Int32Array(64);
  endTail = new Int32Array(64);
  next = new Int32Array(256);

  reserve(length: number, nodes: number): void {
    if (length > this.codes.length) {
      const n = length * 2;
      [this.codes, this.endHead, this.endTail] = [new Int32Array(n), new Int32Array(n), new Int32Array(n)];
    }
    if (nodes > this.start.length) {
      const n = nodes * 2;
      [this.start, this.size, this.id, this.prev, this.next] = [1, 2, 3, 4, 5].map(() => new Int32Array(n));
      [this.score, this.backtrace] = [new Float64Array(n), new Float64Array(n)];
    }
  }
}

export class AsciiUnigram {
  /** transformers.js' tokens_to_ids: a piece's last vocabulary index, added tokens on top. */
  private readonly ids = new Map<string, number>();
  private readonly replacement: string;
  private readonly trie: PieceTrie;
  /** 1 for characters that start an added token: a word holding one goes the slow way. */
  private readonly addedStart = new Uint8Array(ALPHABET);
  private readonly hasSingle = new Uint8Array(ALPHABET);
  private readonly unkId: number;
  private readonly unkScore: number;
  private readonly isUsable: boolean;
  private readonly maxPieceLength: number;
  private readonly scratch = new Scratch();

  /** @param json a tokenizer.json that planWordMemo accepted (Unigram, WhitespaceSplit + Metaspace). */
  constructor(json: Json) {
    const model = json.model as { vocab: [string, number][]; unk_id?: number | null };
    const pre = (json.pre_tokenizer as { pretokenizers: Json[] }).pretokenizers[1];
    const replacement = typeof pre.replacement === 'string' ? pre.replacement : '▁';
    this.replacement = replacement;
    const ids = this.ids;
    model.vocab.forEach(([piece], i) => ids.set(piece, i));
    const added = (Array.isArray(json.added_tokens) ? json.added_tokens : []) as { content: string; id: number }[];
    for (const token of added) {
      ids.set(token.content, token.id);
      const first = token.content.charCodeAt(0);
      if (first < ALPHABET) this.addedStart[first] = 1;
    }
    const scores = model.vocab.map(([, score]) => score);
    let minScore = scores[0];
    for (const s of scores) if (s < minScore) minScore = s;
    this.unkId = typeof model.unk_id === 'number' ? model.unk_id : -1;
    this.unkScore = minScore - 10;
    if (this.unkId >= 0) scores[this.unkId] = this.unkScore;
    // No fast path without an <unk> id, or when an added token starts with the replacement
    // (it could match at a word's start).
    this.isUsable = this.unkId >= 0 && !added.some((t) => t.content.startsWith(replacement));
    const pieces: { codes: number[]; score: number; id: number }[] = [];
    for (const [piece] of model.vocab) {
      const id = ids.get(piece) ?? -1;
      const codes = this.codes(piece);
      // A piece that is an added token's text can never match: its first character sends
      // the word the slow way.
      if (codes === null || id >= scores.length) continue;
      pieces.push({ codes, score: scores[id], id });
      if (codes.length === 1) this.hasSingle[codes[0]] = 1;
    }
    this.maxPieceLength = pieces.reduce((m, p) => Math.max(m, p.codes.length), 1);
    this.trie = new PieceTrie(pieces);
  }

  /** Ids of `word` (no whitespace inside), or null when it is not plain ASCII this path handles. */
  encode(word: string): number[] | null {
    if (!this.isUsable || word.length === 0) return null;
    const length = word.length + 1;
    this.scratch.reserve(length + 1, length * (this.maxPieceLength + 1));
    const codes = this.scratch.codes;
    codes[0] = 0;
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      if (c < 0x21 || c > 0x7e || this.addedStart[c] === 1) return null;
      codes[i + 1] = c;
    }
    const count = this.buildLattice(length);
    return this.fuseUnknowns(this.viterbi(length, count), word);
  }

  /** Trie codes of a piece, or null if it holds a character no plain-ASCII word has. */
  private codes(piece: string): number[] | null {
    const codes: number[] = [];
    for (let i = 0; i < piece.length; i++) {
      const c = piece.charCodeAt(i);
      if (piece[i] === this.replacement) codes.push(0);
      else if (c >= 0x21 && c <= 0x7e) codes.push(c);
      else return null;
    }
    return codes.length === 0 ? null : codes;
  }

  /**
   * The lattice's nodes in TokenLattice's insertion order: by start, then shortest first, and
   * an <unk> node of one character where no one-character piece exists. Returns the count.
   */
  private buildLattice(length: number): number {
    const { codes, endHead } = this.scratch;
    endHead.fill(-1, 0, length + 1);
    let count = 0;
    for (let begin = 0; begin < length; begin++) {
      let node = 0;
      for (let j = begin; j < length; j++) {
        node = this.trie.child(node, codes[j]);
        if (node < 0) break;
        const piece = this.trie.leafId[node];
        if (piece >= 0) count = this.addNode(count, begin, j + 1 - begin, piece, this.trie.leafScore[node]);
      }
      if (this.hasSingle[codes[begin]] === 0) count = this.addNode(count, begin, 1, this.unkId, this.unkScore);
    }
    return count;
  }

  /** Stores node `n` and links it into the list of nodes ending where it ends; returns n + 1. */
  private addNode(n: number, begin: number, length: number, id: number, score: number): number {
    const { endHead, endTail, next } = this.scratch;
    this.scratch.start[n] = begin;
    this.scratch.size[n] = length;
    this.scratch.id[n] = id;
    this.scratch.score[n] = score;
    const end = begin + length;
    next[n] = -1;
    if (endHead[end] < 0) endHead[end] = n;
    else next[endTail[end]] = n;
    endTail[end] = n;
    return n + 1;
  }

  /**
   * Viterbi as TokenLattice.viterbi: a node's left neighbour is the first, in insertion order,
   * with the highest backtrace + own score (the word's start acts as a node with backtrace
   * 0). Returns the best path's nodes, first to last.
   */
  private viterbi(length: number, count: number): number[] {
    const { start, score, backtrace, prev, endHead, next } = this.scratch;
    for (let n = 0; n <= count; n++) {
      const pos = n < count ? start[n] : length; // n === count: the end of the word
      const own = n < count ? score[n] : 0;
      let best = -1;
      let bestScore = own;
      if (pos > 0) {
        for (let left = endHead[pos]; left >= 0; left = next[left]) {
          const s = backtrace[left] + own;
          if (best === -1 || s > bestScore) {
            best = left;
            bestScore = s;
          }
        }
      }
      if (n === count) {
        const path: number[] = [];
        for (let k = best; k >= 0; k = prev[k]) path.push(k);
        return path.reverse();
      }
      prev[n] = best;
      backtrace[n] = pos === 0 ? 0 + own : bestScore;
    }
    return [];
  }

  /**
   * transformers.js fuse_unk, then ids: a run of <unk> tokens becomes one token whose text is
   * looked up again — unless the run's text so far is itself a piece with the <unk> id, in
   * which case the rest of the run is dropped (what fuse_unk does).
   */
  private fuseUnknowns(path: number[], word: string): number[] {
    const { start, size, id } = this.scratch;
    const out: number[] = [];
    for (let k = 0; k < path.length;) {
      if (id[path[k]] !== this.unkId) {
        out.push(id[path[k++]]);
        continue;
      }
      const full = this.replacement + word;
      let fused = full.slice(start[path[k]], start[path[k]] + size[path[k]]);
      while (++k < path.length && id[path[k]] === this.unkId) {
        if (this.ids.get(fused) !== this.unkId) fused += full.slice(start[path[k]], start[path[k]] + size[path[k]]);
      }
      out.push(this.ids.get(fused) ?? this.unkId);
    }
    return out;
  }
}
