// A file read in chunks for import: opened without blocking and checked to be a regular file,
// every read abandoned at once when the import is cancelled, failures as DataErrors naming
// the path. Used by the import (import.ts) and by the encoding sniff before it (encodingSniff.ts),
// which read a small file once between them (readTwice). NOTE: each read gets a buffer of its
// own no bigger than the file needs: a 1 MiB buffer for each read of a 120-byte file (and for
// the read that finds its end) made importing many small files spend its time in the collector.

import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { FilePath } from './fileNames';
import { notARegularFile, pathError, specialFileKind } from './sources';

/** `work`, or a rejection with the signal's reason as soon as it fires (the work runs on, unheeded). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Opens without blocking and checks again that it is a regular file: sources.ts refused
 * special files, but the path may have been replaced since (opening a FIFO plainly would
 * wait for a writer forever). O_NONBLOCK changes nothing for reads of a regular file.
 */
async function openRegularFile({ path, opens }: FilePath): Promise<{ handle: FileHandle; size: number }> {
  const handle = await open(opens, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  const stat = await handle.stat();
  const kind = specialFileKind(stat);
  if (kind === null) return { handle, size: stat.size };
  await handle.close();
  throw notARegularFile(path, kind);
}

/**
 * The size of the buffer for the next read: the file's size and one byte (so that a file read
 * whole is known to end by one more short read, not one more full one), at most `chunkBytes`;
 * once a read fills its buffer (the file grew since it was opened), `chunkBytes`.
 */
export function nextReadBytes(
  chunkBytes: number,
  fileSize: number,
  last: { readonly asked: number; readonly read: number } | null,
): number {
  if (last === null) return Math.min(chunkBytes, fileSize + 1);
  return last.read === last.asked ? chunkBytes : last.asked;
}

/** A path, or one named by text and opened by its bytes (fileNames.ts). */
type FileToRead = string | FilePath;

/**
 * The file in chunks of up to `chunkBytes`; aborting rejects at once, even mid-read. A
 * failure to open or read (permissions, the file changed since it was listed) is a DataError.
 */
export async function* readChunks(
  toRead: FileToRead,
  chunkBytes: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer> {
  const file = typeof toRead === 'string' ? { path: toRead, opens: toRead } : toRead;
  const fail = async (e: unknown): Promise<never> => {
    throw signal?.aborted ? e : await pathError(file.path, e, file.opens);
  };
  const opening = openRegularFile(file);
  const { handle, size } = await untilAborted(opening, signal).catch((e: unknown) => {
    if (signal?.aborted) void opening.then((h) => h.handle.close()).catch(() => undefined);
    return fail(e);
  });
  try {
    let last: { asked: number; read: number } | null = null;
    for (;;) {
      const asked = nextReadBytes(chunkBytes, size, last);
      // A buffer of its own each time: the caller may keep what it was given.
      const buffer = Buffer.allocUnsafe(asked);
      const { bytesRead } = await untilAborted(handle.read(buffer, 0, asked, null), signal).catch(fail);
      if (bytesRead === 0) return;
      last = { asked, read: bytesRead };
      yield bytesRead === asked ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    // NOTE: close() waits for a read in flight, so after an abort it is not awaited.
    if (signal?.aborted) void handle.close().catch(() => undefined);
    else await handle.close();
  }
}

/**
 * `path` for two passes in a row (the encoding sniff, then the import): `first` reads it, and
 * `second()` gives the same chunks again from memory when the first pass read all of it in
 * at most `keepBytes`, else reads it again.
 */
export function readTwice(
  file: FileToRead,
  chunkBytes: number,
  signal: AbortSignal | undefined,
  keepBytes: number = chunkBytes,
): { readonly first: AsyncIterable<Buffer>; readonly second: () => AsyncIterable<Buffer> | Iterable<Buffer> } {
  let kept: Buffer[] | null = [];
  let isWhole = false;
  async function* first(): AsyncGenerator<Buffer> {
    let total = 0;
    for await (const chunk of readChunks(file, chunkBytes, signal)) {
      total += chunk.length;
      if (kept !== null && total <= keepBytes) kept.push(chunk);
      else kept = null;
      yield chunk;
    }
    isWhole = true;
  }
  return {
    first: first(),
    second: () => (isWhole && kept !== null ? kept : readChunks(file, chunkBytes, signal)),
  };
}
