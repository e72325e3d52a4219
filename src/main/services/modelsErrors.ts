// How the models service (models.ts, modelsResolve.ts) says what the engine's Hub, folder and
// builtin-model code throws: a HubError by its code, a bad repository id, revision or Hub
// setting as invalid_argument, a folder the loaders refuse as invalid_input, an abort as
// cancelled, each keeping its message. Anything else passes through (dispatch: internal).

import { ApiError } from '../../shared/errors';
import { directoryBytes } from '../engine/hub/cache';
import { RepoIdError } from '../engine/hub/catalog';
import { HubError, type HubErrorCode } from '../engine/hub/errors';
import { keptNote } from '../engine/hub/keptNote';
import { HubSettingsError } from '../engine/hub/settings';
import { isModelInputError } from '../engine/inputErrors';

const HUB_ERROR_CODES: Record<HubErrorCode, ApiError['code']> = {
  'not-found': 'not_found',
  'not-cached': 'not_found',
  // A missing token is the person's to fix; a Hub that cannot be reached or answers wrongly is
  // a remote failure (not `unavailable`, which means our engine host).
  unauthorized: 'invalid_input',
  network: 'remote_failed',
  checksum: 'remote_failed',
  'bad-response': 'remote_failed',
  'missing-files': 'invalid_input',
  invalid: 'invalid_input',
  busy: 'conflict',
};

/** Engine errors → the contract's codes, keeping their messages. */
export function toModelApiError(error: unknown): unknown {
  if (error instanceof HubError) return new ApiError(HUB_ERROR_CODES[error.code], error.message);
  if (error instanceof RepoIdError || error instanceof HubSettingsError)
    return new ApiError('invalid_argument', (error as Error).message);
  if (isModelInputError(error)) return new ApiError('invalid_input', error.message);
  if (error instanceof Error && error.name === 'AbortError') return new ApiError('cancelled', 'Cancelled');
  return error;
}

/** `error` as the contract's error (toModelApiError) with `note` after its message; one it does not map, as it is. */
export function withNote(error: unknown, note: string): unknown {
  const mapped = toModelApiError(error);
  return mapped instanceof ApiError ? new ApiError(mapped.code, `${mapped.message} ${note}`) : mapped;
}

/** Throws `error` as the contract's error (toModelApiError). */
export function rethrowModelError(error: unknown): never {
  throw toModelApiError(error);
}

/** What `work` returns; what it throws, as the contract's error (toModelApiError). */
export function checkModelWork<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    return rethrowModelError(error);
  }
}

/**
 * A pulled snapshot's registration failure with what stays of it: the snapshot, unregistered, and
 * the command that deletes it; a snapshot gone from under it (deleted outside Spanfill) as that.
 */
export function pulledFailure(error: unknown, repoId: string, dir: string): unknown {
  const bytes = directoryBytes(dir);
  if (bytes > 0) return withNote(error, keptNote(repoId, bytes, false));
  return new ApiError(
    'conflict',
    `The files of ${repoId} were deleted from the download cache (${dir}) as they were being registered; pull it again`,
  );
}
