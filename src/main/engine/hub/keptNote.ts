// What a failed pull leaves in the Hub cache, said in its error: how much stays, whether pulling
// again goes on from there, and the command that deletes it (download.ts adds it to a failure).

import { formatBytes } from '../../../shared/format';
import type { HubCache } from './cache';
import { HubError, type HubErrorCode } from './errors';

/**
 * A failed download's error saying what of it stays in the cache and how to delete it; as it was
 * when nothing stays, or for an abort or a full disk (their callers say those: a cancel keeps
 * what arrived, in its own words).
 */
export function withKeptNote(error: unknown, cache: HubCache, repoId: string, commit: string): unknown {
  if (!(error instanceof HubError)) return error;
  const kept = cache.unfinishedBytes(repoId, commit);
  if (kept === 0) return error;
  return new HubError(error.code, `${error.message} ${keptNote(repoId, kept, RESUMABLE.has(error.code))}`);
}

/** Failures that another pull may get past: it goes on from what this one kept. */
const RESUMABLE: ReadonlySet<HubErrorCode> = new Set(['network', 'checksum', 'bad-response']);

/**
 * What stays of a failed pull of `repoId` (`bytes`: partial files, which the next pull resumes,
 * and verified ones, which it does not fetch again) and the command that deletes it; whether
 * pulling again goes on from there when `isResumable` (else it would meet the same failure).
 */
export function keptNote(repoId: string, bytes: number, isResumable: boolean): string {
  const remove = `\`spanfill models cache rm ${repoId}\` deletes it.`;
  return isResumable
    ? `What has arrived of ${repoId} so far (${formatBytes(bytes)}) is kept in the download cache: pulling it ` +
        `again goes on from there; ${remove}`
    : `What was fetched of ${repoId} (${formatBytes(bytes)}) stays in the download cache; ${remove}`;
}
