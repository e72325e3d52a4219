// CLI tests for `spanfill import`, `spanfill datasets` and `spanfill mask`, run in-process
// against a temp data directory: text and --json output, bad input messages, exit codes.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../src/main/cli/exit-codes';
import { openStore } from '../../../src/main/store/db';
import { DatasetRepository } from '../../../src/main/store/datasets';
import { runSpanfill as cli } from '../../support/cli';
import { tempDirs } from '../../support/tmp';

const spmDir = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const tempDir = tempDirs('spanfill-cli-data-');

describe('spanfill import / datasets / mask', () => {
  it('imports a path given from the folder it runs in, and keeps where it is in full', async () => {
    const dir = tempDir();
    const data = ['--data-dir', path.join(dir, 'data')];
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'One note.\n');
    const relative = path.relative(process.cwd(), file);
    expect(path.isAbsolute(relative)).toBe(false);
    const imported = await cli(['import', relative, '--json', ...data]);
    expect(imported.code).toBe(exitCodes.ok);
    expect(JSON.parse(imported.stdout)).toMatchObject({ name: 'notes.txt', sourcePath: file });
    // One that is not there is named in full: where the command looked.
    const missing = await cli(['import', path.relative(process.cwd(), path.join(dir, 'gone.txt')), ...data]);
    expect(missing.stderr.trim()).toBe(`spanfill import: ${path.join(dir, 'gone.txt')} does not exist`);
  });

  it('imports a file, lists, shows, previews masking and removes it', async () => {
    const dir = tempDir();
    const data = ['--data-dir', path.join(dir, 'data')];
    const file = path.join(dir, 'notes.md');
    fs.writeFileSync(
      file,
      'The cute dog walks in the green park.\n\nA second paragraph, a little longer than the first one.\n',
    );
    const imported = await cli(['import', file, '--name', 'Notes', '--json', ...data]);
    expect(imported.code).toBe(exitCodes.ok);
    const result = JSON.parse(imported.stdout) as { id: string; stats: { documents: number } };
    expect(result.stats.documents).toBe(2);

    const list = await cli(['datasets', ...data]);
    // Its import time, local, to the minute.
    const stamp = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.source;
    expect(list.stdout).toMatch(new RegExp(`^${result.id}\\s+ready\\s+${stamp}\\s+2 docs\\s+Notes`));
    // Renamed as the Datasets screen's Rename does, through the same call and its checks.
    const renamed = await cli(['datasets', 'rename', result.id, 'Dog notes', ...data]);
    expect(renamed.stdout.trim()).toBe(`Renamed ${result.id} to "Dog notes"`);
    expect((await cli(['datasets', ...data])).stdout).toMatch(
      new RegExp(`^${result.id}\\s+ready\\s+${stamp}\\s+2 docs\\s+Dog notes`),
    );
    // A later import lists first (newest first, as on the Datasets screen).
    fs.writeFileSync(path.join(dir, 'later.txt'), 'Another text.\n');
    const later = JSON.parse((await cli(['import', path.join(dir, 'later.txt'), '--json', ...data])).stdout) as {
      id: string;
    };
    const both = (await cli(['datasets', ...data])).stdout.trim().split('\n');
    expect(both.map((line) => line.split(' ')[0])).toEqual([later.id, result.id]);
    const listed = JSON.parse((await cli(['datasets', '--json', ...data])).stdout) as { datasets: { id: string }[] };
    expect(listed.datasets.map((d) => d.id)).toEqual([later.id, result.id]);
    const blank = await cli(['datasets', 'rename', result.id, ' ', ...data]);
    expect(blank.code).toBe(exitCodes.usage);
    expect(blank.stderr).toContain('spanfill datasets: a name cannot be empty\n');
    expect((await cli(['datasets', 'rename', result.id, ...data])).code).toBe(exitCodes.usage);
    // A name on one line: a line break or tab would break the tables above.
    const twoLines = await cli(['datasets', 'rename', result.id, 'two\nlines', ...data]);
    expect(twoLines.stderr).toContain('a name cannot hold line breaks, tabs or other control characters');
    // An import's --name follows the same rule, and a refused one imports nothing.
    for (const name of ['', '   ', 'a\tb']) {
      const refused = await cli(['import', file, '--name', name, ...data]);
      expect(refused.code, JSON.stringify(name)).toBe(exitCodes.usage);
      expect(refused.stderr, JSON.stringify(name)).toMatch(
        /^spanfill import: name: a name cannot (be empty|hold line breaks)/,
      );
    }
    expect((await cli(['datasets', ...data])).stdout.trim().split('\n')).toHaveLength(2);
    const show = await cli(['datasets', 'show', result.id, ...data]);
    expect(show.stdout).toContain('Documents   2 (0 duplicates and 0 empty dropped)');
    expect(show.stdout).toMatch(new RegExp(`\nImported {4}${stamp}\n`));
    expect(show.stdout).toContain('#1 (37 chars) "The cute dog walks in the green park."');
    // Token stats for a tokenizer: bytes = UTF-8 bytes of the two documents; 32 → 34 raw (golden table).
    const stats = await cli(['datasets', 'show', result.id, '--model', 'bytes', '--length', '32', '--json', ...data]);
    const counted = JSON.parse(stats.stdout) as {
      tokens: { tokens: number; documents: number; estimate: { tokensLength: number; targetLength: number } };
    };
    expect(counted.tokens).toMatchObject({ tokens: 37 + 55, documents: 2 });
    expect(counted.tokens.estimate).toMatchObject({ tokensLength: 34, targetLength: 8 });
    const statsText = await cli(['datasets', 'show', result.id, '--model', 'bytes', ...data]);
    expect(statsText.stdout).toContain('Tokenized   92 tokens in 2 documents (bytes (ByT5 layout), cached)');
    // Said once: not again as the count kept for that tokenizer, which a plain show lists.
    expect(statsText.stdout).not.toMatch(/^Tokens /m);
    expect((await cli(['datasets', 'show', result.id, ...data])).stdout).toMatch(/^Tokens {6}92 \(/m);
    // Without --length: a new run's at the quick preset (64 tokens), where the Datasets screen starts too.
    expect(statsText.stdout).toMatch(/\nExamples {4}\d+ per epoch at input length 64 \((packed|per-document);/);
    expect(statsText.stdout).toContain('\n  note: input length 64 is the default (a new run');
    expect(stats.stdout).not.toContain('isDefaultLength');
    // --length alone: counted with bytes, the tokenizer a run and mask take by default.
    const byDefault = await cli(['datasets', 'show', result.id, '--length', '32', '--json', ...data]);
    expect(byDefault.code, byDefault.stderr).toBe(exitCodes.ok);
    expect(JSON.parse(byDefault.stdout)).toMatchObject({
      tokens: { tokens: 37 + 55, documents: 2, estimate: { tokensLength: 34, targetLength: 8 } },
    });

    const text = await cli([
      'mask',
      '--text',
      'The cute dog walks in the green park',
      '--model',
      spmDir,
      '--length',
      '16',
      ...data,
    ]);
    expect(text.code).toBe(exitCodes.ok);
    expect(text.stdout).toMatch(/^Text\s+The cute.*\[0: /);
    expect(text.stdout).toMatch(/\nInput\s+.*<extra_id_0>.*<\/s>/);
    // A folder no model is registered from, by its name, as a run's notes name it (tokenizerNames.test.ts).
    expect(text.stdout).toContain('Tokenizer  t5-tiny-spm, seed 0');
    // The counts in the Masking screen's sentence, one noise span said as one.
    const bytesText = await cli([
      'mask',
      '--text',
      'Sixty tokens of text, all but one of them masked at 0.99!!!!',
      '--density',
      '0.99',
      ...data,
    ]);
    expect(bytesText.stdout).toMatch(
      /\nTokens +61 tokens in this example, of which 60 are hidden in 1 noise span; the input has 3, the target 62\n/,
    );
    const maskDataset = ['mask', '--dataset', result.id, '--model', 'bytes', '--length', '32'];
    const example = await cli([...maskDataset, '--json', ...data]);
    const preview = JSON.parse(example.stdout) as { example: { mode: string }; lengths: { tokensLength: number } };
    expect(preview.example.mode).toBe('packed');
    expect(preview.lengths.tokensLength).toBe(34);
    const perDoc = await cli([...maskDataset, '--mode', 'per-document', '--json', ...data]);
    expect((JSON.parse(perDoc.stdout) as { example: { mode: string } }).example.mode).toBe('per-document');
    const textMode = await cli(['mask', '--text', 'abc', '--model', 'bytes', '--mode', 'packed', ...data]);
    expect(textMode.stderr).toContain('--mode applies to --dataset previews');
    // An example past the dataset's is bad input (exit 1), as text too short or blank is.
    const past = await cli([...maskDataset, '--example', '1532', ...data]);
    expect([past.code, past.stderr]).toEqual([
      exitCodes.failure,
      expect.stringMatching(
        /^spanfill mask: Example 1532 does not exist; the dataset makes 1 at these settings \(1 to 1\)\n$/,
      ),
    ]);
    for (const [typed, says] of [
      ['   ', 'The text is empty or only blanks: type some text to mask.'],
      ['', 'The text is empty or only blanks: type some text to mask.'],
      [
        '</s>',
        'The text has no tokens once its 1 literal special token such as </s> is removed, only the end mark </s> added after it; masking needs at least 2',
      ],
    ]) {
      const refused = await cli(['mask', '--text', typed, '--model', spmDir, ...data]);
      expect([refused.code, refused.stderr], JSON.stringify(typed)).toEqual([
        exitCodes.failure,
        `spanfill mask: ${says}\n`,
      ]);
    }
    const textExample = await cli(['mask', '--text', 'abc', '--model', 'bytes', '--example', '3', ...data]);
    expect([textExample.code, textExample.stderr]).toEqual([
      exitCodes.usage,
      expect.stringContaining('--example applies to --dataset previews (typed text is the one example)'),
    ]);

    // rm asks nothing but names what it deleted (the mask above built one token cache).
    const rm = await cli(['datasets', 'rm', result.id, ...data]);
    expect(rm.stdout.trim()).toBe(`Removed ${result.id} "Dog notes": 2 documents and 1 token cache`);
    expect(fs.existsSync(path.join(dir, 'data', 'tokens', result.id))).toBe(false);
    const rmAgain = await cli(['datasets', 'rm', result.id, '--json', ...data]);
    expect(rmAgain.code).not.toBe(exitCodes.ok);
    expect(JSON.parse(rmAgain.stdout)).toMatchObject({ error: { code: 'not_found' } });
    expect((await cli(['datasets', 'rm', later.id, ...data])).stdout).toContain('1 document and 0 token caches');
    expect((await cli(['datasets', ...data])).stdout.trim()).toBe(
      `No datasets yet; \`spanfill import FILE --data-dir ${data[1]}\` adds one.`,
    );
  });

  it("takes a dataset's name for its id where only one dataset has that name", async () => {
    const dir = tempDir();
    const data = ['--data-dir', path.join(dir, 'data')];
    const ids: string[] = [];
    for (const [name, paragraphs] of [
      ['notes', 3],
      ['letters', 40],
    ] as const) {
      const file = path.join(dir, `${name}.txt`);
      fs.writeFileSync(file, Array.from({ length: paragraphs }, (_, i) => `Paragraph ${i} of ${name}.`).join('\n\n'));
      ids.push(
        (JSON.parse((await cli(['import', file, '--name', name, '--json', ...data])).stdout) as { id: string }).id,
      );
    }
    const [notes, letters] = ids;
    expect((await cli(['datasets', 'show', 'letters', ...data])).stdout).toContain(`Dataset     ${letters}  letters`);
    const examples = async (ref: string): Promise<number> => {
      const run = await cli(['train', '--dataset', ref, '--preset', 'quick', '--estimate', '--json', ...data]);
      return (JSON.parse(run.stdout) as { estimate: { trainingExamples: number } }).estimate.trainingExamples;
    };
    expect(await examples('letters')).toBe(await examples(letters));
    expect(await examples('letters')).not.toBe(await examples(notes));
    const masked = await cli(['mask', '--dataset', 'notes', '--model', 'bytes', '--length', '32', '--json', ...data]);
    const segments = (JSON.parse(masked.stdout) as { segments: { text: string }[] }).segments;
    expect(segments.map((segment) => segment.text).join('')).toContain('Paragraph 0 of notes.');

    // A name another dataset has is refused (exit 1: the command line is right, the store has it).
    const taken = await cli(['datasets', 'rename', 'letters', 'notes', ...data]);
    expect([taken.code, taken.stderr]).toEqual([
      exitCodes.failure,
      expect.stringContaining(`Dataset ${notes} is named "notes" already; a name finds one dataset`),
    ]);
    // Two of one name (a store from before names were kept distinct): neither is guessed, exit 1
    // as for an unknown name, which is not found; the usage line would not help.
    const store = openStore(data[1]);
    new DatasetRepository(store.db).rename(letters, 'notes');
    store.close();
    for (const args of [
      ['mask', '--dataset', 'notes', '--model', 'bytes'],
      ['datasets', 'show', 'notes'],
    ]) {
      const both = await cli([...args, ...data]);
      expect(both.code, args.join(' ')).toBe(exitCodes.failure);
      expect(both.stderr).toContain(`2 datasets are named "notes" (${notes}, ${letters}); give one id`);
      expect(both.stderr).not.toContain('--help');
    }
    const unknown = await cli(['datasets', 'rm', 'novel', '--json', ...data]);
    expect(unknown.code).toBe(exitCodes.failure);
    expect(JSON.parse(unknown.stdout)).toEqual({
      error: {
        code: 'not_found',
        message: `No dataset has the id or name "novel"; \`spanfill datasets --data-dir ${data[1]}\` lists the ids and names`,
      },
    });
    expect((await cli(['datasets', ...data])).stdout.trim().split('\n')).toHaveLength(2);
  });

  it('import takes --field, --column and --split; datasets rm --json says what went', async () => {
    const dir = tempDir();
    const data = ['--data-dir', path.join(dir, 'data')];
    const jsonl = path.join(dir, 'chat.jsonl');
    fs.writeFileSync(jsonl, '{"body": "line one\\nline two"}\n{"body": "line three"}\n');
    const byLine = await cli([
      'import',
      jsonl,
      '--field',
      'body',
      '--split',
      'line',
      '--name',
      'Chat',
      '--json',
      ...data,
    ]);
    const chat = JSON.parse(byLine.stdout) as { id: string; name: string; stats: { documents: number } };
    expect([chat.name, chat.stats.documents]).toEqual(['Chat', 3]);
    const tsv = path.join(dir, 'rows.tsv');
    fs.writeFileSync(tsv, 'id\tnote\n1\tfirst note\n2\tsecond note\n');
    const rows = JSON.parse((await cli(['import', tsv, '--column', 'note', '--json', ...data])).stdout) as {
      stats: { documents: number };
    };
    expect(rows.stats.documents).toBe(2);
    const rm = JSON.parse((await cli(['datasets', 'rm', chat.id, '--json', ...data])).stdout) as unknown;
    expect(rm).toEqual({
      action: 'rm',
      id: chat.id,
      removed: true,
      name: 'Chat',
      documents: 3,
      tokenCaches: 0,
      freedBytes: 0,
      unresumableRuns: [],
    });
  });

  it('text output writes out the control characters of data and prompts; --json keeps them exact', async () => {
    const dir = tempDir();
    const data = ['--data-dir', path.join(dir, 'data')];
    // An OSC 52 clipboard write, a clear screen and a carriage return, as the reported file had.
    const hostile = 'text \u001b]52;c;ZWNobyBwd25lZA==\u0007\u001b[2J more\rtext.';
    const file = path.join(dir, 'esc.txt');
    fs.writeFileSync(file, `${hostile}\n`);
    expect((await cli(['import', file, '--name', 'esc', ...data])).code).toBe(exitCodes.ok);
    const outputs = [
      await cli(['mask', '--dataset', 'esc', ...data]),
      await cli(['mask', '--text', hostile, ...data]),
      await cli(['datasets', 'show', 'esc', ...data]),
    ];
    for (const output of outputs) {
      expect(output.code).toBe(exitCodes.ok);
      const controls = [...output.stdout].filter((c) => c !== '\n' && c !== '\t' && /\p{Cc}/u.test(c));
      expect(controls).toEqual([]);
    }
    expect(outputs[1].stdout).toMatch(/^Text\s+text .*\\x1b\]52;c;/);
    expect(outputs[1].stdout).toContain('\\x07');
    const json = JSON.parse((await cli(['mask', '--text', hostile, '--json', ...data])).stdout) as {
      inputText: string;
    };
    expect(json.inputText.startsWith('text \u001b]52;c;')).toBe(true);
  });

  it('mask: --density, --span, --length and --seed reach the preview; a new seed re-rolls', async () => {
    const dir = tempDir();
    const data = ['--data-dir', path.join(dir, 'data')];
    const text = 'Forty characters of text for the masking'; // 40 bytes = 40 byte tokens, and the EOS
    type Preview = {
      seed: number;
      inputText: string;
      lengths: { tokensLength: number; inputLength: number; targetLength: number };
      counts: { maskedTokens: number; noiseTokens: number };
    };
    const mask = async (...flags: string[]): Promise<Preview> => {
      const r = await cli(['mask', '--text', text, '--model', 'bytes', '--json', ...flags, ...data]);
      expect(r.code).toBe(exitCodes.ok);
      return JSON.parse(r.stdout) as Preview;
    };
    // Lengths from the golden HF table (test/fixtures/span-corruption.json); the defaults are a
    // training run's (input length 128), so a preview at the defaults shows what a run trains on.
    const defaults = await mask();
    expect(defaults.lengths).toMatchObject({ inputLength: 128, tokensLength: 141, targetLength: 29 });
    expect(defaults.counts).toMatchObject({ maskedTokens: 41, noiseTokens: 6 }); // round(41 · 0.15)
    expect(defaults.seed).toBe(0);
    const withoutModel = await cli(['mask', '--text', text, '--json', ...data]);
    expect((JSON.parse(withoutModel.stdout) as Preview & { tokenizer: string }).tokenizer).toMatch(/^bytes/);
    expect((JSON.parse(withoutModel.stdout) as Preview).inputText).toBe(defaults.inputText);
    const set = await mask('--density', '0.3', '--span', '3', '--length', '64', '--seed', '7');
    expect(set.lengths).toMatchObject({ inputLength: 64, tokensLength: 79, targetLength: 33 });
    expect(set.counts.noiseTokens).toBe(12); // round(41 · 0.3)
    expect(set.seed).toBe(7);
    expect((await mask('--density', '0.3', '--seed', '7')).inputText).toBe(set.inputText);
    const rerolls = new Set<string>();
    for (const seed of ['1', '2', '3', '4', '5'])
      rerolls.add((await mask('--density', '0.3', '--seed', seed)).inputText);
    expect(rerolls.size).toBeGreaterThan(1);

    const both = await cli(['mask', '--text', text, '--dataset', 'ds-x', '--model', 'bytes', ...data]);
    expect(both.code).toBe(exitCodes.usage);
    expect(both.stderr).toContain('mask needs exactly one of --dataset ID, --text T or --text-file FILE');
    const density = await cli(['mask', '--text', text, '--model', 'bytes', '--density', '1.5', ...data]);
    expect(density.code).toBe(exitCodes.usage);
    expect(density.stderr).toContain("--density must be a number from 0.001 to 0.999, got '1.5'");
    // The bounds a run takes too: a span as long as a run's may be (1,000), said in --help as in train's.
    expect((await mask('--span', '500')).counts.maskedTokens).toBe(41);
    const help = (await cli(['mask', '--help'])).stdout;
    expect(help).toMatch(/--density D +Noise density: the share of tokens masked, 0\.001 to 0\.999\n/);
    expect(help).toMatch(/--span S +Mean noise span length in tokens, 1 to 1,000\n/);
    expect((await cli(['train', '--help'])).stdout).toMatch(
      /--noise-density X +Share of the tokens masked, from 0\.001 to 0\.999/,
    );
  });

  it('mask and datasets show name a registered model whose tokenizer they used by its name, not by its folder', async () => {
    const dir = tempDir();
    const data = ['--data-dir', path.join(dir, 'data')];
    const folder = path.join(dir, 'tuned');
    fs.cpSync(spmDir, folder, { recursive: true });
    expect((await cli(['models', 'import', folder, '--name', 'mine', ...data])).code).toBe(exitCodes.ok);
    const text = ['mask', '--text', 'The cute dog walks in the green park', '--length', '16', ...data];
    // It said "Tokenizer  tuned", the folder's name.
    expect((await cli([...text, '--model', 'mine'])).stdout).toContain('\nTokenizer  mine, seed 0\n');
    // Given by its folder too (tokenizerNames.test.ts: as a run's notes name it).
    expect((await cli([...text, '--model', folder])).stdout).toContain('\nTokenizer  mine, seed 0\n');
    const bytes = await cli([...text, '--model', 'bytes', '--json']);
    expect((JSON.parse(bytes.stdout) as { tokenizer: string }).tokenizer).toBe('bytes (ByT5 layout)');
    // datasets show --model says it the same way.
    const notes = path.join(dir, 'notes.txt');
    fs.writeFileSync(notes, 'The cute dog walks in the green park.\n');
    const imported = await cli(['import', notes, '--json', ...data]);
    const { id } = JSON.parse(imported.stdout) as { id: string };
    const shown = await cli(['datasets', 'show', id, '--model', 'mine', ...data]);
    expect(shown.stdout).toMatch(/\nTokenized +\d+ tokens in 1 document \(mine\)\n/);
  });

  it('bad input fails with the engine message and the right exit code', async () => {
    const dir = tempDir();
    const data = ['--data-dir', path.join(dir, 'data')];
    const bin = path.join(dir, 'blob.txt');
    fs.writeFileSync(bin, Buffer.from([0x41, 0x42, 0x00, 0x43]));
    const binary = await cli(['import', bin, ...data]);
    // Bad file contents are bad input, not a usage error: exit 1, and nothing was imported.
    expect(binary.code).toBe(exitCodes.failure);
    expect(binary.stderr.split('\n')[0]).toBe(
      `spanfill import: ${bin} looks like a binary file, not text (NUL byte at byte offset 2); ` +
        'save or export its text as .txt, .md, .jsonl, .csv or .tsv and import that',
    );
    const csv = path.join(dir, 't.csv');
    fs.writeFileSync(csv, 'id,body\n1,hello\n');
    const column = await cli(['import', csv, '--json', ...data]);
    expect(JSON.parse(column.stdout)).toEqual({
      error: {
        code: 'invalid_input',
        message: `${csv} has no column "text"; its columns are: id, body; name the column that holds the text (\`--column NAME\`; in the app, Options → CSV column)`,
      },
    });
    expect((await cli(['import', csv, '--column', 'body', '--json', ...data])).code).toBe(exitCodes.ok);
    expect((await cli(['mask', '--text', 'hi', '--model', path.join(dir, 'nope'), ...data])).stderr).toContain(
      'does not exist; give a model folder that holds tokenizer.json, or "bytes" for the byte-level tokenizer',
    );
    expect((await cli(['import', csv, '--split', 'words', ...data])).code).toBe(exitCodes.usage);
    expect((await cli(['datasets', 'show', 'ds-nope', ...data])).stderr).toContain(
      'No dataset has the id or name "ds-nope"',
    );
    const misplaced = await cli(['datasets', 'import', csv, csv, ...data]);
    expect(misplaced.code).toBe(exitCodes.usage);
    expect(misplaced.stderr).toContain('importing is a command of its own: spanfill import FILE|FOLDER…');
  });
});
