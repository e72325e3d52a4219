// What a CLI subcommand is. A command declares its options (on top of the common
// --data-dir, --json and --help), runs with a CommandContext, and returns one JSON-able
// result that the runner prints as JSON (--json) or through the command's `render`.

import type { AppServices } from '../services/app';
import type { ProgressBar } from './output';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Shown in help after the flag, e.g. --port N. */
  readonly placeholder?: string;
  readonly description: string;
}

export interface CommandContext {
  /** Values of the declared options, checked by the helpers below. */
  readonly positionals: readonly string[];
  readonly dataDir: string;
  readonly isJson: boolean;
  /** The environment to read (process.env in production; tests pass their own). */
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C / SIGTERM; long work must stop and return. */
  readonly signal: AbortSignal;
  string(name: string): string | undefined;
  flag(name: string): boolean;
  /** An integer option within [min, max], or a usage error naming the flag (digits only: not '', 0x10, 1e4). */
  integer(name: string, range: { min: number; max: number }): number | undefined;
  /** A number option (2, -0.5, 1e-3), within [min, max] when given, or a usage error naming the flag. */
  number(name: string, range?: { min: number; max: number }): number | undefined;
  /** Open the app services on the data directory (closed by the runner afterwards). */
  app(): AppServices;
  /** Human-readable line to stdout; suppressed with --json. */
  log(line: string): void;
  /** A progress bar on stderr when it is a TTY (and not --json); a no-op otherwise. */
  progress(label: string, total: number | null): ProgressBar;
  /**
   * A live status line on stderr (training progress): redrawn in place on a TTY; elsewhere
   * written as a line, at most every `everyMs` (default 10 s) unless `force`.
   */
  status(line: string, options?: { force?: boolean; everyMs?: number }): void;
  /** For commands that emit their --json result early and keep running (serve). */
  printResult(result: unknown): void;
}

export interface Command {
  readonly name: string;
  /** One line for `spanfill --help`. */
  readonly summary: string;
  /**
   * e.g. 'spanfill serve [--port N]', one line per form: the command's own arguments and options.
   * Help ends each line with the common ones (`[--data-dir DIR] [--json]`, help.ts commandUsage).
   */
  readonly usage: string;
  /** Paragraphs for `spanfill <name> --help`. */
  readonly description?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Resolves with the result; throw UsageError / ApiError for failures. */
  run(context: CommandContext): Promise<unknown>;
  /** Text form of the result; default is nothing for undefined, JSON otherwise. */
  render?(result: unknown): string;
  /** Set when the command prints its own result with printResult (long-running commands). */
  readonly printsOwnResult?: boolean;
  /** Set when the command reads bare arguments (paths, ids, a prompt); others refuse them. */
  readonly takesArguments?: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Thrown by a command that Ctrl-C stopped after it kept something (a training run's
 * checkpoint): the runner says its message instead of its own "nothing half-done was kept".
 */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
}

/** Identity helper so command files get checking and completion on the literal. */
export function defineCommand(command: Command): Command {
  return command;
}
