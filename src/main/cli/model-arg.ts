// The `--model` argument of fill and score: a folder path as before, or a registered model id
// (m-…) or name, or a pulled repository (owner/name[@revision]) found through the models service,
// offline, or a built-in model (builtin:byt5-tiny, written under the data directory on first
// use). Absolute and ./relative paths are always folders, so their errors stay the loader's. Or, in
// place of --model, `--run ID [--checkpoint best|last|STEP]`: a training run's checkpoint.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { BYTE_TOKENIZER_NAME } from '../../shared/contract/datasets';
import { checkpointStepOf } from '../engine/train/checkpoint';
import { modelFolder } from '../services/modelReference';
import { runArgument } from './ref-arg';
import type { CommandContext } from './command';
import { UsageError } from './command';

/**
 * A model or tokenizer as given on the command line, with a folder made a full path from this
 * command's working folder (the services take full paths only, services/fullPaths.ts): one that
 * exists, or one written as ./ or ../ (its loader then says it is missing). A name ("bytes", a
 * model id, OWNER/NAME, builtin:…, preset:…) stays as given, "bytes" even beside a folder of
 * that name (tokenizerSource reads it as the byte-level tokenizer first).
 */
export function fullModelReference(raw: string): string {
  if (raw === BYTE_TOKENIZER_NAME) return raw;
  return existsSync(raw) || raw.startsWith('.') ? path.resolve(raw) : raw;
}

export function resolveModelArgument(context: CommandContext, raw: string): string {
  // NOTE: the app (and its store) opens only for a name that is not a path.
  return modelFolder({ resolve: (name) => context.app().models.resolve(name) }, fullModelReference(raw));
}

/**
 * `use` of the model folder of `--model` or `--run ID [--checkpoint best|last|STEP]` (exactly
 * one); a run's checkpoint is picked again if its run, still training, deletes it meanwhile.
 * `checkFirst` runs once the flags are known to be right, before any model is looked for.
 */
export function withModelFromFlags<T>(
  context: CommandContext,
  command: string,
  use: (modelDir: string) => Promise<T>,
  checkFirst: () => void = () => undefined,
): Promise<T> {
  const model = context.string('model');
  const run = context.string('run');
  const checkpoint = context.string('checkpoint');
  if (model !== undefined && run !== undefined)
    throw new UsageError('--model and --run cannot be combined; choose one');
  if (run === undefined) {
    if (checkpoint !== undefined) throw new UsageError('--checkpoint needs --run ID');
    if (!model) throw new UsageError(`${command} needs --model DIR (or --run ID)`);
    checkFirst();
    return use(resolveModelArgument(context, model));
  }
  const which = runCheckpointFlag(checkpoint);
  checkFirst();
  return context.app().runs.readCheckpoint(runArgument(context, run), which, (dir) => {
    // Which checkpoint is read (the step best or last named), before the answer (text only: --json keeps its shape).
    const step = checkpointStepOf(dir);
    const named = typeof which === 'number' ? '' : `${which} `;
    if (step !== null) context.log(`Run ${run}'s ${named}checkpoint: step ${step}`);
    return use(dir);
  });
}

/** `--checkpoint best|last|STEP` beside `--run` (best when left out). */
export function runCheckpointFlag(checkpoint: string | undefined): 'best' | 'last' | number {
  const which = checkpoint ?? 'best';
  if (which !== 'best' && which !== 'last' && !/^\d+$/.test(which))
    throw new UsageError(`--checkpoint must be best, last or a step number, got '${which}'`);
  return which === 'best' || which === 'last' ? which : Number(which);
}
