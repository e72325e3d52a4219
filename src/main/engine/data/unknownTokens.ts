// Tokens that became the tokenizer's <unk>: text its vocabulary cannot represent (a
// SentencePiece model without byte fallback, such as T5's, maps any character outside it, and a
// run of them, to <unk>). Counted from the ids as a text is tokenized, plus a few characters
// that did: each distinct character of a text holding <unk> is encoded alone, once. Not the
// note's words (shared/tokenNotes.ts). A byte-level tokenizer has no <unk>: null throughout.
import type { UnknownTokenCount } from '../../../shared/contract/datasets';
import { UNKNOWN_CHARACTERS_SHOWN } from '../../../shared/tokenNotes';
import { LITERAL_SPECIAL_TEXT, type TextTokenizer } from './tokenizer';
import type { TokenSource } from './tokenSource';

/**
 * Bounds on the search for characters: texts with <unk> searched, and distinct characters tried
 * (each one encode call), so text whose <unk> no single character explains (a literal "<unk>")
 * costs little however large the dataset.
 */
const TEXTS_SEARCHED = 64;
const CHARACTERS_TRIED = 4096;

/** Counts <unk> over many texts (a dataset's documents, in order) and keeps a few characters that became it. */
export class UnknownTokenCounter {
  private count = 0;
  private readonly characters: string[] = [];
  /** Characters tried alone: whether each became <unk>. */
  private readonly tried = new Map<string, boolean>();
  private textsSearched = 0;

  constructor(private readonly tokenizer: TextTokenizer) {}

  /** Counts the <unk> in `ids`, the tokens of `text()` (read only while characters are still looked for). */
  add(ids: ArrayLike<number>, text: () => string): void {
    const unknownId = this.tokenizer.unknownId;
    if (unknownId === null) return;
    let found = 0;
    for (let i = 0; i < ids.length; i++) if (ids[i] === unknownId) found++;
    if (found === 0) return;
    this.count += found;
    if (this.characters.length < UNKNOWN_CHARACTERS_SHOWN && this.textsSearched < TEXTS_SEARCHED) {
      this.textsSearched++;
      this.search(text(), unknownId);
    }
  }

  /** null: the tokenizer has no <unk>. */
  result(): UnknownTokenCount | null {
    return this.tokenizer.unknownId === null ? null : { count: this.count, characters: [...this.characters] };
  }

  /** Characters of `text` that encode to <unk> alone, outside special-token text (whose ids are its own, or dropped). */
  private search(text: string, unknownId: number): void {
    for (const character of text.replace(LITERAL_SPECIAL_TEXT, ' ')) {
      if (this.tried.has(character)) continue;
      if (this.tried.size >= CHARACTERS_TRIED) return;
      const isUnknown = this.tokenizer.encode(character).includes(unknownId);
      this.tried.set(character, isUnknown);
      if (isUnknown && this.characters.push(character) >= UNKNOWN_CHARACTERS_SHOWN) return;
    }
  }
}

/** The <unk> among `ids`, the tokens of `text`; null when the tokenizer has none. */
export function countUnknownTokens(
  tokenizer: TextTokenizer,
  text: string,
  ids: ArrayLike<number>,
): UnknownTokenCount | null {
  const counter = new UnknownTokenCounter(tokenizer);
  counter.add(ids, () => text);
  return counter.result();
}

/**
 * The count again from the ids a token cache holds (one written before counts were kept):
 * `textOf(doc)` gives a document's text, asked only of documents with <unk> while characters
 * are still looked for. One pass over the ids, no tokenizing beyond single characters.
 */
export function recountUnknownTokens(
  source: TokenSource,
  tokenizer: TextTokenizer,
  textOf: (doc: number) => string,
): UnknownTokenCount | null {
  const counter = new UnknownTokenCounter(tokenizer);
  if (tokenizer.unknownId === null) return null;
  for (let doc = 0; doc < source.documentCount; doc++) {
    counter.add(source.readTokens(doc, 0, source.documentLength(doc)), () => textOf(doc));
  }
  return counter.result();
}
