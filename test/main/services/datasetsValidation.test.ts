// The validation split of a dataset whose split file is gone (deleted by hand, a disk that lost
// it): worked out again from the stored documents, it must equal the one the import wrote, over
// documents cut for their size too, whose pieces share one side (import.ts documentKeeper). A
// dataset stored before the documents kept their split keys (schema 8) still gets a split, and
// where it had cut documents its stats say their pieces may lie on both sides.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetStats } from '../../../src/shared/contract/datasets';
import { hashDocument } from '../../../src/main/engine/data/documents';
import { splitDocuments } from '../../../src/main/engine/data/split';
import { DatasetService } from '../../../src/main/services/datasets';
import { SPLIT_BY_PIECE_NOTE } from '../../../src/main/services/datasetSplit';
import { EventBus } from '../../../src/main/services/events';
import { openStore } from '../../../src/main/store/db';
import { migrations } from '../../../src/main/store/migrations';
import { datasetsTestKit } from './datasets-support';

const { setup } = datasetsTestKit();

/** `count` words marked `d<mark>`, one space apart: over 1,000,000 characters, cut at spaces. */
function longText(mark: string, count: number, from = 0): string {
  return Array.from({ length: count }, (_, i) => `d${mark}w${from + i}`).join(' ');
}

/** The mark of the document a stored piece came from: its first word's. */
const markOf = (text: string): string => /^d([^w]+)w/.exec(text)?.[1] ?? text;

describe('validation split worked out again', () => {
  it('equals the split written at import, with the pieces of a cut document on one side', async () => {
    const { service, store, dataDir, write } = setup();
    // Six documents of 1.2 to 3 M characters (2 to 3 pieces each), a short one, and one whose
    // first piece repeats the first document's: dropped as a duplicate, the rest of it keeps that
    // piece's side, the side of a document stored before it. At fraction 0.5, a split by piece
    // (as before schema 8) puts some of these pieces on both sides.
    const first = longText('0', 130_000);
    const docs = [first, ...Array.from({ length: 5 }, (_, i) => longText(String(i + 1), 150_000 + 40_000 * i))];
    docs.push('A short paragraph.', `${first} ${longText('R', 100_000, 130_000)}`);
    const file = write('long.txt', docs.join('\n\n'));
    const ds = await service.import({ paths: [file], validationFraction: 0.5 });
    expect(ds.stats).toMatchObject({ documents: 18, duplicatesDropped: 1, oversizedSplits: 11 });
    const saved = await service.validationOrdinals(ds.id);
    expect(sidesOfEachDocument(service, ds.id, saved.validation)).toEqual(
      new Map(['0', '1', '2', '3', '4', '5', 'R', 'A short paragraph.'].map((mark) => [mark, 1])),
    );
    // The rest of the document whose first piece was dropped went with that piece's twin.
    const held = new Set(saved.validation);
    const ordinalsOf = (mark: string): number[] =>
      service.repo
        .documents(ds.id, 0, 100)
        .filter((d) => markOf(d.text) === mark)
        .map((d) => d.ordinal);
    expect(held.has(ordinalsOf('R')[0])).toBe(held.has(ordinalsOf('0')[0]));

    fs.rmSync(path.join(dataDir, 'tokens', ds.id, 'validation.split'));
    const again = await new DatasetService({ store, dataDir, events: new EventBus() }).validationOrdinals(ds.id);
    expect(again).toEqual(saved);
    expect(fs.existsSync(path.join(dataDir, 'tokens', ds.id, 'validation.split'))).toBe(true);
    expect(service.get(ds.id).stats?.split).toEqual(ds.stats?.split);
  });

  it('of a dataset stored before schema 8: by each stored document, saying so where documents were cut', async () => {
    const { dataDir } = setup(); // its store stays open on the folder, unused
    const older = openStore(path.join(dataDir, 'older'), { migrations: migrations.filter((m) => m.version <= 7) });
    const texts = Array.from({ length: 40 }, (_, i) => `Document ${i} of an older store.`);
    const insertDataset = older.db.prepare(
      `INSERT INTO datasets (id, name, source_path, source_hash, format, status, stats_json, created_at)
       VALUES (?, ?, '/old.txt', 'h', 'text', 'ready', ?, '2026-01-01')`,
    );
    const insertDocument = older.db.prepare(
      'INSERT INTO documents (dataset_id, ordinal, text, char_count) VALUES (?, ?, ?, ?)',
    );
    for (const [id, cuts] of [
      ['ds-cut', 3],
      ['ds-whole', 0],
    ] as const) {
      insertDataset.run(id, id, JSON.stringify(olderStats(texts.length, cuts)));
      texts.forEach((text, ordinal) => insertDocument.run(id, ordinal, text, text.length));
    }
    older.close();

    const store = openStore(path.join(dataDir, 'older'));
    try {
      const service = new DatasetService({ store, dataDir: path.join(dataDir, 'older'), events: new EventBus() });
      const byDocument = splitDocuments(
        texts.map((text, index) => ({ index, splitKey: hashDocument(text).splitKey })),
        0.25,
      );
      for (const id of ['ds-cut', 'ds-whole']) {
        expect(await service.validationOrdinals(id)).toEqual({
          validation: byDocument.validation,
          isSelfValidation: false,
        });
      }
      expect(service.get('ds-cut').stats?.split).toEqual({
        validationFraction: 0.25,
        trainDocuments: byDocument.trainCount,
        validationDocuments: byDocument.validationCount,
        isSelfValidation: false,
        message: SPLIT_BY_PIECE_NOTE,
      });
      // Without cut documents, the split is the one its import wrote, and its stats stand.
      expect(service.get('ds-whole').stats?.split).toEqual(olderStats(texts.length, 0).split);
    } finally {
      store.close();
    }
  });
});

/** How many sides of the split each document's pieces lie on (by the mark of their words). */
function sidesOfEachDocument(service: DatasetService, id: string, validation: readonly number[]): Map<string, number> {
  const held = new Set(validation);
  const sides = new Map<string, Set<boolean>>();
  for (const page of service.documentPages(id))
    for (const doc of page) {
      const mark = markOf(doc.text);
      sides.set(mark, (sides.get(mark) ?? new Set()).add(held.has(doc.ordinal)));
    }
  return new Map([...sides].map(([mark, set]) => [mark, set.size]));
}

/** Stats as an import before schema 8 wrote them (counts that the split file no longer backs). */
function olderStats(documents: number, cuts: number): DatasetStats {
  return {
    documents,
    characters: 1000,
    bytes: 1000,
    duplicatesDropped: 0,
    emptyDropped: 0,
    oversizedSplits: cuts,
    files: [{ path: '/old.txt', format: 'text', encoding: 'utf-8', bytes: 1000, documents }],
    warnings: [],
    split: {
      validationFraction: 0.25,
      trainDocuments: documents - 1,
      validationDocuments: 1,
      isSelfValidation: false,
      message: null,
    },
  };
}
