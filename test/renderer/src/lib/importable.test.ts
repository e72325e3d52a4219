// What of a drop the page sends to `spanfill serve`: files dropped by themselves whatever
// their kind, inside folders only what the import reads from a folder, hidden ones never, and
// one note per dropped folder for what stayed behind (the engine's own wording); names cut to
// what the server's file system holds (255 bytes of UTF-8 a part); and the default dataset name
// from a drop, held to the name rule so a long or odd file name imports; and a drop of more files
// than one upload holds refused before the first is sent.

import { describe, expect, it } from 'vitest';
import { displayNameSchema } from '../../../../src/shared/contract/displayName';
import {
  describePicked,
  importableFiles,
  skippedUploadNote,
  tooManyFiles,
} from '../../../../src/renderer/src/lib/importable';

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

describe('importableFiles: names too long for the server', () => {
  const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
  const parts = (name: string): number[] => name.split('/').map(bytes);

  // A laptop (macOS, Windows) holds 255 characters a name, the server's file system 255 bytes:
  // 100 Chinese characters are 300.
  it('cuts a part over 255 bytes of UTF-8 to fit, keeping its extension, and says so', () => {
    const cjk = `${'木'.repeat(100)}.txt`;
    const { files, notes } = importableFiles(picked(cjk, `${'é'.repeat(200)}/notes.md`, `${'😀'.repeat(70)}`));
    expect(names(files).map(parts)).toEqual([[253], [255, 8], [255]]);
    expect(names(files)).toEqual([`${'木'.repeat(82)}….txt`, `${'é'.repeat(126)}…/notes.md`, `${'😀'.repeat(63)}…`]);
    expect(notes).toEqual([
      'Shortened 3 names over 255 bytes (UTF-8), the most a file name may have on the server; the dataset names those files as shortened.',
    ]);
  });

  it('leaves names that fit as they are, 255 bytes included', () => {
    const fits = [`${'b'.repeat(251)}.txt`, `${'木'.repeat(85)}/a.txt`, 'notes.txt'];
    const { files, notes } = importableFiles(picked(...fits));
    expect(names(files)).toEqual(fits);
    expect(notes).toEqual([]);
  });

  it('keeps two names apart that cut to the same', () => {
    const long = 'x'.repeat(300);
    const { files } = importableFiles(picked(`${long}1.txt`, `${long}2.txt`, `d/${long}a/n.txt`, `d/${long}b/n.txt`));
    const cut = names(files);
    expect(new Set(cut).size).toBe(4);
    expect(cut.flatMap(parts).every((n) => n <= 255)).toBe(true);
    expect(cut[1]).toBe(`${'x'.repeat(244)}… (2).txt`);
    expect(cut[3]).toBe(`d/${'x'.repeat(252)}…/n (2).txt`);
  });

  it('keeps what else a picked file carries', () => {
    const file = { name: `${'木'.repeat(100)}.txt`, size: 3 };
    expect(importableFiles([file]).files).toEqual([{ name: `${'木'.repeat(82)}….txt`, size: 3 }]);
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

describe('tooManyFiles', () => {
  it('refuses more files than one upload may hold, saying what to do', () => {
    expect(tooManyFiles(100_000)).toBeUndefined();
    expect(tooManyFiles(100_001)).toBe(
      '100,001 files are more than one upload may hold (100,000). ' +
        'Drop fewer at a time, or import their folder by its path on the machine running Spanfill (Datasets → Or import paths…).',
    );
  });
});

describe('skippedUploadNote', () => {
  it('says nothing when the server took every file', () => {
    expect(skippedUploadNote([])).toBeUndefined();
  });

  it('names each file the server would not take, in its words, as typed', () => {
    expect(
      skippedUploadNote(['File name "back\\slash.txt" holds \\, which Windows does not allow; rename the file']),
    ).toBe(
      'Skipped 1 file whose name the server cannot hold: File name "back\\slash.txt" holds \\, which Windows does not allow; rename the file.',
    );
    expect(
      skippedUploadNote(['File name "a?" holds ?; rename the file', 'File name "b*" holds *; rename the file']),
    ).toBe(
      'Skipped 2 files whose names the server cannot hold: File name "a?" holds ?; rename the file. File name "b*" holds *; rename the file.',
    );
  });
});
