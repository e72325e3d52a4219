// The ID arguments of the command line: `--dataset` of train, mask and export and the ID of
// `datasets show|rename|rm`; `--run` of fill, score and export and the IDs of `runs`. Each takes
// an id, or a name only one dataset or run has, found through its service (services/idOrName.ts).

import { ApiError } from '../../shared/errors';
import type { CommandContext } from './command';

/**
 * `raw` as an id through `idOf`. One that is neither an id nor a name goes on as given: the
 * command checks its other flags first, and the service then says that no such thing exists.
 */
function idOrAsGiven(raw: string, idOf: (ref: string) => string): string {
  try {
    return idOf(raw);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not_found') return raw;
    throw error;
  }
}

/** The id `--dataset` names, or undefined without the flag. */
export function datasetFlag(context: CommandContext): string | undefined {
  const raw = context.string('dataset');
  if (!raw) return raw;
  return idOrAsGiven(raw, (ref) => context.app().datasets.idOf(ref));
}

/** The id of the run `raw` (a `--run` value or a `runs` argument) names. */
export function runArgument(context: CommandContext, raw: string): string {
  return idOrAsGiven(raw, (ref) => context.app().runs.idOf(ref));
}
