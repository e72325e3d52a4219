// A file that could not be read, in words: Node's file-system error codes (ENOENT, EISDIR, …)
// as the reason a message gives, so "Cannot read … ENOENT" reads "… does not exist". Text
// only; shared by the CLI and the engine (a case file, a file to import: data/sources.ts), which
// each name the file their own way.

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
  if (isMissingPathError(error)) return 'does not exist';
  if (code === 'EISDIR') return 'is a folder, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  if (code === 'ELOOP') return 'is a symbolic-link loop (following its links never reaches a file)';
  return `cannot be read (${errorMessage(error)})`;
}
