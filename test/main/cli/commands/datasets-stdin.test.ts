// `spanfill import -` (cli/commands/datasets-stdin.ts): text piped into a real `spanfill`
// process becomes a dataset called "standard input" where a file would be named, and the temp
// file it was saved to is gone after; without --name, from a terminal, or with - twice, it is
// refused before anything is read or stored.

import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { importInput } from '../../../../src/main/cli/commands/datasets-stdin';
import type { DatasetDetail, DatasetSummary } from '../../../../src/shared/contract/datasets';
import { jsonResult, runSpanfill } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';
import { runPiped } from '../../../support/cli-stdin';

const tempDir = tempDirs('spanfill-import-stdin-');
const processStdin = importInput.stdin;
afterEach(() => {
  importInput.stdin = processStdin;
});

/** The datasets in `dataDir`, by name. */
async function datasetNames(dataDir: string): Promise<string[]> {
  const { stdout } = await runSpanfill(['datasets', '--json', '--data-dir', dataDir]);
  return jsonResult<{ datasets: DatasetSummary[] }>(stdout).datasets.map((d) => d.name);
}

describe('spanfill import - in a real process', () => {
  it('imports the text piped in, names its source "standard input", and leaves no temp file', async () => {
    const dataDir = tempDir();
    const tmp = tempDir();
    const text = 'The first paragraph, piped in.\n\nThe second paragraph.\n';
    const args = ['import', '-', '--name', 'notes', '--json', '--data-dir', dataDir];
    const ended = await runPiped(args, text, { TMPDIR: tmp });
    expect(ended.stderr).toBe('');
    expect(ended.code).toBe(0);
    const dataset = jsonResult<DatasetSummary>(ended.stdout);
    expect(dataset).toMatchObject({ name: 'notes', sourcePath: 'standard input', status: 'ready' });
    expect(dataset.stats?.files).toMatchObject([{ path: 'standard input', documents: 2 }]);
    const shown = await runSpanfill(['datasets', 'show', 'notes', '--json', '--data-dir', dataDir]);
    const { sample } = jsonResult<{ dataset: DatasetDetail }>(shown.stdout).dataset;
    expect(sample.map((d) => d.text)).toEqual(['The first paragraph, piped in.', 'The second paragraph.']);
    expect(fs.readdirSync(tmp).filter((name) => name.startsWith('spanfill-'))).toEqual([]); // tsx keeps its cache there too
  }, 90_000);

  it('says "standard input" where a refusal would name the file, storing nothing', async () => {
    const dataDir = tempDir();
    const ended = await runPiped(['import', '-', '--name', 'empty', '--data-dir', dataDir], '');
    expect(ended.code).toBe(1);
    expect(ended.stderr).toContain('spanfill import: standard input is empty');
    expect(await datasetNames(dataDir)).toEqual([]);
  }, 90_000);
});

describe('spanfill import - refused before reading', () => {
  it('without --name: standard input has no file name to name the dataset after', async () => {
    const dataDir = tempDir();
    importInput.stdin = Readable.from(['Some text.\n']);
    const { code, stderr } = await runSpanfill(['import', '-', '--data-dir', dataDir]);
    expect(code).toBe(2);
    expect(stderr).toContain('import - needs --name: standard input has no file name to name the dataset after');
    expect(await datasetNames(dataDir)).toEqual([]);
  });

  it('from a terminal, with nothing piped in, instead of waiting for typing', async () => {
    const dataDir = tempDir();
    importInput.stdin = Object.assign(Readable.from([]), { isTTY: true });
    const { code, stderr } = await runSpanfill(['import', '-', '--name', 'n', '--data-dir', dataDir]);
    expect(code).toBe(2);
    expect(stderr).toContain('import - reads the text from standard input, which is a terminal here');
    expect(stderr).toContain('`cat notes.txt | spanfill import - --name notes`');
  });

  it('- given twice: standard input is read once', async () => {
    const dataDir = tempDir();
    importInput.stdin = Readable.from(['Some text.\n']);
    const { code, stderr } = await runSpanfill(['import', '-', '-', '--name', 'n', '--data-dir', dataDir]);
    expect(code).toBe(2);
    expect(stderr).toContain('import reads standard input (-) once');
  });
});

describe('spanfill import FILE -', () => {
  it('imports a file and standard input together, each by its name', async () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'a.txt');
    fs.writeFileSync(file, 'From the file.\n');
    importInput.stdin = Readable.from(['From standard input.\n']);
    const { code, stdout } = await runSpanfill([
      'import',
      file,
      '-',
      '--name',
      'both',
      '--json',
      '--data-dir',
      dataDir,
    ]);
    expect(code).toBe(0);
    const dataset = jsonResult<DatasetSummary>(stdout);
    expect(dataset.sourcePath).toBe(`${file}, standard input`);
    expect(dataset.stats?.files.map((f) => f.path)).toEqual([file, 'standard input']);
  });
});
