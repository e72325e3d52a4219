// The importer on one file at a time: plain text and Markdown, encodings, records (JSONL, CSV,
// TSV), and bad input that names the file and the place. Several files and folders:
// import-files.test.ts.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDocuments } from '../../../../src/main/engine/data/import';
import { importBench } from './importBench';

const { dir, file, texts, failure } = importBench();

describe('plain text', () => {
  const novel = 'First paragraph\nstill first.\n\n  \nSecond.\r\n\r\nThird\n';
  it('splits on blank lines by default, each line, or not at all', async () => {
    const p = file('novel.txt', novel);
    expect(await texts([p])).toEqual(['First paragraph\nstill first.', 'Second.', 'Third']);
    expect(await texts([p], { split: 'line' })).toEqual(['First paragraph', 'still first.', 'Second.', 'Third']);
    expect(await texts([p], { split: 'whole' })).toEqual(['First paragraph\nstill first.\n\n  \nSecond.\n\nThird']);
  });
  it("leaves out a Markdown file's front matter, with one note for all such files; a .txt keeps it", async () => {
    const post = (day: number): string =>
      `---\ntitle: Day ${day}\ndate: 2024-01-0${day}\n---\n\n# Day ${day}\n\nBody ${day}.\n`;
    const [one, two] = [file('one.md', post(1)), file('two.md', post(2))];
    const docs: string[] = [];
    const summary = await importDocuments([one, two], (d) => void docs.push(d.text), { chunkBytes: 5 });
    expect(docs).toEqual(['# Day 1\n\nBody 1.', '# Day 2\n\nBody 2.']);
    expect(summary.warnings).toEqual([
      'Left out the front matter (the --- block of title, date, tags) at the top of 2 Markdown files',
    ]);
    expect(await texts([file('post.txt', post(3))])).toEqual([
      '---\ntitle: Day 3\ndate: 2024-01-03\n---',
      '# Day 3',
      'Body 3.',
    ]);
  });

  it('reads old Mac line ends (a lone CR) as line breaks, as CRLF, in any chunking', async () => {
    const lines = ['Paragraph one', 'still one.', '', 'Two.', '', 'Three'];
    const expected = {
      'blank-line': ['Paragraph one\nstill one.', 'Two.', 'Three'],
      line: ['Paragraph one', 'still one.', 'Two.', 'Three'],
    } as const;
    for (const eol of ['\n', '\r\n', '\r']) {
      const p = file(`eol-${eol.length}${eol.at(-1) === '\r' ? 'cr' : 'lf'}.txt`, lines.join(eol) + eol);
      for (const split of ['blank-line', 'line'] as const)
        for (const chunkBytes of [1, 2, 3, 1 << 20])
          expect(await texts([p], { split, chunkBytes }), `${JSON.stringify(eol)} ${split} ${chunkBytes}`).toEqual(
            expected[split],
          );
    }
  });
  it("keeps a Markdown heading with the paragraph under it (headings in a row too); .txt and line splits don't", async () => {
    const notes = '# Journal\n\n## Day 1\n\nRain all day.\n\n## Day 2\n\nSun.\n\n## Notes\n';
    const md = file('journal.md', notes);
    const joined = ['# Journal\n\n## Day 1\n\nRain all day.', '## Day 2\n\nSun.', '## Notes'];
    expect(await texts([md])).toEqual(joined);
    for (const chunkBytes of [1, 3, 7]) expect(await texts([md], { chunkBytes })).toEqual(joined);
    const apart = ['# Journal', '## Day 1', 'Rain all day.', '## Day 2', 'Sun.', '## Notes'];
    expect(await texts([file('journal.txt', notes)])).toEqual(apart);
    expect(await texts([md], { split: 'line' })).toEqual(apart);
    // "## Notes" under every day is one heading per day, not a duplicate dropped from all but one.
    const days = file('days.markdown', '## Notes\n\nMonday.\n\n## Notes\n\nTuesday.\n');
    expect(await texts([days])).toEqual(['## Notes\n\nMonday.', '## Notes\n\nTuesday.']);
  });
  it('gives the same documents whatever the read size (boundaries and UTF-8 split across chunks)', async () => {
    const text = 'Ünïcödé 😀 line one\n\nzwei — drei\n\n\n'.repeat(50);
    const p = file('chunks.md', text);
    const whole = await texts([p], { split: 'blank-line' });
    for (const chunkBytes of [1, 2, 3, 5, 7, 64]) expect(await texts([p], { chunkBytes })).toEqual(whole);
  });
  it('decodes UTF-8 with BOM and UTF-16 LE/BE with BOM', async () => {
    const s = 'héllo wörld 😀';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    be[0] = 0xfe;
    be[1] = 0xff;
    expect(await texts([file('bom8.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s)]))])).toEqual([
      s,
    ]);
    expect(await texts([file('le.txt', le)], { chunkBytes: 3 })).toEqual([s]);
    expect(await texts([file('be.txt', Buffer.concat([Buffer.from([0xfe, 0xff]), be.subarray(2)]))])).toEqual([s]);
    // One byte too many (a file cut short, or one byte appended): the half character is left out, with a note.
    const odd = file('odd.txt', Buffer.concat([le, Buffer.from([0x41])]));
    for (const chunkBytes of [3, 1 << 20]) {
      const docs: string[] = [];
      const summary = await importDocuments([odd], (d) => void docs.push(d.text), { chunkBytes });
      expect(docs).toEqual([s]);
      expect(summary.warnings).toEqual([
        `${odd} ends with a single byte, half a UTF-16 character (the file may have been cut short); it was left out`,
      ]);
    }
    const even = await importDocuments([file('even.txt', le)], () => undefined);
    expect(even.warnings).toEqual([]);
  });
  it('applies NFKC and whitespace collapsing when asked', async () => {
    const p = file('norm.txt', 'ﬁne   ｆｕｌｌ\t width  \n   next line');
    expect(await texts([p], { split: 'whole' })).toEqual(['ﬁne   ｆｕｌｌ\t width  \n   next line']);
    expect(await texts([p], { split: 'whole', nfkc: true, collapseWhitespace: true })).toEqual([
      'fine full width\nnext line',
    ]);
  });
  it('cuts documents over the size cap at a line break and says so', async () => {
    const p = file('long.txt', 'aaaa bbbb\ncccc dddd\neeee');
    const docs: string[] = [];
    const summary = await importDocuments([p], (d) => void docs.push(d.text), { split: 'whole', maxDocumentChars: 12 });
    expect(docs).toEqual(['aaaa bbbb', 'cccc dddd', 'eeee']);
    expect(summary.warnings).toContain('Cut 1 over-long document into 3 pieces at line breaks (limit 12 characters)');
  });
  it('counts the documents cut, not the cuts, and writes the limit with thousands separators', async () => {
    const line = (n: number): string => `${String(n).padStart(4, '0')} ${'w'.repeat(1_200)}`;
    const records = [line(1).repeat(3), 'short', `${line(2)}\n${line(3)}`].map((text) => JSON.stringify({ text }));
    const p = file('long.jsonl', records.join('\n'));
    const docs: string[] = [];
    const summary = await importDocuments([p], (d) => void docs.push(d.text), { maxDocumentChars: 2_000 });
    expect(docs).toHaveLength(6);
    expect(summary.oversizedSplits).toBe(3);
    expect(summary.warnings).toEqual([
      'Cut 2 over-long documents into 5 pieces of at most 2,000 characters: 1 cut at a line break, 2 at a space',
    ]);
  });
  it('keeps the pieces of one cut document on one side of the train/validation split', async () => {
    // Many paragraphs, each cut into several pieces: each piece's own hash would scatter them.
    const paragraph = (n: number): string =>
      Array.from({ length: 6 }, (_, i) => `paragraph ${n} line ${i} ${'x'.repeat(20)}`).join('\n');
    const p = file('split.txt', Array.from({ length: 60 }, (_, n) => paragraph(n)).join('\n\n'));
    const pieces: { text: string; splitKey: number }[] = [];
    await importDocuments([p], (d) => void pieces.push(d), { maxDocumentChars: 80 });
    const byParagraph = new Map<string, { text: string; splitKey: number }[]>();
    for (const d of pieces) {
      const n = /^paragraph (\d+)/.exec(d.text)?.[1] ?? '?';
      byParagraph.set(n, [...(byParagraph.get(n) ?? []), d]);
    }
    expect(byParagraph.size).toBe(60);
    for (const [n, group] of byParagraph) {
      expect({ n, pieces: group.length > 1 }).toEqual({ n, pieces: true });
      expect({ n, keys: new Set(group.map((d) => d.splitKey)).size }).toEqual({ n, keys: 1 });
    }
    expect(new Set(pieces.map((d) => d.splitKey)).size).toBe(60);
  });
  it('says a line with no break to cut at was cut mid-line at the limit, not "at line breaks"', async () => {
    const line = Array.from({ length: 35 }, (_, i) => String.fromCharCode(97 + ((i * 7) % 26))).join('');
    const p = file('oneline.txt', line);
    const docs: string[] = [];
    const summary = await importDocuments([p], (d) => void docs.push(d.text), { split: 'whole', maxDocumentChars: 10 });
    expect(docs).toEqual([line.slice(0, 10), line.slice(10, 20), line.slice(20, 30), line.slice(30)]);
    expect(summary.warnings).toEqual([
      'Cut 1 over-long document into 4 pieces at 10 characters, in the middle of a line (no line break or space near the limit)',
    ]);
    // A line break and a space in the last half before the limit are cut at; then none is.
    const mixed = file('mixed.txt', `aaaa bbbb\ncccc dddd eeee${'z'.repeat(20)}`);
    const parts: string[] = [];
    const cut = await importDocuments([mixed], (d) => void parts.push(d.text), {
      split: 'whole',
      maxDocumentChars: 12,
    });
    expect(parts).toEqual(['aaaa bbbb', 'cccc dddd', `eeee${'z'.repeat(7)}`, 'z'.repeat(12), 'z']);
    expect(cut.warnings).toEqual([
      'Cut 1 over-long document into 5 pieces of at most 12 characters: 1 cut at a line break, 1 at a space, ' +
        '2 in the middle of a line (no line break or space near the limit)',
    ]);
  });
});

describe('bad input names the file and the place', () => {
  it('binary file', async () => {
    const p = file('photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
    const e = await failure([p]);
    expect(e.message).toBe(
      `${p} looks like a binary file, not text (NUL byte at byte offset 8); ` +
        'save or export its text as .txt, .md, .jsonl, .csv or .tsv and import that',
    );
    expect(e.byteOffset).toBe(8);
  });
  it('UTF-16 without a byte-order mark is named as such', async () => {
    const p = file('nobom16.txt', Buffer.from('Hello there, plain text', 'utf16le'));
    expect((await failure([p])).message).toBe(
      `${p} looks like UTF-16 without a byte-order mark (NUL byte at byte offset 1); save it as UTF-8 (or UTF-16 with a BOM)`,
    );
  });
  it('empty file and BOM-only file', async () => {
    const p = file('empty.txt', '');
    expect((await failure([p])).message).toBe(`${p} is empty (0 bytes)`);
    const b = file('bom-only.txt', Buffer.from([0xef, 0xbb, 0xbf]));
    expect((await failure([b])).message).toBe(`${b} is empty (only a byte-order mark)`);
    const w = file('blank.txt', ' \n\n\t\n');
    expect((await failure([w])).message).toBe(`${w} contains no text (only whitespace)`);
  });
  it('a Markdown file of front matter alone says so, not "only whitespace"', async () => {
    const yaml = file('fm/yaml.md', '---\ntitle: x\ndate: 2020\n---\n');
    const toml = file('fm/toml.md', '+++\ntitle = "x"\n+++\n\n  \n');
    const left = 'which the import leaves out; it has no text under it';
    expect((await failure([yaml])).message).toBe(
      `${yaml} holds only front matter (a --- block of title, date, tags), ${left}`,
    );
    expect((await failure([toml])).message).toBe(
      `${toml} holds only front matter (a +++ block of title, date, tags), ${left}`,
    );
    // Among other files: a note for it, and the note of front matter left out names its fence.
    const post = file('fm/post.md', '+++\ntitle = "post"\n+++\nThe post.\n');
    const summary = await importDocuments([post, toml], () => undefined);
    expect(summary.warnings).toEqual([
      `${toml} holds only front matter (a +++ block of title, date, tags), ${left}`,
      'Left out the front matter (the +++ block of title, date, tags) at the top of 2 Markdown files',
    ]);
  });
  it('invalid UTF-8: a few bytes among UTF-8 are replaced with a warning, more fail at the first offset', async () => {
    const few = file(
      'few.txt',
      Buffer.concat([Buffer.from('naïve caf'), Buffer.from([0xe9]), Buffer.from(' au lait')]),
    );
    const docs: string[] = [];
    const summary = await importDocuments([few], (d) => void docs.push(d.text));
    expect(docs).toEqual(['naïve caf\ufffd au lait']);
    expect(summary.warnings).toContain(`${few}: 1 invalid UTF-8 byte sequence replaced with U+FFFD`);
    // Nine bytes above 0x7F in 25: too many for Western European text in a legacy code page.
    const late = file('late.txt', Buffer.concat([Buffer.from('fine text, then '), Buffer.alloc(9, 0xff)]));
    for (const chunkBytes of [3, 1 << 20]) {
      const bad = await failure([late], { chunkBytes });
      expect(bad.byteOffset).toBe(16);
      expect(bad.message).toBe(
        `${late} is not valid UTF-8: more than 8 invalid byte sequences, the first at byte offset 16. ` +
          'Save it as UTF-8 (or UTF-16 with a byte-order mark) and import it again.',
      );
    }
    const damaged = file('damaged.txt', Buffer.concat([Buffer.from('ünïcödé '), Buffer.alloc(9, 0xff)]));
    expect((await failure([damaged], { chunkBytes: 4 })).code).toBe('invalid-utf8');
  });
  it('Latin-1 and Windows-1252 text (not UTF-8, no multi-byte sequence) is read as Windows-1252, with a note', async () => {
    const text = 'Ça va? Très bien, naïve façade, déjà vu, où, élève, über.';
    const latin1 = file('latin1.txt', Buffer.from(text, 'latin1'));
    // 0x92–0x94 and 0x97 are Windows quotes and a dash; 0x80 the euro sign (Windows-1252, not Latin-1).
    const bytes = (...parts: (string | number)[]): Buffer =>
      Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from([part]))));
    const quotes = file(
      'quotes.txt',
      bytes('It', 0x92, 's a ', 0x93, 'smart', 0x94, ' quote ', 0x97, ' for 5 ', 0x80, '.'),
    );
    for (const chunkBytes of [4, 1 << 20]) {
      const docs: string[] = [];
      const summary = await importDocuments([latin1, quotes], (d) => void docs.push(d.text), { chunkBytes });
      expect(docs).toEqual([text, 'It’s a “smart” quote — for 5 €.']);
      expect(summary.files.map((f) => f.encoding)).toEqual(['windows-1252', 'windows-1252']);
      expect(summary.warnings).toContain(
        `${latin1} is not UTF-8: read as Windows-1252 (Western European); if its accents or quotes look wrong, save it as UTF-8 and import it again`,
      );
    }
  });
  it('a JSONL record whose field is null is counted as an empty one dropped, not lost unsaid', async () => {
    const p = file('nulls.jsonl', '{"text": "kept"}\n{"text": null}\n\n{"text": "  "}\n');
    const kept: string[] = [];
    const summary = await importDocuments([p], (d) => void kept.push(d.text));
    expect(kept).toEqual(['kept']);
    expect(summary).toMatchObject({ documents: 1, emptyDropped: 2 });
  });

  it('malformed JSONL line, missing field, wrong type', async () => {
    const p = file('bad.jsonl', '{"text": "ok"}\n\n{"text": "broken\n');
    expect((await failure([p])).message).toMatch(new RegExp(`^${p} line 3: not valid JSON \\(`));
    const m = file('field.jsonl', '{"text": "a"}\n{"body": "b", "id": 2}\n');
    expect((await failure([m])).message).toBe(
      `${m} line 2: no field "text" (fields: body, id); name the field that holds the text (\`--field NAME\`; in the app, Options → JSONL field)`,
    );
    const t = file('type.jsonl', '{"text": 42}\n');
    expect((await failure([t])).message).toBe(`${t} line 1: field "text" is a number, expected a string`);
  });
  it('missing CSV column, short row, unclosed quote', async () => {
    const c = file('table.csv', 'id,title,body\n1,a,b\n');
    expect((await failure([c])).message).toBe(
      `${c} has no column "text"; its columns are: id, title, body; name the column that holds the text (\`--column NAME\`; in the app, Options → CSV column)`,
    );
    const s = file('short.csv', 'id,text\n1,hello\n2\n');
    expect((await failure([s])).message).toBe(
      `${s} line 3: the row has 1 field, so no "text" (column 2 of 2); that row needs a value in column 2: ` +
        'look for a missing comma, or a value holding a comma not in double quotes',
    );
    const semicolons = file('short-semicolons.csv', 'id;text\n1;hello\n2\n');
    expect((await failure([semicolons])).message).toMatch(
      /look for a missing semicolon, or a value holding a semicolon/,
    );
    const tabs = file('short.tsv', 'id\ttext\n1\thello\n2\n');
    expect((await failure([tabs])).message).toMatch(/column 2: look for a missing tab$/);
    const twice = file('twice.csv', 'text,id,text\na,1,b\n');
    expect(await failure([twice])).toMatchObject({
      code: 'bad-csv',
      message:
        `${twice} has 2 columns named "text" (columns 1, 3); rename all but the one that holds the text in its ` +
        'header row, then import it again',
    });
    const q = file('quote.csv', 'id,text\n1,"fine"\n2,"never\nclosed\n');
    expect((await failure([q])).message).toBe(`${q}: the quoted field opened on line 3 is never closed`);
  });
  it('a JSONL line or CSV field too long to hold fails with its line, not an out-of-memory crash', async () => {
    const j = file('oneline.jsonl', `{"text": "a"}\n{"text": "b"}\n[${'{"text": "x"}, '.repeat(20)}]`);
    for (const chunkBytes of [16, 1 << 20]) {
      expect((await failure([j], { maxRecordChars: 100, chunkBytes })).message).toBe(
        `${j} line 3: longer than 100 characters without a line break; JSON Lines needs one record per line`,
      );
    }
    const q = file('open.csv', `id,text\n1,fine\n2,"never closed ${'x'.repeat(300)}\n3,more`);
    expect((await failure([q], { maxRecordChars: 100, chunkBytes: 32 })).message).toBe(
      `${q}: the quoted field opened on line 3 is longer than 100 characters; is a quote never closed?`,
    );
    // Records under the cap import as usual.
    expect(await texts([file('ok.jsonl', '{"text": "a"}\n{"text": "b"}\n')], { maxRecordChars: 20 })).toEqual([
      'a',
      'b',
    ]);
  });

  it('a web page given by name is read as it is, with a note that its markup came too', async () => {
    const page = file('saved.HTML', '<p>A paragraph of the page.</p>\n\n<p>Another one.</p>');
    const docs: string[] = [];
    const summary = await importDocuments([page], (d) => void docs.push(d.text));
    expect(docs).toEqual(['<p>A paragraph of the page.</p>', '<p>Another one.</p>']);
    expect(summary.warnings).toContain(
      `${page} was imported as it is, tags and all; if you meant the page's text, save it from the browser as text (.txt) and import that`,
    );
  });
  it('a JSON (not JSONL) file, a Rich Text file and a missing path', async () => {
    const j = file('data.json', '[{"text": "a"}]');
    expect((await failure([j])).message).toBe(
      `${j} is a JSON file; import JSON Lines instead (one object per line, .jsonl) with the text in a field ` +
        "(`jq -c '.[]' FILE.json > FILE.jsonl` converts an array of objects)",
    );
    const rtf = file('letter.RTF', '{\\rtf1\\ansi Dear friend,\\par}');
    expect((await failure([rtf])).message).toBe(
      `${rtf} is Rich Text Format, whose markup would be trained on as text; save it as plain text (.txt) and import that`,
    );
    expect((await failure([join(dir, 'nope.txt')])).message).toBe(`${join(dir, 'nope.txt')} does not exist`);
  });
});

describe('records', () => {
  it('JSONL with a chosen (nested) field, nulls skipped', async () => {
    const p = file('rec.jsonl', '{"meta": {"body": "one"}}\r\n{"meta": {"body": null}}\n{"meta": {"body": "two"}}');
    expect(await texts([p], { field: 'meta.body' })).toEqual(['one', 'two']);
  });
  it("JSONL whose lines are bare strings (`jq -c '.[]'` of an array of strings) reads each as a document", async () => {
    const p = file('strings.jsonl', '"first note"\n\n"second\\nline"\n{"text": "an object line"}\n""\n');
    const kept: string[] = [];
    const summary = await importDocuments([p], (d) => void kept.push(d.text));
    expect(kept).toEqual(['first note', 'second\nline', 'an object line']);
    expect(summary).toMatchObject({ documents: 3, emptyDropped: 1 });
    // A named field is for objects; a bare string line is still the document itself.
    expect(
      await texts([file('named.jsonl', '"plain"\n{"meta": {"body": "nested"}}\n')], { field: 'meta.body' }),
    ).toEqual(['plain', 'nested']);
    // Other bare values still say what the line holds.
    const n = file('numbers.jsonl', '"ok"\n42\n');
    expect((await failure([n])).message).toBe(
      `${n} line 2: no field "text" in a number; name the field that holds the text (\`--field NAME\`; in the app, Options → JSONL field)`,
    );
  });
  it("counts a one-column file's empty rows with the empty ones dropped, as it does a wider file's", async () => {
    // A blank line between rows is an empty value (Excel saves an empty cell so), "" one quoted
    // (Python's csv writer); blank lines after the last row are the file's end, counted by none.
    const table = 'text\r\nalpha\r\n\r\nbeta\r\n""\r\n  \r\ngamma\r\n\r\n\r\n';
    for (const [name, content] of [
      ['one.csv', table],
      ['one.tsv', table.replace('""', '')],
      ['wide.csv', 'id,text\n1,alpha\n2,\n3,beta\n4,""\n5,  \n6,gamma\n\n'],
    ]) {
      for (const chunkBytes of [1, 3, 1 << 20]) {
        const kept: string[] = [];
        const summary = await importDocuments([file(name, content)], (d) => void kept.push(d.text), { chunkBytes });
        expect(kept, name).toEqual(['alpha', 'beta', 'gamma']);
        expect(summary, name).toMatchObject({ documents: 3, emptyDropped: 3 });
      }
    }
    // A wider file's blank line holds none of its columns: no row, as before (nor a lone "").
    const blank = await importDocuments([file('gaps.csv', 'id,text\n1,alpha\n\n""\n2,beta\n')], () => undefined);
    expect(blank).toMatchObject({ documents: 2, emptyDropped: 0 });
  });

  it('CSV quoting: delimiters, doubled quotes and newlines inside quotes; CRLF rows', async () => {
    const p = file('q.csv', 'id,text\r\n1,"Hello, ""world""\nsecond line"\r\n2,plain\r\n3,"a ""b"" c"');
    expect(await texts([p])).toEqual(['Hello, "world"\nsecond line', 'plain', 'a "b" c']);
  });
  it('CSV with semicolons, as Excel writes it where the decimal mark is a comma, in any chunking', async () => {
    // Excel's French "CSV (séparateur: point-virgule)", Windows-1252: read with ';' and its accents.
    const excel = file(
      'excel.csv',
      Buffer.from('"id";"text"\r\n1;"Première ligne; avec un point-virgule"\r\n2;Deuxième\r\n', 'latin1'),
    );
    // Commas win a tie and a semicolon inside quotes is not a delimiter.
    const commas = file('commas.csv', '"a;b",text\n1;2,"x; y"\n');
    for (const chunkBytes of [1, 3, 1 << 20]) {
      expect(await texts([excel], { chunkBytes })).toEqual(['Première ligne; avec un point-virgule', 'Deuxième']);
      expect(await texts([commas], { chunkBytes })).toEqual(['x; y']);
    }
    // A header with no line end still picks the delimiter: the "text" column is found (and holds nothing).
    const headerOnly = file('header.csv', 'id;text');
    expect((await failure([headerOnly])).message).toBe(
      `${headerOnly} has no text in its column "text" (no rows under the header, or only empty ones)`,
    );
    const emptyLines = file('empty.jsonl', '{"text": ""}\n{"text": "  "}\n');
    expect((await failure([emptyLines])).message).toBe(
      `${emptyLines} has no text in the field "text" of any line (no lines, or only empty ones)`,
    );
  });
  it('TSV with a chosen column; quotes are ordinary characters', async () => {
    const p = file('t.tsv', 'body\tlabel\n"quoted" text\tx\nsecond\ty\n');
    expect(await texts([p], { column: 'body' })).toEqual(['"quoted" text', 'second']);
  });
});
