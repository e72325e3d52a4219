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

/** One word's lattice nodes, parallel arrays; endingAt[pos] lists the nodes ending at pos. */
interface LatticeNodes {
  readonly start: number[];
  readonly size: number[];
  readonly score: number[];
  readonly id: number[];
  readonly endingAt: number[][];
}

export class AsciiUnigram {
  private readonly children = new Map<number, number>();
  /** transformers.js' tokens_to_ids: a piece's last vocabulary index, added tokens on top. */
  private readonly ids = new Map<string, number>();
  private readonly replacement: string;
  /** Per trie node: the score and id of the piece ending there (NaN / -1: none). */
  private leafScore: number[] = [NaN];
  private leafId: number[] = [-1];
  /** Characters that start an added token: a word holding one goes the slow way. */
  private readonly addedStarts = new Set<number>();
  private readonly unkId: number;
  private readonly unkScore: number;
  private readonly isUsable: boolean;
  private readonly singleChar: boolean[] = new Array<boolean>(ALPHABET).fill(false);

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
      this.addedStarts.add(token.content.charCodeAt(0));
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
    for (const [piece] of model.vocab) {
      const id = ids.get(piece) ?? -1;
      const codes = this.codes(piece);
      // A piece that is an added token's text can never match: its first character sends
      // the word the slow way.
      if (codes !== null && id < scores.length) this.insert(codes, scores[id], id);
    }
  }

  /** Ids of `word` (no whitespace inside), or null when it is not plain ASCII this path handles. */
  encode(word: string): number[] | null {
    if (!this.isUsable || word.length === 0) return null;
    const codes = new Array<number>(word.length + 1);
    codes[0] = 0;
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      if (c < 0x21 || c > 0x7e || this.addedStarts.has(c)) return null;
      codes[i + 1] = c;
    }
    return this.lattice(codes, word);
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

  private insert(codes: number[], score: number, id: number): void {
    let node = 0;
    for (const c of codes) {
      let child = this.children.get(node * ALPHABET + c);
      if (child === undefined) {
        child = this.leafScore.length;
        this.leafScore.push(NaN);
        this.leafId.push(-1);
        this.children.set(node * ALPHABET + c, child);
      }
      node = child;
    }
    this.leafScore[node] = score;
    this.leafId[node] = id;
    if (codes.length === 1) this.singleChar[codes[0]] = true;
  }

  /** Unigram lattice + Viterbi over "▁" + word, as TokenLattice does it. */
  private lattice(codes: number[], word: string): number[] {
    const nodes = this.nodes(codes);
    // Viterbi: a node's best left neighbour is the first, in insertion order, with the highest
    // backtrace + own score; the start of the word acts as a node with backtrace 0.
    const count = nodes.start.length;
    const backtrace = new Array<number>(count);
    const prev = new Array<number>(count);
    const best = (pos: number, own: number): number => {
      if (pos === 0) return -1;
      let bestNode = -1;
      let bestScore = 0;
      for (const left of nodes.endingAt[pos]) {
        const s = backtrace[left] + own;
        if (bestNode === -1 || s > bestScore) {
          bestNode = left;
          bestScore = s;
        }
      }
      return bestNode;
    };
    for (let n = 0; n < count; n++) {
      const left = best(nodes.start[n], nodes.score[n]);
      prev[n] = left;
      backtrace[n] = (left < 0 ? 0 : backtrace[left]) + nodes.score[n];
    }
    const path: number[] = [];
    for (let n = best(codes.length, 0); n >= 0; n = prev[n]) path.push(n);
    path.reverse();
    return this.fuseUnknowns(path, nodes, word);
  }

  /** The lattice's nodes in insertion order: by start, then shortest first; <unk> where no 1-char piece. */
  private nodes(codes: number[]): LatticeNodes {
    const nodes: LatticeNodes = { start: [], size: [], score: [], id: [], endingAt: [] };
    for (let pos = 0; pos <= codes.length; pos++) nodes.endingAt.push([]);
    const add = (begin: number, size: number, score: number, id: number): void => {
      nodes.endingAt[begin + size].push(nodes.start.length);
      nodes.start.push(begin);
      nodes.size.push(size);
      nodes.score.push(score);
      nodes.id.push(id);
    };
    for (let begin = 0; begin < codes.length; begin++) {
      let node = 0;
      for (let j = begin; j < codes.length; j++) {
        const child = this.children.get(node * ALPHABET + codes[j]);
        if (child === undefined) break;
        node = child;
        if (this.leafId[node] >= 0) add(begin, j + 1 - begin, this.leafScore[node], this.leafId[node]);
      }
      if (!this.singleChar[codes[begin]]) add(begin, 1, this.unkScore, this.unkId);
    }
    return nodes;
  }

  /**
   * transformers.js fuse_unk, then ids: a run of <unk> tokens becomes one token whose text is
   * looked up again — unless the run's text so far is itself a piece with the <unk> id, in
   * which case the rest of the run is dropped (what fuse_unk does).
   */
  private fuseUnknowns(path: number[], nodes: LatticeNodes, word: string): number[] {
    const { start, size, id } = nodes;
    const full = this.replacement + word;
    const text = (n: number): string => full.slice(start[n], start[n] + size[n]);
    const out: number[] = [];
    for (let k = 0; k < path.length;) {
      if (id[path[k]] !== this.unkId) {
        out.push(id[path[k++]]);
        continue;
      }
      let fused = text(path[k]);
      while (++k < path.length && id[path[k]] === this.unkId) {
        if (this.ids.get(fused) !== this.unkId) fused += text(path[k]);
      }
      out.push(this.ids.get(fused) ?? this.unkId);
    }
    return out;
  }
}
