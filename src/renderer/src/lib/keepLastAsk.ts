// A run that failed because its disk filled up is told to resume keeping fewer checkpoints
// (runsFailure.ts: "set Checkpoints kept by Resume"). That box is the run's view's, beside its
// Resume (screens/train/RunView.svelte); the Runs table's Resume for such a run says "Resume…" and
// opens that view with the box focused rather than resuming with as many as filled the disk.
// Here: which runs it asks for, and the one run asked for, taken once by its view.
// NOTE: no DOM and no runes.

import { canResume, type RunSummary } from '../../../shared/contract/runs';
import { isDiskFull } from '../../../shared/errors';

/** Whether Resume should ask for the run's Checkpoints kept first: it failed for a full disk. */
export function asksKeepLast(run: Pick<RunSummary, 'status' | 'datasetId' | 'error'>): boolean {
  return run.status === 'failed' && run.error !== null && isDiskFull(run.error) && canResume(run);
}

/** The run whose view was opened to choose its Checkpoints kept, until that view takes it. */
let asked: string | undefined;

/** The Runs table's "Resume…" for `runId` (its view is opened next). */
export function askKeepLast(runId: string): void {
  asked = runId;
}

/** Whether the view of `runId` was opened to choose its Checkpoints kept (true once). */
export function takeKeepLastAsk(runId: string): boolean {
  const isAsked = asked === runId;
  if (isAsked) asked = undefined;
  return isAsked;
}
