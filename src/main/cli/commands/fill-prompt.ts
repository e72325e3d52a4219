// Where `spanfill fill` takes its prompt from: the argument, a file (--prompt-file FILE) or
// standard input (`-` as the argument or as the file). Linux caps one argument at 128 KiB, so
// long prompts need a file or a pipe. Reads at most what the contract's prompt limit can hold
// (maxPromptChars, at most 3 UTF-8 bytes per UTF-16 unit) and refuses what is not UTF-8 text.

import { fstatSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { maxPromptChars } from '../../../shared/contract/playground';
import { ApiError } from '../../../shared/errors';
import { unreadableFileReason } from '../../../shared/fileErrors';

/** Bytes of UTF-8 that can decode to at most maxPromptChars UTF-16 units. */
export const maxPromptBytes = 3 * maxPromptChars;

function tooLarge(source: string): ApiError {
  return new ApiError(
    'invalid_input',
    `${source} holds more than ${maxPromptBytes.toLocaleString('en-US')} bytes; a prompt can be at most ` +
      `${maxPromptChars.toLocaleString('en-US')} characters (and a model takes far fewer tokens)`,
  );
}

/** UTF-8 bytes → text, with one final line break removed (what `echo` and editors add). */
function decodePrompt(bytes: Uint8Array, source: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError('invalid_input', `${source} is not UTF-8 text; save the prompt as UTF-8`);
  }
  return text.replace(/\r?\n$/, '');
}

/** Read a prompt from a stream (standard input), stopping when `signal` aborts. */
export async function readPromptStream(stream: NodeJS.ReadableStream, signal: AbortSignal): Promise<string> {
  const source = 'Standard input';
  // `fill - < FOLDER`: Node reads a folder as an empty stream, which would be "the prompt is empty".
  const fd = (stream as { fd?: unknown }).fd;
  if (typeof fd === 'number' && fstatSync(fd).isDirectory())
    throw new ApiError(
      'invalid_input',
      `${source} is a folder, not text; redirect a text file (< FILE), pipe the prompt in, or use --prompt-file FILE`,
    );
  const chunks: Buffer[] = [];
  let size = 0;
  const aborted = new Promise<never>((_, reject) => {
    const stop = (): void =>
      reject(new ApiError('cancelled', 'Interrupted while reading the prompt from standard input'));
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  const read = (async (): Promise<void> => {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
      size += bytes.byteLength;
      if (size > maxPromptBytes) throw tooLarge(source);
      chunks.push(bytes);
    }
  })();
  await Promise.race([read, aborted]);
  return decodePrompt(Buffer.concat(chunks), source);
}

/** Read a prompt file; only a regular file (a FIFO or device could block or never end). */
export async function readPromptFile(path: string): Promise<string> {
  const info = await stat(path).catch((error: unknown) => {
    throw new ApiError('invalid_input', `Prompt file ${path} ${unreadableFileReason(error)}`);
  });
  if (!info.isFile())
    throw new ApiError('invalid_input', `Prompt file ${path} is not a regular file; use - to read standard input`);
  if (info.size > maxPromptBytes) throw tooLarge(`Prompt file ${path}`);
  const handle = await open(path, 'r');
  try {
    return decodePrompt(await handle.readFile(), `Prompt file ${path}`);
  } finally {
    await handle.close();
  }
}
