// importDataset over a real store in a temp data dir: a file whose NUL byte lies past the first
// read (past text a streaming import would already have stored) is skipped whole in a folder and
// fails alone, with none of its text ever written to the store.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { importDataset } from '../../../src/main/services/datasetImport';
import { DatasetService } from '../../../src/main/services/datasets';
import { EventBus } from '../../../src/main/services/events';
import { openStore, type Store } from '../../../src/main/store/db';
import { DatasetRepository } from '../../../src/main/store/datasets';

const cleanup: (() => void)[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const f of cleanup.splice(0)) f();
});

/** A store in a temp data dir, whose repository records the texts of every document written. */
function setup(): { dataDir: string; store: Store; repo: DatasetRepository; written: string[] } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-dsimport-'));
  const store = openStore(dataDir);
  cleanup.push(() => {
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const repo = new DatasetRepository(store.db);
  const written: string[] = [];
  const addDocuments = repo.addDocuments.bind(repo);
  repo.addDocuments = (id, docs) => {
    written.push(...docs.map((d) => d.text));
    addDocuments(id, docs);
  };
  return { dataDir, store, repo, written };
}

/** 1.5 MB of paragraphs (past the import's 1 MiB reads), then a NUL byte; and where the NUL is. */
function lateBinary(): { bytes: Buffer; nulOffset: number } {
  const text = Array.from({ length: 40_000 }, (_, i) => `Paragraph ${i} of ordinary words.\n\n`).join('');
  return {
    bytes: Buffer.concat([Buffer.from(text), Buffer.from([0, 0x89, 0x50]), Buffer.from('more\n')]),
    nulOffset: text.length,
  };
}

const signal = new AbortController().signal;

describe('importDataset', () => {
  it('skips a folder file with a NUL byte far in: the dataset holds the other files, counted alone', async () => {
    const { dataDir, repo, written } = setup();
    const folder = path.join(dataDir, 'in', 'notes');
    fs.mkdirSync(folder, { recursive: true });
    const good = 'The good text.\n\nIts second paragraph.\n';
    fs.writeFileSync(path.join(folder, 'a-good.txt'), good);
    const { bytes, nulOffset } = lateBinary();
    expect(nulOffset).toBeGreaterThan(1 << 20);
    fs.writeFileSync(path.join(folder, 'b-late.txt'), bytes);
    fs.writeFileSync(path.join(folder, 'c-after.txt'), 'Paragraph 7 of ordinary words.');
    const deps = { repo, events: new EventBus(), dataDir };
    await importDataset(deps, 'ds-1', { paths: [folder] }, signal);
    const expected = ['The good text.', 'Its second paragraph.', 'Paragraph 7 of ordinary words.'];
    expect(written).toEqual(expected);
    expect(repo.documents('ds-1', 0, 10).map((d) => d.text)).toEqual(expected);
    const row = repo.get('ds-1');
    expect(row?.status).toBe('ready');
    expect(row?.stats).toMatchObject({
      documents: 3,
      bytes: Buffer.byteLength(good) + 30,
      duplicatesDropped: 0,
      files: [{ path: path.join(folder, 'a-good.txt') }, { path: path.join(folder, 'c-after.txt') }],
      warnings: [
        `Skipped ${path.join(folder, 'b-late.txt')}: it looks like a binary file, not text (NUL byte at byte offset ${nulOffset}); ` +
          'save or export its text as .txt, .md, .jsonl, .csv or .tsv and import that',
      ],
    });
  });

  it('fails for such a file given alone, naming it and the offset, and writes nothing', async () => {
    const { dataDir, repo, written } = setup();
    const file = path.join(dataDir, 'late.txt');
    const { bytes, nulOffset } = lateBinary();
    fs.writeFileSync(file, bytes);
    const deps = { repo, events: new EventBus(), dataDir };
    await expect(importDataset(deps, 'ds-2', { paths: [file] }, signal)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining(
        `${file} looks like a binary file, not text (NUL byte at byte offset ${nulOffset})`,
      ),
    });
    expect(written).toEqual([]);
    expect(repo.list()).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'tokens', 'ds-2'))).toBe(false);
  });
});

// What a disk the import filled answers its clean-up (and every delete until room is freed).
describe('importDataset: a clean-up that fails', () => {
  it("rejects with the import's own error and keeps its row, which every later open tries again, never failing", async () => {
    const { dataDir, store, repo } = setup();
    const file = path.join(dataDir, 'late.txt');
    fs.writeFileSync(file, lateBinary().bytes);
    const full = vi.spyOn(DatasetRepository.prototype, 'delete').mockImplementation(() => {
      throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
    });
    const deps = { repo, events: new EventBus(), dataDir };
    await expect(importDataset(deps, 'ds-full', { paths: [file] }, signal)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining(`${file} looks like a binary file`),
    });
    expect(repo.get('ds-full')?.status).toBe('importing');
    // Opening the services (as every command does) tries again, fails again, and goes on.
    const service = new DatasetService({ store, dataDir, events: new EventBus() });
    expect(service.list().map((d) => [d.id, d.status])).toEqual([['ds-full', 'importing']]);
    full.mockRestore();
    expect(service.removeAbandonedImports()).toEqual(['ds-full']);
    expect(repo.list()).toEqual([]);
  });
});

describe('importDataset: the name', () => {
  it("refuses another dataset's id as a name, which ids would always win over, and stores nothing", async () => {
    const { dataDir, repo } = setup();
    const file = path.join(dataDir, 'a.txt');
    fs.writeFileSync(file, 'Some text.\n');
    const deps = { repo, events: new EventBus(), dataDir };
    await importDataset(deps, 'ds-1', { paths: [file] }, signal);
    await expect(importDataset(deps, 'ds-2', { paths: [file], name: 'ds-1' }, signal)).rejects.toThrow(
      'ds-1 is the id of another dataset; a dataset named so could not be found by its name (the id comes first): choose another name',
    );
    expect(repo.get('ds-2')).toBeUndefined();
  });

  it('numbers a name another dataset has, and says so, so that a name finds one dataset', async () => {
    const { dataDir, repo } = setup();
    const write = (name: string, text: string): string => {
      const file = path.join(dataDir, name);
      fs.writeFileSync(file, text);
      return file;
    };
    const deps = { repo, events: new EventBus(), dataDir };
    await importDataset(deps, 'ds-1', { paths: [write('notes.txt', 'Some text.\n')] }, signal);
    await importDataset(deps, 'ds-2', { paths: [write('other.txt', 'Other text.\n')], name: 'notes.txt' }, signal);
    await importDataset(deps, 'ds-3', { paths: [write('notes.txt', 'New text.\n')] }, signal);
    expect(repo.list().map((row) => row.name)).toEqual(['notes.txt', 'notes.txt (2)', 'notes.txt (3)']);
    const numbered =
      'Named "notes.txt (3)": dataset ds-1 is named "notes.txt" already, and a name finds one dataset ' +
      '(`spanfill datasets rename ID NAME` names either anew)';
    expect(repo.get('ds-3')?.stats?.warnings).toEqual([numbered]);
    expect(repo.get('ds-1')?.stats?.warnings).toEqual([]);
  });
});

// A folder's links as a person leaves them: a loop back to the folder, a file kept elsewhere,
// a device or a named pipe given a text file's name. The import ends (a loop is walked once, a
// device or pipe is never opened), keeps the regular files and names each one it skipped.
describe('importDataset: a folder with symbolic links', () => {
  it('imports files and links to files once, skips a device or a named pipe by name, and ends', async () => {
    const { dataDir, repo, written } = setup();
    const folder = path.join(dataDir, 'in', 'notes');
    fs.mkdirSync(path.join(folder, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'a.txt'), 'Kept in the folder.\n');
    fs.writeFileSync(path.join(folder, 'sub', 'b.txt'), 'Kept in a folder below.\n');
    const elsewhere = path.join(dataDir, 'elsewhere.txt');
    fs.writeFileSync(elsewhere, 'Kept outside the folder.\n');
    fs.symlinkSync(folder, path.join(folder, 'loop')); // notes/loop -> notes
    fs.symlinkSync('..', path.join(folder, 'sub', 'up')); // notes/sub/up -> notes
    fs.symlinkSync(elsewhere, path.join(folder, 'c-outside.txt'));
    fs.symlinkSync('/dev/zero', path.join(folder, 'd-zero.txt'));
    execFileSync('mkfifo', [path.join(folder, 'e-pipe.txt')]);
    fs.symlinkSync(path.join(folder, 'e-pipe.txt'), path.join(folder, 'f-to-pipe.txt'));
    const deps = { repo, events: new EventBus(), dataDir };
    await importDataset(deps, 'ds-links', { paths: [folder] }, signal);
    const expected = ['Kept in the folder.', 'Kept outside the folder.', 'Kept in a folder below.'];
    expect(written).toEqual(expected);
    const row = repo.get('ds-links');
    expect(row?.status).toBe('ready');
    const file = (name: string): string => path.join(folder, name);
    expect(row?.stats?.files.map((f) => f.path)).toEqual([file('a.txt'), file('c-outside.txt'), file('sub/b.txt')]);
    expect(row?.stats?.warnings).toEqual([
      `Skipped ${file('d-zero.txt')}: it is a character device, not a regular file`,
      `Skipped ${file('e-pipe.txt')}: it is a named pipe (FIFO), not a regular file`,
      `Skipped ${file('f-to-pipe.txt')}: it is a named pipe (FIFO), not a regular file`,
    ]);
  }, 30_000);
});
