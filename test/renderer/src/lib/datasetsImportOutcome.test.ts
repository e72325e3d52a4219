// A cancelled import or upload in words: the same sentence for both, naming what it was of; and
// how an import this page watched but did not start ended (a reloaded tab's upload, a terminal's).
import { describe, expect, it } from 'vitest';
import type { DatasetStats, DatasetSummary } from '../../../../src/shared/contract/datasets';
import { cancelledNotice, describePaths, importsEnded } from '../../../../src/renderer/src/lib/datasetsImportOutcome';

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

const stats: DatasetStats = {
  documents: 2,
  characters: 35,
  bytes: 37,
  duplicatesDropped: 0,
  emptyDropped: 0,
  oversizedSplits: 0,
  files: [],
  warnings: ['held-cafe.txt is not UTF-8: read as Windows-1252 (Western European)'],
  split: {
    validationFraction: 0.05,
    trainDocuments: 1,
    validationDocuments: 1,
    isSelfValidation: false,
    message: null,
  },
};

function dataset(id: string, status: DatasetSummary['status'], more: Partial<DatasetSummary> = {}): DatasetSummary {
  return {
    id,
    name: `${id}.txt`,
    sourcePath: `/x/${id}.txt`,
    format: 'text',
    status,
    createdAt: '',
    stats: null,
    ...more,
  };
}

describe('importsEnded', () => {
  it('watches the imports listed as importing, but for its own, and says nothing of what was already so', () => {
    const listed = [dataset('a', 'importing'), dataset('b', 'importing'), dataset('c', 'ready', { stats })];
    const failed = dataset('d', 'failed', { error: 'gone' });
    expect(importsEnded(new Map(), [...listed, failed], new Set(['b']))).toEqual({
      notices: [],
      errors: [],
      watching: new Map([['a', 'a.txt']]),
      toShow: undefined,
    });
  });

  it('says why one gone failed where its event said why (its page or terminal was there to be told, and kept no row)', () => {
    const watched = new Map([['a', 'a.txt']]);
    const endings = new Map([['a', { outcome: 'failed', reason: 'a.txt is empty' } as const]]);
    expect(importsEnded(watched, [], new Set(), endings)).toEqual({
      notices: [],
      errors: ['Import of a.txt failed: a.txt is empty'],
      watching: new Map(),
      toShow: undefined,
    });
  });

  it('says that one gone was cancelled, not failed, where its event said so (Ctrl-C in a terminal, Cancel in another tab)', () => {
    const watched = new Map([['a', 'a.txt']]);
    const endings = new Map([['a', { outcome: 'cancelled' } as const]]);
    expect(importsEnded(watched, [], new Set(), endings)).toEqual({
      notices: [
        'Import of a.txt cancelled where it was started (another window or tab, or a terminal); nothing was imported.',
      ],
      errors: [],
      watching: new Map(),
      toShow: undefined,
    });
  });

  it('says how each watched import ended, as its own page would have: ready, failed with why, or gone', () => {
    const ready = dataset('a', 'ready', { stats });
    const failed = dataset('b', 'failed', { name: 'renamed.txt', error: 'b.txt line 2: not valid JSON' });
    const watched = new Map([
      ['a', 'a.txt'],
      ['b', 'b.txt'],
      ['c', 'c.txt'],
      ['e', 'e.txt'],
    ]);
    const listed = [ready, failed, dataset('e', 'importing'), dataset('f', 'importing')];
    expect(importsEnded(watched, listed, new Set())).toEqual({
      notices: [
        // The words of the page that started it (importedNotice).
        'Imported a.txt: 2 documents (1 for training, 1 for validation). Note: held-cafe.txt is not UTF-8: read as Windows-1252 (Western European).',
        // (no event said how: its process was killed, say, or could not note why)
        'Import of c.txt ended without a dataset, and its process left no word of why (it may have been killed, or had no room to write it); a terminal that ran it says why there. Import it again to try once more.',
      ],
      errors: ['Import of renamed.txt failed: b.txt line 2: not valid JSON'],
      watching: new Map([
        ['e', 'e.txt'],
        ['f', 'f.txt'],
      ]),
      toShow: 'a', // (its notes are read in its details, which open under the list as on its own page)
    });
  });
});
