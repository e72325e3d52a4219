// The importer over several files and folders: walking folders, skipping binary and empty files
// (a NUL far into one too), duplicates across files, bytes read, a file given twice, progress and
// cancel. One file's formats and failures: import.test.ts.

import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDocuments, type ImportedDocument } from '../../../../src/main/engine/data/import';
import { importBench } from './importBench';

const { dir, file, failure } = importBench();

describe('many files, folders, duplicates, progress, cancel', () => {
  it('walks folders recursively by extension, skipping hidden and empty files, and counts what it passed over', async () => {
    file('notes/a.md', 'alpha');
    file('notes/sub/b.txt', 'beta');
    file('notes/sub/c.jsonl', '{"text": "gamma"}\n');
    file('notes/sub/skip.png', 'not picked');
    file('notes/sub/report.PDF', 'not picked');
    file('notes/minutes.pdf', 'not picked');
    file('notes/LICENSE', 'not picked');
    file('notes/.hidden/d.txt', 'hidden');
    file('notes/empty.txt', '');
    const docs: ImportedDocument[] = [];
    const summary = await importDocuments([join(dir, 'notes')], (d) => void docs.push(d));
    expect(docs.map((d) => d.text)).toEqual(['alpha', 'beta', 'gamma']);
    expect(summary.warnings).toContain(`Skipped ${join(dir, 'notes/empty.txt')}: it is empty`);
    expect(summary.warnings).toContain(
      `Skipped 4 files in ${join(dir, 'notes')} that are not .txt .text .md .markdown .jsonl .ndjson .csv .tsv .tab ` +
        '(1 without an extension, 2 .pdf, 1 .png); save their text as .txt to import it, or give a plain-text file by name',
    );
  });
  it('skips a binary file inside a folder or among several files, with a note like an empty one', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]);
    const binary = file('mixed/binary.txt', png);
    file('mixed/empty.txt', '');
    file('mixed/good.txt', 'kept text');
    const why =
      'it looks like a binary file, not text (NUL byte at byte offset 8); ' +
      'save or export its text as .txt, .md, .jsonl, .csv or .tsv and import that';
    const folder = await importDocuments([join(dir, 'mixed')], () => undefined);
    expect(folder.files.map((f) => f.path)).toEqual([join(dir, 'mixed/good.txt')]);
    expect(folder.warnings).toEqual([
      `Skipped ${binary}: ${why}`,
      `Skipped ${join(dir, 'mixed/empty.txt')}: it is empty`,
    ]);
    // Several files given by name (a browser drop of files): the same; one given on its own still fails.
    const docs: string[] = [];
    const picked = await importDocuments([binary, join(dir, 'mixed/good.txt')], (d) => void docs.push(d.text));
    expect([docs, picked.warnings]).toEqual([['kept text'], [`Skipped ${binary}: ${why}`]]);
    expect((await failure([binary])).message).toBe(`${binary} ${why.slice('it '.length)}`);
    // A folder of nothing else says why there is no text.
    file('only-binary/photo.txt', png);
    expect((await failure([join(dir, 'only-binary')])).message).toBe(
      `No text to import in ${join(dir, 'only-binary')} (Skipped ${join(dir, 'only-binary/photo.txt')}: ${why})`,
    );
  });
  it('a binary file among others counts none of its documents; one found binary past kept text fails', async () => {
    const first = file('seen/first.txt', 'seen\n\nonce');
    // Its first chunk holds a duplicate and an empty paragraph, then a NUL byte.
    const late = file('seen/late.txt', Buffer.concat([Buffer.from('seen\n\n \n\n'), Buffer.from([0, 1, 2])]));
    const summary = await importDocuments([first, late], () => undefined, { chunkBytes: 10 });
    expect(summary).toMatchObject({ documents: 2, duplicatesDropped: 0, emptyDropped: 0 });
    expect(summary.warnings).toEqual([expect.stringMatching(/^Skipped .*late\.txt: it looks like a binary file/)]);
  });
  it('a NUL byte far into a file among others skips the whole file: none of its text is kept or counted', async () => {
    const first = file('late/first.txt', 'seen\n\nonce');
    const text = 'new text\n\nseen\n\nnext paragraph here\n';
    const late = file('late/late.txt', Buffer.concat([Buffer.from(text), Buffer.from([0, 1, 2]), Buffer.from('tail')]));
    const after = file('late/after.txt', 'next paragraph here');
    const why =
      `it looks like a binary file, not text (NUL byte at byte offset ${Buffer.byteLength(text)}); ` +
      'save or export its text as .txt, .md, .jsonl, .csv or .tsv and import that';
    for (const chunkBytes of [3, 16, 1 << 20]) {
      const docs: ImportedDocument[] = [];
      const summary = await importDocuments([first, late, after], (d) => void docs.push(d), { chunkBytes });
      // The paragraph of after.txt that late.txt had too is new, not a duplicate of text left out.
      expect(docs.map((d) => [d.index, d.text, d.source])).toEqual([
        [0, 'seen', first],
        [1, 'once', first],
        [2, 'next paragraph here', after],
      ]);
      expect(summary).toMatchObject({ documents: 3, characters: 27, bytes: 29, duplicatesDropped: 0, emptyDropped: 0 });
      expect(summary.files.map((f) => f.path)).toEqual([first, after]);
      expect(summary.warnings).toEqual([`Skipped ${late}: ${why}`]);
    }
  });
  it('a file given alone with a NUL byte far in fails naming it and the offset, before any of it is kept', async () => {
    const text = 'ordinary text\n\n'.repeat(10);
    const late = file('late-alone.txt', Buffer.concat([Buffer.from(text), Buffer.from([0])]));
    const docs: string[] = [];
    const failed = importDocuments([late], (d) => void docs.push(d.text), { chunkBytes: 16 });
    await expect(failed).rejects.toMatchObject({
      code: 'binary-file',
      byteOffset: 150,
      message: expect.stringMatching(
        /late-alone\.txt looks like a binary file, not text \(NUL byte at byte offset 150\)/,
      ),
    });
    expect(docs).toEqual([]);
  });
  it('a NUL character far into a UTF-16 file is found in any read size; zero bytes of its letters are not', async () => {
    const good = file('late16/good.txt', 'kept');
    const before = 'Zero high bytes \u0100\u0200 and low ones A\n\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${before}\u0000x`, 'utf16le')]);
    const late = file('late16/late.txt', utf16);
    for (const chunkBytes of [1, 3, 4, 7, 1 << 20]) {
      const summary = await importDocuments([good, late], () => undefined, { chunkBytes });
      expect(summary.warnings).toEqual([
        `Skipped ${late}: it looks like a binary file, not text (NUL byte at byte offset ${2 + 2 * before.length}); ` +
          'save or export its text as .txt, .md, .jsonl, .csv or .tsv and import that',
      ]);
    }
  });
  it('drops exact duplicates across files and counts them', async () => {
    const a = file('dup1.txt', 'same\n\nother\n\nsame');
    const b = file('dup2.txt', 'other\n\nnew');
    const docs: ImportedDocument[] = [];
    const summary = await importDocuments([a, b], (d) => void docs.push(d));
    expect(docs.map((d) => [d.index, d.text])).toEqual([
      [0, 'same'],
      [1, 'other'],
      [2, 'new'],
    ]);
    expect(summary.duplicatesDropped).toBe(2);
    expect(summary.documents).toBe(3);
    expect(summary.characters).toBe(12);
    // The count is in duplicatesDropped, which the CLI and the Datasets screen show; no note repeats it.
    expect(summary.warnings).toEqual([]);
  });
  it('totals the bytes read, not the sizes listed, and notes a file that grew while it was read', async () => {
    const growing = file('growing.txt', 'first paragraph\n\n');
    const later = file('later.txt', ''); // listed as 0 bytes, as a file under /proc is
    const added = 'second paragraph\n\nthird paragraph\n';
    let isWritten = false;
    const summary = await importDocuments([growing, later], () => undefined, {
      chunkBytes: 8,
      onProgress: () => {
        if (isWritten) return;
        isWritten = true;
        appendFileSync(growing, added);
        writeFileSync(later, 'text written after the listing');
      },
    });
    const sizes = [17 + added.length, 30];
    expect(summary.files.map((f) => f.bytes)).toEqual(sizes);
    expect(summary.bytes).toBe(sizes[0] + sizes[1]);
    expect(summary.documents).toBe(4);
    expect(summary.warnings).toEqual([
      `${growing} changed size during the import: it was 17 bytes when the import began and ${sizes[0]} bytes were read; ` +
        'if something was still writing it, import it again once that is done',
    ]);
  });
  it('imports a file given twice once: its bytes, documents and notes counted once', async () => {
    const [text, markup] = ['one paragraph\n\nanother\n', '<p>markup</p>\n'];
    const [a, page] = [file('twice/a.txt', text), file('twice/page.html', markup)];
    const summary = await importDocuments([a, page, a, page], () => undefined);
    const bytes = Buffer.byteLength(text) + Buffer.byteLength(markup);
    expect(summary).toMatchObject({ documents: 3, duplicatesDropped: 0, bytes });
    expect(summary.files.map((f) => f.path)).toEqual([a, page]);
    expect(summary.warnings).toEqual([
      `${a} was given twice; it was imported once`,
      `${page} was given twice; it was imported once`,
      `${page} was imported as it is, tags and all; if you meant the page's text, save it from the browser as text (.txt) and import that`,
    ]);
  });
  it('reports byte progress and stops on abort', async () => {
    const p = file('big.txt', 'para\n\n'.repeat(5000) + Array.from({ length: 5000 }, (_, i) => `p${i}`).join('\n\n'));
    const controller = new AbortController();
    const seen: number[] = [];
    let docs = 0;
    const run = importDocuments([p], () => void docs++, {
      chunkBytes: 4096,
      signal: controller.signal,
      onProgress: (pr) => {
        seen.push(pr.bytesRead);
        if (seen.length === 3) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(seen).toEqual([4096, 8192, 12288]);
    expect(docs).toBeLessThan(5000);
  });
});
