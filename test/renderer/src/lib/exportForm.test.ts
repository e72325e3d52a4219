// The Export panel's plain data: checkpoint choices as the contract takes them (and what it
// refuses) and the suggested folder under the data directory with its own separator, checked
// against the contract's schema.

import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, exportRunSchema } from '../../../../src/shared/contract/export';
import {
  checkpointChoice,
  defaultExportFolder,
  EXPORT_FORMAT_LABELS,
} from '../../../../src/renderer/src/lib/exportForm';

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

  it('names every format', () => {
    expect(Object.keys(EXPORT_FORMAT_LABELS).sort()).toEqual([...EXPORT_FORMATS].sort());
  });
});
