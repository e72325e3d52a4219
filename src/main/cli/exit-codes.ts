// Exit codes of the `spanfill` command, documented in `spanfill --help` and the README.
// Scripts may rely on them; add new ones at the end, never renumber.

export const exitCodes = {
  ok: 0,
  /** The command ran and failed (a call returned an error). */
  failure: 1,
  /** Bad flags or arguments; nothing was done. */
  usage: 2,
  /** The data directory or database cannot be used (newer schema, failed integrity check). */
  store: 3,
  /** The engine host crashed, hung or could not start. */
  engine: 4,
  /** Interrupted with Ctrl-C. */
  interrupted: 130,
} as const;

export const exitCodeHelp = `Exit codes:
  0    success
  1    the command failed (the message says why)
  2    usage error: unknown command, bad flag or argument
  3    the data directory or its database cannot be used
  4    the engine host crashed, hung or could not start
  130  interrupted (Ctrl-C)`;
