// Document hashing and the 64-bit hash set that drops repeated documents on import, and
// Markdown headings joined to the paragraph under them.
import { describe, expect, it } from 'vitest';
import { HashSet64, hashDocument, joinHeadings } from '../../../../src/main/engine/data/documents';

describe('joinHeadings', () => {
  const run = (maxChars: number, paragraphs: string[]): string[] => {
    const out: string[] = [];
    const headings = joinHeadings(maxChars, (t) => out.push(t));
    for (const p of paragraphs) headings.emit(p);
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
