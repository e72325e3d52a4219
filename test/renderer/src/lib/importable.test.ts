// What of a drop the page sends to `spanfill serve`: files dropped by themselves whatever
// their kind, inside folders only what the import reads from a folder, hidden ones never, and
// one note per dropped folder for what stayed behind (the engine's own wording); and the default
// dataset name from a drop, held to the name rule so a long or odd file name imports.

import { describe, expect, it } from 'vitest';
import { displayNameSchema } from '../../../../src/shared/contract/displayName';
import { describePicked, importableFiles } from '../../../../src/renderer/src/lib/importable';

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

describe('describePicked', () => {
  it('names one file, a folder, or the first of several', () => {
    expect(describePicked(picked('notes.txt'))).toBe('notes.txt');
    expect(describePicked(picked('book/ch1.txt', 'book/ch2.txt'))).toBe('book');
    expect(describePicked(picked('a.txt', 'b.txt', 'c/d.txt'))).toBe('a.txt and 2 more');
  });

  it('keeps to the name rule: long names cut with an ellipsis, control characters as spaces', () => {
    const long = `${'x'.repeat(200)}.txt`;
    for (const files of [picked(long), picked(long, 'b.txt'), picked('tab\there.txt')]) {
      const name = describePicked(files);
      expect(displayNameSchema.safeParse(name).success, name).toBe(true);
    }
    expect(describePicked(picked(long))).toBe(`${'x'.repeat(199)}…`);
    expect(describePicked(picked(long, 'b.txt'))).toBe(`${'x'.repeat(188)}… and 1 more`);
    expect(describePicked(picked('tab\there.txt'))).toBe('tab here.txt');
  });
});
