// How an export refuses or fails, in words: ExportError (what is wrong with the destination, or
// what went wrong writing it, and what to do), and a file system error said plainly (its code
// first: EACCES, EROFS, …) without the hidden folder's name. Not the rules themselves
// (destination.ts) nor the writing (folder.ts).

import { errorMessage } from '../../../shared/errors';
import { FolderError } from '../../makeFolder';

export class ExportError extends Error {
  override name = 'ExportError';

  /** 'not-empty': the destination holds an earlier export and the export was not forced (asking again with force replaces it). */
  constructor(
    message: string,
    readonly kind: 'not-empty' | 'other' = 'other',
  ) {
    super(message);
  }
}

/** What to do when a folder cannot be written (after fileProblem's words). */
export const WRITABLE = 'choose a folder you can write to';

/** A file system error in words (its code first: EACCES, EROFS, …), without the temp folder's name. */
export function fileProblem(error: unknown): string {
  if (error instanceof FolderError && error.problem === 'file') return `${error.at} is a file, not a folder`;
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EEXIST: 'a part of the path is a file, not a folder',
    ENOENT: 'a part of the path does not exist',
    ENOSPC: 'the disk is full',
    ENAMETOOLONG: 'the path is longer than the file system takes',
  };
  return code && words[code] ? `${words[code]} (${code})` : errorMessage(error);
}
