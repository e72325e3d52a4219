// The name an import of several paths gets when none is given: that of the first path that gave
// documents, not of a first file that was skipped (binary, empty), numbered as any name is where
// another dataset has it. A name given, or a first path that gave documents, is kept as it was.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importDataset } from '../../../src/main/services/datasetImport';
import { EventBus } from '../../../src/main/services/events';
import { openStore } from '../../../src/main/store/db';
import { DatasetRepository } from '../../../src/main/store/datasets';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-dsname-');
const closes: (() => void)[] = [];
afterEach(() => {
  for (const close of closes.splice(0)) close();
});

const signal = new AbortController().signal;
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);

/** A fresh store, and the import of `files` (name → contents) as dataset `id` in the order given. */
function bench() {
  const dataDir = tempDir();
  const store = openStore(dataDir);
  closes.push(() => store.close());
  const repo = new DatasetRepository(store.db);
  const deps = { repo, events: new EventBus(), dataDir };
  /** `given`: the paths imported (under the files' folder), when not the files themselves. */
  const importFiles = async (id: string, files: [string, string | Buffer][], name?: string, given?: string[]) => {
    const folder = path.join(dataDir, 'in');
    const written = files.map(([file, contents]) => {
      const full = path.join(folder, file);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, contents);
      return full;
    });
    const paths = given?.map((relative) => path.join(folder, relative)) ?? written;
    await importDataset(deps, id, { paths, name }, signal);
    return repo.get(id);
  };
  return { repo, importFiles };
}

describe('importDataset: the name of an import of several paths', () => {
  it('is the first file that gave documents, when the first was skipped as binary', async () => {
    const { importFiles } = bench();
    const row = await importFiles('ds-1', [
      ['pic.png', png],
      ['ok.txt', 'A paragraph.\n\nAnother one.\n'],
    ]);
    expect(row).toMatchObject({ name: 'ok.txt', status: 'ready' });
  });

  it('is the first file that gave documents, when the first was empty', async () => {
    const { importFiles } = bench();
    const row = await importFiles('ds-1', [
      ['empty.txt', ''],
      ['ok2.txt', 'A paragraph.\n'],
    ]);
    expect(row?.name).toBe('ok2.txt');
  });

  it('is the folder that gave documents, after a skipped file', async () => {
    const { importFiles } = bench();
    const given = ['blank.md', 'notes'];
    const row = await importFiles(
      'ds-1',
      [
        ['blank.md', ''],
        ['notes/a.txt', 'A paragraph.\n'],
      ],
      undefined,
      given,
    );
    expect(row?.name).toBe('notes');
  });

  it('is numbered, with its note, when another dataset has that name', async () => {
    const { importFiles } = bench();
    await importFiles('ds-1', [['ok.txt', 'First import.\n']]);
    const row = await importFiles('ds-2', [
      ['pic.png', png],
      ['ok.txt', 'Second import.\n'],
    ]);
    expect(row?.name).toBe('ok.txt (2)');
    expect(row?.stats?.warnings).toContain(
      'Named "ok.txt (2)": dataset ds-1 is named "ok.txt" already, and a name finds one dataset ' +
        '(`spanfill datasets rename ID NAME` names either anew)',
    );
    expect(row?.stats?.warnings.join('\n')).not.toMatch(/"pic\.png"/);
  });

  it('is the first path when it gave documents, and a name given is kept', async () => {
    const { importFiles } = bench();
    const first = await importFiles('ds-1', [
      ['a.txt', 'A paragraph.\n'],
      ['pic.png', png],
      ['c.txt', 'Another.\n'],
    ]);
    expect(first?.name).toBe('a.txt');
    const named = await importFiles(
      'ds-2',
      [
        ['pic.png', png],
        ['b.txt', 'More text.\n'],
      ],
      'my notes',
    );
    expect(named?.name).toBe('my notes');
  });
});
