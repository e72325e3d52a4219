// What a chunk request to the upload endpoint (upload.ts) names beside the file: the upload's id,
// from its URL, and the bytes of its query (offset, total), read strictly; an UploadError when
// they cannot be read.

import { uploadPathPrefix } from '../../shared/upload';
import { UploadError } from './uploadLimits';

/** The upload id of a /upload/ID URL, percent-decoded. */
export function uploadIdOf(url: URL): string {
  const encoded = url.pathname.slice(uploadPathPrefix.length);
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new UploadError(
      400,
      'invalid_argument',
      `Upload id ${JSON.stringify(encoded)} is not valid percent-encoding`,
    );
  }
}

/**
 * A query value of bytes, in plain decimal digits: Number() would also read "0x5", "1e3", " 5"
 * or "5.0" as numbers; no client of ours sends those, so they are refused, not guessed at.
 */
export function wholeNumber(raw: string | null, label: string): number {
  const value = raw !== null && /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value)) {
    throw new UploadError(
      400,
      'invalid_argument',
      `Query parameter ${label}=${raw ?? ''} must be a whole number of bytes, in decimal digits`,
    );
  }
  return value;
}
