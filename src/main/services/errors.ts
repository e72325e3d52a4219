// How the services turn what the engine throws into the contract's errors: a DataError (bad
// file contents, a path that is not a regular file or folder) keeps its message as
// invalid_input (not_found for missing files), an abort becomes cancelled, and a RangeError
// from engine code that checks settings is a bad argument, invalid_argument. Anything else
// passes through and dispatch reports it as internal. A full disk is said as one, with what to
// do, by dispatch and the CLI whatever call met it (withDiskFullHint).

import { ApiError, isDiskFull } from '../../shared/errors';
import { DataError } from '../engine/data/errors';

/** DataError / abort → the contract's error codes, keeping the engine's message. */
export function toApiError(error: unknown): unknown {
  if (error instanceof DataError)
    return new ApiError(error.code === 'not-found' ? 'not_found' : 'invalid_input', error.message);
  if (error instanceof Error && error.name === 'AbortError') return new ApiError('cancelled', 'Cancelled');
  return error;
}

/** Runs engine code whose RangeError means bad settings (too many spans, too few tokens). */
export function withSettingsChecked<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof RangeError) throw new ApiError('invalid_argument', error.message);
    throw toApiError(error);
  }
}

/** Awaits `work`, rethrowing its failure as the contract's error (see toApiError). */
export async function mapEngineErrors<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw toApiError(error);
  }
}

/** How a message about a full disk goes on, here and in a failed run's error (runsFailure.ts). */
export const DISK_FULL_WORDS = 'The disk is full';

/** `message`, and where it reads as a full disk and does not say so yet, what to do about it. */
export function withDiskFullHint(message: string): string {
  if (!isDiskFull(message) || message.includes(DISK_FULL_WORDS)) return message;
  return (
    `${message.replace(/\.?\s*$/, '')}. ${DISK_FULL_WORDS}: free space on the disk it was writing to (on the data ` +
    "directory's, which `spanfill system` names, by deleting runs, models or datasets you no longer need), then try again"
  );
}
