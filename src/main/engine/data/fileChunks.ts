// A file read in chunks for import: opened without blocking and checked to be a regular file,
// every read abandoned at once when the import is cancelled, failures as DataErrors naming
// the path. Used by the import (import.ts) and by the encoding sniff before it (encodingSniff.ts).

import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
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
async function openRegularFile(path: string): Promise<FileHandle> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  const kind = specialFileKind(await handle.stat());
  if (kind === null) return handle;
  await handle.close();
  throw notARegularFile(path, kind);
}

/**
 * The file in chunks of up to `chunkBytes`; aborting rejects at once, even mid-read. A
 * failure to open or read (permissions, the file changed since it was listed) is a DataError.
 */
export async function* readChunks(
  path: string,
  chunkBytes: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer> {
  const fail = async (e: unknown): Promise<never> => {
    throw signal?.aborted ? e : await pathError(path, e);
  };
  const opening = openRegularFile(path);
  const handle = await untilAborted(opening, signal).catch((e: unknown) => {
    if (signal?.aborted) void opening.then((h) => h.close()).catch(() => undefined);
    return fail(e);
  });
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(chunkBytes);
      const { bytesRead } = await untilAborted(handle.read(buffer, 0, chunkBytes, null), signal).catch(fail);
      if (bytesRead === 0) return;
      yield bytesRead === chunkBytes ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    // NOTE: close() waits for a read in flight, so after an abort it is not awaited.
    if (signal?.aborted) void handle.close().catch(() => undefined);
    else await handle.close();
  }
}
