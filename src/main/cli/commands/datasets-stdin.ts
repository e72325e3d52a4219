// `spanfill import -`: a dataset from standard input (`cat notes.txt | spanfill import - --name
// notes`). Standard input is saved to a temp file first, which the import reads like any other
// text file (one road: services/datasetImport.ts, engine/data/import.ts) and calls "standard
// input" in the dataset and its messages; the file goes when the import ends, however it ends.
// A terminal is refused rather than waited on (nothing was piped), and so is a folder given
// as `< FOLDER` (Node would read it as empty).

import { createWriteStream, fstatSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../../../shared/errors';
import { UsageError } from '../command';

/** Standard input for `import -`; tests pass their own stream. */
export const importInput: { stdin: NodeJS.ReadableStream } = { stdin: process.stdin };

/** What the dataset and its messages call the text read from standard input. */
export const STANDARD_INPUT_NAME = 'standard input';

const EXAMPLE = '`cat notes.txt | spanfill import - --name notes`';

/** The refusals of `import -` that need nothing read: more than one -, no --name, a terminal. */
function refuseStandardInput(positionals: readonly string[], name: string | undefined): void {
  if (positionals.filter((given) => given === '-').length > 1)
    throw new UsageError('import reads standard input (-) once; give - only once (a file named - is ./-)');
  if (name === undefined)
    throw new UsageError(
      `import - needs --name: standard input has no file name to name the dataset after (${EXAMPLE})`,
    );
  if ((importInput.stdin as { isTTY?: unknown }).isTTY === true)
    throw new UsageError(
      `import - reads the text from standard input, which is a terminal here, with nothing piped in; pipe it in (${EXAMPLE}) or redirect a file (< notes.txt)`,
    );
  const fd = (importInput.stdin as { fd?: unknown }).fd;
  if (typeof fd === 'number' && fstatSync(fd).isDirectory())
    throw new ApiError(
      'invalid_input',
      'Standard input is a folder, not text; import the folder by its path (spanfill import FOLDER)',
    );
}

/** Saves standard input to `file`; Ctrl-C while it is read is answered as cancelled. */
async function saveStandardInput(file: string, signal: AbortSignal): Promise<void> {
  try {
    await pipeline(importInput.stdin, createWriteStream(file, { mode: 0o600 }), { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
    throw new ApiError('cancelled', 'Interrupted while reading the text from standard input');
  }
}

/**
 * Runs `work` with the paths given, `-` among them read from standard input into a temp file
 * (with the name the dataset calls it by); without `-`, the paths as they are.
 */
export async function withStandardInput<T>(
  positionals: readonly string[],
  name: string | undefined,
  signal: AbortSignal,
  work: (paths: readonly string[], namedAs: ReadonlyMap<string, string>) => Promise<T>,
): Promise<T> {
  if (!positionals.includes('-')) return work(positionals, new Map());
  refuseStandardInput(positionals, name);
  const folder = await mkdtemp(path.join(os.tmpdir(), 'spanfill-stdin-'));
  try {
    const file = path.join(folder, 'standard-input.txt');
    await saveStandardInput(file, signal);
    return await work(
      positionals.map((given) => (given === '-' ? file : given)),
      new Map([[file, STANDARD_INPUT_NAME]]),
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
