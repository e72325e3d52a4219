// Pulling a model repository from the Hub into the cache with @huggingface/hub: the revision
// is resolved to its commit first and every file is fetched at that commit; each file streams
// into a .partial named by its ETag, so a dropped connection resumes with an HTTP Range
// request (Blob.slice of the client's WebBlob) here or on the next pull; a finished file is
// checked against its ETag (sha256 for LFS files, git blob id otherwise) before it enters
// the snapshot. A mismatch deletes it. Offline, only complete cached snapshots are used. Every
// request has time limits (timedFetch.ts): a Hub that never answers fails in seconds, and a
// stalled body is retried from where it stopped, as a dropped connection is. One process at a
// time pulls a repository into a cache (pullLock.ts), from its download until the caller has
// registered the snapshot (settle); another is refused with its pid. A pull that fails says
// what of it stays in the cache for the next one, and how to delete it.

import { createWriteStream, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { downloadFile, fileDownloadInfo, HubApiError, modelInfo, type FileDownloadInfoOutput } from '@huggingface/hub';
import type { EventMap } from '../../../shared/events';
import { HubCache, type SnapshotFile, type SnapshotManifest } from './cache';
import { isCommitSha } from './catalog';
import { HubError, isTransient, toHubError } from './errors';
import { withKeptNote } from './keptNote';
import { whilePulling } from './pullLock';
import { checkTokenizer, selectRepoFiles, shardsFromIndex, WEIGHTS_FILE, WEIGHTS_INDEX_FILE } from './files';
import type { HubSettings } from './settings';
import { TimedFetch, type HubTimeouts } from './timedFetch';
import { digestFile, expectedDigest } from './verify';

/** The models.pullProgress event less the revision (the service adds it). */
export type PullProgress = Omit<EventMap['models.pullProgress'], 'revision'>;

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
    throw revisionNotFound(error, request, revision, timed) ?? toHubError(error, what, request.settings);
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

/** One pull's downloads: per-file metadata, resumable transfer, verification and progress. */
class PullSession {
  downloadedBytes = 0;
  resumedBytes = 0;
  private bytesDone = 0;
  private bytesTotal = 0;
  private readonly startedAt = Date.now();
  private lastReport = 0;

  constructor(
    private readonly request: PullRequest,
    private readonly cache: HubCache,
    private readonly commit: string,
    private readonly repoFiles: readonly string[],
    private readonly timed: TimedFetch,
  ) {}

  async fetchAll(plan: string[]): Promise<SnapshotFile[]> {
    const infos = new Map<string, FileDownloadInfoOutput>();
    for (const file of plan) infos.set(file, await this.info(file));
    this.bytesTotal = [...infos.values()].reduce((sum, i) => sum + i.size, 0);
    const done: SnapshotFile[] = [];
    for (let i = 0; i < plan.length; i++) {
      const file = plan[i];
      if (file === WEIGHTS_FILE || file === WEIGHTS_INDEX_FILE)
        checkTokenizer(this.request.repoId, this.cache.snapshotDir(this.request.repoId, this.commit));
      done.push(await this.fetchFile(file, infos.get(file) as FileDownloadInfoOutput, i, plan.length));
      if (file === WEIGHTS_INDEX_FILE) {
        const dir = this.cache.snapshotDir(this.request.repoId, this.commit);
        const shards = shardsFromIndex(readFileSync(path.join(dir, file), 'utf8'), this.repoFiles);
        for (const shard of shards) {
          const info = await this.info(shard);
          infos.set(shard, info);
          this.bytesTotal += info.size;
          plan.push(shard);
        }
      }
    }
    return done;
  }

  /** The client's parameters for `file` at the pinned commit. */
  private fileParams(file: string) {
    const { repoId, settings } = this.request;
    const { endpoint: hubUrl, token: accessToken } = settings;
    return { repo: repoId, path: file, revision: this.commit, hubUrl, accessToken, fetch: this.timed.fetch };
  }

  private async info(file: string): Promise<FileDownloadInfoOutput> {
    const { repoId, settings } = this.request;
    const what = `${file} of ${repoId}@${this.commit.slice(0, 12)}`;
    try {
      const info = await fileDownloadInfo(this.fileParams(file));
      if (info === null) throw new HubError('not-found', `${settings.endpoint} has no ${what} (HTTP 404)`);
      return info;
    } catch (error) {
      throw toHubError(error, what, settings);
    }
  }

  private async fetchFile(
    file: string,
    info: FileDownloadInfoOutput,
    index: number,
    count: number,
  ): Promise<SnapshotFile> {
    const { repoId } = this.request;
    const target = path.join(this.cache.snapshotDir(repoId, this.commit), file);
    const verifiedBy = expectedDigest(info.etag).kind;
    if (existsSync(target) && statSync(target).size === info.size) {
      // Verified by an earlier pull that stopped later on (only verified files enter a snapshot).
      this.bytesDone += info.size;
      return { path: file, size: info.size, etag: info.etag, verifiedBy };
    }
    const partial = this.cache.partialFile(repoId, info.etag);
    await this.transfer(file, info, partial, index, count);
    await verify(file, info, partial);
    this.cache.commitFile(repoId, this.commit, file, partial);
    return { path: file, size: info.size, etag: info.etag, verifiedBy };
  }

  /** Stream into `partial` from where it ends; a dropped connection retries from the new end, `retries` times in a row without progress. */
  private async transfer(file: string, info: FileDownloadInfoOutput, partial: string, index: number, count: number) {
    await mkdir(path.dirname(partial), { recursive: true });
    let start = existsSync(partial) ? statSync(partial).size : 0;
    if (start > info.size) {
      rmSync(partial);
      start = 0;
    }
    this.resumedBytes += start;
    this.bytesDone += start;
    const { repoId, settings } = this.request;
    const retries = this.request.retries ?? 3;
    for (let failures = 0; start < info.size;) {
      let isFailed = false;
      try {
        const blob = await downloadFile({ ...this.fileParams(file), downloadInfo: info });
        if (blob === null) throw new HubError('not-found', `${settings.endpoint} no longer has ${file} of ${repoId}`);
        await this.append(start > 0 ? blob.slice(start) : blob, partial, file, index, count);
      } catch (caught) {
        this.request.signal?.throwIfAborted();
        const error = this.timed.explain(caught); // a stall is retried like a dropped connection
        if (!isTransient(error) || ++failures > retries) throw toHubError(error, `${file} of ${repoId}`, settings);
        isFailed = true;
        await delay(Math.min(4000, 250 * 2 ** failures), this.request.signal);
      }
      const end = existsSync(partial) ? statSync(partial).size : 0;
      if (end === start && !isFailed) break; // the body ended early and cleanly: verify() says so
      if (end > start) failures = 0; // the retry budget is for attempts that bring nothing
      start = end;
    }
  }

  private async append(blob: Blob, partial: string, file: string, index: number, count: number): Promise<void> {
    const out = createWriteStream(partial, { flags: 'a' });
    const closed = new Promise<void>((resolve, reject) => {
      out.on('close', resolve);
      out.on('error', reject);
    });
    try {
      const reader = blob.stream().getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!out.write(value)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        this.downloadedBytes += value.byteLength;
        this.bytesDone += value.byteLength;
        this.report(file, index, count, false);
      }
    } catch (error) {
      // WebBlob.stream() aborts with the message only; keep it an Error for the caller.
      throw error instanceof Error ? error : new Error(String(error));
    } finally {
      out.end();
      await closed;
      this.report(file, index, count, true);
    }
  }

  private report(file: string, fileIndex: number, fileCount: number, isForced: boolean): void {
    const now = Date.now();
    if (!isForced && now - this.lastReport < 100) return;
    this.lastReport = now;
    const seconds = (now - this.startedAt) / 1000;
    this.request.onProgress?.({
      repoId: this.request.repoId,
      file,
      fileIndex,
      fileCount,
      bytesDone: this.bytesDone,
      bytesTotal: Math.max(this.bytesTotal, this.bytesDone),
      bytesPerSecond: this.downloadedBytes > 0 && seconds > 0 ? this.downloadedBytes / seconds : null,
    });
  }
}

/** Size and digest against the Hub's metadata; a file that fails is deleted, never cached. */
async function verify(file: string, info: FileDownloadInfoOutput, partial: string): Promise<void> {
  const size = statSync(partial).size;
  const expected = expectedDigest(info.etag);
  const actual = size === info.size ? await digestFile(partial, expected, size) : null;
  const isSizeWrong = size !== info.size;
  if (!isSizeWrong && (expected.kind === 'none' || actual === expected.hex)) return;
  rmSync(partial, { force: true });
  const detail = isSizeWrong
    ? `${size} bytes arrived, the Hub announced ${info.size}`
    : `its ${expected.kind} is ${actual}, the Hub's ETag says ${expected.kind === 'none' ? '' : expected.hex}`;
  throw new HubError(
    'checksum',
    `${file} failed verification (${detail}); it was deleted. Pull again to re-download it.`,
  );
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}
