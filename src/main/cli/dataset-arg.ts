// The `--dataset` argument of train, mask and export (and the ID of `datasets show|rename|rm`):
// a dataset's id, or a name only one dataset has, found through the datasets service.

import type { CommandContext } from './command';

/** The id `--dataset` names, or undefined without the flag. */
export function datasetFlag(context: CommandContext): string | undefined {
  const raw = context.string('dataset');
  return raw ? context.app().datasets.idOf(raw) : raw;
}
