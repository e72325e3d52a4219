// datasetTokens.ts through the datasets service over a real store in a temp data dir: a
// re-import or a changed tokenizer gets a new cache, never a stale one; literal special tokens
// are dropped and counted; tokens that became <unk> are counted (again for an older cache, once
// for a dataset whose stats do not read: its counts are kept beside the cache); a
// cache built in the engine host matches the in-process one; one whose dataset another service
// removes while it is built says so and leaves nothing behind.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as unknownTokenCounts from '../../../src/main/engine/data/unknownTokens';
import { ApiError } from '../../../src/shared/errors';
import { DatasetService } from '../../../src/main/services/datasets';
import { EngineHostManager, type HostRequester } from '../../../src/main/services/engine-host';
import { EventBus } from '../../../src/main/services/events';
import { datasetsTestKit, spmDir } from './datasets-support';

const { cleanup, setup } = datasetsTestKit();

describe('datasets service', () => {
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

  it('tokens that became <unk> are counted with a few characters, kept with the counts, recounted for an older cache', async () => {
    const { service, write, store } = setup();
    const text = 'Plain words first.\n\nThen 東京 and 😀, café and {braces}.\n\nMore plain words.';
    const ds = await service.import({ paths: [write('foreign.txt', text)] });
    const built = await service.tokens(ds.id, spmDir);
    const ids = Array.from(built.cache.readTokens(1, 0, 1000));
    built.cache.close();
    const unknownTokens = { count: ids.filter((id) => id === 2).length, characters: ['東', '京', '😀', 'é', '{', '}'] };
    expect(unknownTokens.count).toBe(5);
    expect(built.result).toMatchObject({ isCached: false, unknownTokens });
    const cached = await service.tokens(ds.id, spmDir);
    cached.cache.close();
    expect(cached.result).toMatchObject({ isCached: true, unknownTokens });
    // Counts recorded before Spanfill kept this one (no unknownTokens): counted again from the cache, and kept.
    const stats = service.get(ds.id).stats;
    const key = Object.keys(stats?.tokens ?? {})[0];
    const entry = stats?.tokens?.[key];
    expect(entry).toMatchObject({ unknownTokens: 5, unknownCharacters: unknownTokens.characters });
    const older = { tokenizer: entry?.tokenizer ?? '', tokens: entry?.tokens ?? 0, droppedSpecialTokens: 0 };
    store.db
      .prepare('UPDATE datasets SET stats_json = ? WHERE id = ?')
      .run(JSON.stringify({ ...stats, tokens: { [key]: older } }), ds.id);
    const recounted = await service.tokens(ds.id, spmDir);
    recounted.cache.close();
    expect(recounted.result).toMatchObject({ isCached: true, unknownTokens });
    expect(service.get(ds.id).stats?.tokens?.[key]).toMatchObject({ unknownTokens: 5 });
    // A byte-level tokenizer has no <unk>: nothing to count, built or cached.
    for (let i = 0; i < 2; i++) {
      const byBytes = await service.tokens(ds.id, 'bytes');
      byBytes.cache.close();
      expect(byBytes.result.unknownTokens).toBeNull();
    }
  });

  it('a dataset whose stats do not read keeps its counts beside the cache: <unk> counted once, not each call', async () => {
    const { service, write, store } = setup();
    const recount = vi.spyOn(unknownTokenCounts, 'recountUnknownTokens');
    cleanup.push(() => recount.mockRestore());
    const damage = (id: string) =>
      store.db.prepare('UPDATE datasets SET stats_json = ? WHERE id = ?').run('{"documents": "damaged"}', id);
    const tokens = async (id: string) => {
      const got = await service.tokens(id, spmDir);
      got.cache.close();
      return got.result;
    };
    const unknownTokens = { count: 2, characters: ['東', '京'] };
    // Damaged before its cache was built: the counts of the build are kept, and nothing is recounted.
    const before = await service.import({
      paths: [write('before.txt', 'Plain <extra_id_0> words.\n\nThen 東 and 京.')],
    });
    damage(before.id);
    expect(service.get(before.id).stats).toBeNull();
    expect(await tokens(before.id)).toMatchObject({ isCached: false, droppedSpecialTokens: 1, unknownTokens });
    for (let call = 0; call < 2; call++)
      expect(await tokens(before.id)).toMatchObject({ isCached: true, droppedSpecialTokens: 1, unknownTokens });
    expect(recount).not.toHaveBeenCalled();
    // Damaged after: counted again from the cache once, then kept.
    const after = await service.import({ paths: [write('after.txt', 'Plain words.\n\nThen 東 and 京.')] });
    expect(await tokens(after.id)).toMatchObject({ isCached: false, unknownTokens });
    damage(after.id);
    for (let call = 0; call < 2; call++)
      expect(await tokens(after.id)).toMatchObject({ isCached: true, unknownTokens });
    expect(recount).toHaveBeenCalledTimes(1);
  });

  it('a dataset removed by another service while its cache is built: said so, and nothing of it is left', async () => {
    const { service, store, dataDir, events, write } = setup();
    const texts = Array.from({ length: 5000 }, (_, i) => `Document ${i}: the cute dog walks in the green park.`);
    const ds = await service.import({ paths: [write('many.txt', texts.join('\n\n'))] });
    const other = new DatasetService({ store, dataDir, events: new EventBus() });
    let removed = false;
    events.subscribe((event, payload) => {
      if (event !== 'datasets.importProgress' || removed) return;
      if ((payload as { phase: string }).phase !== 'tokenizing') return;
      removed = other.remove(ds.id).removed;
    });
    await expect(service.tokenize(ds.id, spmDir)).rejects.toEqual(
      new ApiError(
        'conflict',
        `Dataset ${ds.id} ("many.txt") was removed elsewhere while its tokens were being counted; ` +
          'what was counted is deleted',
      ),
    );
    expect(removed).toBe(true);
    expect(fs.readdirSync(path.join(dataDir, 'tokens'))).toEqual([]);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM tokenized_caches').get()).toEqual({ n: 0 });
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
      unknownTokens: { count: 0, characters: [] },
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
