// Browser-mode file upload to `spanfill serve`, named once for the server (src/main/server/
// upload.ts) and the renderer's client (renderer/src/lib/upload.ts): the URL, the sizes, the
// ids and the JSON the server answers. The desktop app never uploads: it imports the paths.
//
//   PUT    /upload/<uploadId>?name=<relative path>&offset=<n>&total=<bytes of the whole upload>
//          body: the bytes of `name` from `offset` (at most maxUploadChunkBytes)
//   DELETE /upload/<uploadId>   cancels: deletes everything received for that upload
//
// A name the server cannot hold is refused on the file's first chunk, before any byte of it is
// written, with uploadNameRefusedCode: the page skips that file, sends the rest and names the
// skipped ones after the import, as the import names the empty files it skips.

import { MAX_IMPORT_PATHS } from './contract/datasets';
import type { Envelope, ErrorCode } from './errors';

export const uploadPathPrefix = '/upload/';

/** The code of a chunk refused for its file's name alone (src/main/server/uploadNames.ts): skip that file. */
export const uploadNameRefusedCode: ErrorCode = 'invalid_input';

/** What the client sends per request; progress moves in steps of this size. */
export const uploadChunkBytes = 4 * 1024 * 1024;

/** The largest body one request may carry; more is refused with 413 before it is written. */
export const maxUploadChunkBytes = 8 * 1024 * 1024;

/** Default limit of one upload (all its files together); `spanfill serve` reads an override from this env var. */
export const defaultMaxUploadBytes = 2 * 1024 * 1024 * 1024;
export const uploadLimitEnv = 'SPANFILL_UPLOAD_LIMIT_BYTES';

/**
 * The most files one upload may hold. A drop of loose files reaches `datasets.import` as one
 * path each, and an import takes at most MAX_IMPORT_PATHS: an upload of more could not be
 * imported anyway. (A folder import reads any number; a folder that large is better imported by
 * its path on the server than copied over one request per file.) Without a cap, zero-byte files,
 * which no byte limit counts, could fill the disk's inodes.
 */
export const maxUploadFiles = MAX_IMPORT_PATHS;

/**
 * The most bytes of UTF-8 one part of an uploaded name (a file or folder name) may have: Linux
 * and macOS file systems hold 255 (NAME_MAX counts bytes, so 200 × "é" or 100 × "😀", 400 bytes,
 * does not fit, though 255 characters of UTF-16 would). The page cuts longer names to this.
 */
export const maxUploadNamePartBytes = 255;

/** Bytes of `text` in UTF-8, as the file system counts a name (a lone surrogate as U+FFFD, 3). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Upload ids are made by the client (random); anything else could name a path. */
export const uploadIdPattern = /^[A-Za-z0-9_-]{8,64}$/;

/** Where `spanfill serve` keeps uploads until they are imported: <dataDir>/uploads/<uploadId>/. */
export const uploadsFolder = 'uploads';

export interface UploadChunkResult {
  /** Bytes of this file on the server now (the next offset). */
  readonly received: number;
  /** Bytes of the whole upload on the server now. */
  readonly uploadBytes: number;
  /** Where the file's top-level entry (the file, or the dropped folder holding it) lies on the server. */
  readonly entryPath: string;
}

export type UploadResponse = Envelope<UploadChunkResult | { readonly removed: boolean }>;
