// cli/commands/import.ts renderDataset: a dataset's summary as `spanfill import` and `datasets
// show` print it, every count with thousands separators as the screens write them.
import { describe, expect, it } from 'vitest';
import { renderDataset } from '../../../../src/main/cli/commands/import';
import type { DatasetSummary } from '../../../../src/shared/contract/datasets';

const large: DatasetSummary = {
  id: 'ds-1',
  name: 'Letters',
  sourcePath: '/data/letters',
  format: 'txt',
  status: 'ready',
  createdAt: '2026-12-01T10:00:00.000Z',
  stats: {
    documents: 12_345,
    characters: 98_765_432,
    bytes: 99_000_001,
    duplicatesDropped: 1_200,
    emptyDropped: 3_400,
    oversizedSplits: 0,
    files: [],
    warnings: [],
    split: {
      validationFraction: 0.05,
      trainDocuments: 11_728,
      validationDocuments: 617,
      isSelfValidation: false,
      message: null,
    },
    tokens: { f1: { tokenizer: 'byt5-tiny', tokens: 99_000_001 } },
  },
};

describe('renderDataset', () => {
  it('writes every count with thousands separators', () => {
    const lines = renderDataset(large).split('\n');
    expect(lines).toContain('Documents   12,345 (1,200 duplicates and 3,400 empty dropped)');
    expect(lines).toContain('Characters  98,765,432');
    expect(lines).toContain('Bytes       99,000,001');
    expect(lines).toContain('Split       11,728 train / 617 validation');
    expect(lines).toContain('Tokens      99,000,001 (byt5-tiny)');
    const lone = {
      ...large.stats!,
      documents: 1,
      split: { ...large.stats!.split, trainDocuments: 1, validationDocuments: 1, isSelfValidation: true },
    };
    expect(renderDataset({ ...large, stats: lone }).split('\n')).toContain(
      'Split       1 document, used for both training and validation',
    );
  });
});
