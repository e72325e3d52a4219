// Browser mode: sends dropped or picked files to `spanfill serve` in chunks (protocol in
// src/shared/upload.ts), a few files at once and each file's chunks in turn, with progress,
// cancellable through an AbortSignal (the server then deletes what arrived); a file whose name
// the server cannot hold is skipped and the rest sent. Also reads files out of a drop, folders
// included (webkitGetAsEntry), and out of a file or folder picker.

import { ApiError, isEnvelope } from '../../../shared/errors';
import {
  uploadChunkBytes,
  uploadNameRefusedCode,
  uploadPathPrefix,
  type UploadChunkResult,
} from '../../../shared/upload';
import { tooManyFiles } from './importable';

/** A file to send and its path relative to what was dropped ("notes.txt", "book/ch1.txt"). */
export interface PickedFile {
  readonly file: File;
  readonly name: string;
}

export interface UploadProgress {
  readonly sent: number;
  readonly total: number;
}

/** A random id the server files the upload under. */
export function newUploadId(): string {
  return `up-${crypto.randomUUID()}`;
}

/** What an upload sent: the server paths to import, and the files the server would not take by their names. */
export interface UploadOutcome {
  /** The server paths of the top-level entries sent (a file, or the dropped folder holding it), in order. */
  readonly paths: string[];
  /** Why each file refused for its name was skipped, in the server's words (uploadNameRefusedCode). */
  readonly skipped: string[];
}

/**
 * How many files are sent at once. A browser spends ~20 ms on each request whatever its size
 * (Chromium here, against ~4 ms from Node), so a folder of many small files is bound by requests,
 * not bytes; the server takes chunks of different files at once (src/main/server/upload.ts
 * counts each before it writes it). Four stays under a browser's six connections per host.
 */
export const parallelFiles = 4;

/**
 * Uploads every file, parallelFiles at a time. A file the server refuses for its name alone
 * (before any byte of it is written) is skipped and the rest sent, as the import skips an empty
 * file and goes on; any other refusal ends the upload: the files being sent are abandoned and
 * that refusal is thrown once they have stopped. Paths and skipped names keep the files' order.
 */
export async function uploadFiles(
  uploadId: string,
  files: readonly PickedFile[],
  token: string,
  signal: AbortSignal,
  onProgress: (progress: UploadProgress) => void,
): Promise<UploadOutcome> {
  // The server refuses the file past its limit too, but only once all before it are sent.
  const tooMany = tooManyFiles(files.length);
  if (tooMany !== undefined) throw new Error(tooMany);
  const total = files.reduce((sum, f) => sum + f.file.size, 0);
  const entries: (string | undefined)[] = [];
  const skipped: (string | undefined)[] = [];
  let sent = 0;
  const count = (bytes: number): void => {
    sent += bytes;
    onProgress({ sent, total });
  };
  onProgress({ sent, total });
  // Ends the other files' requests when one file fails, as the caller's signal ends them all.
  const stop = new AbortController();
  const stopAll = (): void => stop.abort();
  if (signal.aborted) stopAll();
  signal.addEventListener('abort', stopAll);
  const send = { uploadId, token, signal: stop.signal, total };
  let failure: { error: unknown } | undefined;
  let next = 0;
  const sendNext = async (): Promise<void> => {
    for (let index = next++; index < files.length && failure === undefined; index = next++) {
      const picked = files[index];
      let mine = 0;
      try {
        entries[index] = await sendFile(picked, send, (bytes) => {
          mine += bytes;
          count(bytes);
        });
      } catch (error) {
        if (error instanceof ApiError && error.code === uploadNameRefusedCode && mine === 0) {
          skipped[index] = error.message;
          count(picked.file.size); // counted as done, so the progress still ends at the total
          continue;
        }
        failure ??= { error };
        stopAll();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(parallelFiles, files.length) }, sendNext));
  } finally {
    signal.removeEventListener('abort', stopAll);
  }
  if (failure !== undefined) throw failure.error;
  const paths = new Set(entries.filter((entry) => entry !== undefined));
  return { paths: [...paths], skipped: skipped.filter((why) => why !== undefined) };
}

/** Sends one file chunk by chunk; resolves with the server path of its top-level entry. */
async function sendFile(
  { file, name }: PickedFile,
  { uploadId, token, signal, total }: { uploadId: string; token: string; signal: AbortSignal; total: number },
  onSent: (bytes: number) => void,
): Promise<string> {
  let entry = '';
  // Empty files still need one (empty) request so they exist on the server.
  for (let offset = 0; offset === 0 || offset < file.size; offset += uploadChunkBytes) {
    const chunk = file.slice(offset, offset + uploadChunkBytes);
    const query = new URLSearchParams({ name, offset: String(offset), total: String(total) });
    const result = await request('PUT', `${uploadPathPrefix}${uploadId}?${query}`, token, signal, chunk);
    entry = (result as UploadChunkResult).entryPath;
    onSent(chunk.size);
    if (file.size === 0) break;
  }
  return entry;
}

/** Deletes what the server holds of an upload (after import, or on cancel); never throws. */
export async function removeUpload(uploadId: string, token: string): Promise<void> {
  await request('DELETE', `${uploadPathPrefix}${uploadId}`, token).catch(() => undefined);
}

async function request(
  method: string,
  url: string,
  token: string,
  signal?: AbortSignal,
  body?: Blob,
): Promise<unknown> {
  const response = await fetch(url, { method, body, signal, headers: { Authorization: `Bearer ${token}` } });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (isEnvelope(parsed)) {
    if (parsed.ok) return parsed.result;
    throw new ApiError(parsed.error.code, parsed.error.message);
  }
  throw new Error(`The server refused the upload (HTTP ${response.status}): ${text.trim()}`);
}

/** The files of a drop: plain files, and every file inside dropped folders (recursively). */
export async function filesFromDrop(transfer: DataTransfer): Promise<PickedFile[]> {
  const entries = [...transfer.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry())
    .filter((entry): entry is FileSystemEntry => entry !== null);
  if (entries.length === 0) return [...transfer.files].map((file) => ({ file, name: file.name }));
  const out: PickedFile[] = [];
  for (const entry of entries) await collect(entry, '', out);
  return out;
}

async function collect(entry: FileSystemEntry, prefix: string, out: PickedFile[]): Promise<void> {
  const name = `${prefix}${entry.name}`;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, name });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches (100 in Chromium) until it answers an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    for (const child of batch) await collect(child, `${name}/`, out);
  }
}

/** The files of an <input type=file> (a folder picker sets webkitRelativePath: "book/ch1.txt"). */
export function filesFromInput(list: FileList): PickedFile[] {
  return [...list].map((file) => ({ file, name: file.webkitRelativePath || file.name }));
}
