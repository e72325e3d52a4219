// Browser mode: sends dropped or picked files to `spanfill serve` in chunks (protocol in
// src/shared/upload.ts), one chunk at a time with progress, cancellable through an
// AbortSignal (the server then deletes what arrived); a file whose name the server cannot hold
// is skipped and the rest sent. Also reads files out of a drop, folders included
// (webkitGetAsEntry), and out of a file or folder picker.

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
 * Uploads every file. A file the server refuses for its name alone (before any byte of it is
 * written) is skipped and the rest sent, as the import skips an empty file and goes on; any
 * other refusal ends the upload.
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
  const entries = new Set<string>();
  const skipped: string[] = [];
  let sent = 0;
  onProgress({ sent, total });
  for (const picked of files) {
    const before = sent;
    const send = { uploadId, token, signal, total };
    try {
      entries.add(
        await sendFile(picked, send, (bytes) => {
          sent += bytes;
          onProgress({ sent, total });
        }),
      );
    } catch (error) {
      if (!(error instanceof ApiError && error.code === uploadNameRefusedCode && sent === before)) throw error;
      skipped.push(error.message);
      sent = before + picked.file.size; // counted as done, so the progress still ends at the total
      onProgress({ sent, total });
    }
  }
  return { paths: [...entries], skipped };
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
