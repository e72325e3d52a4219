// Help text for `spanfill --help` and `spanfill <command> --help`, generated from the
// command list so that a new command documents itself.

import type { Command, OptionSpec } from './command';
import { exitCodeHelp } from './exit-codes';

export const commonOptions: Readonly<Record<string, OptionSpec>> = {
  'data-dir': {
    type: 'string',
    placeholder: 'DIR',
    description:
      'Data directory (default: $SPANFILL_DATA_DIR, else the per-user data directory); a leading ~ is your home folder, even in --data-dir=~/DIR',
  },
  json: {
    type: 'boolean',
    description: 'Print the result as one JSON document on stdout; on failure {"error": {"code", "message"}}',
  },
  help: { type: 'boolean', short: 'h', description: 'Show help for this command' },
};

/** What `spanfill` takes in a command's place (run.ts runCli), for the main help. */
const topLevelOptions: Readonly<Record<string, OptionSpec>> = {
  help: { type: 'boolean', short: 'h', description: 'Show this help' },
  version: { type: 'boolean', short: 'v', description: "Print Spanfill's version" },
};

function formatOptions(options: Readonly<Record<string, OptionSpec>>): string {
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.placeholder ? ` ${spec.placeholder}` : ''}`;
    return [flag, spec.description] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`).join('\n');
}

/** The common options as a usage line shows them: `[--data-dir DIR] [--json]` (not --help). */
const commonUsage: readonly string[] = Object.entries(commonOptions)
  .filter(([name]) => name !== 'help')
  .map(([name, spec]) => `[--${name}${spec.placeholder ? ` ${spec.placeholder}` : ''}]`);

/**
 * A command's usage lines, each ending with the common options, so that every command shows them
 * alike whatever its own usage wrote: one it wrote itself (`[--json]` mid-line) is moved there.
 */
export function commandUsage(command: Command): string {
  return command.usage
    .split('\n')
    .map((line) =>
      [commonUsage.reduce((own, option) => own.split(` ${option}`).join(''), line), ...commonUsage].join(' '),
    )
    .join('\n');
}

export function commandHelp(command: Command): string {
  const parts = [`Usage: ${commandUsage(command)}`, '', command.summary];
  if (command.description) parts.push('', command.description);
  if (Object.keys(command.options).length > 0) parts.push('', 'Options:', formatOptions(command.options));
  parts.push('', 'Common options:', formatOptions(commonOptions), '', exitCodeHelp);
  return parts.join('\n');
}

export function mainHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    `Spanfill ${version} — fine-tune T5 models with span corruption on your own text.`,
    '',
    'Usage: spanfill <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Common options (every command; before or after its name):',
    formatOptions(commonOptions),
    '',
    'Without a command:',
    formatOptions(topLevelOptions),
    '',
    'Run `spanfill <command> --help` (or `spanfill help <command>`) for the options of one command.',
    '',
    "With --json, stdout holds exactly one JSON document: the command's result, or",
    '{"error": {"code", "message"}} together with a non-zero exit code; --help and --version',
    'print {"help": "…"} and {"version": "…"}.',
    '',
    exitCodeHelp,
  ].join('\n');
}
