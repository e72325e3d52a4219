// One pull's downloads (download.ts pullModel makes a PullSession per pull): each file's
// metadata at the pinned commit, its transfer into a .partial named by its ETag that resumes from
// where it ends (an HTTP Range request through Blob.slice of the client's WebBlob) after a
// dropped or stalled connection, up to `retries` attempts in a row that bring nothing, its
// verification against the ETag (a file that fails is deleted, never cached), and the pull's
// progress, at most every 100 ms.

import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { downloadFile, fileDownloadInfo, type FileDownloadInfoOutput } from '@huggingface/hub';
import type { EventMap } from '../../../shared/events';
import { writeChunks } from '../../writeChunks';
import type { HubCache, SnapshotFile } from './cache';
import { HubError, isTransient, toHubError } from './errors';
import { checkTokenizer, shardsFromIndex, WEIGHTS_FILE, WEIGHTS_INDEX_FILE } from './files';
import type { HubSettings } from './settings';
import type { TimedFetch } from './timedFetch';
import { digestFile, expectedDigest } from './verify';

/** The models.pullProgress event less the revision (the service adds it). */
export type PullProgress = Omit<EventMap['models.pullProgress'], 'revision'>;

/** What of a pull request (download.ts PullRequest) its downloads use. */
export interface SessionRequest {
  readonly repoId: string;
  readonly settings: HubSettings;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: PullProgress) => void;
  /** Fresh attempts per file after a dropped connection (each resumes); default 3. */
  readonly retries?: number;
}

/** One pull's downloads: per-file metadata, resumable transfer, verification and progress. */
export class PullSession {
  downloadedBytes = 0;
  resumedBytes = 0;
  private bytesDone = 0;
  private bytesTotal = 0;
  private readonly startedAt = Date.now();
  private lastReport = 0;

  constructor(
    private readonly request: SessionRequest,
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
    try {
      // A failed write (a full disk) rejects here, the file closed: what was written stays to resume.
      await writeChunks(partial, this.counted(blob, file, index, count), { append: true });
    } catch (error) {
      // WebBlob.stream() aborts with the message only; keep it an Error for the caller.
      throw error instanceof Error ? error : new Error(String(error));
    } finally {
      this.report(file, index, count, true);
    }
  }

  /** The bytes of `blob` as they arrive, each counted once the file has taken it; a body stopped early is cancelled. */
  private async *counted(blob: Blob, file: string, index: number, count: number): AsyncGenerator<Uint8Array> {
    const reader = blob.stream().getReader();
    let isDone = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield value;
        this.downloadedBytes += value.byteLength;
        this.bytesDone += value.byteLength;
        this.report(file, index, count, false);
      }
      isDone = true;
    } finally {
      if (!isDone) reader.cancel().catch(() => undefined); // the write failed: stop the download
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
