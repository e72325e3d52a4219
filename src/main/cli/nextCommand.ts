// Commands Spanfill prints for the person to run next (`spanfill runs resume ID`, `spanfill fill
// --run ID …`). Pasted into a shell, such a command must reach the same data directory, so it
// names the one --data-dir or SPANFILL_DATA_DIR chose (not the per-user default, which a plain
// command reaches anyway), quoted as a POSIX shell reads it.

import type { CommandContext } from './command';

/** Characters a POSIX shell reads literally in an unquoted word. */
const PLAIN_WORD = /^[\w@%+=:,./-]+$/;

/**
 * `word` as one literal word of a POSIX shell (sh, bash, zsh): as it is when nothing in it is
 * special, else in single quotes, each `'` written as `'\''` (close, escaped quote, reopen).
 */
export function shellWord(word: string): string {
  return PLAIN_WORD.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * The data directory a command printed for later must name: the command's own when --data-dir or
 * SPANFILL_DATA_DIR chose it (absolute, so it works from any folder); undefined for the per-user one.
 */
export function chosenDataDir(context: Pick<CommandContext, 'dataDir' | 'env' | 'string'>): string | undefined {
  const isChosen = context.string('data-dir') !== undefined || Boolean(context.env.SPANFILL_DATA_DIR);
  return isChosen ? context.dataDir : undefined;
}

/**
 * `spanfill <words>`, ending with `--data-dir DIR` (shell-quoted) when `dataDir` is given.
 * `words` are written as they are: the caller quotes any that need it (shellWord).
 */
export function spanfillCommand(words: string, dataDir?: string): string {
  return dataDir === undefined ? `spanfill ${words}` : `spanfill ${words} --data-dir ${shellWord(dataDir)}`;
}
