// The `stats_json` column of `datasets`, parsed once here with a schema instead of casts at
// each use: a ready dataset's DatasetStats (shared/contract/datasets.ts), or, while it is
// importing, the pid of the importing process, when it started and (Linux) its boot id and
// start ticks (processIdentity.ts). Unknown keys are kept
// (looseObject), so a newer Spanfill's extra stats survive an older one rewriting the row.

import { z } from 'zod';
import type { DatasetStats } from '../../shared/contract/datasets';
import { readProcessIdentity } from '../processIdentity';

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
const importingIdentitySchema = z.looseObject({ importingBootId: z.unknown(), importingStartTicks: z.unknown() });

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
  /**
   * That process's boot id and start in clock ticks since boot (Linux), which tell it apart
   * whatever the wall clock did; both, or null in rows written before, on other systems, or
   * holding values that are not such (its start time says then).
   */
  readonly importingBootId: string | null;
  readonly importingStartTicks: number | null;
}

export function parseStoredStats(statsJson: string): StoredStats {
  let json: unknown;
  try {
    json = JSON.parse(statsJson || '{}');
  } catch {
    return {
      stats: null,
      importingPid: null,
      importingStartedAt: null,
      importingBootId: null,
      importingStartTicks: null,
    };
  }
  const identity = importingIdentitySchema.safeParse(json).data;
  const { bootId, startTicks } = readProcessIdentity(identity?.importingBootId, identity?.importingStartTicks);
  return {
    stats: datasetStatsSchema.safeParse(json).data ?? null,
    importingPid: importingSchema.safeParse(json).data?.importingPid ?? null,
    // Read apart from the pid: a start time that does not parse leaves the pid to say.
    importingStartedAt: importingStartSchema.safeParse(json).data?.importingStartedAt ?? null,
    importingBootId: bootId,
    importingStartTicks: startTicks,
  };
}
