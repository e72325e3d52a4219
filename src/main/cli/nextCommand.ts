// Commands Spanfill prints for the person to run next (`spanfill runs resume ID`, `spanfill fill
// --run ID …`). Pasted into a shell, such a command must reach the same data directory, so it
// names the one --data-dir or SPANFILL_DATA_DIR chose (not the per-user default, which a plain
// command reaches anyway), quoted as a POSIX shell reads it: the CLI writes its own that way
// (spanfillCommand), and gives the same ending to those that messages name (withDataDir).

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
  return isDataDirChosen(context.string('data-dir'), context.env) ? context.dataDir : undefined;
}

/** Whether --data-dir (its value `flag`) or SPANFILL_DATA_DIR in `env` chose the data directory. */
export function isDataDirChosen(flag: string | undefined, env: NodeJS.ProcessEnv): boolean {
  return flag !== undefined || Boolean(env.SPANFILL_DATA_DIR);
}

/**
 * `spanfill <words>`, ending with `--data-dir DIR` (shell-quoted) when `dataDir` is given.
 * `words` are written as they are: the caller quotes any that need it (shellWord).
 */
export function spanfillCommand(words: string, dataDir?: string): string {
  return dataDir === undefined ? `spanfill ${words}` : `spanfill ${words} --data-dir ${shellWord(dataDir)}`;
}

/** A `spanfill …` command in backticks, as messages name one: `spanfill runs resume ID`. */
const BACKTICKED_COMMAND = /`spanfill ([^`\n]+)`/g;

/** Words after which a command reads no data directory, or names its own. */
const NAMES_NO_DATA_DIR = /(?:^|\s)(?:--data-dir(?:[=\s]|$)|--help(?:\s|$)|-h(?:\s|$)|--version(?:\s|$))/;

/**
 * `text` (a message: an error, a warning, a note) with each backticked `spanfill …` command in
 * it ending with `--data-dir DIR` when `dataDir` is given, so that pasted it reaches the same data
 * directory. The services' messages are shared with the app, which has no such flag, so the CLI
 * rewrites them where it prints them (run.ts). A command that names a data directory already, or
 * asks for help or the version (which read none), stays as it is, as does any other backticked
 * text (`npm run setup:cuda`, `--checkpoint best`). Placeholders (ID, …) stay where they are.
 */
export function withDataDir(text: string, dataDir: string | undefined): string {
  if (dataDir === undefined) return text;
  return text.replace(BACKTICKED_COMMAND, (whole, words: string) =>
    NAMES_NO_DATA_DIR.test(words) ? whole : `\`${spanfillCommand(words.trimEnd(), dataDir)}\``,
  );
}
