// The CLI runner: finds the subcommand, parses its flags (plus the common ones), runs it
// with a CommandContext, prints the result (JSON or text) and maps failures to exit codes
// (exit-codes.ts).
// Returns the exit code instead of exiting, so tests can call it in-process.
//
// --json prints exactly one JSON document on stdout: the command's result object itself on
// success, `{"error": {"code", "message"}}` on failure (with a non-zero exit code). Scripts
// read stdout and check the exit code; stderr carries nothing they need to parse.
//
// Under --data-dir or SPANFILL_DATA_DIR, the `spanfill …` commands that messages name (the
// services' included) are printed ending with that --data-dir (shared/commandText.ts withDataDir):
// in error messages, --json's too, in status lines and notes on stderr, and in text output, save
// the text output of commands that repeat a dataset's or a model's text exactly. The services
// are told so too (system.dataDir), for the app that `spanfill serve` serves to do the same.

import { parseArgs } from 'node:util';
import { describeArgsError, nearestName, unknownName } from './argErrors';
import { AppServices } from '../services/app';
import { withDiskFullHint } from '../services/errors';
import { appVersion } from '../services/version';
import { resolveDataDir } from '../store/data-dir';
import { schemaMigrationNotice } from '../store/schemaCopy';
import { InterruptedError, UsageError, type Command, type CommandContext } from './command';
import { commands } from './commands';
import { classifyFailure, exitCodeNextStep, exitCodes } from './exit-codes';
import { commandHelp, commonOptions, mainHelp } from './help';
import { numberOption } from './options';
import { chosenDataDir } from './nextCommand';
import { withDataDir } from '../../shared/commandText';
import { ApiError } from '../../shared/errors';
import { whereTheFaultWas } from '../faultNet';
import { createProgressBar, formatJson, silentProgress, visibleControls } from './output';

export interface CliIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
}

export async function runCli(argv: readonly string[], io: CliIo, list: readonly Command[] = commands): Promise<number> {
  const [name, ...rest] = commandFirst(argv);
  const isJsonAsked = argv.includes('--json');
  if (name === undefined && isJsonAsked) {
    // A script asked for JSON: the help text is not a document it can read.
    const names = list.map((command) => command.name).join(', ');
    printJsonError(io, 'invalid_argument', `no command given (spanfill <command> --json); the commands are: ${names}`);
    return exitCodes.usage;
  }
  if (name === undefined || name === '--help' || name === '-h')
    return printInfo(io, isJsonAsked, 'help', mainHelp(list, appVersion));
  if (name === '--version' || name === '-v') return printInfo(io, isJsonAsked, 'version', appVersion);
  if (name === 'help') {
    // `spanfill help COMMAND`: that command's help; an unknown one is refused as `spanfill COMMAND` is.
    const [topic] = parseArgs({
      args: [...rest],
      options: commonOptions,
      allowPositionals: true,
      strict: false,
    }).positionals;
    if (topic === undefined) return printInfo(io, isJsonAsked, 'help', mainHelp(list, appVersion));
    const target = list.find((command) => command.name === topic);
    if (target) return printInfo(io, isJsonAsked, 'help', commandHelp(target));
    return refuseCommandLine(io, isJsonAsked, unknownCommand(topic, list));
  }
  const command = list.find((candidate) => candidate.name === name);
  if (!command) return refuseCommandLine(io, rest.includes('--json'), unknownCommand(name, list));
  // Until the flags parse, guess from the raw words, so a usage error still answers in JSON.
  let isJson = rest.includes('--json');
  const output: OutputState = { hasPrintedResult: false };
  let app: AppServices | undefined;
  try {
    const parsed = parseCommandArgs(command, rest);
    isJson = parsed.values.json === true;
    if (parsed.values.help === true) return printInfo(io, isJson, 'help', commandHelp(command));
    const dataDir = commandDataDir(stringValue(parsed.values, 'data-dir'), io.env);
    output.namedDataDir = chosenDataDir({ dataDir, env: io.env, string: (flag) => stringValue(parsed.values, flag) });
    output.isContentShown = repeatsContent(command.name, parsed.positionals);
    const context = createContext({
      command,
      parsed,
      dataDir,
      isJson,
      io,
      output,
      openApp: () => (app ??= openAppSaying(io, { dataDir, isDataDirChosen: output.namedDataDir !== undefined })),
    });
    // Ctrl-C while the CLI was loading (bin/spanfill.mjs kept it): nothing has been done yet.
    if (io.signal.aborted) throw new InterruptedError('interrupted before it started; nothing was done');
    const result = await command.run(context);
    if (!command.printsOwnResult) printResult(command, result, isJson, io, output);
    return exitCodes.ok;
  } catch (error) {
    return reportError(error, command, { isJson, io, output });
  } finally {
    await app?.close();
  }
}

/**
 * The services of this command, and once, on stderr (stdout keeps the result, JSON included),
 * what the open did to a database an older Spanfill wrote: migrated, and the copy kept of it or why none.
 */
function openAppSaying(io: CliIo, options: { dataDir: string; isDataDirChosen: boolean }): AppServices {
  const app = new AppServices({ ...options, env: io.env });
  const migration = app.store.migration;
  if (migration !== undefined)
    io.stderr.write(`${visibleControls(schemaMigrationNotice(app.store.path, migration))}\n`);
  return app;
}

/**
 * What --help or --version prints: the text, or under --json one document, {"help": text} or
 * {"version": v} (mainHelp says so), as stdout holds under --json whatever the command.
 */
function printInfo(io: CliIo, isJson: boolean, key: 'help' | 'version', text: string): number {
  io.stdout.write(`${isJson ? JSON.stringify({ [key]: text }) : text}\n`);
  return exitCodes.ok;
}

/**
 * Why the word in a command's place is none: an unknown command (with the nearest), --data-dir
 * with no folder after it, a common option mistyped (`--jsn`, `--JSON`), or another option,
 * which goes after the command.
 */
function unknownCommand(name: string, list: readonly Command[]): string {
  const names = list.map((command) => command.name);
  if (!name.startsWith('-')) return unknownName('command', name, names);
  if (name === '--data-dir') return '--data-dir needs a value (spanfill --data-dir DIR <command>)';
  const common = nearestName(name, Object.keys(commonOptions));
  if (common !== undefined) return `unknown option ${name}; did you mean --${common}?`;
  return `'${name}' goes after the command (spanfill <command> [options]); the commands are: ${names.join(', ')}`;
}

/** A usage error found before any command runs: {"error"} under --json, else a line on stderr. */
function refuseCommandLine(io: CliIo, isJson: boolean, message: string): number {
  if (isJson) printJsonError(io, 'invalid_argument', message);
  else io.stderr.write(`spanfill: ${visibleControls(message)}\n`);
  return exitCodes.usage;
}

/**
 * The argument list with common options written before the command (`spanfill --data-dir DIR
 * runs`, as git and docker take theirs) moved after it; anything else stays where it is, so any
 * other leading option reaches runCli as the command's place, which names it as misplaced.
 */
export function commandFirst(argv: readonly string[]): readonly string[] {
  const leading: string[] = [];
  let index = 0;
  for (;;) {
    const word = argv[index];
    if (word === '--json' || word?.startsWith('--data-dir=')) {
      leading.push(word);
      index += 1;
    } else if (word === '--data-dir' && index + 1 < argv.length) {
      leading.push(word, argv[index + 1]);
      index += 2;
    } else break;
  }
  if (leading.length === 0) return argv;
  return index < argv.length ? [argv[index], ...leading, ...argv.slice(index + 1)] : [];
}

type ParsedValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

function parseCommandArgs(command: Command, args: readonly string[]): { values: ParsedValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...commonOptions, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (!command.takesArguments && positionals.length > 0) throw strayArgument(command, positionals[0]);
    return { values: values as ParsedValues, positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(describeArgsError(error, Object.keys({ ...commonOptions, ...command.options }), args));
  }
}

/** A bare argument to a command that takes options only (it would have been ignored). */
function strayArgument(command: Command, word: string): UsageError {
  const shown = word.length > 40 ? `${word.slice(0, 40)}…` : word;
  return new UsageError(`${command.name} takes options only, not '${shown}': ${command.usage}`);
}

/**
 * The data directory of a command. An empty --data-dir or SPANFILL_DATA_DIR is refused rather
 * than read as "the default": it is most often an unset shell variable (`--data-dir "$DIR"`),
 * and `runs rm` or `datasets rm` would then act on the per-user store.
 */
function commandDataDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const defaultNote = 'for the per-user one (`spanfill system` names it)';
  if (flag !== undefined && flag.trim() === '')
    throw new UsageError(`--data-dir is empty; give a folder, or leave the option out ${defaultNote}`);
  if (flag === undefined && env.SPANFILL_DATA_DIR !== undefined && env.SPANFILL_DATA_DIR.trim() === '')
    throw new UsageError(`SPANFILL_DATA_DIR is set but empty; set it to a folder, or unset it ${defaultNote}`);
  return resolveDataDir({ flag, env });
}

function stringValue(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Commands whose text output repeats a dataset's or a model's text (documents, prompts, fills),
 * by name and first argument. It is shown exactly, so withDataDir leaves it alone; their errors
 * and stderr lines are messages like any other. The demo's own closing lines name its folder.
 */
const REPEATS_CONTENT: readonly (readonly [string, string?])[] = [
  ['fill'],
  ['mask'],
  ['score'],
  ['demo'],
  ['datasets', 'show'],
];

function repeatsContent(name: string, positionals: readonly string[]): boolean {
  return REPEATS_CONTENT.some(
    ([command, action]) => command === name && (action === undefined || action === positionals[0]),
  );
}

interface OutputState {
  /** Whether the one result has been printed (serve prints it early, then keeps running). */
  hasPrintedResult: boolean;
  /** The data directory the commands printed must name (chosenDataDir), once the flags are read. */
  namedDataDir?: string;
  /** Whether stdout repeats a dataset's or a model's text (REPEATS_CONTENT): no rewriting there. */
  isContentShown?: boolean;
}

/** `text` for stdout, naming the data directory in its commands unless it repeats content. */
function stdoutText(text: string, output: OutputState): string {
  return visibleControls(output.isContentShown === true ? text : withDataDir(text, output.namedDataDir));
}

interface ContextParts {
  readonly command: Command;
  readonly parsed: { values: ParsedValues; positionals: string[] };
  readonly dataDir: string;
  readonly isJson: boolean;
  readonly io: CliIo;
  readonly output: OutputState;
  readonly openApp: () => AppServices;
}

function createContext({ command, parsed, dataDir, isJson, io, output, openApp }: ContextParts): CommandContext {
  const writeStatus = statusWriter(io.stderr);
  return {
    positionals: parsed.positionals,
    dataDir,
    isJson,
    env: io.env,
    signal: io.signal,
    string: (name) => stringValue(parsed.values, name),
    flag: (name) => parsed.values[name] === true,
    integer: (name, range) => numberOption(name, stringValue(parsed.values, name), { range, isWhole: true }),
    number: (name, range) => numberOption(name, stringValue(parsed.values, name), { range }),
    app: openApp,
    log: (line) => {
      if (!isJson) io.stdout.write(`${stdoutText(line, output)}\n`);
    },
    progress: (label, total) =>
      io.stderr.isTTY && !isJson ? createProgressBar(io.stderr, visibleControls(label), total) : silentProgress,
    status: (line, options) => writeStatus(withDataDir(line, output.namedDataDir), options),
    printResult: (result) => printResult(command, result, isJson, io, output),
  };
}

/**
 * Status lines on stderr: redrawn in place on a terminal; elsewhere (a log, a pipe) one line at
 * most every `everyMs`. A forced line (a milestone) is always written and does not hold back
 * the next progress line: "resuming at step N" must not hide the first 10 s of progress.
 */
export function statusWriter(
  stderr: Pick<NodeJS.WriteStream, 'isTTY' | 'columns' | 'write'>,
): CommandContext['status'] {
  let last = 0;
  return (text, { force = false, everyMs = 10_000 } = {}) => {
    const line = visibleControls(text);
    if (stderr.isTTY) {
      stderr.write(
        `\r${line.slice(0, (stderr.columns ?? 80) - 1).padEnd((stderr.columns ?? 80) - 1)}${force ? '\n' : ''}`,
      );
      return;
    }
    if (!force) {
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
    }
    stderr.write(`${line}\n`);
  };
}

function printResult(command: Command, result: unknown, isJson: boolean, io: CliIo, output: OutputState): void {
  output.hasPrintedResult = true;
  if (isJson) {
    // The bare result: `spanfill score --json` prints {"loss": …, "grad_norms": {…}, "greedy": […]}.
    io.stdout.write(`${JSON.stringify(result ?? null)}\n`);
    return;
  }
  const text = command.render ? command.render(result) : result === undefined ? '' : formatJson(result);
  if (text) io.stdout.write(`${stdoutText(text, output)}\n`);
}

function printJsonError(io: CliIo, code: string, message: string): void {
  io.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
}

interface ErrorOutput {
  readonly isJson: boolean;
  readonly io: CliIo;
  readonly output: OutputState;
}

function reportError(error: unknown, command: Command, { isJson, io, output }: ErrorOutput): number {
  const { exitCode, code } = classifyFailure(error, io.signal.aborted);
  const said =
    exitCode !== exitCodes.interrupted
      ? withDiskFullHint(error instanceof Error ? error.message : String(error))
      : error instanceof InterruptedError
        ? error.message
        : 'interrupted; nothing half-done was kept (run the command again to redo it)';
  // NOTE: --json's message names the data directory too: a script may show it to a person.
  const message = withDataDir(said, output.namedDataDir);
  // NOTE: a command that already printed its JSON result (serve) reports a later failure as
  // text on stderr, so stdout still holds exactly one JSON document.
  if (isJson && !output.hasPrintedResult) printJsonError(io, code, message);
  else {
    io.stderr.write(`spanfill ${command.name}: ${visibleControls(message)}\n`);
    const next = exitCodeNextStep(exitCode, command.name, said);
    if (next !== undefined) io.stderr.write(`${withDataDir(next, output.namedDataDir)}\n`);
    // An error no service put into words is a bug: how to see where, for the report (faultNet.ts).
    const where = code === 'internal' && !(error instanceof ApiError) ? whereTheFaultWas(error, io.env) : undefined;
    if (where !== undefined) io.stderr.write(`${where}\n`);
  }
  return exitCode;
}
