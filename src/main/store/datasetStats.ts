// The `stats_json` column of `datasets`, parsed once here with a schema instead of casts at
// each use: a ready dataset's DatasetStats (shared/contract/datasets.ts), or, while it is
// importing, the pid of the importing process and when it started. Unknown keys are kept
// (looseObject), so a newer Spanfill's extra stats survive an older one rewriting the row.

import { z } from 'zod';
import type { DatasetStats } from '../../shared/contract/datasets';

const count = z.number().int().nonnegative();

const fileStatsSchema = z.looseObject({
  path: z.string(),
  format: z.enum(['text', 'jsonl', 'csv', 'tsv']),
  encoding: z.string(),
  bytes: count,
  documents: count,
});

export const datasetStatsSchema = z.looseObject({
  documents: count,
  characters: count,
  bytes: count,
  duplicatesDropped: count,
  emptyDropped: count,
  oversizedSplits: count,
  files: z.array(fileStatsSchema),
  warnings: z.array(z.string()),
  split: z.looseObject({
    validationFraction: z.number(),
    trainDocuments: count,
    validationDocuments: count,
    isSelfValidation: z.boolean(),
    message: z.string().nullable(),
  }),
  tokens: z
    .record(z.string(), z.looseObject({ tokenizer: z.string(), tokens: count, droppedSpecialTokens: count.optional() }))
    .optional(),
});

const importingSchema = z.looseObject({ importingPid: z.number().int() });
const importingStartSchema = z.looseObject({ importingStartedAt: z.number().finite() });

// The schema and the contract's type must describe the same object.
const _parsedIsStats = (parsed: z.infer<typeof datasetStatsSchema>): DatasetStats => parsed;
void _parsedIsStats;

export interface StoredStats {
  /** Null while importing, or when the column does not hold valid stats. */
  readonly stats: DatasetStats | null;
  /** The importing process, recorded while the dataset is 'importing'. */
  readonly importingPid: number | null;
  /**
   * When that process started (epoch ms), so that a pid another process has since taken is not
   * taken for it; null in rows written before it was kept (the pid alone says then).
   */
  readonly importingStartedAt: number | null;
}

export function parseStoredStats(statsJson: string): StoredStats {
  let json: unknown;
  try {
    json = JSON.parse(statsJson || '{}');
  } catch {
    return { stats: null, importingPid: null, importingStartedAt: null };
  }
  return {
    stats: datasetStatsSchema.safeParse(json).data ?? null,
    importingPid: importingSchema.safeParse(json).data?.importingPid ?? null,
    // Read apart from the pid: a start time that does not parse leaves the pid to say.
    importingStartedAt: importingStartSchema.safeParse(json).data?.importingStartedAt ?? null,
  };
}
