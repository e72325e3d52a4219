// Dataset pickers (lib/datasetChoices.ts): a name and its documents; two datasets of one name
// (the same file imported twice) told apart by their ids.

import { describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../../../src/shared/contract/datasets';
import { datasetOptionLabels } from '../../../../src/renderer/src/lib/datasetChoices';

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
