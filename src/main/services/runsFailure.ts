// What a failed run's message says to try, from the error that ended it: a full disk (a
// checkpoint or the store could not be written), a loss that stopped being finite, out of memory
// (std::bad_alloc, ORT's "Failed to allocate", WebGPU/CUDA allocation errors), a provider
// failure (the execution provider could not run the graph), or the engine host ending
// (killed or crashed), else no advice beyond the cause itself; and why a run whose dataset was
// removed, or whose loss stopped being finite, is not resumed. Pure, so each
// mapping is unit-tested (test/main/services/runsFailure.test.ts).

import { errorMessage, isDiskFull, type ErrorCode } from '../../shared/errors';
import { DIVERGED_WORDS } from '../../shared/contract/runs';
import { DISK_FULL_WORDS } from './errors';

/** What to do instead of resuming a run whose loss stopped being finite (a resume would diverge again). */
const GENTLER_RUN = 'a new run with a lower learning rate (lr) and gradient clipping on (clipNorm)';

export type FailureKind = 'disk-full' | 'diverged' | 'out-of-memory' | 'provider' | 'host-crash' | 'other';

const OOM =
  /std::bad_alloc|failed to allocate|out of memory|\boom\b|allocation failed|cannot allocate memory|ENOMEM|array buffer allocation|bad allocation|smaller than requested bytes/i;
const PROVIDER = /execution provider|\bwebgpu\b|\bcuda\b|\bdirectml\b|\bdml\b|\bcoreml\b|GPU device|adapter/i;
const HOST = /^The engine host (was killed|exited)/;

export function failureKind(message: string): FailureKind {
  if (isDiskFull(message)) return 'disk-full';
  if (message.includes(DIVERGED_WORDS)) return 'diverged';
  if (OOM.test(message)) return 'out-of-memory';
  if (HOST.test(message)) return 'host-crash';
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
 */
export function interruptedMessage(
  run: { readonly id: string; readonly ownerPid: number | null; readonly step: number; readonly status?: string },
  hasCheckpoint: boolean,
) {
  if (run.ownerPid === null || run.status === 'queued')
    return `The process that started it ended before it began training; ${resumeAdvice(run.id, 'the beginning')}`;
  const ended = `The process training it (pid ${run.ownerPid}) ended without stopping it, at step ${run.step}`;
  return hasCheckpoint
    ? `${ended}; ${resumeAdvice(run.id, 'its last checkpoint')}`
    : `${ended}, before its first checkpoint; ${resumeAdvice(run.id, 'the beginning')}`;
}

/**
 * The sentence to append to a failed run's error: what happened in plain words and what to try.
 * `hasCheckpoint`: whether the run saved one to resume from (else Resume starts it over);
 * `provider`: the one it trained on (a run on the CPU is not told to try the CPU).
 */
export function failureHint(message: string, runId: string, hasCheckpoint = true, provider?: string): string {
  const kept = hasCheckpoint ? 'Its checkpoints are kept' : 'It saved no checkpoint';
  const resumeFrom = resumeAdvice(runId, hasCheckpoint ? 'the last one' : 'the beginning');
  const resume = `then ${resumeFrom}`;
  // The CPU is only advice to a run that used another provider.
  const isCpu = provider === 'cpu';
  const smaller = isCpu
    ? 'a smaller batchSize or a shorter inputLength'
    : 'a smaller batchSize, a shorter inputLength, or provider cpu';
  switch (failureKind(message)) {
    case 'disk-full':
      return `${DISK_FULL_WORDS}. ${kept}; free space on the disk that holds the data directory (\`spanfill system\` names it): delete runs or models you no longer need, or keep fewer checkpoints per run (keepLast); ${resume}`;
    case 'diverged':
      // Resume replays the same steps bit for bit, so it would diverge again.
      return `${kept}; at these settings it would diverge again: start ${GENTLER_RUN}${hasCheckpoint ? ', from its last checkpoint (Train → Base model)' : ''}`;
    case 'out-of-memory':
      return `The run ran out of memory. ${kept}; try a smaller batchSize (with more accumulation to keep the effective batch), a shorter inputLength${isCpu ? '' : ', or provider cpu'}; ${resume}`;
    case 'provider':
      return `The execution provider failed. ${kept}; try ${isCpu ? '' : 'provider cpu, or '}a smaller batchSize or shorter inputLength; ${resume}`;
    case 'host-crash':
      return `The engine host stopped while training (a crash, or the system ended it, often for lack of memory). ${kept}; try ${smaller}; ${resume}`;
    default:
      // Not a size problem that we know of: what to change is in the message before this.
      return `${kept}; once the cause above is put right, ${resumeFrom}`;
  }
}

/** The stored error of a failed run: the cause as reported, then the hint. */
export function failureMessage(error: unknown, runId: string, hasCheckpoint = true, provider?: string): string {
  const message = errorMessage(error).replace(/\.?\s*$/, '');
  return `${message}. ${failureHint(message, runId, hasCheckpoint, provider)}`;
}

/**
 * The stored error of a run that failed loading checkpoint `dir` to resume from, though its
 * files passed the quick checks (engine/train/checkpoint.ts readCheckpoint): the cause, then
 * which folder to remove to go back to `previous` (the step of the newest checkpoint before it
 * that reads; undefined: none, so the beginning).
 */
export function unloadableCheckpointMessage(error: unknown, runId: string, dir: string, previous?: number): string {
  const message = errorMessage(error).replace(/\.?\s*$/, '');
  const back = previous === undefined ? 'the beginning' : `step ${previous}`;
  return (
    `${message}. Its checkpoints are kept. To go back to ${back}, remove the folder ${dir} ` +
    `(or move it out of that folder to keep it); then ${resumeAdvice(runId, back)}`
  );
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
 * datasetGoneMessage.
 */
export function divergedMessage(runId: string, datasetId: string, lastCheckpoint: string | undefined): string {
  const from =
    lastCheckpoint === undefined
      ? ''
      : ` from its last checkpoint (Train → Base model; in a terminal, \`spanfill train --model ${lastCheckpoint} --dataset ${datasetId} --lr LR\`)`;
  return (
    `Run ${runId} is not resumed: its training loss stopped being finite, and a resume would replay the same steps ` +
    `to the same end. Start ${GENTLER_RUN}${from}.`
  );
}
