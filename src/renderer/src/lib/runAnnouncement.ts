// What the Train screen's polite live region says about the run it shows: one line when its
// status changes (started, paused, finished with its last loss, failed with the reason), never
// per step, so a screen reader hears the run's course without a running count.

import type { RunDetail, RunStatusName } from '../../../shared/contract/runs';
import { formatMetric } from './format';

/** Said once runs.start answers, before the run's own status comes in. */
export const STARTED_WORDS = 'Training started.';

/** The run shown before (its id and status), to tell a change from a run just opened. */
export interface ShownRun {
  readonly id: string;
  readonly status: RunStatusName;
}

/** Backticks mark code on screen (RichText); read out, they are noise. */
const plain = (text: string): string => text.replaceAll('`', '');

/** The line for `run` in its status now, `before` the one it had (a run queued starts; one paused resumes). */
export function statusWords(run: RunDetail, before?: RunStatusName): string {
  const at = `at step ${run.step.toLocaleString('en')}`;
  switch (run.status) {
    case 'queued':
      return 'Starting.';
    case 'running':
      return before === undefined || before === 'queued' ? STARTED_WORDS : 'Training resumed.';
    case 'paused':
      return `Paused ${at}.`;
    case 'stopped':
      return `Stopped ${at}.`;
    case 'completed': {
      const loss = run.last.loss;
      return loss === undefined ? 'Finished.' : `Finished: last loss ${formatMetric(loss)}.`;
    }
    case 'failed':
    case 'interrupted': {
      const how = run.status === 'failed' ? 'Failed' : 'Interrupted';
      return run.error ? `${how}: ${plain(run.error)}` : `${how} ${at}.`;
    }
  }
}

/**
 * What to say now that `run` shows (undefined: nothing). Only a status change of the run shown
 * before speaks; a run just opened, another run, or the same status again (a new checkpoint,
 * a step) says nothing.
 */
export function runAnnouncement(before: ShownRun | undefined, run: RunDetail | undefined): string | undefined {
  if (!run || before?.id !== run.id || before.status === run.status) return undefined;
  return statusWords(run, before.status);
}
