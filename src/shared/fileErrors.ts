// A file that could not be read, in words: Node's file-system error codes (ENOENT, EISDIR, …)
// as the reason a message gives, so "Cannot read … ENOENT" reads "… does not exist". Text
// only; shared by the CLI and the engine (a case file, a file to import: data/sources.ts), which
// each name the file their own way. Also the words for a file name that is not valid UTF-8
// (Latin-1 café.txt from an old archive): Node reads it with U+FFFD for each odd byte, a name
// no file has, so it "does not exist" unless found by its bytes (engine/data/fileNames.ts).

import { errorMessage } from './errors';

/** The path, or a folder on its way, does not exist (ENOENT; ENOTDIR: a part of it is a file, not a folder). */
export function isMissingPathError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Why reading a file failed, to follow its name: "does not exist", "is a folder, not a file",
 * "cannot be read: permission denied", …; any other error's message in brackets.
 */
export function unreadableFileReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (isMissingPathError(error)) return hasReplacedBytes(error) ? MISSING_OR_NOT_UTF8 : 'does not exist';
  if (code === 'EISDIR') return 'is a folder, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  if (code === 'ELOOP') return 'is a symbolic-link loop (following its links never reaches a file)';
  return `cannot be read (${errorMessage(error)})`;
}

/** How to give a file whose name is not valid UTF-8 a name every program can open it by. */
const RENAME_TO_UTF8 = 'to UTF-8 (in the file manager, or `convmv -f latin1 -t utf8 --notest NAME`; -r for a folder)';

/** What U+FFFD in a name shown stands for. */
const REPLACED_BYTES = 'each byte of another encoding, such as Latin-1, shows as \ufffd';

const MISSING_OR_NOT_UTF8 = `does not exist by this name; if the name on disk is not valid UTF-8 (${REPLACED_BYTES}), rename it ${RENAME_TO_UTF8}`;

/** The path of a failed file call holds U+FFFD: a name that was not valid UTF-8, decoded by Node. */
function hasReplacedBytes(error: unknown): boolean {
  const path = (error as { path?: unknown } | null)?.path;
  return typeof path === 'string' && path.includes('\ufffd');
}

/**
 * Why `count` files (2 or more) whose names are not valid UTF-8, all read as the name given,
 * cannot be told apart by it: to follow the path, "… cannot be opened by this name: 2 files …".
 */
export function ambiguousNotUtf8Reason(count: number): string {
  return `cannot be opened by this name: ${count} files have names that are not valid UTF-8 and read as it (${REPLACED_BYTES}); rename them ${RENAME_TO_UTF8}`;
}

/** The note for files imported by their bytes, their names not valid UTF-8 (shown with U+FFFD). */
export function notUtf8NamesNote(paths: readonly string[]): string {
  const shown = paths.length > 3 ? `${paths.slice(0, 3).join(', ')}, …` : paths.join(', ');
  const [what, them] =
    paths.length === 1
      ? [`The name of ${paths[0]} is`, 'it']
      : [`The names of ${paths.length} files (${shown}) are`, 'them'];
  return (
    `${what} not valid UTF-8 (${REPLACED_BYTES}); ${them === 'it' ? 'it was read by its' : 'they were read by their'} bytes, ` +
    `but no program can open ${them} ` +
    `by the name shown here: rename ${them} ${RENAME_TO_UTF8}`
  );
}
