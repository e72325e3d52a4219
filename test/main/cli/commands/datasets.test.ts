// `spanfill datasets show --model` and `spanfill mask`, in-process, on text a SentencePiece
// vocabulary cannot represent: each says how many tokens became <unk> and a few characters that
// did, and what literal special tokens were removed, in the words of shared/tokenNotes.ts; the
// byte-level tokenizer has no <unk> and says nothing of it. `datasets rm` names the runs it leaves
// unable to resume.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { runConfigSchema } from '../../../../src/shared/contract/runs';
import { openStore } from '../../../../src/main/store/db';
import { RunRepository } from '../../../../src/main/store/runs';
import { runSpanfill as cli } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';

const spmDir = path.join(__dirname, '../../../fixtures/t5/t5-tiny-spm');
const tempDir = tempDirs('spanfill-cli-datasets-');

const UNK_NOTE =
  /note: \d+ tokens? of [\d,]+ \([\d.]+%\) in the dataset's text became <unk>: the \S*t5-tiny-spm tokenizer's vocabulary has no piece for characters such as 東 京 😀 é,/;

/** A fresh data directory holding one dataset, `name`, imported from `text`: its --data-dir arguments. */
async function withDataset(name: string, text: string): Promise<string[]> {
  const dir = tempDir();
  const data = ['--data-dir', path.join(dir, 'data')];
  const file = path.join(dir, `${name}.txt`);
  fs.writeFileSync(file, text);
  expect((await cli(['import', file, '--name', name, ...data])).code).toBe(exitCodes.ok);
  return data;
}

describe('spanfill datasets show / mask on text outside the vocabulary', () => {
  it('says how many tokens became <unk>, with characters that did, and the literal special tokens removed', async () => {
    const data = await withDataset(
      'foreign',
      'The dog walks in 東京 😀 and a café.\n\nIt wrote </s> and <extra_id_3> on a wall.\n',
    );

    const shown = await cli(['datasets', 'show', 'foreign', '--model', spmDir, '--length', '32', ...data]);
    expect(shown.code, shown.stderr).toBe(exitCodes.ok);
    expect(shown.stdout).toMatch(UNK_NOTE);
    expect(shown.stdout).toContain(
      "  note: Removed 2 literal special tokens such as </s> or <extra_id_0> from the dataset's text: they would " +
        'collide with the sentinels and end-of-sequence marks span corruption adds',
    );
    const json = await cli(['datasets', 'show', 'foreign', '--model', spmDir, '--json', ...data]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      tokens: { unknownTokens: { count: 3, characters: ['東', '京', '😀', 'é'] } },
    });

    const masked = await cli(['mask', '--dataset', 'foreign', '--model', spmDir, '--length', '32', ...data]);
    expect(masked.code, masked.stderr).toBe(exitCodes.ok);
    expect(masked.stdout).toMatch(UNK_NOTE);
    const typed = await cli(['mask', '--text', 'Tea in 東京 😀', '--model', spmDir, ...data]);
    expect(typed.stdout).toMatch(/note: 2 tokens of \d+ \(\d+%\) in the text became <unk>: .* such as 東 京 😀,/);

    // Bytes represent every character: no <unk>, nothing said of it.
    const bytes = await cli(['datasets', 'show', 'foreign', '--model', 'bytes', '--length', '32', ...data]);
    expect(bytes.stdout).not.toContain('<unk>');
    const bytesJson = await cli(['datasets', 'show', 'foreign', '--model', 'bytes', '--json', ...data]);
    expect(JSON.parse(bytesJson.stdout)).toMatchObject({ tokens: { unknownTokens: null } });
    expect((await cli(['mask', '--dataset', 'foreign', '--model', 'bytes', ...data])).stdout).not.toContain('<unk>');
  });
});

describe('spanfill datasets refusals', () => {
  it('names an unknown action with the nearest one, in the wording of runs and models', async () => {
    const { code, stderr } = await cli(['datasets', 'lst', '--data-dir', path.join(tempDir(), 'data')]);
    expect(code).toBe(exitCodes.usage);
    expect(stderr).toContain(
      "unknown datasets action 'lst' (did you mean list?); expected one of: list, show, rename, rm",
    );
  });

  it('refuses --model and --length where they do nothing (list, rename ignored them), before renaming', async () => {
    const data = await withDataset('notes', 'A note.\n');
    for (const args of [
      ['list', '--length', '5'],
      ['list', '--model', 'bytes'],
      ['rename', 'notes', 'other', '--model', 'bytes'],
      ['rm', 'notes', '--length', '5'],
    ]) {
      const { code, stderr } = await cli(['datasets', ...args, ...data]);
      expect(code, args.join(' ')).toBe(exitCodes.usage);
      expect(stderr).toContain(`--model and --length go with datasets show, not datasets ${args[0]}`);
    }
    expect((await cli(['datasets', ...data])).stdout).toContain(' notes'); // neither renamed nor removed
  });
});

describe('spanfill datasets rm of a dataset a run could still be resumed on', () => {
  it('says after removing it which runs can no longer be resumed, in --json too', async () => {
    const data = await withDataset('notes', 'A note.\n\nAnother note.\n');
    const [id] = (
      JSON.parse((await cli(['datasets', '--json', ...data])).stdout) as { datasets: { id: string }[] }
    ).datasets.map((d) => d.id);
    const store = openStore(data[1]);
    const runs = new RunRepository(store.db);
    const config = runConfigSchema.parse({ datasetId: id, model: 'builtin:byt5-tiny', maxSteps: 10 });
    runs.add({ id: 'r-paused01', name: 'tiny on notes', config, totalSteps: 10, status: 'queued' });
    runs.setStatus('r-paused01', 'paused', { step: 6 });
    store.close();

    const removed = await cli(['datasets', 'rm', 'notes', ...data]);
    expect(removed.code, removed.stderr).toBe(exitCodes.ok);
    expect(removed.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^Removed ${id} "notes": 2 documents and 0 token caches`)),
      'Run r-paused01 ("tiny on notes", paused at step 6) trained on it and can no longer be resumed (resuming needs ' +
        'its data); its curves and checkpoints are kept, and a checkpoint can start a new run on another dataset ' +
        `(Train → Base model; in a terminal, \`spanfill train --model FOLDER --dataset ID --data-dir ${data[1]}\`)`,
    ]);
    const again = await withDataset('letters', 'A letter.\n');
    const json = JSON.parse((await cli(['datasets', 'rm', 'letters', '--json', ...again])).stdout) as unknown;
    expect(json).toMatchObject({ action: 'rm', unresumableRuns: [] });
  });
});

describe('spanfill datasets show: counts and file names as the rest of the CLI writes them', () => {
  it('writes the examples per epoch with thousands separators, as the tokens above them', async () => {
    // 2,000 paragraphs of 40 bytes: well over 1,000 examples of 32 byte tokens.
    const text = Array.from({ length: 2000 }, (_, i) => `Paragraph ${String(i).padStart(4, '0')} of a longer text.`);
    const data = await withDataset('many', text.join('\n\n'));
    const shown = await cli(['datasets', 'show', 'many', '--length', '32', ...data]);
    expect(shown.code, shown.stderr).toBe(exitCodes.ok);
    const examples = /^Examples +(\S+) per epoch/m.exec(shown.stdout)?.[1];
    expect(examples, shown.stdout).toMatch(/^\d{1,3}(,\d{3})+$/);
  });

  it("shows a newline in a file's name as \\n in Source and the notes, so each stays one line", async () => {
    const dir = tempDir();
    const data = ['--data-dir', path.join(dir, 'data')];
    const [named, empty] = [path.join(dir, 'new\nline.txt'), path.join(dir, 'also\nempty.txt')];
    fs.writeFileSync(named, 'Some text.\n');
    fs.writeFileSync(empty, '');
    const imported = await cli(['import', named, empty, '--name', 'lines', ...data]);
    expect(imported.code, imported.stderr).toBe(exitCodes.ok);
    const shown = await cli(['datasets', 'show', 'lines', ...data]);
    const lines = shown.stdout.split('\n');
    expect(lines).toContain(`Source      ${path.join(dir, 'new\\nline.txt')}, ${path.join(dir, 'also\\nempty.txt')}`);
    expect(lines).toContain(`  note: Skipped ${path.join(dir, 'also\\nempty.txt')}: it is empty`);
    expect(imported.stdout).toContain(`Source      ${path.join(dir, 'new\\nline.txt')}`);
  });
});

describe('spanfill datasets show: the notes name the data directory as the import did', () => {
  it('ends the commands in stored notes with --data-dir DIR, and leaves the documents as they are', async () => {
    const document = 'Run `spanfill datasets rename ID NAME` to rename.\n';
    const data = await withDataset('notes', document);
    const file = path.join(tempDir(), 'notes.txt');
    fs.writeFileSync(file, document);
    const imported = await cli(['import', file, '--name', 'notes', ...data]);
    const suffixed = `(\`spanfill datasets rename ID NAME --data-dir ${data[1]}\` names either anew)`;
    expect(imported.stdout).toContain(suffixed);

    const shown = await cli(['datasets', 'show', 'notes (2)', ...data]);
    expect(shown.code, shown.stderr).toBe(exitCodes.ok);
    expect(shown.stdout).toContain(suffixed);
    // The text is the dataset's own: shown exactly (README: documents are not rewritten).
    expect(shown.stdout).toContain(`(${document.trimEnd().length} chars) ${JSON.stringify(document.trimEnd())}`);
    const json = await cli(['datasets', 'show', 'notes (2)', '--json', ...data]);
    expect(json.stdout).toContain(suffixed.replaceAll('"', '\\"'));
  });
});
