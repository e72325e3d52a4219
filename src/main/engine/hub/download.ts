// Pulling a model repository from the Hub into the cache with @huggingface/hub: the revision
// is resolved to its commit first and every file is fetched at that commit (pullSession.ts);
// each file streams into a .partial named by its ETag, so a dropped connection resumes with an
// HTTP Range request (Blob.slice of the client's WebBlob) here or on the next pull; a finished
// file is checked against its ETag (sha256 for LFS files, git blob id otherwise) before it
// enters the snapshot. A mismatch deletes it. Offline, only complete cached snapshots are used. Every
// request has time limits (timedFetch.ts): a Hub that never answers fails in seconds, and a
// stalled body is retried from where it stopped, as a dropped connection is. One process at a
// time pulls a repository into a cache (pullLock.ts), from its download until the caller has
// registered the snapshot (settle); another is refused with its pid. A pull that fails says
// what of it stays in the cache for the next one, and how to delete it.

import { HubApiError, modelInfo } from '@huggingface/hub';
import { HubCache, type SnapshotFile, type SnapshotManifest } from './cache';
import { isCommitSha } from './catalog';
import { HubError, toHubError, withOwnerNote } from './errors';
import { withKeptNote } from './keptNote';
import { whilePulling } from './pullLock';
import { PullSession, type PullProgress } from './pullSession';
import { selectRepoFiles } from './files';
import type { HubSettings } from './settings';
import { TimedFetch, type HubTimeouts } from './timedFetch';

export type { PullProgress } from './pullSession';

export interface PullRequest {
  readonly repoId: string;
  readonly revision?: string;
  readonly settings: HubSettings;
  readonly cacheRoot: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: PullProgress) => void;
  /** Fresh attempts per file after a dropped connection (each resumes); default 3. */
  readonly retries?: number;
  /** How long to wait for an answer, and for more bytes of one (timedFetch.ts); 30 s and 60 s by default. */
  readonly timeouts?: HubTimeouts;
}

export interface PullResult {
  readonly repoId: string;
  readonly revision: string;
  readonly commit: string;
  readonly dir: string;
  readonly files: readonly SnapshotFile[];
  readonly bytes: number;
  /** Bytes that came over the network in this pull (0 when served from the cache). */
  readonly downloadedBytes: number;
  /** Bytes kept from .partial files of an earlier, interrupted pull. */
  readonly resumedBytes: number;
  readonly isFromCache: boolean;
  /** Time spent asking the Hub and downloading (0 when served offline from the cache). */
  readonly elapsedMs: number;
}

/** The complete cached snapshot of `repoId` at `revision`, touching no network; undefined if none. */
export function findCachedSnapshot(cacheRoot: string, repoId: string, revision = 'main'): PullResult | undefined {
  const cache = new HubCache(cacheRoot);
  const commit = cache.commitFor(repoId, revision);
  const manifest = commit === undefined ? undefined : cache.manifest(repoId, commit);
  if (manifest === undefined) return undefined;
  return fromManifest(cache, manifest, revision, 0, 0, true);
}

function fromManifest(
  cache: HubCache,
  m: SnapshotManifest,
  revision: string,
  downloadedBytes: number,
  resumedBytes: number,
  isFromCache: boolean,
): PullResult {
  const bytes = m.files.reduce((sum, f) => sum + f.size, 0);
  const dir = cache.snapshotDir(m.repoId, m.commit);
  return {
    repoId: m.repoId,
    revision,
    commit: m.commit,
    dir,
    files: m.files,
    bytes,
    downloadedBytes,
    resumedBytes,
    isFromCache,
    elapsedMs: 0,
  };
}

/** What the caller does with the snapshot under the pull lock (registers it): no removal meanwhile. */
export type SettlePull<T> = (pulled: PullResult) => T | Promise<T>;

/**
 * Download (or find in the cache) the files Spanfill needs from `request.repoId`, then `settle`
 * the snapshot under the pull lock; the lock goes back once `settle` has ended (or the pull failed).
 */
export function pullModel(request: PullRequest): Promise<PullResult>;
export function pullModel<T>(request: PullRequest, settle: SettlePull<T>): Promise<T>;
export async function pullModel<T>(request: PullRequest, settle?: SettlePull<T>): Promise<T | PullResult> {
  const settled = settle ?? ((pulled: PullResult) => pulled);
  const revision = request.revision ?? 'main';
  if (request.settings.isOffline)
    return whilePulling(request.cacheRoot, request.repoId, async () => {
      const cached = findCachedSnapshot(request.cacheRoot, request.repoId, revision);
      if (cached) return settled(cached);
      throw new HubError(
        'not-cached',
        `Offline (--offline or HF_HUB_OFFLINE) and ${request.repoId}@${revision} is not in the cache; pull it once while online.`,
      );
    });
  const startedAt = Date.now();
  const timed = new TimedFetch(request.signal, request.timeouts);
  const { commit, files, repoFiles } = await resolveRepo(request, revision, timed);
  const cache = new HubCache(request.cacheRoot);
  /** The snapshot of `commit` if it is complete (pulled before, or by the one that held the lock). */
  const complete = (): PullResult | undefined => {
    const manifest = cache.manifest(request.repoId, commit);
    if (manifest === undefined) return undefined;
    cache.writeRef(request.repoId, revision, commit);
    return { ...fromManifest(cache, manifest, revision, 0, 0, true), elapsedMs: Date.now() - startedAt };
  };
  // One process downloads a repository at a time: its .partial files are that process's alone.
  return whilePulling(request.cacheRoot, request.repoId, async () => {
    let pulled: PullResult;
    try {
      pulled = complete() ?? (await download(request, { cache, commit, files, repoFiles, timed, startedAt }));
    } catch (error) {
      throw withKeptNote(error, cache, request.repoId, commit);
    }
    return settled(pulled);
  });
}

/** Fetches the files of `commit` into its snapshot, then writes its manifest and the revision's ref. */
async function download(
  request: PullRequest,
  pinned: {
    cache: HubCache;
    commit: string;
    files: string[];
    repoFiles: string[];
    timed: TimedFetch;
    startedAt: number;
  },
): Promise<PullResult> {
  const { cache, commit, files, repoFiles, timed, startedAt } = pinned;
  const revision = request.revision ?? 'main';
  const session = new PullSession(request, cache, commit, repoFiles, timed);
  const done = await session.fetchAll(files);
  const manifest: SnapshotManifest = {
    repoId: request.repoId,
    revision,
    commit,
    endpoint: request.settings.endpoint,
    files: done,
    completedAt: new Date().toISOString(),
  };
  cache.writeManifest(manifest);
  cache.writeRef(request.repoId, revision, commit);
  const result = fromManifest(cache, manifest, revision, session.downloadedBytes, session.resumedBytes, false);
  return { ...result, elapsedMs: Date.now() - startedAt };
}

/** The commit `revision` points at now and the files to fetch from it. */
async function resolveRepo(
  request: PullRequest,
  revision: string,
  timed: TimedFetch,
): Promise<{ commit: string; files: string[]; repoFiles: string[] }> {
  const { endpoint, token } = request.settings;
  const what = `repository ${request.repoId}@${revision}`;
  let info: { sha?: string; filePaths?: string[] };
  try {
    info = await modelInfo({
      name: request.repoId,
      revision,
      hubUrl: endpoint,
      accessToken: token,
      additionalFields: ['sha', 'filePaths'],
      fetch: timed.fetch,
    });
  } catch (error) {
    throw (
      revisionNotFound(error, request, revision, timed) ??
      withOwnerNote(toHubError(error, what, request.settings), request.repoId)
    );
  }
  if (typeof info.sha !== 'string' || !isCommitSha(info.sha) || !Array.isArray(info.filePaths))
    throw new HubError(
      'bad-response',
      `${endpoint} gave no commit sha or file list for ${what}; is HF_ENDPOINT a Hub?`,
    );
  return { commit: info.sha, files: selectRepoFiles(request.repoId, info.filePaths), repoFiles: info.filePaths };
}

/**
 * The Hub's 404 for a repository it has at a revision it does not (its X-Error-Code says
 * RevisionNotFound), said as the revision; undefined for any other failure.
 */
function revisionNotFound(
  error: unknown,
  request: PullRequest,
  revision: string,
  timed: TimedFetch,
): HubError | undefined {
  const isRevision = error instanceof HubApiError && timed.errorCode(error.url) === 'RevisionNotFound';
  if (!isRevision || error.statusCode !== 404) return undefined;
  return new HubError(
    'not-found',
    `${request.settings.endpoint} has repository ${request.repoId} but no revision ${JSON.stringify(revision)} in it ` +
      '(HTTP 404, RevisionNotFound); give a branch, tag or commit it has (main when none is given; its Hub ' +
      'page lists them under Files and versions)',
  );
}
