// The end-of-document token in a masking preview's text: the EOS after each document (packed
// examples join documents with it, typed text and per-document examples end with it), which the
// preview's text decodes as </s>. The preview says where each one is
// (MaskingPreviewSegment.documentEnds, found by token id): the same four characters typed in the
// text (kept as bytes by a byte-level tokenizer) stay text. The Masking screen shows each end as
// a marked token; what a hole hid, as a model should fill it (Playground verdicts, the demo's
// scores), is its text without them.

/** The EOS token as T5 tokenizers (and the byte tokenizer) decode it. */
export const DOCUMENT_END = '</s>';

export interface TextPiece {
  readonly text: string;
  /** This piece is one end-of-document token. */
  readonly isDocumentEnd: boolean;
}

/**
 * `text` cut at the end-of-document tokens that begin at `offsets` (ascending), in order,
 * without empty pieces. An offset where the text does not read DOCUMENT_END (a tokenizer that
 * decodes EOS otherwise) marks nothing.
 */
export function splitDocumentEnds(text: string, offsets: readonly number[]): TextPiece[] {
  const pieces: TextPiece[] = [];
  const pushText = (part: string): void => {
    if (part !== '') pieces.push({ text: part, isDocumentEnd: false });
  };
  let from = 0;
  for (const at of offsets) {
    if (at < from || !text.startsWith(DOCUMENT_END, at)) continue;
    pushText(text.slice(from, at));
    pieces.push({ text: DOCUMENT_END, isDocumentEnd: true });
    from = at + DOCUMENT_END.length;
  }
  pushText(text.slice(from));
  return pieces;
}

/**
 * `text` without the end-of-document tokens at `offsets`: what a noise span hid as a model should
 * write it (a hole that held only the EOS hid nothing, '').
 */
export function withoutDocumentEnds(text: string, offsets: readonly number[]): string {
  return splitDocumentEnds(text, offsets)
    .filter((piece) => !piece.isDocumentEnd)
    .map((piece) => piece.text)
    .join('');
}
