// Dataset pickers (lib/datasetChoices.ts): a name and its documents; two datasets of one name
// (the same file imported twice) told apart by their ids.

import { describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../../../src/shared/contract/datasets';
import type { RunSummary } from '../../../../src/shared/contract/runs';
import { datasetOptionLabels, importedNotice, removalBlocked } from '../../../../src/renderer/src/lib/datasetChoices';

const dataset = (id: string, name: string, documents: number): DatasetSummary =>
  ({
    id,
    name,
    sourcePath: `/x/${name}`,
    format: 'text',
    status: 'ready',
    createdAt: '',
    stats: { documents },
  }) as unknown as DatasetSummary;

describe('datasetOptionLabels', () => {
  it('names each dataset with its documents, and adds the id where names repeat', () => {
    const labels = datasetOptionLabels([
      dataset('ds-1', 'rtl.txt', 4),
      dataset('ds-2', 'notes', 1),
      dataset('ds-3', 'rtl.txt', 4),
    ]);
    expect([...labels]).toEqual([
      ['ds-1', 'rtl.txt (4 documents) · ds-1'],
      ['ds-2', 'notes (1 document)'],
      ['ds-3', 'rtl.txt (4 documents) · ds-3'],
    ]);
  });
});

describe('importedNotice', () => {
  const split = (trainDocuments: number, validationDocuments: number, isSelfValidation: boolean) =>
    ({ trainDocuments, validationDocuments, isSelfValidation }) as never;
  it('says the split, and that a lone document serves both sides', () => {
    const ds = (documents: number, s: never): DatasetSummary =>
      ({ id: 'ds-1', name: 'notes.txt', stats: { documents, split: s, warnings: [] } }) as unknown as DatasetSummary;
    expect(importedNotice(ds(1_200, split(1_140, 60, false)))).toBe(
      'Imported notes.txt: 1,200 documents (1,140 for training, 60 for validation).',
    );
    expect(importedNotice(ds(1, split(1, 1, true)))).toBe(
      'Imported notes.txt: 1 document (used for both training and validation).',
    );
    expect(importedNotice({ id: 'ds-2', name: 'odd', stats: null } as unknown as DatasetSummary)).toBe('Imported odd.');
  });

  // The import's notes (files skipped, a name numbered) are read in the dataset's details,
  // which open under the notice: a short lone note is said whole, more are counted.
  const warned = (...warnings: string[]): DatasetSummary =>
    ({
      id: 'ds-3',
      name: 'folder',
      stats: { documents: 3, split: split(2, 1, false), warnings },
    }) as unknown as DatasetSummary;
  it('says a short lone note whole', () => {
    expect(importedNotice(warned('Skipped pic.png: binary'))).toBe(
      'Imported folder: 3 documents (2 for training, 1 for validation). Note: Skipped pic.png: binary.',
    );
    expect(importedNotice(warned('Skipped a.bin: binary file.'))).toMatch(/Note: Skipped a\.bin: binary file\.$/);
  });
  it('counts several notes, or a long one, and says where they are', () => {
    expect(importedNotice(warned('Skipped pic.png: binary', 'Named "x (2)": dataset ds-1 is named "x" already'))).toBe(
      'Imported folder: 3 documents (2 for training, 1 for validation). 2 notes on the import, in its details below.',
    );
    expect(importedNotice(warned(`Skipped ${'deep/'.repeat(40)}pic.png: binary`))).toBe(
      'Imported folder: 3 documents (2 for training, 1 for validation). 1 note on the import, in its details below.',
    );
  });
});

describe('removalBlocked', () => {
  it("names a queued or running run on the dataset; stopped, finished and other datasets' runs do not block", () => {
    const run = (name: string, datasetId: string | null, status: RunSummary['status']) =>
      ({ id: `r-${name}`, name, datasetId, status }) as RunSummary;
    const runs = [run('done', 'ds-1', 'completed'), run('paused', 'ds-1', 'paused'), run('other', 'ds-2', 'running')];
    expect(removalBlocked('ds-1', runs)).toBeUndefined();
    expect(removalBlocked('ds-1', [...runs, run('live', 'ds-1', 'running')])).toBe(
      'Run live is training on it; stop the run first',
    );
    expect(removalBlocked('ds-1', [run('next', 'ds-1', 'queued')])).toBe(
      'Run next is training on it; stop the run first',
    );
  });
});
