// A dataset's validation split worked out again from its stored documents, for when the split
// file its import wrote is gone (deleted by hand, a disk that lost it): from the split keys
// stored with the documents (schema 8), so it equals the import's, the pieces of a document cut
// for its size on one side. Not the split file or its cache (datasets.ts validationOrdinals).

import type { DatasetStats } from '../../shared/contract/datasets';
import { hashDocument } from '../engine/data/documents';
import { DEFAULT_VALIDATION_FRACTION, splitDocuments, type DatasetSplit } from '../engine/data/split';
import type { DatasetRepository, DatasetRow, DocumentSplitKeyRow } from '../store/datasets';

/** What the stats of a dataset split by piece say (sayByPiece): nothing keeps a document's pieces together. */
export const SPLIT_BY_PIECE_NOTE =
  'Worked out again from the stored documents, imported before Spanfill recorded which pieces were cut from one ' +
  'over-long document: the pieces of one may lie on both sides, so validation loss may measure text the model ' +
  'trained on; import the files again to keep them on one side';

/**
 * The split of `row`'s stored documents, in one streaming pass a page at a time (memory: a page
 * and the held-out side). A document stored before schema 8 has no key: its own text's hash
 * gives it, as its import did unless it cut documents: whether it kept their pieces on one side
 * the rows do not tell, so the stats then say the split is by piece, and how to mend it.
 */
export function recomputeSplit(repo: DatasetRepository, row: DatasetRow): DatasetSplit {
  const fraction = row.stats?.split.validationFraction ?? DEFAULT_VALIDATION_FRACTION;
  const keyless = { count: 0 };
  const split = splitDocuments(candidates(repo, row.id, keyless), fraction);
  if (keyless.count > 0 && (row.stats?.oversizedSplits ?? 0) > 0) sayByPiece(repo, row.id, split);
  return split;
}

function* candidates(
  repo: DatasetRepository,
  id: string,
  keyless: { count: number },
): Generator<{ index: number; splitKey: number }> {
  for (const page of splitKeyPages(repo, id))
    for (const doc of page) {
      if (doc.split_key !== null) {
        yield { index: doc.ordinal, splitKey: doc.split_key };
      } else {
        keyless.count++;
        yield { index: doc.ordinal, splitKey: hashDocument(doc.text).splitKey };
      }
    }
}

/** The documents' split keys in ordinal order, a page at a time: synchronous pages, so no statement stays open. */
function* splitKeyPages(repo: DatasetRepository, id: string, pageSize = 1000): Generator<DocumentSplitKeyRow[]> {
  for (let from = 0; ;) {
    const page = repo.splitKeys(id, from, pageSize);
    if (page.length === 0) return;
    yield page;
    from = page[page.length - 1].ordinal + 1;
  }
}

/**
 * The stats' split made the one worked out, by piece, saying so: the import's counts may not be
 * this split's, and nothing says which pieces belong together. Read afresh (token counts may have
 * come since the row was read).
 */
function sayByPiece(repo: DatasetRepository, id: string, split: DatasetSplit): void {
  const stats = repo.get(id)?.stats;
  if (stats === null || stats === undefined) return;
  const message = [split.message, SPLIT_BY_PIECE_NOTE].filter((m) => m !== null).join('; ');
  const bySplit: DatasetStats['split'] = {
    ...stats.split,
    trainDocuments: split.trainCount,
    validationDocuments: split.validationCount,
    isSelfValidation: split.isSelfValidation,
    message,
  };
  repo.updateStats(id, { ...stats, split: bySplit });
}
