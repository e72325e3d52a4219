// The limits of browser-mode uploads (`spanfill serve`, upload.ts) and the refusals that say
// them: a chunk's size, one upload's bytes and files, how many uploads may be open at once and
// how much free disk they must leave, so that uploads from any number of tabs or clients cannot
// fill the disk the data directory lies on. Each refusal says what to do instead.

import fs from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { ErrorCode } from '../../shared/errors';
import { formatBytes, formatDuration } from '../../shared/format';
import { defaultMaxUploadBytes, maxUploadChunkBytes, maxUploadFiles, uploadLimitEnv } from '../../shared/upload';

export interface UploadLimits {
  /** All files of one upload together. */
  readonly maxUploadBytes: number;
  /** One request's body. */
  readonly maxChunkBytes: number;
  /** Files of one upload; maxUploadFiles when left out (tests use a small one). */
  readonly maxFiles?: number;
  /** Uploads open at once (received and not yet deleted); defaultMaxOpenUploads when left out. */
  readonly maxOpenUploads?: number;
  /** Free bytes the disk must keep after the rest of an upload; defaultKeepFreeBytes when left out. */
  readonly keepFreeBytes?: number;
  /** How long the body of a refused chunk is read before the connection closes; defaultRefusedBodyMs when left out. */
  readonly refusedBodyMs?: number;
  /**
   * How long an open upload may go unused (no chunk arriving, no call reading it) before it is
   * removed as left by its page (uploadUse.ts); never when left out. Only a server that reports
   * the calls that read uploads (Uploads.whileReading) may set it: else it could remove an upload
   * an import reads. abandonedUploadMs is serve's.
   */
  readonly abandonedMs?: number;
}

/**
 * A page uploads one drop at a time and deletes it once imported; more open at once are other
 * tabs, or uploads that tabs closed part-way left behind (removed once unused for abandonedMs,
 * else when the server stops or starts again).
 */
export const defaultMaxOpenUploads = 16;

/**
 * How long serve keeps an upload nothing uses: a page sends its chunks one after another and
 * imports the upload at once, so a minute without either is a page that has gone (closed, or
 * reloaded: the new page does not know the upload) or one that cannot go on.
 */
export const abandonedUploadMs = 60_000;

/** How long an unused upload is kept, in words: "1 min", "45 s". */
export function abandonedWords(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : formatDuration(ms);
}

/** What an upload must leave free: the import then writes the documents into the database too. */
export const defaultKeepFreeBytes = 256 * 1024 * 1024;

/**
 * How long a refused chunk's body (at most a chunk) is read and dropped after the answer: a
 * browser reads the answer only once it has sent the body, and 4 MiB takes seconds through a
 * slow tunnel. A client that stops sending is cut off then, not at Node's 300 s request timeout.
 */
export const defaultRefusedBodyMs = 30_000;

/** The limits `spanfill serve` runs with: the defaults, or SPANFILL_UPLOAD_LIMIT_BYTES (tests use a small one). */
export function uploadLimitsFromEnv(env: NodeJS.ProcessEnv): UploadLimits {
  const raw = env[uploadLimitEnv];
  if (raw === undefined || raw === '')
    return { maxUploadBytes: defaultMaxUploadBytes, maxChunkBytes: maxUploadChunkBytes, maxFiles: maxUploadFiles };
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${uploadLimitEnv}=${raw} is not a whole number of bytes; unset it for the 2 GiB default`);
  }
  return { maxUploadBytes: value, maxChunkBytes: maxUploadChunkBytes, maxFiles: maxUploadFiles };
}

/** A refused upload request: the HTTP status and the code and message of its JSON answer. */
export class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The chunk's Content-Length; an UploadError without one (411) or over the chunk limit (413). */
export function chunkLength(request: IncomingMessage, limits: UploadLimits): number {
  const length = Number(request.headers['content-length']);
  if (!Number.isSafeInteger(length)) throw new UploadError(411, 'invalid_argument', 'A chunk needs a Content-Length');
  if (length > limits.maxChunkBytes) {
    throw new UploadError(
      413,
      'invalid_argument',
      `A chunk may carry at most ${formatBytes(limits.maxChunkBytes)}; this one has ${formatBytes(length)}`,
    );
  }
  return length;
}

/** What an upload has counted so far: bytes in all, and per file name. */
export interface Counted {
  readonly bytes: number;
  readonly sizes: ReadonlyMap<string, number>;
}

/** An UploadError when `length` bytes of `name` at `offset` would take the upload over its bytes or files. */
export function checkUploadSize(
  counted: Counted,
  chunk: { name: string; offset: number; length: number; total: number },
  limits: UploadLimits,
): void {
  const { maxUploadBytes } = limits;
  const after = counted.bytes - (counted.sizes.get(chunk.name) ?? 0) + chunk.offset + chunk.length;
  if (chunk.total > maxUploadBytes || after > maxUploadBytes) {
    throw new UploadError(
      413,
      'invalid_argument',
      `The upload is ${formatBytes(Math.max(chunk.total, after))}, over the limit of ${formatBytes(maxUploadBytes)} per upload. ` +
        'Import large files by their path on the machine running Spanfill instead (Datasets → Or import paths…; in a terminal, `spanfill import FILE`), or split them.',
    );
  }
  const maxFiles = limits.maxFiles ?? maxUploadFiles;
  if (!counted.sizes.has(chunk.name) && counted.sizes.size >= maxFiles) {
    throw new UploadError(
      413,
      'invalid_argument',
      `An upload may hold at most ${maxFiles.toLocaleString('en-US')} files, and this one has ${counted.sizes.size.toLocaleString('en-US')} already. ` +
        'Upload the rest in another drop, or import the folder by its path on the machine running Spanfill (Datasets → Or import paths…).',
    );
  }
}

/** An UploadError (429) when a new upload would be one more than may be open at once. */
export function checkOpenUploads(open: number, limits: UploadLimits): void {
  const max = limits.maxOpenUploads ?? defaultMaxOpenUploads;
  if (open < max) return;
  throw new UploadError(
    429,
    'unavailable',
    `This server has ${open} uploads open, the most it takes at once. Let one finish or cancel one, then try again. ` +
      (limits.abandonedMs === undefined
        ? 'Uploads left behind by tabs closed part-way count until `spanfill serve` is restarted (stopping it deletes them).'
        : `An upload a tab closed part-way counts until ${abandonedWords(limits.abandonedMs)} after the last of it arrived.`),
  );
}

/**
 * An UploadError (507) when the disk of the uploads folder `root` has no room for `needed` more
 * bytes with keepFreeBytes to spare. Where the free space cannot be read, nothing is refused.
 */
export async function checkDiskRoom(root: string, needed: number, limits: UploadLimits): Promise<void> {
  const keep = limits.keepFreeBytes ?? defaultKeepFreeBytes;
  const free = await freeBytes(root);
  if (free === undefined || free >= needed + keep) return;
  throw new UploadError(
    507,
    'unavailable',
    `Not enough free disk space for this upload: the disk of the data directory (${path.dirname(root)}) has ` +
      `${formatBytes(free)} free, and the upload needs ${formatBytes(needed)} more, with ${formatBytes(keep)} left ` +
      'free for the import and for training. Free space there (delete runs, models or datasets you no longer need), ' +
      'or import the files by their path on the machine running Spanfill (Datasets → Or import paths…).',
  );
}

/** Bytes an unprivileged user may still write on the disk of `folder` (or of its parent, before it exists). */
async function freeBytes(folder: string): Promise<number | undefined> {
  for (const at of [folder, path.dirname(folder)]) {
    const stats = await fs.statfs(at).catch(() => undefined);
    if (stats !== undefined) return stats.bavail * stats.bsize;
  }
  return undefined;
}
