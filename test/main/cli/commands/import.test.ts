// cli/commands/import.ts renderDataset: a dataset's summary as `spanfill import` and `datasets
// show` print it, every count with thousands separators as the screens write them; and
// --validation read as every number flag is (options.ts numberText), not by Number() alone, and
// its help states the range it takes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDataset } from '../../../../src/main/cli/commands/import';
import { runSpanfill } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';
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

describe('renderDataset of an import kept as failed', () => {
  it('says why it failed (kept for a page that went; --json has it as error)', () => {
    const failed: DatasetSummary = {
      ...large,
      status: 'failed',
      stats: null,
      error: 'notes.csv: no column named "text"\n(the columns are: body)',
    };
    const lines = renderDataset(failed).split('\n');
    expect(lines).toContain('Status    failed');
    expect(lines).toContain('Failed    notes.csv: no column named "text" (the columns are: body)');
    expect(renderDataset(large)).not.toContain('Failed');
  });
});

const tempDir = tempDirs('spanfill-import-flags-');

describe('spanfill import --validation', () => {
  it("refuses a fraction Number() reads but nobody writes (' 0.1', '', '0x0'), importing nothing", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.txt');
    fs.writeFileSync(file, 'One paragraph of text.\n\nAnother paragraph of text.\n');
    for (const raw of [' 0.1', '', '0x0']) {
      const { code, stderr } = await runSpanfill(['import', file, '--validation', raw, '--data-dir', dir]);
      expect(code, raw).toBe(2);
      expect(stderr, raw).toContain(`--validation must be a number in (0, 0.5], got '${raw}'`);
    }
    const { stdout } = await runSpanfill(['datasets', '--json', '--data-dir', dir]);
    expect(JSON.parse(stdout)).toMatchObject({ datasets: [] });
  });
});

describe('spanfill import --help', () => {
  it('states the range --validation takes, the one it refuses a value outside of', async () => {
    const dir = tempDir();
    const refused = await runSpanfill(['import', path.join(dir, 'a.txt'), '--validation', '0.9', '--data-dir', dir]);
    const range = /--validation must be a number in (\S+, \S+), got/.exec(refused.stderr)?.[1];
    expect(range, refused.stderr).toBeDefined();
    const { stdout } = await runSpanfill(['import', '--help']);
    expect(stdout).toMatch(/--validation FRACTION +Held-out share, in (\S+, \S+) \(default 0\.05\)/);
    expect(stdout).toContain(`in ${range} (default`);
  });
});

describe('spanfill import -dash.txt', () => {
  it("says how to give a file here whose name starts with '-' (import -dash.txt), through the whole command line", async () => {
    const dir = tempDir();
    const before = process.cwd();
    process.chdir(dir);
    try {
      fs.writeFileSync('-dash.txt', 'text');
      const { code, stderr } = await runSpanfill(['import', '-dash.txt', '--data-dir', dir]);
      expect(code).toBe(2);
      expect(stderr).toContain('-dash.txt is a file here; to give it, write ./-dash.txt or put -- before it');
    } finally {
      process.chdir(before);
    }
  });
});
