// The `--dataset` argument of train, mask and export (and the ID of `datasets show|rename|rm`):
// a dataset's id, or a name only one dataset has, found through the datasets service.

import { ApiError } from '../../shared/errors';
import type { CommandContext } from './command';

/**
 * The id `--dataset` names, or undefined without the flag. One that is neither an id nor a
 * name goes on as given: the command checks its other flags first, and the service then says
 * that no such dataset exists.
 */
export function datasetFlag(context: CommandContext): string | undefined {
  const raw = context.string('dataset');
  if (!raw) return raw;
  try {
    return context.app().datasets.idOf(raw);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not_found') return raw;
    throw error;
  }
}
