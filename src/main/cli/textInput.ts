// Text a command takes from a file or standard input instead of an argument, which Linux caps
// at 128 KiB: `spanfill fill --prompt-file` and `spanfill mask --text-file` (FILE, or `-` for
// standard input). The bytes are bounded before anything large is read, only a regular file is
// opened (a FIFO or device could block or never end), a folder given as standard input is
// refused rather than read as empty, and Ctrl-C while waiting on standard input is answered as
// cancelled. Turning the bytes into text is each command's (fill-prompt.ts: UTF-8 only; mask:
// as import decodes a text file).

import { fstatSync, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { ApiError } from '../../shared/errors';
import { ambiguousNotUtf8Reason, isMissingPathError, unreadableFileReason } from '../../shared/fileErrors';
import { byteSpellings } from '../engine/data/fileNames';

/** What a command reads, for its messages and its bound. */
export interface TextInputKind {
  /** What is read, in messages: "prompt", "text". */
  readonly noun: string;
  /** The option that names a file: "--prompt-file". */
  readonly fileOption: string;
  /** The most bytes read. */
  readonly maxBytes: number;
  /** Why, after "… holds more than N bytes; ". */
  readonly limitReason: string;
}

/** How messages name standard input. */
export const STANDARD_INPUT = 'Standard input';

/** How messages name a file given with the kind's option: "Prompt file notes.txt". */
export function fileSource(kind: TextInputKind, path: string): string {
  return `${kind.noun[0].toUpperCase()}${kind.noun.slice(1)} file ${path}`;
}

function tooLarge(kind: TextInputKind, source: string): ApiError {
  return new ApiError(
    'invalid_input',
    `${source} holds more than ${kind.maxBytes.toLocaleString('en-US')} bytes; ${kind.limitReason}`,
  );
}

/** `text` without one final line break (what `echo` and editors add). */
export function withoutFinalLineBreak(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** The bytes of a stream (standard input), stopping when `signal` aborts. */
export async function readStreamBytes(
  stream: NodeJS.ReadableStream,
  signal: AbortSignal,
  kind: TextInputKind,
): Promise<Buffer> {
  // `- < FOLDER`: Node reads a folder as an empty stream, which would be "the text is empty".
  const fd = (stream as { fd?: unknown }).fd;
  if (typeof fd === 'number' && fstatSync(fd).isDirectory())
    throw new ApiError(
      'invalid_input',
      `${STANDARD_INPUT} is a folder, not text; redirect a text file (< FILE), pipe the ${kind.noun} in, or use ${kind.fileOption} FILE`,
    );
  const chunks: Buffer[] = [];
  let size = 0;
  const aborted = new Promise<never>((_, reject) => {
    const stop = (): void =>
      reject(new ApiError('cancelled', `Interrupted while reading the ${kind.noun} from standard input`));
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  const read = (async (): Promise<void> => {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
      size += bytes.byteLength;
      if (size > kind.maxBytes) throw tooLarge(kind, STANDARD_INPUT);
      chunks.push(bytes);
    }
  })();
  await Promise.race([read, aborted]);
  return Buffer.concat(chunks);
}

/**
 * What to open `path` by: itself, or where it is missing as written and holds U+FFFD (a name
 * that is not valid UTF-8, as Node reads it from the command line), the one file whose name in
 * bytes reads as it (engine/data/fileNames.ts).
 */
async function openedBy(path: string, source: string): Promise<{ opens: string | Buffer; info: Stats }> {
  const fail = (error: unknown): never => {
    throw new ApiError('invalid_input', `${source} ${unreadableFileReason(error)}`);
  };
  const info = await stat(path).catch((error: unknown) => error as Error);
  if (!(info instanceof Error)) return { opens: path, info };
  const spellings = isMissingPathError(info) ? await byteSpellings(path) : [];
  if (spellings.length > 1)
    throw new ApiError('invalid_input', `${source} ${ambiguousNotUtf8Reason(spellings.length)}`);
  if (spellings.length === 0) return fail(info);
  return { opens: spellings[0], info: await stat(spellings[0]).catch(fail) };
}

/** The bytes of a file; only a regular file. */
export async function readFileBytes(path: string, kind: TextInputKind): Promise<Buffer> {
  const source = fileSource(kind, path);
  const { opens, info } = await openedBy(path, source);
  if (!info.isFile())
    throw new ApiError('invalid_input', `${source} is not a regular file; use - to read standard input`);
  if (info.size > kind.maxBytes) throw tooLarge(kind, source);
  const handle = await open(opens, 'r');
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** The bytes of `file`, or of `stdin` for `-`, and how messages name where they came from. */
export async function readTextInput(
  file: string,
  kind: TextInputKind,
  from: { readonly stdin: NodeJS.ReadableStream; readonly signal: AbortSignal },
): Promise<{ readonly bytes: Buffer; readonly source: string }> {
  if (file === '-') return { bytes: await readStreamBytes(from.stdin, from.signal, kind), source: STANDARD_INPUT };
  return { bytes: await readFileBytes(file, kind), source: fileSource(kind, file) };
}
