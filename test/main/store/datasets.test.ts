// The datasets repository: a row's stats_json parsed once into typed stats (ready) or the
// importing pid (importing), markReady writing format, hash and stats together, and a column
// that does not hold valid stats read as null instead of trusted through a cast; the lookup of
// a ready dataset by content hash (the repeat-import note); a failed import's row kept with why.

import { describe, expect, it } from 'vitest';
import type { DatasetStats } from '../../../src/shared/contract/datasets';
import { parseStoredStats } from '../../../src/main/store/datasetStats';
import { DatasetRepository } from '../../../src/main/store/datasets';
import { openStore } from '../../../src/main/store/db';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-store-ds-');

const stats: DatasetStats = {
  documents: 2,
  characters: 20,
  bytes: 22,
  duplicatesDropped: 1,
  emptyDropped: 0,
  oversizedSplits: 0,
  files: [{ path: '/x/a.txt', format: 'text', encoding: 'utf-8', bytes: 22, documents: 2 }],
  warnings: [],
  split: {
    validationFraction: 0.05,
    trainDocuments: 2,
    validationDocuments: 2,
    isSelfValidation: true,
    message: 'Too few documents to hold any out',
  },
  tokens: { abcd: { tokenizer: 'bytes', tokens: 30, droppedSpecialTokens: 0 } },
};

describe('dataset rows', () => {
  it('carry the importing process while importing, then the stats, format and hash markReady wrote', () => {
    const store = openStore(tempDir());
    try {
      const repo = new DatasetRepository(store.db);
      const startedAt = Date.parse('2026-03-01T08:00:00.123Z');
      const [importingBootId, importingStartTicks] = ['0f1e2d3c4b5a69788796a5b4c3d2e1f0', 360_000];
      const importing = { importingPid: 4242, importingStartedAt: startedAt, importingBootId, importingStartTicks };
      repo.create({ id: 'ds-1', name: 'a', sourcePath: '/x/a.txt', ...importing });
      expect(repo.get('ds-1')).toMatchObject({ status: 'importing', format: 'pending', ...importing, stats: null });
      // Where the system says no boot id and ticks (macOS, Windows), the row holds none.
      repo.create({ id: 'ds-0', name: 'b', sourcePath: '/x/b.txt', importingPid: 4242, importingBootId: null });
      expect(repo.get('ds-0')).toMatchObject({ importingPid: 4242, importingBootId: null, importingStartTicks: null });
      repo.delete('ds-0');
      repo.markReady('ds-1', { format: 'text', sourceHash: 'f00d', stats });
      const ready = repo.get('ds-1');
      expect(ready).toMatchObject({
        status: 'ready',
        format: 'text',
        source_hash: 'f00d',
        importingPid: null,
        importingStartedAt: null,
      });
      expect(ready?.stats).toEqual(stats);
      expect(ready).not.toHaveProperty('stats_json');
      repo.updateStats('ds-1', { ...stats, warnings: ['w'] });
      expect(repo.list().map((row) => row.stats?.warnings)).toEqual([['w']]);
    } finally {
      store.close();
    }
  });

  it('keep a failed import as failed, with why and no stats, until an import under its name replaces it', () => {
    const store = openStore(tempDir());
    try {
      const repo = new DatasetRepository(store.db);
      repo.create({ id: 'ds-1', name: 'notes.txt', sourcePath: '/x/notes.txt', importingPid: 1 });
      repo.addDocuments('ds-1', [{ ordinal: 0, text: 'kept a moment', splitKey: 0.5 }]);
      repo.deleteDocuments('ds-1');
      repo.markFailed('ds-1', '/x/notes.txt line 2: not valid JSON');
      expect(repo.get('ds-1')).toMatchObject({
        status: 'failed',
        error: '/x/notes.txt line 2: not valid JSON',
        stats: null,
        importingPid: null,
      });
      // Another dataset's name is numbered as ever; the failed one's is taken over.
      repo.create({ id: 'ds-2', name: 'other.txt', sourcePath: '/x/other.txt', importingPid: 1 });
      repo.markFailed('ds-2', 'gone');
      repo.create({ id: 'ds-3', name: 'kept.txt', sourcePath: '/x/kept.txt', importingPid: 1 });
      const under = (id: string, name: string): string =>
        repo.createUnderFreeName({ id, name, sourcePath: '/y', importingPid: 1 }, (n) => `${name} (${n})`);
      expect(under('ds-4', 'kept.txt')).toBe('kept.txt (2)');
      expect(under('ds-5', 'notes.txt')).toBe('notes.txt');
      expect(repo.states().map((row) => [row.id, row.status])).toEqual([
        ['ds-2', 'failed'],
        ['ds-3', 'importing'],
        ['ds-4', 'importing'],
        ['ds-5', 'importing'],
      ]);
    } finally {
      store.close();
    }
  });

  it('finds the oldest ready dataset of a content hash, and none that is still importing', () => {
    const store = openStore(tempDir());
    try {
      const repo = new DatasetRepository(store.db);
      for (const id of ['ds-1', 'ds-2', 'ds-3', 'ds-4'])
        repo.create({ id, name: id, sourcePath: '/x', importingPid: 1 });
      repo.markReady('ds-1', { format: 'text', sourceHash: 'aaaa', stats });
      repo.markReady('ds-2', { format: 'text', sourceHash: 'f00d', stats });
      repo.markReady('ds-3', { format: 'text', sourceHash: 'f00d', stats });
      expect(repo.readyWithHash('f00d')?.id).toBe('ds-2');
      expect(repo.readyWithHash('beef')).toBeUndefined();
      expect(repo.readyWithHash('')).toBeUndefined(); // ds-4 is importing (its hash is not known yet)
    } finally {
      store.close();
    }
  });
});

describe('parseStoredStats', () => {
  it('reads stats that lack a field, have a wrong type, or are not JSON as null', () => {
    const { documents: _documents, ...missing } = stats;
    expect(parseStoredStats(JSON.stringify(missing)).stats).toBeNull();
    expect(parseStoredStats(JSON.stringify({ ...stats, bytes: '22' })).stats).toBeNull();
    const none = {
      stats: null,
      importingPid: null,
      importingStartedAt: null,
      importingBootId: null,
      importingStartTicks: null,
    };
    expect(parseStoredStats('{nope')).toEqual(none);
    expect(parseStoredStats('')).toEqual(none);
  });

  it("reads an import's pid without a start time (written before start times were kept, or unreadable) as pid only", () => {
    expect(parseStoredStats(JSON.stringify({ importingPid: 7 }))).toMatchObject({
      importingPid: 7,
      importingStartedAt: null,
    });
    expect(parseStoredStats(JSON.stringify({ importingPid: 7, importingStartedAt: 'soon' }))).toMatchObject({
      importingPid: 7,
      importingStartedAt: null,
    });
  });

  it("reads an import's boot id and start ticks (Linux) only where both are valid, else as absent", () => {
    const bootId = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
    const read = (importingBootId: unknown, importingStartTicks: unknown): unknown =>
      parseStoredStats(
        JSON.stringify({ importingPid: 7, importingStartedAt: 5, importingBootId, importingStartTicks }),
      );
    expect(read(bootId, 360_000)).toMatchObject({
      importingPid: 7,
      importingBootId: bootId,
      importingStartTicks: 360_000,
    });
    for (const [damagedBootId, ticks] of [
      ['boot', 360_000],
      [bootId, -3],
      [bootId, '360000'],
      [null, 360_000],
      [{ id: bootId }, [1]],
    ])
      expect(read(damagedBootId, ticks)).toMatchObject({
        importingPid: 7,
        importingStartedAt: 5,
        importingBootId: null,
        importingStartTicks: null,
      });
  });

  it('keeps keys it does not know (a newer Spanfill may have written them)', () => {
    expect(parseStoredStats(JSON.stringify({ ...stats, later: { x: 1 } })).stats).toEqual({
      ...stats,
      later: { x: 1 },
    });
  });
});
