// CSV/TSV reading as the importer sees it: RFC 4180 multi-line quoted fields are read as one
// field, but a field spanning lines or suspiciously long is reported in the summary with its
// lines, because a quote closed on a later row silently merges rows (issue #9 item 4). The
// parser is also checked against csv-parse (a maintained RFC 4180 reader) on generated files.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvParser, type CsvRecord } from '../../../../src/main/engine/data/csv';
import { importDocuments, type ImportOptions } from '../../../../src/main/engine/data/import';
import { seeded } from '../../../support/seeded';
import { tempDirs } from '../../../support/tmp';

const newDir = tempDirs('spanfill-csv-');

async function run(name: string, content: string, options: ImportOptions = {}) {
  const path = join(newDir(), name);
  writeFileSync(path, content);
  const docs: { text: string; line: number | null }[] = [];
  const summary = await importDocuments([path], (d) => void docs.push({ text: d.text, line: d.line }), options);
  return { path, docs, warnings: summary.warnings };
}

describe('quoted fields that span lines', () => {
  it('reads a quote closed on a later row as one field (RFC 4180) and warns with the lines', async () => {
    // Four data rows; the quote opened on line 3 closes on line 4, so rows 2 and 3 merge.
    const { path, docs, warnings } = await run('merged.csv', 'id,text\n1,alpha\n2,"beta\n3,gamma"\n4,delta\n');
    expect(docs).toEqual([
      { text: 'alpha', line: 2 },
      { text: 'beta\n3,gamma', line: 3 },
      { text: 'delta', line: 5 },
    ]);
    expect(warnings).toEqual([
      `${path}: 1 quoted field spans more than one line (lines 3–4). That is legal CSV, but if a quote ` +
        'was meant to close on its own line, the rows in between were read into that field: check the quotes there',
    ]);
  });

  it('lists the first five spans and counts the rest, with CRLF and CR line ends', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => `${i},"first${i % 2 ? '\r' : '\r\n'}second ${i}"`).join('\r\n');
    // Every read size, so a CRLF inside quotes is also split across reads.
    for (const chunkBytes of [1, 2, 3, 5, 1 << 20]) {
      const { path, docs, warnings } = await run('many.csv', `id,text\r\n${rows}\r\n`, { chunkBytes });
      expect(docs).toHaveLength(7);
      expect(docs[6]).toEqual({ text: 'first\nsecond 6', line: 14 });
      expect(warnings).toEqual([
        `${path}: 7 quoted fields span more than one line (lines 2–3, 4–5, 6–7, 8–9, 10–11 and 2 more). That is legal ` +
          'CSV, but if a quote was meant to close on its own line, the rows in between were read into that field: check the quotes there',
      ]);
    }
  });

  it('warns about a suspiciously long field with its line and length, in CSV and TSV', async () => {
    const long = 'y'.repeat(120_000);
    const csv = await run('long.csv', `id,text\n1,short\n2,${long}\n`);
    expect(csv.docs.map((d) => d.text.length)).toEqual([5, 120_000]);
    expect(csv.warnings).toEqual([
      `${csv.path}: 1 field is longer than 100000 characters (line 3: 120000 characters); check that its quotes and delimiters are where you meant`,
    ]);
    const tsv = await run('long.tsv', `text\tid\n${long}\t1\n`);
    expect(tsv.warnings).toEqual([
      `${tsv.path}: 1 field is longer than 100000 characters (line 2: 120000 characters); check that its quotes and delimiters are where you meant`,
    ]);
  });

  it('still fails a never-closed quote and a field over the memory cap, naming the line', async () => {
    const open = await run('open.csv', 'id,text\n1,ok\n2,"never closed\n3,x\n').catch((e: unknown) => e);
    expect(open).toMatchObject({ code: 'bad-csv', line: 3 });
    expect((open as Error).message).toMatch(/open\.csv: the quoted field opened on line 3 is never closed$/);
    const capped = await run('cap.csv', `id,text\n1,"${'z'.repeat(500)}"\n`, {
      maxRecordChars: 100,
      chunkBytes: 64,
    }).catch((e: unknown) => e);
    expect(capped).toMatchObject({ code: 'bad-csv', line: 2 });
  });
});

describe('the delimiter a .csv names or shows, and CSV quoting in a .tsv', () => {
  it("follows Excel's `sep=` first line and leaves that line out, in any chunking", async () => {
    for (const chunkBytes of [1, 4, 1 << 20]) {
      const semi = await run('sep.csv', 'sep=;\r\nid;text\r\n1;"a, b; c"\r\n2;plain\r\n', { chunkBytes });
      expect(semi.docs).toEqual([
        { text: 'a, b; c', line: 3 },
        { text: 'plain', line: 4 },
      ]);
      const pipe = await run('pipe.csv', 'SEP=|\nid|text\n1|"x|y"\n', { chunkBytes });
      expect(pipe.docs).toEqual([{ text: 'x|y', line: 3 }]);
    }
  });

  it('reads a .csv whose header has more tabs than commas or semicolons tab-separated, with CSV quoting', async () => {
    // pandas' df.to_csv("x.csv", sep="\t") quotes fields holding a tab, a quote or a line break.
    const { docs } = await run('tabs.csv', 'id\ttext\n1\t"two\nlines"\n2\t"say ""hi"""\n3\ta, b; c\n');
    expect(docs.map((d) => d.text)).toEqual(['two\nlines', 'say "hi"', 'a, b; c']);
  });

  it('warns when a .tsv looks quoted the CSV way, and says so in a short row error', async () => {
    const quoted = await run('pandas.tsv', 'text\tid\n"two\nlines"\t1\n"say ""hi"""\t2\n"plain"\t3\n');
    expect(quoted.docs.map((d) => d.text)).toEqual(['"two', 'lines"', '"say ""hi"""', '"plain"']);
    const hint =
      'a .tsv is read without CSV quoting, so those quotes stay in the text and a quoted line break ends the row; ' +
      'if the file was written with CSV quoting (pandas to_csv with sep="\\t", Excel), rename it to .csv, which is ' +
      'read with quotes and with tabs when its header has more tabs than commas';
    expect(quoted.warnings).toEqual([`${quoted.path}: 2 fields look quoted the CSV way (lines 2, 4); ${hint}`]);
    // Quotes in prose are no sign: a field that opens with a closed quotation, or quotes inside.
    const prose = await run('prose.tsv', 'text\tid\n"Hi," she said\t1\nHe said "no"\t2\n');
    expect(prose.warnings).toEqual([]);
    const short = await run('short.tsv', 'id\ttext\n1\t"two\nlines"\n').catch((e: unknown) => e);
    expect(short).toMatchObject({ code: 'bad-csv', line: 3 });
    expect((short as Error).message).toBe(
      `${(short as { file: string }).file} line 3: the row has 1 field, so no "text" (column 2 of 2); ` +
        `1 field looks quoted the CSV way (line 2); ${hint}`,
    );
  });
});

describe('agrees with csv-parse on generated RFC 4180 files', () => {
  it('same fields for 300 random files pushed in random pieces; lines counted from the generator', () => {
    const random = seeded(20261129);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const alphabet = ['a', 'b', 'é', '😀', ' ', ',', '"', '\n', '\r\n', '\r'];
    for (let n = 0; n < 300; n++) {
      const eol = pick(['\n', '\r\n', '\r']);
      const columns = 2 + Math.floor(random() * 3);
      const rows: string[][] = [];
      let text = '';
      const startLines: number[] = [];
      let line = 1;
      for (let r = 0; r < 1 + Math.floor(random() * 6); r++) {
        const fields = Array.from({ length: columns }, () =>
          Array.from({ length: Math.floor(random() * 6) }, () => pick(alphabet)).join(''),
        );
        rows.push(fields);
        startLines.push(line);
        const record = fields
          .map((f) => (/[",\r\n]/.test(f) || random() < 0.2 ? `"${f.replaceAll('"', '""')}"` : f))
          .join(',');
        text += record + eol;
        line += (record.match(/\r\n|\r|\n/g) ?? []).length + 1;
      }
      const ours: CsvRecord[] = [];
      const parser = new CsvParser('gen.csv', { delimiter: ',', quoting: true }, (rec) => ours.push(rec));
      for (let i = 0; i < text.length;) {
        const step = 1 + Math.floor(random() * 8);
        parser.push(text.slice(i, i + step));
        i += step;
      }
      parser.end();
      const theirs = parse(text, { relax_column_count: true }) as string[][];
      const context = `case ${n}: ${JSON.stringify(text)}`;
      expect(
        ours.map((rec) => rec.fields),
        context,
      ).toEqual(theirs);
      expect(theirs, context).toEqual(rows);
      expect(
        ours.map((rec) => rec.line),
        context,
      ).toEqual(startLines);
    }
  });
});
