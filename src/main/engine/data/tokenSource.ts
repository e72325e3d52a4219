// Random access to tokenized documents, whatever holds them (memory, the token cache
// file, a train/validation subset). Span corruption and batching read through this.

export interface TokenSource {
  readonly documentCount: number;
  readonly totalTokens: number;
  documentLength(doc: number): number;
  /** Ids of document `doc` in [start, end) (token positions within the document). */
  readTokens(doc: number, start: number, end: number): Int32Array;
}

export class InMemoryTokenSource implements TokenSource {
  readonly totalTokens: number;
  private readonly docs: Int32Array[];

  constructor(docs: readonly ArrayLike<number>[]) {
    this.docs = docs.map((d) => Int32Array.from(d));
    this.totalTokens = this.docs.reduce((a, d) => a + d.length, 0);
  }

  get documentCount(): number {
    return this.docs.length;
  }

  documentLength(doc: number): number {
    return this.docs[doc].length;
  }

  readTokens(doc: number, start: number, end: number): Int32Array {
    return this.docs[doc].subarray(start, end);
  }
}

/** A view of some documents of `source` (e.g. the training side of a split), renumbered 0…n−1. */
export function subsetTokenSource(source: TokenSource, documents: ArrayLike<number>): TokenSource {
  const map = Uint32Array.from(documents);
  let total = 0;
  for (let i = 0; i < map.length; i++) total += source.documentLength(map[i]);
  return {
    documentCount: map.length,
    totalTokens: total,
    documentLength: (doc) => source.documentLength(map[doc]),
    readTokens: (doc, start, end) => source.readTokens(map[doc], start, end),
  };
}

/** Documents of `source` not listed in `excluded` (sorted or not). */
export function complementIndices(documentCount: number, excluded: readonly number[]): Uint32Array {
  const skip = new Uint8Array(documentCount);
  for (const i of excluded) skip[i] = 1;
  const out = new Uint32Array(documentCount - new Set(excluded).size);
  let k = 0;
  for (let i = 0; i < documentCount; i++) if (skip[i] === 0) out[k++] = i;
  return out;
}
