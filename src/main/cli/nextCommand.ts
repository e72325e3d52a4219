// Which data directory the commands Spanfill prints for the person to run next (`spanfill runs
// resume ID`, `spanfill fill --run ID …`) must name: pasted into a shell, such a command must
// reach the same one, so it names the one --data-dir or SPANFILL_DATA_DIR chose (not the
// per-user default, which a plain command reaches anyway). How they name it, for the CLI and the
// app alike: shared/commandText.ts (spanfillCommand for its own, withDataDir for messages').

import type { CommandContext } from './command';

/**
 * The data directory a command printed for later must name: the command's own when --data-dir or
 * SPANFILL_DATA_DIR chose it (absolute, so it works from any folder); undefined for the per-user one.
 */
export function chosenDataDir(context: Pick<CommandContext, 'dataDir' | 'env' | 'string'>): string | undefined {
  return isDataDirChosen(context.string('data-dir'), context.env) ? context.dataDir : undefined;
}

/** Whether --data-dir (its value `flag`) or SPANFILL_DATA_DIR in `env` chose the data directory. */
export function isDataDirChosen(flag: string | undefined, env: NodeJS.ProcessEnv): boolean {
  return flag !== undefined || Boolean(env.SPANFILL_DATA_DIR);
}
