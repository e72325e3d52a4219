// A token cache's counts (tokens, literal special tokens dropped, tokens that became <unk>) kept
// in a small JSON file beside the cache, for a dataset whose stats do not read (a damaged
// `stats_json`; DatasetRow.stats null): the stats are where they belong, but nothing can be added
// to stats that do not parse, and the <unk> count would be recounted from the cache on every call.
// Not the stats themselves: the rest of those is not known again from the store. The file names
// the cache's fingerprint, so one left from an older cache of that name is not believed.

import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { DatasetStats } from '../../shared/contract/datasets';
import { writeFileAtomic } from '../engine/formats/safetensors';

/** One tokenizer's counts, as the stats keep them (DatasetStats.tokens). */
export type TokenCountEntry = NonNullable<DatasetStats['tokens']>[string];

/** What the file says it is, and its layout's version: another is not read (the counts are made again). */
const FORMAT = 'spanfill-token-counts';
const VERSION = 1;

const count = z.number().int().nonnegative();
const fileSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(VERSION),
  fingerprint: z.string(),
  counts: z.object({
    tokenizer: z.string(),
    tokens: count,
    droppedSpecialTokens: count.optional(),
    unknownTokens: count.optional(),
    unknownCharacters: z.array(z.string()).optional(),
  }),
});

/** The counts file of the token cache `cacheFile`. */
export const tokenCountsPath = (cacheFile: string): string => `${cacheFile}.counts.json`;

/** The counts kept beside `cacheFile` for the cache of `fingerprint`; undefined if none, another's, or unreadable. */
export function readTokenCounts(cacheFile: string, fingerprint: string): TokenCountEntry | undefined {
  const file = tokenCountsPath(cacheFile);
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // unreadable: counted again and written over
  }
  const parsed = fileSchema.safeParse(json);
  return parsed.success && parsed.data.fingerprint === fingerprint ? parsed.data.counts : undefined;
}

/** Keeps `counts` beside `cacheFile`, the cache of `fingerprint` (written whole or not at all). */
export function writeTokenCounts(cacheFile: string, fingerprint: string, counts: TokenCountEntry): void {
  const text = JSON.stringify({ format: FORMAT, version: VERSION, fingerprint, counts }, null, 2);
  writeFileAtomic(tokenCountsPath(cacheFile), [Buffer.from(`${text}\n`, 'utf8')]);
}
