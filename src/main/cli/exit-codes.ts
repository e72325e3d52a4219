// Exit codes of the `spanfill` command and which failure gets which: the one table behind
// `spanfill --help`, the README's table (test/main/cli/exit-codes.test.ts checks both against
// real commands) and the runner. Scripts may rely on them; add new ones at the end, never renumber.

import { ApiError } from '../../shared/errors';
import { isDataDirectoryDiskFull, isReadOnly } from '../services/errors';
import { StoreError } from '../store/db';
import { UsageError } from './command';

export const exitCodes = {
  ok: 0,
  /** The command ran and failed: bad input data (file contents, paths, model folders, case files, prompts) or a failed call. */
  failure: 1,
  /** The command line itself is wrong (unknown command, bad flag or value, missing argument); nothing was done. */
  usage: 2,
  /** The data directory or database cannot be used (newer schema, failed integrity check, a full or read-only disk). */
  store: 3,
  /** The engine host crashed, hung or could not start. */
  engine: 4,
  /** Interrupted with Ctrl-C (or SIGTERM, or SIGHUP: the terminal closed); nothing half-done is kept, a training run stops at a checkpoint. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** One line per code, as `--help` prints them and the README's table says them. */
export const exitCodeMeanings: Readonly<Record<ExitCode, string>> = {
  0: 'success',
  1: 'the command failed, the message says why: bad input data (file contents, a path that is missing or not a file or folder, a model folder, case file or prompt), an unknown id or a name two share, a port in use',
  2: 'usage error: unknown command, bad flag or flag value, missing argument; nothing was done',
  3: 'the data directory or its database cannot be used (a read-only or full disk included)',
  4: 'the engine host crashed, hung or could not start',
  130: 'interrupted (Ctrl-C, or SIGTERM or SIGHUP, which stop the same way); nothing half-imported is left in the store, a training run stops with a checkpoint (a second Ctrl-C stops at once, without one); serve, which runs until stopped, exits 0',
};

/**
 * A line after the message saying what to do next, where the message itself cannot know.
 * `message`: the error's. A run the engine host failed says to resume it (services/runsFailure.ts):
 * running `train` again would start a new run from step 0, so the line points at that resume.
 */
export function exitCodeNextStep(exitCode: ExitCode, commandName: string, message = ''): string | undefined {
  if (exitCode === exitCodes.usage) return `Run \`spanfill ${commandName} --help\` for usage.`;
  if (exitCode !== exitCodes.engine) return undefined;
  const resume = /`spanfill runs resume [^`]+`/.exec(message)?.[0];
  const again = resume === undefined ? 'Run the command again; if it fails' : `If ${resume} fails`;
  return `${again} the same way, \`spanfill system\` shows whether the engine host starts.`;
}

export const exitCodeHelp = [
  'Exit codes:',
  ...Object.entries(exitCodeMeanings).map(([code, meaning]) => `  ${code.padEnd(4)} ${meaning}`),
].join('\n');

/**
 * The exit code and contract error code for a failed command. `interrupted`: Ctrl-C was
 * pressed, so whatever failed afterwards failed because of it. Only the command line is a
 * usage error: a service's invalid_argument is a flag value the CLI passed on unchecked,
 * its invalid_input / not_found are bad data (exit 1). A read-only data directory, or one whose
 * disk is full, is exit 3, as when the database cannot be opened.
 */
export function classifyFailure(error: unknown, interrupted: boolean): { exitCode: ExitCode; code: string } {
  if (interrupted) return { exitCode: exitCodes.interrupted, code: 'cancelled' };
  if (error instanceof UsageError) return { exitCode: exitCodes.usage, code: 'invalid_argument' };
  if (error instanceof StoreError) return { exitCode: exitCodes.store, code: 'unavailable' };
  // A write that a read-only disk or database refused, or that found the data directory's disk
  // full, whichever command met it: thrown at the command, or carried back from a call's handler
  // in its envelope (as internal, with the message).
  const isDataDirectoryUnusable = isReadOnly(error) || isDataDirectoryDiskFull(error);
  if (isDataDirectoryUnusable && (!(error instanceof ApiError) || error.code === 'internal'))
    return { exitCode: exitCodes.store, code: 'unavailable' };
  if (!(error instanceof ApiError)) return { exitCode: exitCodes.failure, code: 'internal' };
  const byCode: Partial<Record<ApiError['code'], ExitCode>> = {
    invalid_argument: exitCodes.usage,
    unavailable: exitCodes.engine,
    // A cancelled call: the command's own Ctrl-C, seen before its signal handler ran (an engine
    // host that a Ctrl-C ended while it started, host/client.ts).
    cancelled: exitCodes.interrupted,
  };
  return { exitCode: byCode[error.code] ?? exitCodes.failure, code: error.code };
}
