// Chunks written to a file through a write stream with every failure said once, as the one
// rejection its caller awaits. A hand-written loop gets two things wrong (probe 74: a Hub pull
// onto a full disk ended the whole process): after a failed write the stream emits 'error' and
// never 'drain', so a loop awaiting only 'drain' waits forever; and a promise of the stream's
// 'close'/'error' made before the loop rejects while nothing awaits it yet, an unhandled
// rejection (with no 'error' listener at all, an uncaught exception). Here the wait for room
// races the stream's failure, whose rejection is handled from the moment it is made. Not
// stream/promises pipeline: on a failing source it destroys the stream, dropping what the
// source gave that was not yet written, and a resumed download needs every byte that arrived.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/**
 * Writes `chunks` to `file` (after what it holds when `append`, else replacing it), taking the
 * next chunk only once the stream has room. Resolves when every chunk is written and the file
 * closed. Rejects, the file closed, with a write's failure (ENOSPC on a full disk; the source
 * stopped) or the source's (after writing all it gave before it failed).
 */
export async function writeChunks(
  file: string,
  chunks: AsyncIterable<Uint8Array>,
  options: { readonly append?: boolean } = {},
): Promise<void> {
  const out = createWriteStream(file, { flags: options.append === true ? 'a' : 'w' });
  const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined); // it rejects the wait for room below, or out.errored says it at the end
  try {
    for await (const chunk of chunks) {
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
    }
  } finally {
    out.end(); // writes what the source gave before it failed; nothing after a failed write
    await closed;
  }
  if (out.errored !== null) throw out.errored;
}
