// Dataset pickers (lib/datasetChoices.ts): a name and its documents; two datasets of one name
// (the same file imported twice) told apart by their ids.

import { describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../../../src/shared/contract/datasets';
import { datasetOptionLabels, importedNotice } from '../../../../src/renderer/src/lib/datasetChoices';

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
      ({ id: 'ds-1', name: 'notes.txt', stats: { documents, split: s } }) as unknown as DatasetSummary;
    expect(importedNotice(ds(1_200, split(1_140, 60, false)))).toBe(
      'Imported notes.txt: 1,200 documents (1,140 for training, 60 for validation).',
    );
    expect(importedNotice(ds(1, split(1, 1, true)))).toBe(
      'Imported notes.txt: 1 document (used for both training and validation).',
    );
    expect(importedNotice({ id: 'ds-2', name: 'odd', stats: null } as unknown as DatasetSummary)).toBe('Imported odd.');
  });
});
