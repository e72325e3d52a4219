// The end-of-document token in a masking preview's text: a packed example joins documents with
// </s> (T5's EOS), which the preview's text decodes as those four characters. The Masking screen
// shows each as a marked token, so it does not read as text of the documents.

/** The EOS token as T5 tokenizers (and the byte tokenizer) decode it. */
export const DOCUMENT_END = '</s>';

/** What the marked token means, on hover. */
export const DOCUMENT_END_MEANING = 'End of a document (the EOS token): packed examples join documents with it';

export interface TextPiece {
  readonly text: string;
  /** This piece is one DOCUMENT_END. */
  readonly isDocumentEnd: boolean;
}

/** `text` cut at each DOCUMENT_END, in order, without empty pieces. */
export function splitDocumentEnds(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  text.split(DOCUMENT_END).forEach((part, index) => {
    if (index > 0) pieces.push({ text: DOCUMENT_END, isDocumentEnd: true });
    if (part !== '') pieces.push({ text: part, isDocumentEnd: false });
  });
  return pieces;
}
