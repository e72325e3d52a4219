// The end-of-document token in a masking preview's text: a packed example joins documents with
// </s> (T5's EOS), which the preview's text decodes as those four characters. The Masking screen
// shows each as a marked token, so it does not read as text of the documents. The preview says
// where each one is (MaskingPreviewSegment.documentEnds, found by token id): the same four
// characters typed in the text (kept as bytes by a byte-level tokenizer) stay text.

/** The EOS token as T5 tokenizers (and the byte tokenizer) decode it. */
export const DOCUMENT_END = '</s>';

/** What the marked token means, on hover. */
export const DOCUMENT_END_MEANING = 'End of a document (the EOS token): packed examples join documents with it';

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
