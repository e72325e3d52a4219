// The CLI runner: finds the subcommand, parses its flags (plus the common ones), runs it
// with a CommandContext, prints the result (JSON or text) and maps failures to exit codes.
// Returns the exit code instead of exiting, so tests can call it in-process.

import { parseArgs } from 'node:util';
import { ApiError } from '../../shared/errors';
import { AppServices } from '../services/app';
import { appVersion } from '../services/version';
import { resolveDataDir } from '../store/data-dir';
import { StoreError } from '../store/db';
import { UsageError, type Command, type CommandContext } from './command';
import { commands } from './commands';
import { exitCodes } from './exit-codes';
import { commandHelp, commonOptions, mainHelp } from './help';
import { createProgressBar, formatJson, silentProgress } from './output';

export interface CliIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
}

export async function runCli(argv: readonly string[], io: CliIo, list: readonly Command[] = commands): Promise<number> {
  const [name, ...rest] = argv;
  const print = (text: string): void => void io.stdout.write(`${text}\n`);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? list.find((command) => command.name === rest[0]) : undefined;
    print(target ? commandHelp(target) : mainHelp(list, appVersion));
    return exitCodes.ok;
  }
  if (name === '--version' || name === '-v') {
    print(appVersion);
    return exitCodes.ok;
  }
  const command = list.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr.write(`spanfill: unknown command '${name}'; expected one of: ${list.map((c) => c.name).join(', ')}\n`);
    return exitCodes.usage;
  }
  const isJson = rest.includes('--json');
  let app: AppServices | undefined;
  try {
    const parsed = parseCommandArgs(command, rest);
    if (parsed.values.help === true) {
      print(commandHelp(command));
      return exitCodes.ok;
    }
    const dataDir = resolveDataDir({ flag: stringValue(parsed.values, 'data-dir'), env: io.env });
    const context = createContext({
      command,
      parsed,
      dataDir,
      isJson,
      io,
      openApp: () => (app ??= new AppServices({ dataDir })),
    });
    const result = await command.run(context);
    if (!command.printsOwnResult) printResult(command, result, isJson, io);
    return exitCodes.ok;
  } catch (error) {
    return reportError(error, command, isJson, io);
  } finally {
    await app?.close();
  }
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
    return { values: values as ParsedValues, positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function stringValue(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

interface ContextParts {
  readonly command: Command;
  readonly parsed: { values: ParsedValues; positionals: string[] };
  readonly dataDir: string;
  readonly isJson: boolean;
  readonly io: CliIo;
  readonly openApp: () => AppServices;
}

function createContext({ command, parsed, dataDir, isJson, io, openApp }: ContextParts): CommandContext {
  return {
    positionals: parsed.positionals,
    dataDir,
    isJson,
    env: io.env,
    signal: io.signal,
    string: (name) => stringValue(parsed.values, name),
    flag: (name) => parsed.values[name] === true,
    integer: (name, { min, max }) => {
      const raw = stringValue(parsed.values, name);
      if (raw === undefined) return undefined;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${raw}'`);
      }
      return value;
    },
    app: openApp,
    log: (line) => {
      if (!isJson) io.stdout.write(`${line}\n`);
    },
    progress: (label, total) =>
      io.stderr.isTTY && !isJson ? createProgressBar(io.stderr, label, total) : silentProgress,
    printResult: (result) => printResult(command, result, isJson, io),
  };
}

function printResult(command: Command, result: unknown, isJson: boolean, io: CliIo): void {
  if (isJson) {
    io.stdout.write(`${JSON.stringify({ ok: true, result: result ?? null })}\n`);
    return;
  }
  const text = command.render ? command.render(result) : result === undefined ? '' : formatJson(result);
  if (text) io.stdout.write(`${text}\n`);
}

function reportError(error: unknown, command: Command, isJson: boolean, io: CliIo): number {
  const message = error instanceof Error ? error.message : String(error);
  let exitCode: number = exitCodes.failure;
  let code = 'internal';
  if (error instanceof UsageError) [exitCode, code] = [exitCodes.usage, 'invalid_argument'];
  else if (error instanceof StoreError) [exitCode, code] = [exitCodes.store, 'unavailable'];
  else if (error instanceof ApiError) {
    code = error.code;
    if (error.code === 'invalid_argument') exitCode = exitCodes.usage;
    else if (error.code === 'cancelled' && io.signal.aborted) exitCode = exitCodes.interrupted;
    else if (error.code === 'unavailable') exitCode = exitCodes.engine;
  }
  if (isJson) io.stdout.write(`${JSON.stringify({ ok: false, error: { code, message } })}\n`);
  else {
    io.stderr.write(`spanfill ${command.name}: ${message}\n`);
    if (exitCode === exitCodes.usage) io.stderr.write(`Run \`spanfill ${command.name} --help\` for usage.\n`);
  }
  return exitCode;
}
