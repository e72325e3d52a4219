// What the polite live regions say of runs: one line when a run's status changes (started with
// its steps, resumed at its step, paused, finished with its last loss, failed: on the Train
// screen at its step, its view's alert saying why; on the Runs screen with the reason),
// and on the Train screen each quarter of its steps reached as the run it shows trains (as long
// work with a progress bar says: lib/progressAnnouncement.ts), never per step, so a screen
// reader hears a run's course without a running count. The Train screen says it of the run it
// shows ("Paused at step 40."); the Runs screen of every run listed, by name ("Run “tiny” paused
// at step 40."), only as their rows are read again after a change (runsStatusChanges), and what
// a delete there did, and a run removed elsewhere (another window, `spanfill runs rm`:
// runsRemovedElsewhere).

import type { RunDetail, RunStatusName, RunSummary } from '../../../shared/contract/runs';
import { formatMetric } from './format';
import { quartersDone } from './progressAnnouncement';

/** The run shown before (its id and status), to tell a change from a run just opened. */
export interface ShownRun {
  readonly id: string;
  readonly status: RunStatusName;
}

/** As much of a run as its words read. */
type SaidRun = Pick<RunDetail, 'status' | 'step' | 'totalSteps' | 'last' | 'error'>;

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

const count = (n: number): string => n.toLocaleString('en');

/** "Training started: 3,000 steps." */
export const startedWords = (totalSteps: number): string =>
  `Training started: ${count(totalSteps)} step${totalSteps === 1 ? '' : 's'}.`;

/**
 * The line for `run` in its status now, `before` the one it had, on the Train screen: a run queued
 * or just started here starts ("Training started: 3,000 steps."), one paused or stopped resumes
 * ("Resumed at step 50 of 3,000."). A failed or interrupted one says only that, at its step: its
 * view says why and what to do in an alert (RunView's run-error), and said here as well, the
 * whole of it (hundreds of characters, a resume command) was heard twice.
 */
export function statusWords(run: SaidRun, before?: RunStatusName): string {
  if (run.status === 'running') {
    return before === undefined || before === 'queued'
      ? startedWords(run.totalSteps)
      : `Resumed at step ${count(run.step)} of ${count(run.totalSteps)}.`;
  }
  const happened = whatHappened({ ...run, error: null }, before);
  return happened[0].toUpperCase() + happened.slice(1);
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
 * What to say now that `run` shows (undefined: nothing). A status change of the run shown before
 * speaks, and a run just started here (`isStartedHere`) says its start as it first shows (its
 * steps; the status it trains in then says the same line again, which the region does not repeat);
 * a run just opened, another run, or the same status again (a new checkpoint, a step) says nothing.
 */
export function runAnnouncement(
  before: ShownRun | undefined,
  run: RunDetail | undefined,
  isStartedHere = false,
): string | undefined {
  if (!run) return undefined;
  if (before?.id !== run.id) return isStartedHere ? startedWords(run.totalSteps) : undefined;
  if (before.status === run.status) return undefined;
  return statusWords(run, before.status);
}

/** The quarter of its steps the run shown had reached when last heard of (0–4). */
export interface SaidQuarter {
  readonly id: string;
  readonly quarter: number;
}

/** As much of the run shown as its quarters read: its status, and its step and total now (live while it trains). */
export interface TrainingRun {
  readonly id: string;
  readonly status: RunStatusName;
  readonly step: number;
  readonly totalSteps: number;
}

/**
 * What to say as the run shown trains on: "Training: 25 % (step 750 of 3,000)." once as each
 * quarter of its steps is reached, never the last (its finish says it). A run just shown, or not
 * training (paused, or starting again from an earlier checkpoint), says nothing and counts from
 * where it is.
 */
export function runQuarterAnnouncement(
  said: SaidQuarter | undefined,
  run: TrainingRun | undefined,
): { readonly said: SaidQuarter | undefined; readonly text: string | undefined } {
  if (!run) return { said: undefined, text: undefined };
  const quarter = quartersDone({ what: run.id, done: run.step, total: run.totalSteps });
  if (said?.id !== run.id || run.status !== 'running' || quarter <= said.quarter) {
    return { said: { id: run.id, quarter }, text: undefined };
  }
  const text =
    quarter === 4 ? undefined : `Training: ${25 * quarter} % (step ${count(run.step)} of ${count(run.totalSteps)}).`;
  return { said: { id: run.id, quarter }, text };
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
