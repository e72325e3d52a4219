// How a `spanfill …` command that Spanfill shows for a terminal names the data directory: ending
// with `--data-dir DIR`, quoted as a POSIX shell reads it, so that pasted it reaches the folder
// the CLI or the app used (not the per-user one, which a plain command reaches anyway). The CLI
// uses it where it prints (cli/run.ts, cli/nextCommand.ts says when); the app where it shows a
// message or a command (renderer components/CommandCode.svelte). Text only: no process, no env.

/** The prompt a `spanfill fill` command shown as a next step carries: one hole, quoted for the shell. */
export const EXAMPLE_FILL_PROMPT = '"Text with <extra_id_0> where a span is missing"';

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
 * `spanfill <words>`, ending with `--data-dir DIR` (shell-quoted) when `dataDir` is given.
 * `words` are written as they are: the caller quotes any that need it (shellWord).
 */
export function spanfillCommand(words: string, dataDir?: string): string {
  return dataDir === undefined ? `spanfill ${words}` : `spanfill ${words} --data-dir ${shellWord(dataDir)}`;
}

/** A `spanfill …` command, the whole of a code span: `spanfill runs resume ID`. */
const SPANFILL_COMMAND = /^spanfill ([^`\n]+)$/;

/** A `spanfill …` command in backticks, as messages name one. */
const BACKTICKED_COMMAND = /`(spanfill [^`\n]+)`/g;

/** Words after which a command reads no data directory, or names its own. */
const NAMES_NO_DATA_DIR = /(?:^|\s)(?:--data-dir(?:[=\s]|$)|--help(?:\s|$)|-h(?:\s|$)|--version(?:\s|$))/;

/**
 * `code` (the text of one code span) ending with `--data-dir DIR` when it is a `spanfill …`
 * command and `dataDir` is given; as it is otherwise, and when the command names a data
 * directory already or asks for help or the version (which read none). Placeholders (ID, …)
 * stay where they are.
 */
export function commandWithDataDir(code: string, dataDir: string | undefined): string {
  if (dataDir === undefined) return code;
  const words = SPANFILL_COMMAND.exec(code)?.[1];
  return words === undefined || NAMES_NO_DATA_DIR.test(words) ? code : spanfillCommand(words.trimEnd(), dataDir);
}

/**
 * `text` (a message: an error, a warning, a note) with each backticked `spanfill …` command in
 * it ending with `--data-dir DIR` when `dataDir` is given (commandWithDataDir), so that pasted it
 * reaches the same data directory. The services' messages name commands without one, as they
 * know no flag: the CLI and the app add it where they show them. Other backticked text
 * (`npm run setup:cuda`, `--checkpoint best`) stays as it is.
 */
export function withDataDir(text: string, dataDir: string | undefined): string {
  if (dataDir === undefined) return text;
  return text.replace(BACKTICKED_COMMAND, (_whole, command: string) => `\`${commandWithDataDir(command, dataDir)}\``);
}
