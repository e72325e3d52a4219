// Document hashing and the 64-bit hash set that drops repeated documents on import, and
// Markdown headings joined to the paragraph under them, and over-long documents cut into pieces.
import { describe, expect, it } from 'vitest';
import {
  DocumentSplitter,
  HashSet64,
  hashDocument,
  joinHeadings,
  type SplitMode,
} from '../../../../src/main/engine/data/documents';

describe('DocumentSplitter cuts', () => {
  const split = (mode: SplitMode, max: number, text: string, chunk = 3) => {
    const out: [string, boolean][] = [];
    const splitter = new DocumentSplitter(mode, max, (t, isContinued) => out.push([t, isContinued]));
    for (let i = 0; i < text.length; i += chunk) splitter.push(text.slice(i, i + chunk));
    splitter.end();
    return { out, cuts: splitter.cuts };
  };

  it('counts each document cut once, however many pieces, and marks the pieces after the first', () => {
    const { out, cuts } = split('line', 4, 'aaaaaaaaa\nbb\ncccccc\n');
    expect(out).toEqual([
      ['aaaa', false],
      ['aaaa', true],
      ['a', true],
      ['bb', false],
      ['cccc', false],
      ['cc', true],
    ]);
    expect(cuts).toEqual({ lineBreak: 0, space: 0, midLine: 3, documents: 2 });
  });

  it('counts a whole file cut many times as one document', () => {
    const { out, cuts } = split('whole', 5, 'one two three four five');
    expect(out.length).toBeGreaterThan(3);
    expect(out.map(([, isContinued]) => isContinued)).toEqual(out.map((_, i) => i > 0));
    expect(cuts.documents).toBe(1);
  });

  it('cuts a paragraph or line over the cap that arrives whole in one chunk', () => {
    const text = `${'a'.repeat(25)}\n\nbb\n\ncc`;
    expect(split('blank-line', 10, text, text.length).out).toEqual([
      ['a'.repeat(10), false],
      ['a'.repeat(10), true],
      ['a'.repeat(5), true],
      ['bb', false],
      ['cc', false],
    ]);
    expect(split('line', 10, text, text.length).out.map(([t]) => t.length)).toEqual([10, 10, 5, 0, 2, 0, 2]);
  });

  it('marks a paragraph that follows a cut one as new', () => {
    const { out } = split('blank-line', 6, 'abcdefgh\n\nxy\n\nz');
    expect(out).toEqual([
      ['abcdef', false],
      ['gh', true],
      ['xy', false],
      ['z', false],
    ]);
  });
});

describe('joinHeadings', () => {
  const run = (maxChars: number, paragraphs: string[]): string[] => {
    const out: string[] = [];
    const headings = joinHeadings(maxChars, (t) => out.push(t));
    for (const p of paragraphs) headings.emit(p, false);
    headings.end();
    return out;
  };

  it('joins ATX headings (1 to 6 #, up to 3 spaces before) to what follows, nothing else', () => {
    expect(run(1000, ['   ###### Six', 'text'])).toEqual(['   ###### Six\n\ntext']);
    expect(run(1000, ['#', 'text'])).toEqual(['#\n\ntext']);
    for (const notHeading of ['####### seven', '#hashtag', '    # indented: code', '## two\nlines'])
      expect(run(1000, [notHeading, 'text'])).toEqual([notHeading, 'text']);
  });

  it('lets a heading stand alone rather than grow a document past the cap, and flushes one left at the end', () => {
    expect(run(21, ['## Heading', 'x'.repeat(9)])).toEqual(['## Heading\n\nxxxxxxxxx']);
    expect(run(20, ['## Heading', 'x'.repeat(9)])).toEqual(['## Heading', 'xxxxxxxxx']);
    expect(run(1000, ['text', '## Last'])).toEqual(['text', '## Last']);
  });
});

describe('HashSet64', () => {
  it('adds, detects repeats, survives growth and the all-zero key', () => {
    const set = new HashSet64();
    const keys = Array.from({ length: 5000 }, (_, i) => hashDocument(`document ${i}`));
    for (const k of keys) expect(set.add(k.lo, k.hi)).toBe(true);
    for (const k of keys) expect(set.add(k.lo, k.hi)).toBe(false);
    expect(set.size).toBe(5000);
    expect(set.add(0, 0)).toBe(true);
    expect(set.add(0, 0)).toBe(false);
  });
});
