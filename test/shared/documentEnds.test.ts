// A masking preview's text cut at the end-of-document tokens the preview found by id, and
// without them (what a hole hid, as a model should fill it).
import { describe, expect, it } from 'vitest';
import { splitDocumentEnds, withoutDocumentEnds } from '../../src/shared/documentEnds';

const shown = (text: string, offsets: readonly number[]): string =>
  splitDocumentEnds(text, offsets)
    .map((piece) => (piece.isDocumentEnd ? '[END]' : piece.text))
    .join('|');

describe('splitDocumentEnds', () => {
  it('marks each end at its offset as a piece of its own, in order, and keeps the text around it', () => {
    expect(shown('Colonies</s>We hold', [8])).toBe('Colonies|[END]|We hold');
    expect(shown('</s>a</s></s>b</s>', [0, 5, 9, 14])).toBe('[END]|a|[END]|[END]|b|[END]');
    expect(splitDocumentEnds('plain text', [])).toEqual([{ text: 'plain text', isDocumentEnd: false }]);
    expect(splitDocumentEnds('', [])).toEqual([]);
  });

  it('leaves a typed "</s>" as text: only the offsets the preview gives are ends', () => {
    expect(shown('we wrote </s> here</s>next', [18])).toBe('we wrote </s> here|[END]|next');
    expect(shown('we wrote </s> here', [])).toBe('we wrote </s> here');
  });

  it('marks nothing at an offset where the text does not read </s>, or one that overlaps the last', () => {
    expect(shown('abc</s>', [1])).toBe('abc</s>');
    expect(shown('</s></s>', [0, 2])).toBe('[END]|</s>');
  });
});

describe('withoutDocumentEnds', () => {
  it('drops each end at its offset and keeps the text around it', () => {
    expect(withoutDocumentEnds('green park</s>', [10])).toBe('green park');
    expect(withoutDocumentEnds('Colonies</s>We hold', [8])).toBe('ColoniesWe hold');
  });

  it('leaves nothing of a hole that held only the end', () => {
    expect(withoutDocumentEnds('</s>', [0])).toBe('');
  });

  it('keeps a typed "</s>": only the offsets the preview gives are ends', () => {
    expect(withoutDocumentEnds('we wrote </s> here</s>', [18])).toBe('we wrote </s> here');
    expect(withoutDocumentEnds('we wrote </s> here', [])).toBe('we wrote </s> here');
  });
});
