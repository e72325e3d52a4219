// The datasets service over a real store in a temp data dir: import, list, show, the
// training-example estimate, failed and cancelled imports leaving the store as it was (a failure
// after its page went keeping its row, with why), uploaded
// files named as dropped, and imports abandoned by a process that is gone. (Removing datasets:
// datasetsRemove.test.ts; token caches: datasetTokens.test.ts; masking previews of its
// datasets: masking.test.ts.)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/errors';
import { datasetHandlers, DatasetService } from '../../../src/main/services/datasets';
import { EventBus } from '../../../src/main/services/events';
import { systemProcesses } from '../../../src/main/processIdentity';
import { runningChild } from '../../support/processes';
import { addImportingRow } from '../../support/storeRows';
import { counts, datasetsTestKit, novel, spmDir } from './datasets-support';

const { setup } = datasetsTestKit();

describe('datasets service', () => {
  it('imports, lists, shows, tokenizes (cached) and removes', async () => {
    const { service, write, store, dataDir, seen } = setup();
    const file = write('novel.txt', novel + '\n\nParagraph 0: the cute dog walks in the green park.');
    const ds = await service.import({ paths: [file], name: 'Novel' });
    expect(ds).toMatchObject({ name: 'Novel', status: 'ready', format: 'text' });
    expect(ds.stats).toMatchObject({ documents: 30, duplicatesDropped: 1 });
    expect(ds.stats?.split.validationDocuments).toBeGreaterThanOrEqual(1);
    expect(seen.map((e) => e.event)).toEqual(
      expect.arrayContaining(['datasets.statusChanged', 'datasets.importProgress']),
    );
    expect(service.list().map((d) => d.id)).toEqual([ds.id]);
    expect(service.get(ds.id, 2).sample).toEqual([
      { ordinal: 0, text: 'Paragraph 0: the cute dog walks in the green park.', chars: 50 },
      { ordinal: 1, text: 'Paragraph 1: the cute dog walks in the green park.', chars: 50 },
    ]);
    const first = await service.tokens(ds.id, 'bytes');
    expect(first.result).toMatchObject({ documents: 30, isCached: false, tokenizer: 'bytes (ByT5 layout)' });
    first.cache.close();
    const again = await service.tokens(ds.id, 'bytes');
    expect(again.result.isCached).toBe(true);
    again.cache.close();
    const spm = await service.tokens(ds.id, spmDir);
    expect(spm.result.tokens).toBeLessThan(first.result.tokens);
    spm.cache.close();
    const files = fs.readdirSync(path.join(dataDir, 'tokens', ds.id));
    expect(files.filter((f) => f.endsWith('.tokens'))).toHaveLength(2);
    // The split saved at import equals the one recomputed from the documents.
    const saved = await service.validationOrdinals(ds.id);
    fs.rmSync(path.join(dataDir, 'tokens', ds.id, 'validation.split'));
    expect(await new DatasetService({ store, dataDir, events: new EventBus() }).validationOrdinals(ds.id)).toEqual(
      saved,
    );
    expect(saved.validation.length).toBe(ds.stats?.split.validationDocuments);
    const datasets = new DatasetService({ store, dataDir, events: new EventBus() });
    const tokenized = await datasetHandlers({ datasets })['datasets.tokenize']({
      id: ds.id,
      model: 'bytes',
      inputLength: 64,
    });
    expect(tokenized).toMatchObject({
      isCached: true,
      estimate: { inputLength: 64, tokensLength: 70, mode: 'packed' },
    });
    expect(tokenized.estimate?.packedExamples).toBeGreaterThan(15);
    seen.length = 0;
    expect(service.remove(ds.id)).toEqual({
      id: ds.id,
      removed: true,
      name: 'Novel',
      documents: 30,
      tokenCaches: 2,
      freedBytes: 0,
      unresumableRuns: [],
    });
    expect(seen).toEqual([{ event: 'datasets.removed', payload: { datasetId: ds.id } }]); // other windows drop it
    expect(counts(store)).toEqual({ datasets: 0, documents: 0 });
    expect(fs.existsSync(path.join(dataDir, 'tokens', ds.id))).toBe(false);
    expect(() => service.remove(ds.id)).toThrow(`No dataset ${ds.id}`);
  });

  it('estimates the examples at the Train form’s starting input length when none is given', async () => {
    const { service, write } = setup();
    const ds = await service.import({ paths: [write('novel.txt', novel)] });
    // A new Train form opens on the quick preset, whose inputs are 64 tokens long; the Datasets
    // screen's "Count tokens" starts there too, so `datasets show --model` without --length agrees.
    const tokenized = await datasetHandlers({ datasets: service })['datasets.tokenize']({ id: ds.id, model: 'bytes' });
    expect(tokenized.estimate).toMatchObject({ inputLength: 64, mode: 'packed' });
  });

  it('skips a binary file of an uploaded folder with a note naming it as dropped, and imports the rest', async () => {
    const { service, dataDir } = setup();
    const upload = path.join(dataDir, 'uploads', 'up-5678abcd', 'notes');
    fs.mkdirSync(upload, { recursive: true });
    fs.writeFileSync(path.join(upload, 'binary.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    fs.writeFileSync(path.join(upload, 'text.txt'), 'The text of the folder.\n');
    const ds = await service.import({ paths: [upload] });
    expect(ds.stats).toMatchObject({ documents: 1, files: [{ path: 'notes/text.txt' }] });
    expect(ds.stats?.warnings).toEqual([
      'Skipped notes/binary.txt: it looks like a binary file, not text (NUL byte at byte offset 4); ' +
        'save or export its text as .txt, .md, .jsonl, .csv or .tsv and import that',
    ]);
  });

  it('names a path given twice once in the source, and imports it once', async () => {
    const { service, write } = setup();
    const file = write('twice.txt', 'Only once.\n');
    const ds = await service.import({ paths: [file, file, path.join(path.dirname(file), '.', 'twice.txt')] });
    expect(ds.sourcePath).toBe(file);
    expect(ds.stats).toMatchObject({ documents: 1, bytes: 11, duplicatesDropped: 0, files: [{ path: file }] });
    expect(ds.stats?.warnings).toEqual([`${file} was given 3 times; it was imported once`]);
  });

  it('importing the same documents again keeps both and says which dataset the new one repeats', async () => {
    const { service, write } = setup();
    const file = write('notes.txt', 'one\n\ntwo\n\nthree');
    const first = await service.import({ paths: [file], name: 'Notes' });
    const again = await service.import({ paths: [file] });
    expect(first.stats?.warnings).toEqual([]);
    expect(again.stats?.warnings).toEqual([
      `The same documents as dataset ${first.id} ("Notes"), imported before; both are kept: remove one if this import replaces it`,
    ]);
    // Split otherwise, they are other documents: no note of that, only of its name, numbered.
    const lines = await service.import({ paths: [file], split: 'whole' });
    expect([lines.name, lines.stats?.warnings]).toEqual([
      'notes.txt (2)',
      [
        `Named "notes.txt (2)": dataset ${again.id} is named "notes.txt" already, and a name finds one dataset ` +
          '(`spanfill datasets rename ID NAME` names either anew)',
      ],
    ]);
    expect(service.list().map((d) => d.id)).toEqual([first.id, again.id, lines.id]);
    // Without --name the file's name is taken, held to a name's rule: one line, no escapes.
    expect(again.name).toBe('notes.txt');
    const odd = await service.import({ paths: [write('odd\nname\u001b[31m.txt', 'other text')] });
    expect(odd.name).toBe('odd name [31m.txt');
  });

  it('a failed import leaves the store as it was and says why', async () => {
    const { service, write, store, seen } = setup();
    await service.import({ paths: [write('keep.txt', 'kept document')] });
    const before = counts(store);
    const good = write(
      'a.jsonl',
      '{"text": "one"}\n'.repeat(3000).replace(/one/g, () => `doc ${Math.random()}`),
    );
    const bad = write('b.jsonl', '{"text": "fine"}\n{"text": oops}\n');
    const error = await service.import({ paths: [good, bad] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/b\.jsonl line 2: not valid JSON/),
    });
    expect(counts(store)).toEqual(before);
    expect(seen.at(-1)).toMatchObject({ event: 'datasets.statusChanged', payload: { status: 'failed' } });
  });

  it('a failed import whose page went (a reload) keeps only its row, as failed with why, until an import takes its name', async () => {
    const { service, write, store, seen, dataDir } = setup();
    const kept = await service.import({ paths: [write('keep.txt', 'kept document')] });
    const before = counts(store);
    const handlers = datasetHandlers({ datasets: service });
    const pageGone = { signal: AbortSignal.abort() }; // (the call's connection closed)
    const bad = write('b.jsonl', '{"text": "fine"}\n{"text": oops}\n');
    const error = await handlers['datasets.import']({ paths: [bad] }, pageGone).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/b\.jsonl line 2: not valid JSON/),
    });
    expect(counts(store)).toEqual({ datasets: before.datasets + 1, documents: before.documents });
    const failed = service.list().find((ds) => ds.id !== kept.id);
    expect(failed).toMatchObject({
      name: 'b.jsonl',
      status: 'failed',
      stats: null,
      error: (error as ApiError).message,
    });
    expect(kept).not.toHaveProperty('error');
    expect(fs.readdirSync(path.join(dataDir, 'tokens'))).toEqual([kept.id]);
    expect(seen.at(-1)).toMatchObject({
      event: 'datasets.statusChanged',
      payload: { datasetId: failed?.id, status: 'failed', error: (error as ApiError).message },
    });
    // Used for training or masking, it says why it failed and what to do (was 'is failed, not ready').
    await expect(service.tokens(failed?.id ?? '', 'bytes')).rejects.toThrow(
      `Dataset ${failed?.id} (b.jsonl) failed to import: ${(error as ApiError).message}. Import the file again ` +
        `(it takes the name), or remove it (\`spanfill datasets rm ${failed?.id}\`)`,
    );
    // Imported again (the file put right), it takes the name; the failure goes.
    fs.writeFileSync(bad, '{"text": "fine"}\n');
    expect(await handlers['datasets.import']({ paths: [bad] }, pageGone)).toMatchObject({ name: 'b.jsonl' });
    expect(service.list().map((ds) => [ds.name, ds.status])).toEqual([
      ['keep.txt', 'ready'],
      ['b.jsonl', 'ready'],
    ]);
    // A page still there is answered, and nothing is kept; a kept failure is removed like any dataset.
    const c = write('c.jsonl', '{"text": oops}\n');
    await expect(
      handlers['datasets.import']({ paths: [c] }, { signal: new AbortController().signal }),
    ).rejects.toThrow();
    expect(service.list()).toHaveLength(2);
    await handlers['datasets.import']({ paths: [c] }, pageGone).catch(() => undefined);
    const [, , third] = service.list();
    expect(service.remove(third.id)).toMatchObject({ removed: true, name: 'c.jsonl', documents: 0 });
  });

  it('names files uploaded to `spanfill serve` as they were dropped, in the dataset and in a failure', async () => {
    const { service, dataDir, seen } = setup();
    const upload = path.join(dataDir, 'uploads', 'up-1234abcd');
    fs.mkdirSync(path.join(upload, 'notes'), { recursive: true });
    const latin1 = path.join(upload, 'notes', 'café.txt');
    fs.writeFileSync(latin1, Buffer.from('Un café crème, déjà.\n', 'latin1'));
    const ds = await service.import({ paths: [latin1], name: 'notes' });
    expect(ds.sourcePath).toBe('notes/café.txt');
    expect(ds.stats?.files.map((f) => f.path)).toEqual(['notes/café.txt']);
    expect(ds.stats?.warnings).toContain(
      'notes/café.txt is not UTF-8: read as Windows-1252 (Western European); if its accents or quotes look wrong, save it as UTF-8 and import it again',
    );
    const binary = path.join(upload, 'photo.txt');
    fs.writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    const error = await service.import({ paths: [binary] }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^photo\.txt looks like a binary file/),
    });
    expect(seen.at(-1)).toMatchObject({
      payload: { status: 'failed', error: expect.stringMatching(/^photo\.txt looks like a binary file/) },
    });
    // A path elsewhere keeps its place in full.
    const elsewhere = path.join(dataDir, 'in', 'up-1234abcd', 'plain.txt');
    fs.mkdirSync(path.dirname(elsewhere), { recursive: true });
    fs.writeFileSync(elsewhere, 'plain text');
    expect((await service.import({ paths: [elsewhere] })).sourcePath).toBe(elsewhere);
  });

  it('refuses a relative path, whose folder the app cannot know, before it creates anything', async () => {
    const { service, write, store, seen } = setup();
    const file = write('notes.txt', 'a note');
    const relative = path.relative(process.cwd(), file);
    const error = await service.import({ paths: [file, relative] }).catch((e: unknown) => e);
    expect(error).toEqual(
      new ApiError(
        'invalid_input',
        `${relative} is not a full path: give where it is from the top of the disk, such as ${path.join(os.homedir(), 'notes.txt')}`,
      ),
    );
    expect(counts(store)).toEqual({ datasets: 0, documents: 0 });
    expect(seen).toEqual([]);
  });

  it('a cancelled import leaves nothing behind', async () => {
    const { service, write, store, events } = setup();
    const big = write('big.txt', Array.from({ length: 60_000 }, (_, i) => `paragraph number ${i}`).join('\n\n'));
    const controller = new AbortController();
    events.subscribe((event) => {
      if (event === 'datasets.importProgress') controller.abort();
    });
    await expect(service.import({ paths: [big] }, controller.signal)).rejects.toMatchObject({ code: 'cancelled' });
    expect(counts(store)).toEqual({ datasets: 0, documents: 0 });
  });
});

/** Inserts rows of datasets still importing: `run(id, statsJson)`, the importer recorded in its stats. */
const importingRows = (store: ReturnType<typeof setup>['store']) =>
  store.db.prepare(
    `INSERT INTO datasets (id, name, source_path, source_hash, format, status, stats_json, created_at)
     VALUES (?, 'x', 'x', '', 'text', 'importing', ?, '2026-01-01')`,
  );

describe('abandoned imports', () => {
  it('a dataset still importing cannot be removed, from any service', async () => {
    const { service, write, store, dataDir, events } = setup();
    const big = write('busy.txt', Array.from({ length: 20_000 }, (_, i) => `busy paragraph ${i}`).join('\n\n'));
    let refusal: unknown;
    events.subscribe((event, payload) => {
      if (event !== 'datasets.importProgress' || refusal !== undefined) return;
      const other = new DatasetService({ store, dataDir, events: new EventBus() });
      try {
        other.remove((payload as { datasetId: string }).datasetId);
      } catch (e) {
        refusal = e;
      }
    });
    const ds = await service.import({ paths: [big] });
    expect(refusal).toMatchObject({
      code: 'conflict',
      message: `Dataset ${ds.id} is still importing; cancel the import first`,
    });
    expect(counts(store)).toEqual({ datasets: 1, documents: 20_000 });
  });

  it('a live import survives another service opening the same store mid-import', async () => {
    const { service, write, store, dataDir, events } = setup();
    const big = write('live.txt', Array.from({ length: 20_000 }, (_, i) => `live paragraph ${i}`).join('\n\n'));
    let importingRow: unknown;
    let opened = false;
    events.subscribe((event) => {
      if (event !== 'datasets.importProgress' || opened) return;
      opened = true;
      importingRow = store.db.prepare(`SELECT status, stats_json FROM datasets`).get();
      // What `spanfill datasets list` in a second terminal does on start.
      new DatasetService({ store, dataDir, events: new EventBus() });
    });
    const ds = await service.import({ paths: [big] });
    expect(opened).toBe(true);
    const { status, stats_json } = importingRow as { status: string; stats_json: string };
    expect(status).toBe('importing');
    // The importing process: its pid, and when it started (a pid taken later is another process);
    // on Linux its boot id and start ticks too (whatever the wall clock does meanwhile).
    const importing = JSON.parse(stats_json) as Record<string, number>;
    const onLinux = process.platform === 'linux' ? ['importingBootId', 'importingStartTicks'] : [];
    expect(Object.keys(importing)).toEqual(['importingPid', 'importingStartedAt', ...onLinux]);
    expect(importing.importingPid).toBe(process.pid);
    expect(Math.abs(importing.importingStartedAt - (Date.now() - process.uptime() * 1000))).toBeLessThan(1000);
    if (process.platform === 'linux') {
      const bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replaceAll('-', '');
      expect(importing).toMatchObject({ importingBootId: bootId, importingStartTicks: expect.any(Number) });
    }
    expect(ds.stats?.documents).toBe(20_000);
    expect(counts(store)).toEqual({ datasets: 1, documents: 20_000 });
  });

  it("another live process's import: remove and cancel say which process and where to cancel it; once it is killed, either clears it", async () => {
    const { service, dataDir } = setup();
    const importer = runningChild(); // a `spanfill import` in a terminal
    const [removing, cancelling] = ['ds-removing', 'ds-cancelling'];
    try {
      addImportingRow(service.repo, removing, importer.pid);
      addImportingRow(service.repo, cancelling, importer.pid);
      fs.mkdirSync(path.join(dataDir, 'tokens', removing), { recursive: true });
      const whose = (id: string) =>
        `Dataset ${id} ("${id} file") is being imported by another process (pid ${importer.pid}: a \`spanfill import\` ` +
        'in a terminal, or another Spanfill app or `spanfill serve` on this data directory)';
      const there = 'Ctrl-C in its terminal, or the Cancel button beside its progress in the window that started it';
      expect(() => service.remove(removing)).toThrow(
        new ApiError(
          'conflict',
          `${whose(removing)}; it can be removed once that import ends: cancel it there (${there}) or wait for it to finish`,
        ),
      );
      const handlers = datasetHandlers({ datasets: service });
      await expect(handlers['datasets.cancelImport']({ id: cancelling })).rejects.toEqual(
        new ApiError('conflict', `${whose(cancelling)}; only that process can cancel it: ${there}`),
      );
      expect(service.list().map((d) => d.status)).toEqual(['importing', 'importing']);

      await importer.stop(); // kill -9
      expect(service.remove(removing)).toMatchObject({ id: removing, removed: true, documents: 0 });
      expect(fs.existsSync(path.join(dataDir, 'tokens', removing))).toBe(false);
      expect(await handlers['datasets.cancelImport']({ id: cancelling })).toEqual({ id: cancelling, cancelled: true });
      expect(service.list()).toEqual([]);
    } finally {
      await importer.stop();
    }
  });

  it('are removed when their process is gone, kept while it lives', () => {
    const { store, dataDir, events } = setup();
    const insert = importingRows(store);
    insert.run('ds-dead', JSON.stringify({ importingPid: 2 ** 22 + 4321 }));
    insert.run('ds-alive', JSON.stringify({ importingPid: process.ppid }));
    store.db
      .prepare(`INSERT INTO documents (dataset_id, ordinal, text, char_count) VALUES ('ds-dead', 0, 'half', 4)`)
      .run();
    const service = new DatasetService({ store, dataDir, events });
    expect(service.list().map((d) => [d.id, d.status, d.stats])).toEqual([['ds-alive', 'importing', null]]);
    expect(counts(store).documents).toBe(0);
  });

  it('are removed when their pid now belongs to another process (after a reboot), kept while theirs lives', () => {
    const { store, dataDir, events } = setup();
    const insert = importingRows(store);
    // Both pids run: the first was recorded by a process that started before this machine booted.
    const bootedAt = Date.now() - os.uptime() * 1000;
    insert.run('ds-reused', JSON.stringify({ importingPid: process.ppid, importingStartedAt: bootedAt - 3_600_000 }));
    insert.run('ds-alive', JSON.stringify({ importingPid: process.ppid, importingStartedAt: Date.now() }));
    const service = new DatasetService({ store, dataDir, events });
    expect(service.list().map((d) => d.id)).toEqual(['ds-alive']);
  });

  it('are told by boot id and start ticks where recorded (Linux), whatever the wall clock did', () => {
    const { store, dataDir, events } = setup();
    const insert = importingRows(store);
    const bootedAt = Date.now() - os.uptime() * 1000;
    const [importingBootId, ticks] = [systemProcesses.bootId(), systemProcesses.startTicks(process.ppid)];
    const importing = (startedAt: number, importingStartTicks: unknown, bootId: unknown = importingBootId): string =>
      JSON.stringify({
        importingPid: process.ppid,
        importingStartedAt: startedAt,
        importingBootId: bootId,
        importingStartTicks,
      });
    // Recorded as before this boot by the clock (it was stepped forward by hours since), same process.
    insert.run('ds-stepped', importing(bootedAt - 3_600_000, ticks));
    // The clock says the same process; its start ticks say another one took the pid.
    insert.run('ds-reused', importing(Date.now(), ticks === null ? null : ticks + 1));
    // Values that are not a boot id or ticks: read as absent, the clock says.
    insert.run('ds-damaged', importing(Date.now(), 'soon', 42));
    const service = new DatasetService({ store, dataDir, events });
    const kept = process.platform === 'linux' ? ['ds-damaged', 'ds-stepped'] : ['ds-damaged', 'ds-reused'];
    expect(service.list().map((d) => d.id)).toEqual(kept);
  });
});
