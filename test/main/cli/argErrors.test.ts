// cli/argErrors.ts: parseArgs' refusals in the CLI's words, from real parseArgs errors (not
// messages written here), with the nearest option suggested only when one is close.
import { writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describe, expect, it } from 'vitest';
import { describeArgsError, nearestName, TRANSFORMERS_NAMES, unknownName } from '../../../src/main/cli/argErrors';
import { commands } from '../../../src/main/cli/commands';
import { tempDirs } from '../../support/tmp';

const newDir = tempDirs('spanfill-arg-errors-');

const OPTIONS: ParseArgsConfig['options'] = {
  'prompt-file': { type: 'string' },
  'batch-size': { type: 'string' },
  'max-steps': { type: 'string' },
  'max-new-tokens': { type: 'string' },
  model: { type: 'string', short: 'm' },
  json: { type: 'boolean' },
};
const NAMES = Object.keys(OPTIONS ?? {});

/** describeArgsError's words for parseArgs' refusal of `args`; `words`: the command line, when it is given. */
function refusal(args: string[], words?: string[]): string {
  try {
    parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return describeArgsError(error, NAMES, words);
  }
  throw new Error(`parseArgs took ${args.join(' ')}`);
}

describe('describeArgsError', () => {
  it('suggests the option a mistyped or shortened one most likely meant', () => {
    expect(refusal(['--promt-file', 'x'])).toBe('unknown option --promt-file; did you mean --prompt-file?');
    expect(refusal(['--prompt', 'x'])).toBe('unknown option --prompt; did you mean --prompt-file?');
    expect(refusal(['--bach-size', '8'])).toBe('unknown option --bach-size; did you mean --batch-size?');
  });

  it('suggests nothing when no option is close, and says how to give an argument starting with - (after --)', () => {
    expect(refusal(['--frobnicate'])).toBe('unknown option --frobnicate');
    expect(refusal(['-5 degrees <extra_id_0>'])).toBe(
      "unknown option -5; to give an argument that starts with '-', put -- before it (-- -5)",
    );
    // The hint works: the same words after -- are arguments.
    const { positionals } = parseArgs({ args: ['--', '-5 degrees'], options: OPTIONS, allowPositionals: true });
    expect(positionals).toEqual(['-5 degrees']);
  });

  it('says a short option of letters is unknown without the -- hint, which is for arguments like -5', () => {
    // `train -j` was told to write `-- -j`, which passes -j on as an argument nobody reads.
    expect(refusal(['-j'])).toBe('unknown option -j; options are written long (--name), and the only short one is -h');
  });

  it("says how to give a file here whose name starts with '-' (import -dash.txt), naming it", () => {
    const before = process.cwd();
    process.chdir(newDir());
    try {
      writeFileSync('-dash.txt', 'text');
      const words = ['import', '-dash.txt'];
      expect(refusal(words, words)).toBe(
        'unknown option -d: -dash.txt is a file here; to give it, write ./-dash.txt or put -- before it (-- -dash.txt)',
      );
      // The hint works: both are arguments.
      for (const args of [['./-dash.txt'], ['--', '-dash.txt']])
        expect(parseArgs({ args, options: OPTIONS, allowPositionals: true }).positionals).toEqual([args.at(-1)]);
      // No file of the name: a short option that is not there, as before.
      expect(refusal(['-j'], ['train', '-j'])).toBe(
        'unknown option -j; options are written long (--name), and the only short one is -h',
      );
    } finally {
      process.chdir(before);
    }
  });

  it('names an option given without its value, or a switch given one', () => {
    expect(refusal(['--model'])).toBe('--model needs a value');
    expect(refusal(['-m'])).toBe('--model needs a value');
    expect(refusal(['--json=yes'])).toBe('--json takes no value');
    for (const args of [
      ['--max-steps', '-3'],
      ['-m', '-x'],
    ]) {
      const flag = args[0] === '-m' ? '--model' : args[0];
      expect(refusal(args)).toBe(
        `${flag} needs a value; to give a value that starts with '-', join it with '=' (${flag}=-VALUE)`,
      );
    }
    // `--max-steps -- -3` is refused the same way (-- is not a value), and the hint works.
    expect(refusal(['--max-steps', '--', '-3'])).toContain("join it with '=' (--max-steps=-VALUE)");
    expect(parseArgs({ args: ['--max-steps=-3'], options: OPTIONS, strict: true }).values['max-steps']).toBe('-3');
  });

  it('passes any other error through as written', () => {
    expect(describeArgsError(new Error('something else'), NAMES)).toBe('something else');
  });
});

describe('nearestName', () => {
  it('takes the only name a prefix begins, never one of several', () => {
    expect(nearestName('--max-new', NAMES)).toBe('max-new-tokens');
    expect(nearestName('--max', NAMES)).toBeUndefined();
  });

  it('takes the only name whose initials it is, or that is its initials', () => {
    const names = ['lr', 'weight-decay', 'warmup-steps', 'max-steps', 'model'];
    expect(nearestName('--learning-rate', names)).toBe('lr');
    expect(nearestName('--wd', names)).toBe('weight-decay');
    expect(nearestName('--ms', [...names, 'mean-span'])).toBeUndefined(); // max-steps or mean-span
    expect(nearestName('--mo', names)).toBe('model'); // a prefix first
  });

  it('allows one edit per three characters, two from four characters on (a swap), one below', () => {
    expect(nearestName('--modl', NAMES)).toBe('model');
    expect(nearestName('--mdoel', NAMES)).toBe('model');
    expect(nearestName('--jsno', NAMES)).toBe('json');
    expect(nearestName('--bathc-sise', NAMES)).toBe('batch-size');
    expect(nearestName('--frobnicate', NAMES)).toBeUndefined();
    expect(nearestName('--mdl', NAMES)).toBeUndefined();
    expect(nearestName('--x', NAMES)).toBeUndefined();
  });

  it('reads the given name in any case (--JSON, a caps-lock typo)', () => {
    expect(nearestName('--JSON', NAMES)).toBe('json');
    expect(nearestName('--Batch-Size', NAMES)).toBe('batch-size');
    expect(refusal(['--JSON'])).toBe('unknown option --JSON; did you mean --json?');
  });
});

describe('unknownName', () => {
  it('one wording for an unknown command, action or benchmark: the nearest name, then every name', () => {
    expect(unknownName('runs action', 'shw', ['list', 'show', 'rm'])).toBe(
      "unknown runs action 'shw' (did you mean show?); expected one of: list, show, rm",
    );
    expect(unknownName('command', 'frobnicate', ['runs', 'train'])).toBe(
      "unknown command 'frobnicate'; expected one of: runs, train",
    );
  });
});

describe('transformers names', () => {
  // Every command's options, from the commands themselves.
  const optionsOf = commands.map((command) => ({ command: command.name, names: Object.keys(command.options ?? {}) }));

  it('point each of transformers’ names, with underscores or dashes, to an option of a command that has it', () => {
    for (const [theirs, ours] of Object.entries(TRANSFORMERS_NAMES)) {
      const having = optionsOf.filter((c) => c.names.includes(ours));
      expect(having.length, `--${ours} (for ${theirs}) is an option of no command`).toBeGreaterThan(0);
      for (const { names } of having) {
        expect(nearestName(`--${theirs}`, names)).toBe(ours);
        expect(nearestName(`--${theirs.replaceAll('-', '_')}`, names)).toBe(ours);
      }
    }
  });

  it('suggest nothing to a command without the option, and no name of ours is one of theirs', () => {
    expect(nearestName('--num-beams', ['batch-size', 'max-steps'])).toBeUndefined();
    const ours = new Set(optionsOf.flatMap((c) => c.names));
    expect(Object.keys(TRANSFORMERS_NAMES).filter((theirs) => ours.has(theirs))).toEqual([]);
  });

  it('reach the message of an unknown option', () => {
    expect(refusal(['--max_new_tokens', '8'])).toBe('unknown option --max_new_tokens; did you mean --max-new-tokens?');
    expect(refusal(['--per_device_train_batch_size', '8'])).toBe(
      'unknown option --per_device_train_batch_size; did you mean --batch-size?',
    );
  });
});
