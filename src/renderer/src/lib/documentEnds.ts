// The end-of-document token on the Masking screen: a marked token, so it does not read as text of
// the documents (shared/documentEnds.ts finds it), with what it means on hover.

/** What the marked token means, on hover. */
export const DOCUMENT_END_MEANING =
  'End of a document (the EOS token): packed examples join documents with it, and per-document examples and typed text end with it';
