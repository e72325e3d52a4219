// What of a drop the page sends to `spanfill serve`: files dropped by themselves whatever
// their kind, inside folders only what the import reads from a folder, hidden ones never, and
// one note per dropped folder for what stayed behind (the engine's own wording).

import { describe, expect, it } from 'vitest';
import { importableFiles } from '../../../../src/renderer/src/lib/importable';

const picked = (...names: string[]): { name: string }[] => names.map((name) => ({ name }));
const names = (files: readonly { name: string }[]): string[] => files.map((f) => f.name);

describe('importableFiles', () => {
  it('keeps a file dropped by itself whatever its extension', () => {
    const { files, notes } = importableFiles(picked('page.html', 'LICENSE', 'notes.txt'));
    expect(names(files)).toEqual(['page.html', 'LICENSE', 'notes.txt']);
    expect(notes).toEqual([]);
  });

  it('keeps the text kinds inside folders, leaves hidden files out and notes the rest per folder', () => {
    const { files, notes } = importableFiles(
      picked(
        'journal/a.TXT',
        'journal/may/b.md',
        'journal/scan.pdf',
        'journal/may/photo.png',
        'journal/may/photo2.PNG',
        'journal/README',
        'journal/.git/config',
        'journal/.DS_Store',
        'other/rows.csv',
      ),
    );
    expect(names(files)).toEqual(['journal/a.TXT', 'journal/may/b.md', 'other/rows.csv']);
    expect(notes).toEqual([
      'Skipped 4 files in journal that are not .txt .text .md .markdown .jsonl .ndjson .csv .tsv .tab ' +
        '(1 without an extension, 1 .pdf, 2 .png); save their text as .txt to import it, or give a plain-text file by name',
    ]);
  });
});
