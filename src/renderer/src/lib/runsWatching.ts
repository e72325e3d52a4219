// What the Runs screen asks the server for again as runs train, and what it keeps: the
// runs.list replaced at every runs.progress (each step of a run training, here or in a terminal)
// and runs.statusChanged event, so each question is keyed by what it is about —
// a comparison by its set of runs and their statuses, a row's detail by its run's status and
// checkpoints — never by the step of a run training (one not training moves only by a status
// event, and is read again then). The metrics the charts draw (the only ones asked for and
// kept), the most runs compared at once, and which runs' curves stay loaded.

import { MAX_COMPARED_RUNS, type RunDetail, type RunSummary } from '../../../shared/contract/runs';
import { newerLoss, type LossProgress } from './liveFigures';

/**
 * The metrics the charts draw: the Train screen's run view (screens/train/RunCharts.svelte:
 * loss, validation loss, learning rate, throughput) and the comparison (lib/comparison.ts's
 * CURVE_METRICS, both losses). The curves are shared by the two, so each run loads all of these.
 */
export const DRAWN_METRICS: readonly string[] = ['loss', 'eval.loss', 'lr', 'tokensPerSecond'];

/** Why no more runs can be ticked once MAX_COMPARED_RUNS are. */
export const COMPARE_LIMIT_REASON = `Compare at most ${MAX_COMPARED_RUNS} runs at a time: untick one first`;

/** Why a run's tick box cannot be ticked now (the limit reached and it is not ticked), or undefined. */
export function tickRefusal(id: string, ticked: readonly string[]): string | undefined {
  return ticked.length >= MAX_COMPARED_RUNS && !ticked.includes(id) ? COMPARE_LIMIT_REASON : undefined;
}

/**
 * The ticked runs that are listed (a removed one is not), in tick order, at most MAX_COMPARED_RUNS,
 * as one string: a derived value that equals the last one when a progress event replaces the list,
 * so nothing keyed by it runs again.
 */
export function comparedKey(ticked: readonly string[], runs: readonly Pick<RunSummary, 'id'>[]): string {
  const listed = new Set(runs.map((r) => r.id));
  return ticked
    .filter((id) => listed.has(id))
    .slice(0, MAX_COMPARED_RUNS)
    .join('\n');
}

export const idsOfKey = (key: string): string[] => (key === '' ? [] : key.split('\n'));

/**
 * A run's status, with its step where no progress says it: a run queued or training moves by
 * runs.progress (its row and the comparison follow that), one not training only by a status
 * event (trained again in a terminal between two looks of the watcher, and stopped again).
 */
function statusKey(run: Pick<RunSummary, 'status' | 'step'>): string {
  return run.status === 'running' || run.status === 'queued' ? run.status : `${run.status} at ${run.step}`;
}

/** What a comparison of these runs shows that changes without a new step of a run training: each run's status. */
export function comparedStatusKey(
  ids: readonly string[],
  runs: readonly Pick<RunSummary, 'id' | 'status' | 'step'>[],
): string {
  return ids
    .map((id) => {
      const run = runs.find((r) => r.id === id);
      return run ? statusKey(run) : '';
    })
    .join();
}

/** What a row's detail was last asked for at: its run's status and how many checkpoints it has said it saved. */
export const detailKey = (run: Pick<RunSummary, 'status' | 'step'>, checkpoints: number): string =>
  `${statusKey(run)} ${checkpoints}`;

/**
 * Each run's detail as the table shows it, a training run's last loss and step from its latest
 * progress (the detail is read again only when its status changes or it saves a checkpoint).
 */
export function withProgress(
  details: Readonly<Record<string, RunDetail>>,
  progress: Readonly<Record<string, LossProgress>>,
): Record<string, RunDetail> {
  const out = { ...details };
  for (const [id, p] of Object.entries(progress)) {
    const detail = out[id];
    const loss = detail && newerLoss(p, detail.step);
    if (loss === undefined) continue;
    out[id] = { ...detail, step: p.step, last: { ...detail.last, loss } };
  }
  return out;
}

/** The runs whose curves stay loaded: those ticked, and the one the Train screen shows. */
export function curvesToDrop(loaded: Iterable<string>, ticked: readonly string[], shown: string | undefined): string[] {
  return [...loaded].filter((id) => id !== shown && !ticked.includes(id));
}
