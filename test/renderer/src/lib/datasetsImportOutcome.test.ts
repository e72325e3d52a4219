// A cancelled import or upload in words: the same sentence for both, naming what it was of.
import { describe, expect, it } from 'vitest';
import { cancelledNotice, describePaths } from '../../../../src/renderer/src/lib/datasetsImportOutcome';

describe('cancelledNotice', () => {
  it('says an upload or an import of what was cancelled, and that nothing was imported', () => {
    expect(cancelledNotice('upload', 'long-book.txt')).toBe('Upload of long-book.txt cancelled; nothing was imported.');
    expect(cancelledNotice('import', 'big100.txt')).toBe('Import of big100.txt cancelled; nothing was imported.');
  });
});

describe('describePaths', () => {
  it('names typed paths by the last part of the first, and how many more', () => {
    expect(describePaths(['/data/texts/big100.txt'])).toBe('big100.txt');
    expect(describePaths(['/data/notes/', 'C:\\Users\\me\\book.md', 'x.txt'])).toBe('notes and 2 more');
    expect(describePaths(['C:\\Users\\me\\book.md'])).toBe('book.md');
    expect(describePaths(['/'])).toBe('/');
  });
});
