// What the command line says when node:util's parseArgs refuses the arguments: its messages
// rewritten in the CLI's own words, with the nearest option name when one was mistyped
// (`--promt-file` or `--prompt` → --prompt-file, `--bach-size` → --batch-size), spelled out
// (`--learning-rate` → --lr) or called by its transformers name (`--num_beams` → --beams);
// messages that are not recognised pass through as parseArgs wrote them. The same nearest name
// serves an unknown command, action or benchmark (unknownName: one wording for them all).

import { statSync, type Stats } from 'node:fs';
import { editDistance } from '../../shared/editDistance';

interface ArgsError {
  readonly code?: unknown;
  readonly message: string;
}

function isArgsError(error: unknown): error is ArgsError {
  return error instanceof Error && typeof (error as ArgsError).code === 'string';
}

/**
 * Hugging Face transformers' names (TrainingArguments, generate(), the T5 span-corruption
 * example's arguments) for what an option of ours sets: people who trained in a notebook type
 * them first. Reference: transformers' TrainingArguments and GenerationConfig documentation.
 */
export const TRANSFORMERS_NAMES: Readonly<Record<string, string>> = {
  'num-beams': 'beams',
  'do-sample': 'sample',
  'max-length': 'max-new-tokens',
  'per-device-train-batch-size': 'batch-size',
  'train-batch-size': 'batch-size',
  'num-train-epochs': 'epochs',
  'gradient-accumulation-steps': 'accumulation',
  'max-grad-norm': 'clip-norm',
  'eval-steps': 'eval-every',
  'save-steps': 'checkpoint-every',
  'save-total-limit': 'keep-last',
  'max-seq-length': 'input-length',
  'mean-noise-span-length': 'mean-span-length',
  'output-dir': 'out',
  'model-name-or-path': 'model',
};

/** 'lr' for 'learning-rate'; '' for a name of one word. */
const initials = (name: string): string => {
  const words = name.split('-').filter(Boolean);
  return words.length < 2 ? '' : words.map((word) => word[0]).join('');
};

/**
 * The name of `names` (commands, actions, or long options without dashes: all lower case) that
 * `given` most likely meant, in any case, underscores read as dashes: the one its transformers name stands for
 * (TRANSFORMERS_NAMES), else the only one it begins, else the only one it is the initials of or
 * spells out (`--learning-rate` → --lr), else the closest by edit distance when that is at most
 * a third of its length, and at least 2 from four characters on (a swap of two letters, 'trian',
 * is two edits), 1 below; undefined when none is close.
 */
export function nearestName(given: string, names: readonly string[]): string | undefined {
  const bare = given.replace(/^-+/, '').replaceAll('_', '-').toLowerCase();
  if (bare.length < 2) return undefined;
  const known = TRANSFORMERS_NAMES[bare];
  if (known && names.includes(known)) return known;
  const extended = names.filter((name) => name.startsWith(bare));
  if (extended.length === 1) return extended[0];
  const abbreviated = names.filter((name) => name === initials(bare) || initials(name) === bare);
  if (abbreviated.length === 1) return abbreviated[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    const distance = editDistance(bare, name);
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return bestDistance <= Math.max(bare.length >= 4 ? 2 : 1, Math.floor(bare.length / 3)) ? best : undefined;
}

/**
 * The one refusal of a name a command line does not know: a command, an action of one
 * (`runs shw`), a benchmark — `unknown runs action 'shw' (did you mean show?); expected one of:
 * list, show, …`.
 */
export function unknownName(what: string, given: string, names: readonly string[]): string {
  const nearest = nearestName(given, names);
  return `unknown ${what} '${given}'${nearest ? ` (did you mean ${nearest}?)` : ''}; expected one of: ${names.join(', ')}`;
}

/**
 * How to give a word that starts with '-' (a negative number), one way for every command: an
 * option's value is joined to it by '=' (`--batch=-1`: `--batch -- -1` is refused too), a bare
 * argument goes after `--` (`settings threads -- -1`).
 */
function dashHint(given: { readonly flag: string } | { readonly word: string }): string {
  return 'flag' in given
    ? `to give a value that starts with '-', join it with '=' (${given.flag}=-VALUE)`
    : `to give an argument that starts with '-', put -- before it (-- ${given.word})`;
}

/** The stats of `path`, or undefined where there is nothing (or nothing readable) there. */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * `import -dash.txt`: how to give the word of the command line that the unknown short option
 * `flag` begins, when it names a file or folder here (parseArgs read it as options -d -a …).
 */
function fileNamedAsOptions(flag: string, words: readonly string[]): string | undefined {
  const word = words.find((w) => w.startsWith(flag) && !w.startsWith('--'));
  const info = word === undefined ? undefined : statOrUndefined(word);
  if (info === undefined) return undefined;
  return `${word} is a ${info.isDirectory() ? 'folder' : 'file'} here; to give it, write ./${word} or put -- before it (-- ${word})`;
}

/**
 * The message for an error parseArgs threw, given the command's option names (long, no dashes)
 * and the words of the command line (`words`: to name a file whose name starts with '-').
 */
export function describeArgsError(error: unknown, names: readonly string[], words: readonly string[] = []): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!isArgsError(error)) return message;
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const suggestion = nearestName(unknown[1], names);
    if (suggestion) return `unknown option ${unknown[1]}; did you mean --${suggestion}?`;
    if (unknown[1].startsWith('--')) return `unknown option ${unknown[1]}`;
    // `settings threads -1`, `fill "-5 degrees"`: more likely an argument than an option.
    if (/^-[\d.]/.test(unknown[1])) return `unknown option ${unknown[1]}; ${dashHint({ word: unknown[1] })}`;
    const file = fileNamedAsOptions(unknown[1], words);
    if (file !== undefined) return `unknown option ${unknown[1]}: ${file}`;
    // `train -j`: a short option that is not there (-- would pass it on as an argument).
    return `unknown option ${unknown[1]}; options are written long (--name), and the only short one is -h`;
  }
  const missing = /^Option '(?:-\w, )?(-[^ ']+) <value>' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  // `--seed -3`: parseArgs will not take a value that looks like an option unless it is joined by '='.
  const dashed = /argument is ambiguous[^]*use '(--[^=']+)=-XYZ'/.exec(message);
  if (dashed) return `${dashed[1]} needs a value; ${dashHint({ flag: dashed[1] })}`;
  const valued = /^Option '(?:-\w, )?(-[^ ']+)' does not take an argument/.exec(message);
  if (valued) return `${valued[1]} takes no value`;
  return message;
}
