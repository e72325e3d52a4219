// What a failed run's message says to try, from the error that ended it: out of memory
// (std::bad_alloc, ORT's "Failed to allocate", WebGPU/CUDA allocation errors), a provider
// failure (the execution provider could not run the graph), or the engine host ending
// (killed or crashed); and why a run whose dataset was removed cannot resume. Pure, so each
// mapping is unit-tested (test/main/services/runsFailure.test.ts).

import { errorMessage } from '../../shared/errors';

export type FailureKind = 'out-of-memory' | 'provider' | 'host-crash' | 'other';

const OOM =
  /std::bad_alloc|failed to allocate|out of memory|\boom\b|allocation failed|cannot allocate memory|ENOMEM|array buffer allocation|bad allocation|smaller than requested bytes/i;
const PROVIDER = /execution provider|\bwebgpu\b|\bcuda\b|\bdirectml\b|\bdml\b|\bcoreml\b|GPU device|adapter/i;
const HOST = /^The engine host (was killed|exited)/;

export function failureKind(message: string): FailureKind {
  if (OOM.test(message)) return 'out-of-memory';
  if (HOST.test(message)) return 'host-crash';
  if (PROVIDER.test(message)) return 'provider';
  return 'other';
}

const KEPT = 'Its checkpoints are kept';
/** Read in the app (its Resume button) and in a terminal (the command) alike. */
export const resumeAdvice = (id: string, from: string): string =>
  `Resume (in a terminal: \`spanfill runs resume ${id}\`) continues from ${from}`;
const RESUME = (id: string): string => `then ${resumeAdvice(id, 'the last one')}`;

/** The sentence to append to a failed run's error: what happened in plain words and what to try. */
export function failureHint(message: string, runId: string): string {
  switch (failureKind(message)) {
    case 'out-of-memory':
      return `The run ran out of memory. ${KEPT}; try a smaller batchSize (with more accumulation to keep the effective batch), a shorter inputLength, or provider cpu; ${RESUME(runId)}`;
    case 'provider':
      return `The execution provider failed. ${KEPT}; try provider cpu, or a smaller batchSize or shorter inputLength; ${RESUME(runId)}`;
    case 'host-crash':
      return `The engine host stopped while training (a crash, or the system ended it, often for lack of memory). ${KEPT}; try a smaller batchSize, a shorter inputLength, or provider cpu; ${RESUME(runId)}`;
    default:
      return `${KEPT}; try a smaller batchSize, a shorter inputLength, or provider cpu; ${RESUME(runId)}`;
  }
}

/** The stored error of a failed run: the cause as reported, then the hint. */
export function failureMessage(error: unknown, runId: string): string {
  const message = errorMessage(error).replace(/\.?\s*$/, '');
  return `${message}. ${failureHint(message, runId)}`;
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
