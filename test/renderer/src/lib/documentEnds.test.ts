// A masking preview's text cut at each end-of-document token.
import { describe, expect, it } from 'vitest';
import { splitDocumentEnds } from '../../../../src/renderer/src/lib/documentEnds';

const shown = (text: string): string =>
  splitDocumentEnds(text)
    .map((piece) => (piece.isDocumentEnd ? '[END]' : piece.text))
    .join('|');

describe('splitDocumentEnds', () => {
  it('marks each </s> as a piece of its own, in order, and keeps the text around it', () => {
    expect(shown('Colonies</s>We hold')).toBe('Colonies|[END]|We hold');
    expect(shown('</s>a</s></s>b</s>')).toBe('[END]|a|[END]|[END]|b|[END]');
    expect(splitDocumentEnds('plain text')).toEqual([{ text: 'plain text', isDocumentEnd: false }]);
    expect(splitDocumentEnds('')).toEqual([]);
  });

  it('leaves alone what only looks like it', () => {
    expect(shown('a </ s> b <s> c </S>')).toBe('a </ s> b <s> c </S>');
  });
});
