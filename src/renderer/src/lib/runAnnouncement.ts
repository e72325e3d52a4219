// What the polite live regions say of runs: one line when a run's status changes (started,
// paused, finished with its last loss, failed with the reason), never per step, so a screen
// reader hears a run's course without a running count. The Train screen says it of the run it
// shows ("Paused at step 40."); the Runs screen of every run listed, by name ("Run “tiny” paused
// at step 40."), only as their rows are read again after a change (runsStatusChanges), and what
// a delete there did, and a run removed elsewhere (another window, `spanfill runs rm`:
// runsRemovedElsewhere).

import type { RunDetail, RunStatusName, RunSummary } from '../../../shared/contract/runs';
import { formatMetric } from './format';

/** Said once runs.start answers, before the run's own status comes in. */
export const STARTED_WORDS = 'Training started.';

/** The run shown before (its id and status), to tell a change from a run just opened. */
export interface ShownRun {
  readonly id: string;
  readonly status: RunStatusName;
}

/** As much of a run as its words read. */
type SaidRun = Pick<RunDetail, 'status' | 'step' | 'last' | 'error'>;

/** Backticks mark code on screen (RichText); read out, they are noise. */
const plain = (text: string): string => text.replaceAll('`', '');

/** What happened to `run`, `before` the status it had, as the end of a sentence with no subject ("paused at step 40."). */
function whatHappened(run: SaidRun, before?: RunStatusName): string {
  const at = `at step ${run.step.toLocaleString('en')}`;
  switch (run.status) {
    case 'queued':
      return 'starting.';
    case 'running':
      return before === undefined || before === 'queued' ? 'started.' : 'resumed.';
    case 'paused':
      return `paused ${at}.`;
    case 'stopped':
      return `stopped ${at}.`;
    case 'completed': {
      const loss = run.last.loss;
      return loss === undefined ? 'finished.' : `finished: last loss ${formatMetric(loss)}.`;
    }
    case 'failed':
    case 'interrupted':
      return run.error ? `${run.status}: ${plain(run.error)}` : `${run.status} ${at}.`;
  }
}

/** The line for `run` in its status now, `before` the one it had (a run queued starts; one paused resumes). */
export function statusWords(run: SaidRun, before?: RunStatusName): string {
  const happened = whatHappened(run, before);
  // (a run training: "Training started.", "Training resumed.")
  return run.status === 'running' ? `Training ${happened}` : happened[0].toUpperCase() + happened.slice(1);
}

/** The line for `run` among others (the Runs screen), its name first: "Run “tiny” finished: last loss 1.234." */
export function namedStatusWords(run: SaidRun & Pick<RunDetail, 'name'>, before?: RunStatusName): string {
  return `Run “${run.name}” ${whatHappened(run, before)}`;
}

/** What the Runs screen says once it deleted a run. */
export const deletedRunWords = (name: string): string => `Deleted run “${name}”.`;

/**
 * What the Runs screen says as its list loses runs it did not delete (another window's delete,
 * `spanfill runs rm`): a line for each run listed `before` and gone `now`, by name, but for those
 * `isDeletedHere` (its own delete says so: deletedRunWords).
 */
export function runsRemovedElsewhere(
  before: readonly Pick<RunSummary, 'id' | 'name'>[],
  now: readonly Pick<RunSummary, 'id'>[],
  isDeletedHere: (id: string) => boolean,
): string[] {
  const listed = new Set(now.map((run) => run.id));
  return before
    .filter((run) => !listed.has(run.id) && !isDeletedHere(run.id))
    .map((run) => `Run “${run.name}” was removed elsewhere.`);
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

/** The status each run's row was last read in on the Runs screen, by run id. */
export type SeenStatuses = Readonly<Record<string, RunStatusName>>;

/**
 * What the Runs screen says as its rows' details come (each read once, then again when its run's
 * status changes): a line for each run read in another status than before, or for the first time
 * when `isNew` (not listed when the screen opened: started since), and the statuses seen now. A
 * run merely listed says nothing, nor one queued: a start or resume says so once it trains, from
 * the status before it ("resumed" after "stopped"), or how it ended when it did not.
 */
export function runsStatusChanges(
  seen: SeenStatuses,
  details: Readonly<Record<string, RunDetail>>,
  isNew: (id: string) => boolean,
): { readonly seen: SeenStatuses; readonly lines: readonly string[] } {
  const now: Record<string, RunStatusName> = { ...seen };
  const lines: string[] = [];
  for (const [id, run] of Object.entries(details)) {
    const before = seen[id];
    if (run.status === before || (run.status === 'queued' && before !== undefined)) continue;
    now[id] = run.status;
    if (run.status !== 'queued' && (before !== undefined || isNew(id))) lines.push(namedStatusWords(run, before));
  }
  return { seen: now, lines };
}
