// What a failed run's message says to try, from the error that ended it: a full disk (a
// checkpoint or the store could not be written), a loss that stopped being finite, out of memory
// (std::bad_alloc, ORT's "Failed to allocate", WebGPU/CUDA allocation errors), a provider
// failure (the execution provider could not run the graph), or the engine host ending
// (killed or crashed), else no advice beyond the cause itself; and why a run whose dataset was
// removed, or whose loss stopped being finite, is not resumed. What a diverged run should
// change follows its settings (clipping already on, an AdamW eps float32 flushes to 0), and a
// loss that is not finite at the first step after a resume is put down to its checkpoint, not
// to the settings, and a state the program refused on a resume (a damaged optimizer.safetensors)
// to the checkpoint. Pure, so each mapping is unit-tested (test/main/services/runsFailure.test.ts).

import { DISK_FULL_WORDS, errorMessage, isDiskFull, type ErrorCode } from '../../shared/errors';
import { DIVERGED_WORDS, type RunConfig } from '../../shared/contract/runs';
import { gentlerRunWords } from '../../shared/lossTrend';
import { SET_STATE_ERROR_PREFIX } from '../engine/optim/trainingProgram';
import { UNLOADABLE_CHECKPOINT_WORDS } from '../engine/train/checkpoint';
import { withoutDiskFullCode } from './errors';

/** What to do instead of resuming a run whose loss stopped being finite (a resume would diverge again). */

/** The settings a diverged run's advice follows (its RunConfig has them). */
export type DivergenceSettings = Pick<RunConfig, 'lr' | 'clipNorm' | 'optimizer'>;

/**
 * What else a failed run's message follows: the settings it trained with, and the checkpoint
 * this session resumed it from, with `previous`, the step of the newest one before it that
 * reads (undefined: none, so the beginning).
 */
export interface FailureContext {
  readonly settings?: DivergenceSettings;
  readonly resumedFrom?: { readonly dir: string; readonly step: number; readonly previous?: number };
}

/** float32's smallest normal number: ONNX Runtime's kernels flush results below it to 0. */
const FLOAT32_MIN_NORMAL = 2 ** -126;
/** AdamW's β₂ and eps where a run leaves them out (engine/optim/adamw.ts). */
const ADAMW_DEFAULTS = { beta2: 0.999, eps: 1e-8 } as const;

/**
 * AdamW's eps when float32 kernels flush it to 0: its first step's ε·√(1 − β₂) (adamwScalars;
 * the smallest of any step) is below FLOAT32_MIN_NORMAL. Then a parameter with no gradient (and
 * so no moments) moves by 0/0, NaN, at once.
 */
function flushedEps(settings: DivergenceSettings): number | undefined {
  const { optimizer } = settings;
  if (optimizer.kind !== 'adamw' || optimizer.eps === undefined) return undefined;
  const scaled = optimizer.eps * Math.sqrt(1 - (optimizer.beta2 ?? ADAMW_DEFAULTS.beta2));
  return scaled < FLOAT32_MIN_NORMAL ? optimizer.eps : undefined;
}

/** The run to start instead of a diverged one, changing what this run's `settings` point at (shared/lossTrend.ts words it). */
function gentlerRun(settings: DivergenceSettings | undefined): string {
  const eps = settings && flushedEps(settings);
  if (eps !== undefined)
    return (
      `a new run with a larger eps (AdamW's eps ${eps} is too small for float32: its kernels flush it to 0 once ` +
      `scaled below ${FLOAT32_MIN_NORMAL.toPrecision(2)}, so a parameter with no gradient moves by 0/0, which is NaN; ` +
      `${ADAMW_DEFAULTS.eps} is the default)`
    );
  return gentlerRunWords(settings);
}

export type FailureKind = 'disk-full' | 'diverged' | 'out-of-memory' | 'provider' | 'host-crash' | 'other';

const OOM =
  /std::bad_alloc|failed to allocate|out of memory|\boom\b|allocation failed|cannot allocate memory|ENOMEM|array buffer allocation|bad allocation|smaller than requested bytes/i;
const PROVIDER = /execution provider|\bwebgpu\b|\bcuda\b|\bdirectml\b|\bdml\b|\bcoreml\b|GPU device|adapter/i;
/** The start of the message of a request the engine host's end cut short (host/client.ts describeExit). */
export const HOST_ENDED = /^The engine host (was killed|exited)/;

export function failureKind(message: string): FailureKind {
  if (isDiskFull(message)) return 'disk-full';
  if (message.includes(DIVERGED_WORDS)) return 'diverged';
  if (OOM.test(message)) return 'out-of-memory';
  if (HOST_ENDED.test(message)) return 'host-crash';
  if (PROVIDER.test(message)) return 'provider';
  return 'other';
}

/**
 * The error code of a failed run's stored error, for a caller that reports it as an error (the
 * CLI's `train`): the engine host ending is 'unavailable', a loss that stopped being finite
 * 'conflict' (the settings cannot train; the trainer's own code, engine/train/trainer.ts);
 * undefined for the rest (a failure the message explains, reported as it is).
 */
export function failureCode(message: string): ErrorCode | undefined {
  const kind = failureKind(message);
  if (kind === 'host-crash') return 'unavailable';
  if (kind === 'diverged') return 'conflict';
  return undefined;
}

/** Read in the app (its Resume button) and in a terminal (the command) alike. */
export const resumeAdvice = (id: string, from: string): string =>
  `Resume (in a terminal: \`spanfill runs resume ${id}\`) continues from ${from}`;

/**
 * Why a run whose process is gone is interrupted: one that never began training (no owner, or
 * still queued: its owner is recorded from its insert) starts over, and so does one that ended
 * before its first checkpoint (`hasCheckpoint` false: Resume has nothing else to continue from).
 * `finalStep`: the step of its final checkpoint where it saved it with every step's loss
 * recorded (nothing is left to train: Resume completes it at once).
 */
export function interruptedMessage(
  run: { readonly id: string; readonly ownerPid: number | null; readonly step: number; readonly status?: string },
  hasCheckpoint: boolean,
  finalStep?: number,
) {
  if (run.ownerPid === null || run.status === 'queued')
    return `The process that started it ended before it began training; ${resumeAdvice(run.id, 'the beginning')}`;
  const ended = `The process training it (pid ${run.ownerPid}) ended without stopping it`;
  if (hasCheckpoint && finalStep !== undefined)
    return (
      `${ended}, after its final checkpoint (step ${finalStep} of ${finalStep}): every step is trained and saved; ` +
      `Resume (in a terminal: \`spanfill runs resume ${run.id}\`) completes it at once`
    );
  return hasCheckpoint
    ? `${ended}, at step ${run.step}; ${resumeAdvice(run.id, 'its last checkpoint')}`
    : `${ended}, at step ${run.step}, before its first checkpoint; ${resumeAdvice(run.id, 'the beginning')}`;
}

/** How gradient accumulation keeps a smaller batch's effect, in the Train screen's words and the CLI's. */
const ACCUMULATION = '; more Gradient accumulation, --accumulation, keeps the effective batch';

/**
 * Settings that need less memory, in the Train screen's words and the CLI's flags, then `others`
 * ("a, b, or c"); `accumulation` follows the batch size where given.
 */
function smallerSettings(others: readonly string[], accumulation = ''): string {
  const all = [
    `a smaller Batch size (--batch-size${accumulation})`,
    'a shorter Input length (--input-length)',
    ...others,
  ];
  return all.length === 2 ? all.join(' or ') : `${all.slice(0, -1).join(', ')}, or ${all.at(-1)}`;
}

/** Where a new run starts from run `runId`'s last checkpoint: in the app, and in a terminal. */
const fromLastCheckpoint = (runId: string): string =>
  ', from its last checkpoint (Train → Base model; in a terminal, `spanfill train --model FOLDER` with the last ' +
  `checkpoint folder \`spanfill runs show ${runId}\` lists)`;

/** What to delete to free space for a run, in the app's words and the CLI's. */
export const FREE_SPACE_WORDS =
  'free space on the disk that holds the data directory (`spanfill system` names it): delete runs or models you ' +
  'no longer need (`spanfill runs rm ID`, `spanfill models rm ID`)';

/**
 * A full disk's advice: what to delete (the run's own checkpoints are its progress), then resume;
 * and, for run `fewerOf` (one that saved some), that the resume can keep fewer from then on
 * (Checkpoints kept by Resume, `runs resume --keep-last`). Pruning follows a save, so the next
 * checkpoint still needs room for itself.
 */
function diskFullHint(kept: string, resume: string, fewerOf: string | undefined): string {
  const fewer =
    fewerOf === undefined
      ? ''
      : '. To keep fewer checkpoints from then on, set Checkpoints kept by Resume (in a terminal: ' +
        `\`spanfill runs resume ${fewerOf} --keep-last 1\`); the older ones go once it saves its next, which needs ` +
        'room of its own';
  return `${DISK_FULL_WORDS}. ${kept}; ${FREE_SPACE_WORDS}; ${resume}${fewer}`;
}

/**
 * The sentence to append to a failed run's error: what happened in plain words and what to try.
 * `hasCheckpoint`: whether the run saved one to resume from (else Resume starts it over);
 * `provider`: the one it trained on (a run on the CPU is not told to try the CPU).
 */
export function failureHint(
  message: string,
  runId: string,
  hasCheckpoint = true,
  provider?: string,
  context: FailureContext = {},
): string {
  const kept = hasCheckpoint ? 'Its checkpoints are kept' : 'It saved no checkpoint';
  const resumeFrom = resumeAdvice(runId, hasCheckpoint ? 'the last one' : 'the beginning');
  const resume = `then ${resumeFrom}`;
  // The CPU is only advice to a run that used another provider.
  const isCpu = provider === 'cpu';
  const smaller = smallerSettings(isCpu ? [] : ['provider cpu']);
  // A resume keeps the run's settings: smaller ones are a new run, from its last checkpoint.
  const newRun = (changes: string): string =>
    `start a new run with ${changes}${hasCheckpoint ? fromLastCheckpoint(runId) : ''}`;
  const keepsSettings = ": a resume keeps this run's settings";
  switch (failureKind(message)) {
    case 'disk-full':
      return diskFullHint(kept, resume, hasCheckpoint ? runId : undefined);
    case 'diverged':
      // Resume replays the same steps bit for bit, so it would diverge again.
      return `${kept}; at these settings it would diverge again: start ${gentlerRun(context.settings)}${hasCheckpoint ? ', from its last checkpoint (Train → Base model)' : ''}`;
    case 'out-of-memory':
      return `The run ran out of memory. ${kept}; a resume keeps this run's settings, so it would likely run out again: ${newRun(smallerSettings(isCpu ? [] : ['provider cpu'], ACCUMULATION))}. If the memory was taken by something that has ended since, ${resumeFrom}`;
    case 'provider':
      return `The execution provider failed. ${kept}; ${resumeFrom}, on the same provider. Should it fail again, ${newRun(isCpu ? smaller : `provider cpu, or ${smallerSettings([])}`)}${keepsSettings}`;
    case 'host-crash':
      return `The engine host stopped while training (a crash, or the system ended it, often for lack of memory). ${kept}; ${resumeFrom}. Should it stop again, it may need more memory than is free: ${newRun(smaller)}${keepsSettings}`;
    default:
      // Not a size problem that we know of: what to change is in the message before this.
      return `${kept}; once the cause above is put right, ${resumeFrom}`;
  }
}

/**
 * The stored error of a failed run: the cause as reported, then the hint; a loss that is not
 * finite at the first step after a resume, as damagedResumeMessage says.
 */
export function failureMessage(
  error: unknown,
  runId: string,
  hasCheckpoint = true,
  provider?: string,
  context: FailureContext = {},
): string {
  const message = errorMessage(error).replace(/\.?\s*$/, '');
  const { resumedFrom } = context;
  // The state of the checkpoint it resumed from refused (a slot's name or shape damaged in its
  // optimizer.safetensors): a checkpoint that does not load, as one whose weights do not.
  if (resumedFrom && message.startsWith(SET_STATE_ERROR_PREFIX))
    return unloadableCheckpointMessage(
      `The checkpoint ${resumedFrom.dir} ${UNLOADABLE_CHECKPOINT_WORDS}: ${message}`,
      runId,
      resumedFrom.dir,
      resumedFrom.previous,
    );
  const damaged = resumedFrom && damagedResumeMessage(message, runId, resumedFrom);
  if (damaged) return damaged;
  const hint = failureHint(message, runId, hasCheckpoint, provider, context);
  // A full disk is said in words (the hint's), without Node's or SQLite's ("ENOSPC: …, write").
  const cause = failureKind(message) === 'disk-full' ? withoutDiskFullCode(message) : message;
  return cause === '' ? hint : `${cause}. ${hint}`;
}

/**
 * The stored error of a run whose loss was not finite (`message`, the trainer's) at the first
 * step after resuming from checkpoint `from`: the same settings reached that checkpoint with
 * finite losses (none is written after one that is not), so damage to its files is likelier
 * than divergence. Not put down to the settings, nor marked diverged (which refuses every
 * resume): it says how to go back to the checkpoint before. Should the steps from there end so
 * again, that is no longer the first step after its resume, and the settings are blamed then.
 * Undefined for any other message or step.
 */
function damagedResumeMessage(
  message: string,
  runId: string,
  from: NonNullable<FailureContext['resumedFrom']>,
): string | undefined {
  if (failureKind(message) !== 'diverged') return undefined;
  const step = /\bat step (\d+)/.exec(message)?.[1];
  if (step === undefined || Number(step) !== from.step + 1) return undefined;
  const cause = message.replace(new RegExp(`:?\\s*${DIVERGED_WORDS}`), '');
  return (
    `${cause}, the first step after resuming from ${from.dir}, which the same settings reached with finite losses: ` +
    `its weights or optimizer state may have been damaged after it was written. ${goBackAdvice(runId, from.dir, from.previous)}`
  );
}

/** How to go back from checkpoint `dir` of run `runId` to the one of step `previous` (undefined: the beginning). */
function goBackAdvice(runId: string, dir: string, previous: number | undefined): string {
  const back = previous === undefined ? 'the beginning' : `step ${previous}`;
  return (
    `Its checkpoints are kept. To go back to ${back}, remove the folder ${dir} ` +
    `(or move it out of that folder to keep it); then ${resumeAdvice(runId, back)}`
  );
}

/**
 * The stored error of a run that failed loading checkpoint `dir` to resume from, though its
 * files passed the quick checks (engine/train/checkpoint.ts readCheckpoint): the cause, then
 * which folder to remove to go back to `previous` (the step of the newest checkpoint before it
 * that reads; undefined: none, so the beginning).
 */
export function unloadableCheckpointMessage(error: unknown, runId: string, dir: string, previous?: number): string {
  const message = errorMessage(error).replace(/\.?\s*$/, '');
  return `${message}. ${goBackAdvice(runId, dir, previous)}`;
}

/**
 * Why a run whose dataset was removed cannot resume (resuming needs the data it trained on),
 * and what its checkpoints still allow: `lastCheckpoint` is the newest checkpoint's folder.
 */
export function datasetGoneMessage(runId: string, datasetId: string, lastCheckpoint: string | undefined): string {
  const kept =
    lastCheckpoint === undefined
      ? ''
      : ' Its checkpoints are kept: a new run can start from one on another dataset (Train → Base model; ' +
        `in a terminal, \`spanfill train --model ${lastCheckpoint} --dataset ID\`).`;
  return `Run ${runId} cannot be resumed: the dataset it trained on (${datasetId}) was removed.${kept}`;
}

/**
 * Why a run whose loss stopped being finite is not resumed (a resume replays the same steps bit
 * for bit, to the same end), and how its checkpoints can go on: `lastCheckpoint` as in
 * datasetGoneMessage; `settings`, the run's, say what to change (gentlerRun).
 */
export function divergedMessage(
  runId: string,
  datasetId: string,
  lastCheckpoint: string | undefined,
  settings?: DivergenceSettings,
): string {
  const change = settings && flushedEps(settings) !== undefined ? `--eps ${ADAMW_DEFAULTS.eps}` : '--lr LR';
  const from =
    lastCheckpoint === undefined
      ? ''
      : ` from its last checkpoint (Train → Base model; in a terminal, \`spanfill train --model ${lastCheckpoint} --dataset ${datasetId} ${change}\`)`;
  return (
    `Run ${runId} is not resumed: its training loss stopped being finite, and a resume would replay the same steps ` +
    `to the same end. Start ${gentlerRun(settings)}${from}.`
  );
}
