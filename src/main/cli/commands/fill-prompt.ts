// Where `spanfill fill` takes its prompt from: the argument, a file (--prompt-file FILE) or
// standard input (`-` as the argument or as the file). Linux caps one argument at 128 KiB, so
// long prompts need a file or a pipe (read by ../textInput.ts, as `mask --text-file` is). Reads
// at most what the contract's prompt limit can hold (maxPromptChars, at most 3 UTF-8 bytes per
// UTF-16 unit) and refuses what is not UTF-8 text.

import { TextDecoder } from 'node:util';
import { maxPromptChars } from '../../../shared/contract/playground';
import { ApiError } from '../../../shared/errors';
import {
  fileSource,
  readFileBytes,
  readStreamBytes,
  STANDARD_INPUT,
  withoutFinalLineBreak,
  type TextInputKind,
} from '../textInput';

/** Bytes of UTF-8 that can decode to at most maxPromptChars UTF-16 units. */
export const maxPromptBytes = 3 * maxPromptChars;

const PROMPT: TextInputKind = {
  noun: 'prompt',
  fileOption: '--prompt-file',
  maxBytes: maxPromptBytes,
  limitReason: `a prompt can be at most ${maxPromptChars.toLocaleString('en-US')} characters (and a model takes far fewer tokens)`,
};

/** UTF-8 bytes → text, with one final line break removed (what `echo` and editors add). */
function decodePrompt(bytes: Uint8Array, source: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError('invalid_input', `${source} is not UTF-8 text; save the prompt as UTF-8`);
  }
  return withoutFinalLineBreak(text);
}

/** Read a prompt from a stream (standard input), stopping when `signal` aborts. */
export async function readPromptStream(stream: NodeJS.ReadableStream, signal: AbortSignal): Promise<string> {
  return decodePrompt(await readStreamBytes(stream, signal, PROMPT), STANDARD_INPUT);
}

/** Read a prompt file; only a regular file (a FIFO or device could block or never end). */
export async function readPromptFile(path: string): Promise<string> {
  return decodePrompt(await readFileBytes(path, PROMPT), fileSource(PROMPT, path));
}
