// What the running desktop app says when Spanfill is launched again. Electron's single-instance
// lock is per app, not per data directory, so a second launch only focuses this window; one
// that asked for another data directory (`--data-dir`) is told why it did not get it, rather
// than find this one's datasets and runs and think its own were lost.

import path from 'node:path';
import { dataDirFlagFromArgv } from './store/data-dir';

export interface SecondLaunchNote {
  readonly message: string;
  readonly detail: string;
}

/**
 * The note for a second launch with `argv`, started in `workingDirectory`, while this app uses
 * `ours`; undefined when it named no data directory or this one. NOTE: only the flag is seen
 * (Electron passes the second launch's argv, not its environment's SPANFILL_DATA_DIR).
 */
export function secondLaunchNote(
  ours: string,
  argv: readonly string[],
  workingDirectory: string,
): SecondLaunchNote | undefined {
  const flag = dataDirFlagFromArgv(argv);
  if (flag === undefined) return undefined;
  const asked = path.resolve(workingDirectory, flag);
  if (asked === path.resolve(ours)) return undefined;
  return {
    message: 'Spanfill is already open, with another data directory',
    detail:
      `This window uses ${ours}; it cannot open ${asked} beside it. To use that one, close Spanfill and ` +
      `start it again with --data-dir ${asked}. (\`spanfill serve --data-dir …\` and the other commands can use it now.)`,
  };
}
