// The Export panel's plain data: checkpoint choices as the contract takes them (and what it
// refuses) and the suggested folder under the data directory with its own separator, checked
// against the contract's schema, and the checkpoint select's options, each that cannot be used
// (best and last by the checkpoint they stand for) saying why.

import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, exportRunSchema } from '../../../../src/shared/contract/export';
import {
  checkpointChoice,
  defaultExportFolder,
  EXPORT_FORMAT_LABELS,
  exportCheckpointOptions,
  exportFolderProblem,
  exportedWords,
} from '../../../../src/renderer/src/lib/exportForm';
import type { ListedCheckpoint } from '../../../../src/shared/contract/runs';

describe('the Export panel', () => {
  it('passes checkpoint choices the contract accepts, and refuses anything else', () => {
    for (const [which, wanted] of [
      ['best', 'best'],
      ['last', 'last'],
      ['1200', 1200],
    ] as const) {
      expect(checkpointChoice(which)).toBe(wanted);
      expect(exportRunSchema.parse({ id: 'r-1', checkpoint: checkpointChoice(which) }).checkpoint).toBe(wanted);
    }
    expect(() => checkpointChoice('12.5')).toThrow(/not a checkpoint choice/);
  });

  it('suggests a folder per run, checkpoint and format under the data directory', () => {
    expect(defaultExportFolder('/home/me/.config/Spanfill', 'r-1', 'best', 'hf')).toBe(
      '/home/me/.config/Spanfill/exports/r-1-best-hf',
    );
    expect(defaultExportFolder('/data/', 'r-1', '600', 'transformers.js')).toBe('/data/exports/r-1-step600-web');
    expect(defaultExportFolder('C:\\Users\\me\\Spanfill', 'r-2', 'last', 'accelerate')).toBe(
      'C:\\Users\\me\\Spanfill\\exports\\r-2-last-accelerate',
    );
    expect(defaultExportFolder(undefined, 'r-1', 'best', 'hf')).toBe('');
    const folders = EXPORT_FORMATS.map((f) => defaultExportFolder('/d', 'r', 'best', f));
    expect(new Set(folders).size).toBe(EXPORT_FORMATS.length);
  });

  it('says why Export waits once the folder box is emptied, and offers the suggestion when there is one', () => {
    const suggested = '/data/exports/r-1-best-hf';
    expect(exportFolderProblem('', suggested)).toBe('Type a folder to export into, or use the suggested one.');
    expect(exportFolderProblem('   ', suggested)).toBe('Type a folder to export into, or use the suggested one.');
    expect(exportFolderProblem('', '')).toBe('Type a folder to export into.');
    // A folder typed, or the suggestion followed (nothing typed; while it is on its way too): nothing to say.
    expect(exportFolderProblem('/tmp/out', suggested)).toBeUndefined();
    expect(exportFolderProblem(undefined, suggested)).toBeUndefined();
    expect(exportFolderProblem(undefined, '')).toBeUndefined();
  });

  it('names every format', () => {
    expect(Object.keys(EXPORT_FORMAT_LABELS).sort()).toEqual([...EXPORT_FORMATS].sort());
  });
});

describe("the Export panel's checkpoints", () => {
  const checkpoint = (step: number, isBest = false): ListedCheckpoint => ({
    step,
    path: `/data/runs/r-1/checkpoints/step-${step}`,
    isBest,
    eval: null,
    createdAt: '2025-01-01T00:00:00Z',
  });
  const truncated = { kind: 'unreadable', reason: 'model.safetensors is truncated (98 of 100 bytes)' } as const;
  const deleted = { kind: 'missing', reason: 'its folder was deleted outside Spanfill' } as const;

  it('offers best, last and each step, as before while every one can be used', () => {
    const options = exportCheckpointOptions([checkpoint(600, true), checkpoint(1200)]);
    expect(options.map((o) => [o.value, o.text, o.unusable])).toEqual([
      ['best', 'best by validation loss (else the last)', undefined],
      ['last', 'the last (step 1,200)', undefined],
      ['600', 'step 600', undefined],
      ['1200', 'step 1,200', undefined],
    ]);
  });

  it('marks each that cannot be used with why, best and last by the checkpoint they stand for', () => {
    const options = exportCheckpointOptions([
      { ...checkpoint(600), problem: deleted },
      { ...checkpoint(1200, true), problem: truncated },
      checkpoint(1800),
    ]);
    expect(options.map((o) => [o.value, o.text])).toEqual([
      [
        'best',
        'best by validation loss (else the last) · step 1,200 cannot be used: model.safetensors is truncated (98 of 100 bytes)',
      ],
      ['last', 'the last (step 1,800)'],
      ['600', 'step 600 · cannot be used: its folder was deleted outside Spanfill'],
      ['1200', 'step 1,200 · cannot be used: model.safetensors is truncated (98 of 100 bytes)'],
      ['1800', 'step 1,800'],
    ]);
    expect(options.map((o) => o.unusable)).toEqual([
      'The best checkpoint (step 1,200) cannot be used: model.safetensors is truncated (98 of 100 bytes). Choose another.',
      undefined,
      'Step 600 cannot be used: its folder was deleted outside Spanfill. Choose another.',
      'Step 1,200 cannot be used: model.safetensors is truncated (98 of 100 bytes). Choose another.',
      undefined,
    ]);
    // No best by validation loss: best is the last, and says so when the last cannot be used.
    const noBest = exportCheckpointOptions([checkpoint(600), { ...checkpoint(1200), problem: deleted }]);
    expect(noBest.slice(0, 2).map((o) => o.unusable)).toEqual([
      'The best checkpoint (step 1,200) cannot be used: its folder was deleted outside Spanfill. Choose another.',
      'The last checkpoint (step 1,200) cannot be used: its folder was deleted outside Spanfill. Choose another.',
    ]);
  });
});

describe('exportedWords', () => {
  const result = { format: 'hf' as const, out: '/d/exports/x', files: ['a', 'b'], bytes: 2048 };

  it('writes the step and the counts as the rest of the panel writes them ("step 1,000")', () => {
    expect(exportedWords({ ...result, checkpoint: { runId: 'r-1', step: 1000 } })).toEqual({
      what: 'Step 1,000 exported',
      written: '2 files, 2.0 KiB.',
    });
    const accelerate = { ...result, format: 'accelerate' as const, documents: { train: 12_000, validation: 1 } };
    expect(exportedWords(accelerate)).toEqual({
      what: 'Exported',
      written: '2 files, 2.0 KiB, 12,000 training and 1 validation documents.',
    });
  });

  it('says one file as one', () => {
    expect(exportedWords({ ...result, files: ['model.safetensors'] }).written).toBe('1 file, 2.0 KiB.');
  });
});
