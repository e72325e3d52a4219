// The datasets service over a real store in a temp data dir: import, list, show, remove,
// tokenization caches, failed and cancelled imports leaving the store as it was, uploaded
// files named as dropped. (Masking previews of its datasets: masking.test.ts.)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/errors';
import type { EventMap, EventName } from '../../../src/shared/events';
import { datasetHandlers, DatasetService } from '../../../src/main/services/datasets';
import { EngineHostManager, type HostRequester } from '../../../src/main/services/engine-host';
import { EventBus } from '../../../src/main/services/events';
import { freeBytes } from '../../../src/main/store/compact';
import { databaseFileName, openStore, type Store } from '../../../src/main/store/db';
import { RunRepository } from '../../../src/main/store/runs';
import { deadPid } from '../../support/processes';
import { runConfigSchema } from '../../../src/shared/contract/runs';

const spmDir = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

function setup(options: { compactMinFreeBytes?: number } = {}): {
  dataDir: string;
  store: Store;
  events: EventBus;
  seen: { event: EventName; payload: unknown }[];
  service: DatasetService;
  write: (name: string, text: string) => string;
} {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-ds-'));
  const store = openStore(dataDir);
  cleanup.push(() => {
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const events = new EventBus();
  const seen: { event: EventName; payload: unknown }[] = [];
  events.subscribe(<E extends EventName>(event: E, payload: EventMap[E]) => void seen.push({ event, payload }));
  const write = (name: string, text: string): string => {
    const file = path.join(dataDir, 'in', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  return { dataDir, store, events, seen, service: new DatasetService({ store, dataDir, events, ...options }), write };
}

function counts(store: Store): { datasets: number; documents: number } {
  const n = (table: string): number =>
    (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { datasets: n('datasets'), documents: n('documents') };
}

const novel = Array.from({ length: 30 }, (_, i) => `Paragraph ${i}: the cute dog walks in the green park.`).join(
  '\n\n',
);

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

  it('frees the token caches first, so a store that cannot write (a full disk) still gets room, keeping the split', async () => {
    const { service, write, store, dataDir } = setup();
    const ds = await service.import({ paths: [write('notes.txt', novel)] });
    (await service.tokens(ds.id, 'bytes')).cache.close();
    const folder = path.join(dataDir, 'tokens', ds.id);
    expect(fs.readdirSync(folder).sort()).toEqual([expect.stringMatching(/\.tokens$/), 'validation.split']);
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const repo = service.repo;
    const deleteRows = repo.delete.bind(repo);
    repo.delete = () => {
      throw full;
    };
    expect(() => service.remove(ds.id)).toThrow(full);
    expect(fs.readdirSync(folder)).toEqual(['validation.split']);
    expect(counts(store).datasets).toBe(1);
    repo.delete = deleteRows;
    expect(service.remove(ds.id)).toMatchObject({ removed: true, tokenCaches: 0 });
  });

  it('a dataset a live run trains on is not removed; one whose run process is gone, or stopped, is', async () => {
    const { service, store, write } = setup();
    const ds = await service.import({ paths: [write('a.txt', 'alpha one\n\nalpha two')] });
    const runs = new RunRepository(store.db);
    const config = runConfigSchema.parse({ datasetId: ds.id, model: 'builtin:byt5-tiny', maxSteps: 10 });
    runs.add({ id: 'r-live', name: 'tiny on a.txt', config, totalSteps: 10, status: 'queued' });
    runs.setStatus('r-live', 'running', { ownerPid: process.pid });
    expect(() => service.remove(ds.id)).toThrow(
      new ApiError(
        'conflict',
        `Run r-live ("tiny on a.txt") is training on dataset ${ds.id}; stop it first (or let it finish). ` +
          'A run whose dataset is removed cannot be resumed.',
      ),
    );
    expect(service.list().map((d) => d.id)).toEqual([ds.id]);
    runs.setStatus('r-live', 'stopped');
    expect(service.remove(ds.id).removed).toBe(true);
    expect(runs.get('r-live')?.datasetId).toBeNull();

    const other = await service.import({ paths: [write('b.txt', 'beta')] });
    runs.add({ id: 'r-gone', name: 'x', config: { ...config, datasetId: other.id }, totalSteps: 10, status: 'queued' });
    runs.setStatus('r-gone', 'running', { ownerPid: deadPid() });
    expect(service.remove(other.id).removed).toBe(true);
  });

  it('removing a large dataset or failing its import gives the disk space back, unless a run is writing', async () => {
    const { service, store, dataDir, write } = setup({ compactMinFreeBytes: 256 * 1024 });
    const big = Array.from({ length: 3000 }, (_, i) => `Paragraph ${i} `.padEnd(1000, 'x')).join('\n\n');
    const file = path.join(dataDir, databaseFileName);
    const onDisk = (): number =>
      fs.statSync(file).size + (fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    const small = await service.import({ paths: [write('small.txt', 'a few words')] });
    const runs = new RunRepository(store.db);
    const config = runConfigSchema.parse({ datasetId: small.id, model: 'builtin:byt5-tiny', maxSteps: 10 });
    runs.add({ id: 'r-live', name: 'tiny', config, totalSteps: 10, status: 'queued' });
    runs.setStatus('r-live', 'running', { ownerPid: process.pid });

    const first = await service.import({ paths: [write('big.txt', big)] });
    expect(service.remove(first.id).freedBytes).toBe(0); // the run's writes come first
    expect(freeBytes(store.db)).toBeGreaterThan(2_000_000);
    runs.setStatus('r-live', 'stopped');

    const second = await service.import({ paths: [write('big.txt', big)] });
    const before = onDisk();
    const { freedBytes } = service.remove(second.id);
    expect(freedBytes).toBeGreaterThan(2_000_000);
    expect(before - onDisk()).toBeGreaterThanOrEqual(freedBytes);
    expect(service.list().map((d) => d.id)).toEqual([small.id]);

    // The big file's documents are stored before the bad one fails the import.
    write('folder/a.txt', big);
    write('folder/b.jsonl', '{"body": 1}\n');
    await expect(service.import({ paths: [path.join(dataDir, 'in', 'folder')] })).rejects.toThrow('no field "text"');
    expect(freeBytes(store.db)).toBe(0);
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
    // Split otherwise, they are other documents: no note.
    const lines = await service.import({ paths: [file], split: 'whole' });
    expect(lines.stats?.warnings).toEqual([]);
    expect(service.list().map((d) => d.id)).toEqual([first.id, again.id, lines.id]);
    // Without --name the file's name is taken, held to a name's rule: one line, no escapes.
    expect(again.name).toBe('notes.txt');
    const odd = await service.import({ paths: [write('odd\nname\u001b[31m.txt', 'other text')] });
    expect(odd.name).toBe('odd name [31m.txt');
  });

  it('token caches: a re-import or a changed tokenizer gets a new cache, never a stale one', async () => {
    const { service, write, dataDir } = setup();
    const a = await service.import({ paths: [write('a.txt', 'alpha one\n\nalpha two')] });
    const built = await service.tokens(a.id, 'bytes');
    built.cache.close();
    // Re-importing (even the same file) makes a new dataset with its own cache.
    const again = await service.import({ paths: [write('a2.txt', 'alpha one\n\nalpha two, edited')] });
    const file = fs.readdirSync(path.join(dataDir, 'tokens', a.id)).find((f) => f.endsWith('.tokens')) ?? '';
    // A cache left under the new dataset's name but built from the old content is rebuilt.
    fs.copyFileSync(path.join(dataDir, 'tokens', a.id, file), path.join(dataDir, 'tokens', again.id, file));
    const rebuilt = await service.tokens(again.id, 'bytes');
    expect(rebuilt.result).toMatchObject({ isCached: false, documents: 2, tokens: 9 + 17 });
    expect(Array.from(rebuilt.cache.readTokens(1, 0, 100))).toEqual(
      Array.from(Buffer.from('alpha two, edited'), (b) => b + 3),
    );
    rebuilt.cache.close();

    // Editing the tokenizer files in place changes its fingerprint: the old cache is not used.
    const modelDir = path.join(dataDir, 'model');
    fs.cpSync(spmDir, modelDir, { recursive: true });
    const first = await service.tokens(a.id, modelDir);
    first.cache.close();
    expect((await service.tokens(a.id, modelDir).then((t) => (t.cache.close(), t.result))).isCached).toBe(true);
    fs.appendFileSync(path.join(modelDir, 'tokenizer_config.json'), '\n');
    const afterEdit = await service.tokens(a.id, modelDir);
    afterEdit.cache.close();
    expect(afterEdit.result.isCached).toBe(false);
  });

  it('literal special tokens in the data are dropped, counted, and still reported from the cache', async () => {
    const { service, write } = setup();
    const ds = await service.import({ paths: [write('sp.txt', 'The <extra_id_0> dog </s> walks in the park')] });
    const built = await service.tokens(ds.id, spmDir);
    built.cache.close();
    expect(built.result).toMatchObject({ isCached: false, droppedSpecialTokens: 2 });
    const cached = await service.tokens(ds.id, spmDir);
    const ids = Array.from(cached.cache.readTokens(0, 0, 100));
    cached.cache.close();
    expect(ids.some((id) => id === 1 || id >= 400)).toBe(false);
    expect(cached.result).toMatchObject({ isCached: true, droppedSpecialTokens: 2 });
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

describe('token caches built in the engine host', () => {
  it('match the in-process cache, report progress, and a cancel leaves no file behind', async () => {
    const { service, write, store, dataDir, events, seen } = setup();
    const docs = Array.from(
      { length: 3000 },
      (_, i) => `Note ${i}: the <extra_id_0> cute dog walks in the green park.`,
    );
    const ds = await service.import({ paths: [write('notes.txt', docs.join('\n\n'))] });
    const local = await service.tokens(ds.id, spmDir);
    const localIds = Array.from(local.cache.readTokens(2999, 0, 1000));
    local.cache.close();
    fs.rmSync(path.join(dataDir, 'tokens', ds.id), { recursive: true });

    const manager = new EngineHostManager({ events: new EventBus() });
    cleanup.push(() => void manager.stop());
    const calls: string[] = [];
    const engine: HostRequester = {
      request: (type, payload, options) => {
        calls.push(type);
        return manager.request(type, payload, options);
      },
    };
    const hosted = new DatasetService({ store, dataDir, events, engine });
    const built = await hosted.tokens(ds.id, spmDir);
    expect(built.result).toMatchObject({
      isCached: false,
      documents: 3000,
      tokens: local.result.tokens,
      droppedSpecialTokens: 3000,
    });
    expect(Array.from(built.cache.readTokens(2999, 0, 1000))).toEqual(localIds);
    built.cache.close();
    expect(calls[0]).toBe('data.tokenCache.open');
    expect(calls.filter((c) => c === 'data.tokenCache.append').length).toBeGreaterThan(1); // batched
    expect(calls.at(-1)).toBe('data.tokenCache.finish');
    const progress = seen.filter((e) => (e.payload as { phase?: string }).phase === 'tokenizing');
    expect(progress.at(-1)?.payload).toMatchObject({ datasetId: ds.id, done: 3000, total: 3000 });

    const controller = new AbortController();
    const cancelling = new DatasetService({
      store,
      dataDir,
      events,
      engine: {
        request: (type, payload, options) => {
          if (type === 'data.tokenCache.append') controller.abort();
          return manager.request(type, payload, options);
        },
      },
    });
    await expect(cancelling.tokens(ds.id, 'bytes', controller.signal)).rejects.toMatchObject({ code: 'cancelled' });
    const left = fs.readdirSync(path.join(dataDir, 'tokens', ds.id));
    expect(left.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(left.filter((f) => f.endsWith('.tokens'))).toHaveLength(1); // the spm cache, untouched
  });
});

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
    // The importing process: its pid, and when it started (a pid taken later is another process).
    const importing = JSON.parse(stats_json) as { importingPid: number; importingStartedAt: number };
    expect(Object.keys(importing)).toEqual(['importingPid', 'importingStartedAt']);
    expect(importing.importingPid).toBe(process.pid);
    expect(Math.abs(importing.importingStartedAt - (Date.now() - process.uptime() * 1000))).toBeLessThan(1000);
    expect(ds.stats?.documents).toBe(20_000);
    expect(counts(store)).toEqual({ datasets: 1, documents: 20_000 });
  });

  it('are removed when their process is gone, kept while it lives', () => {
    const { store, dataDir, events } = setup();
    const insert = store.db.prepare(
      `INSERT INTO datasets (id, name, source_path, source_hash, format, status, stats_json, created_at)
       VALUES (?, 'x', 'x', '', 'text', 'importing', ?, '2026-01-01')`,
    );
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
    const insert = store.db.prepare(
      `INSERT INTO datasets (id, name, source_path, source_hash, format, status, stats_json, created_at)
       VALUES (?, 'x', 'x', '', 'text', 'importing', ?, '2026-01-01')`,
    );
    // Both pids run: the first was recorded by a process that started before this machine booted.
    const bootedAt = Date.now() - os.uptime() * 1000;
    insert.run('ds-reused', JSON.stringify({ importingPid: process.ppid, importingStartedAt: bootedAt - 3_600_000 }));
    insert.run('ds-alive', JSON.stringify({ importingPid: process.ppid, importingStartedAt: Date.now() }));
    const service = new DatasetService({ store, dataDir, events });
    expect(service.list().map((d) => d.id)).toEqual(['ds-alive']);
  });
});
