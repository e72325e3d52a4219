// A dataset's validation split as token counts and training take it: kept in memory, else read
// from the split file written at import, else worked out again from the split keys stored with
// the documents (datasetSplit.ts; the same split) and saved for next time.

import { mkdirSync } from 'node:fs';
import { readSplitFile, writeSplitFile, type StoredSplit } from '../engine/data/split';
import type { DatasetRepository, DatasetRow } from '../store/datasets';
import { datasetSplitPath, datasetTokenDir, removedMeanwhile } from './datasetFiles';
import { recomputeSplit } from './datasetSplit';

/** What became of a validation split whose dataset was removed while it was worked out (removedMeanwhile). */
const SPLIT_REMOVED = 'while its validation split was being worked out; what was written for it is deleted';

/** The validation splits of a data directory's datasets, each kept in memory once known. */
export class ValidationSplits {
  private readonly splits = new Map<string, StoredSplit>();

  constructor(
    private readonly repo: DatasetRepository,
    private readonly dataDir: string,
    /** The dataset's row; not_found when there is none. */
    private readonly mustGet: (id: string) => DatasetRow,
  ) {}

  /** Dataset `id`'s validation ordinals, as the header says where from. */
  async of(id: string): Promise<StoredSplit> {
    const splitPath = datasetSplitPath(this.dataDir, id);
    const known = this.splits.get(id) ?? readSplitFile(splitPath);
    if (known !== null && known !== undefined) {
      this.splits.set(id, known);
      return known;
    }
    const row = this.mustGet(id);
    const split = recomputeSplit(this.repo, row);
    const stored = { validation: split.validation, isSelfValidation: split.isSelfValidation };
    mkdirSync(datasetTokenDir(this.dataDir, id), { recursive: true });
    writeSplitFile(splitPath, stored);
    // Removed by another process while its documents were read (the split is of what was left).
    const removed = removedMeanwhile(this.repo, this.dataDir, row, SPLIT_REMOVED);
    if (removed) throw removed;
    this.splits.set(id, stored);
    return stored;
  }

  /** Forgets dataset `id`'s split (it was removed). */
  forget(id: string): void {
    this.splits.delete(id);
  }
}
