// Each run's export in this window (the Train screen's Export panel) as plain data, and the rules
// that change it: the person's choices, the export in flight and its progress, its outcome, the
// confirm to replace an earlier export, what becomes of it when its run is removed meanwhile
// (the export goes on, from its own copy of the checkpoint: the Train screen tells its outcome),
// and which outcome is from before once the run trains again.
// Not reactive by itself: lib/exports.svelte.ts makes each job $state and wires api and events.

import type { ExportFormat, ExportRequest, ExportResult } from '../../../shared/contract/export';
import { ApiError, errorMessage } from '../../../shared/errors';
import type { EventMap } from '../../../shared/events';
import type { RunStatusName } from '../../../shared/contract/runResults';
import { checkpointChoice } from './exportForm';

export type ExportProgress = EventMap['export.progress'];

/** What the person chose in the panel; kept while they visit other screens and runs. */
export interface ExportChoices {
  /** The checkpoint select's value: 'best', 'last' or a step's digits. */
  which: string;
  format: ExportFormat;
  isQuantized: boolean;
  /** The folder typed by hand; until then the panel's suggestion follows the choices. */
  typedOut: string | undefined;
}

export interface ExportJob {
  readonly runId: string;
  /** The run's name when its export began, or as renamed since (said if the run is removed). */
  runName: string;
  choices: ExportChoices;
  /** The folder of the export in flight, or of the last one. */
  out: string | undefined;
  isBusy: boolean;
  progress: ExportProgress | undefined;
  result: ExportResult | undefined;
  error: string | undefined;
  /** The folder holds an earlier export (export.run's one conflict): the export waits for a confirm to replace it. */
  isTaken: boolean;
  /**
   * What it exports was gone (not_found): its checkpoint, or the run itself (removed in another
   * window or a terminal before its checkpoint was copied: that refusal names the folder it did
   * not write, which is not at fault). Nothing to replace, and no folder to change.
   */
  isSourceGone: boolean;
  /** The last outcome was shown in the panel (then a removal of the run need not tell it again). */
  isSeen: boolean;
  /** The run was removed with this export in flight or unseen: the Train screen tells of it. */
  isRunRemoved: boolean;
}

export interface ExportJobsDeps {
  /** Makes the export (api.export.run). */
  run(request: ExportRequest): Promise<ExportResult>;
  /** Makes a new job (or the told list) reactive: $state in the store, the value itself in tests. */
  reactive<T extends object>(value: T): T;
}

/** The request of the panel's choices, into `out` (replacing an earlier export there when `isForced`). */
export function exportRequestOf(runId: string, choices: ExportChoices, out: string, isForced: boolean): ExportRequest {
  return {
    run: { id: runId, checkpoint: checkpointChoice(choices.which) },
    format: choices.format,
    out: out.trim(),
    force: isForced,
    ...(choices.format === 'transformers.js' && choices.isQuantized ? { quantize: 'int8' as const } : {}),
  };
}

/**
 * The job's error that may be about its folder box (ExportPanel marks the box when it names the
 * folder): not the earlier export to replace (said with its confirm), nor a run or checkpoint
 * gone, whose refusal names the folder only as the one nothing was written to.
 */
export function folderErrorOf(job: ExportJob): string | undefined {
  return job.isTaken || job.isSourceGone ? undefined : job.error;
}

export class ExportJobs {
  private readonly jobs = new Map<string, ExportJob>();
  /** How many panels show each run's job now. */
  private readonly watched = new Map<string, number>();
  /** The runs last said to train or to be queued to (runs.statusChanged). */
  private readonly training = new Set<string>();
  /** Exports whose run was removed, oldest first, until dismissed. */
  readonly told: ExportJob[];

  constructor(private readonly deps: ExportJobsDeps) {
    this.told = deps.reactive([]);
  }

  /** The run's job, a fresh one (best checkpoint, transformers) the first time. */
  jobOf(runId: string): ExportJob {
    const known = this.jobs.get(runId);
    if (known) return known;
    const job = this.deps.reactive<ExportJob>({
      runId,
      runName: runId,
      choices: { which: 'best', format: 'hf', isQuantized: false, typedOut: undefined },
      out: undefined,
      isBusy: false,
      progress: undefined,
      result: undefined,
      error: undefined,
      isTaken: false,
      isSourceGone: false,
      isSeen: false,
      isRunRemoved: false,
    });
    this.jobs.set(runId, job);
    return job;
  }

  /**
   * What a run's view shows of the run's export: the whole form while the run does not train;
   * while it trains (resumed here, in another window or a terminal), only an export under way and
   * then its outcome, or what an export finished before wrote (no new export is offered: its
   * checkpoints change as it trains), never the confirm to replace an earlier export (that would
   * be a new one; statusChanged drops it, and an error from before, as the run starts); else nothing.
   */
  panelOf(runId: string, isTraining: boolean): 'form' | 'job' | undefined {
    if (!isTraining) return 'form';
    const job = this.jobs.get(runId);
    if (!job) return undefined;
    return job.isBusy || job.result !== undefined || (job.error !== undefined && !job.isTaken) ? 'job' : undefined;
  }

  /** A panel shows the run's job from now until the returned function is called: its outcomes are seen. */
  watch(runId: string): () => void {
    this.watched.set(runId, (this.watched.get(runId) ?? 0) + 1);
    const job = this.jobs.get(runId);
    if (job && !job.isBusy) job.isSeen = true;
    return () => {
      const left = (this.watched.get(runId) ?? 1) - 1;
      if (left > 0) this.watched.set(runId, left);
      else this.watched.delete(runId);
    };
  }

  /**
   * Exports the run's chosen checkpoint into `out`; resolves when it settled (the job holds the
   * result, or the error and whether the folder is an earlier export to confirm replacing).
   */
  async start(run: { readonly id: string; readonly name: string }, out: string, isForced: boolean): Promise<void> {
    const job = this.jobOf(run.id);
    if (job.isBusy) return;
    const request = exportRequestOf(run.id, job.choices, out, isForced);
    Object.assign(job, { runName: run.name, isBusy: true, out: request.out, progress: undefined, isSeen: false });
    this.clearOutcome(job);
    try {
      job.result = await this.deps.run(request);
    } catch (caught) {
      const code = caught instanceof ApiError ? caught.code : undefined;
      Object.assign(job, { isTaken: code === 'conflict', isSourceGone: code === 'not_found' });
      job.error = errorMessage(caught);
    } finally {
      job.isBusy = false;
      job.isSeen = !job.isRunRemoved && this.watched.has(run.id);
    }
  }

  /** The choices changed: the last outcome (and any confirm it offered) no longer stands. */
  changed(runId: string): void {
    const job = this.jobs.get(runId);
    if (job && !job.isBusy) this.clearOutcome(job);
  }

  /**
   * An `export.progress` event: it names no run, so (as the panel always did) it goes to the
   * export in flight — each of its format, should there be several.
   */
  progressed(progress: ExportProgress): void {
    for (const job of [...this.jobs.values(), ...this.told])
      if (job.isBusy && job.choices.format === progress.format) job.progress = progress;
  }

  /** The run was renamed (`runs.renamed`): a removal then names it as the person knows it. */
  renamed(runId: string, name: string): void {
    const job = this.jobs.get(runId);
    if (job) job.runName = name;
  }

  /**
   * The run is gone (`runs.removed`): its job goes, and is told on the Train screen if it was in
   * flight or its outcome was never shown.
   */
  removed(runId: string): void {
    const job = this.jobs.get(runId);
    this.jobs.delete(runId);
    this.training.delete(runId);
    if (!job || job.isRunRemoved) return;
    const hasUnseenOutcome = (job.result !== undefined || job.error !== undefined) && !job.isSeen;
    if (!job.isBusy && !hasUnseenOutcome) return;
    job.isRunRemoved = true;
    this.told.push(job);
  }

  /**
   * A run's status changed (`runs.statusChanged`). As it starts to train (resumed here, in another
   * window or a terminal), an error or a refusal of an export made before no longer applies, nor
   * does the confirm to replace an earlier export: they go, so the form comes back without them
   * once it stops. What a finished export wrote stays (it names the step it wrote). An export under
   * way goes on, and its outcome, when it comes, is news: a status said again while the run still
   * trains does not clear it.
   */
  statusChanged(runId: string, status: RunStatusName): void {
    const isTraining = status === 'running' || status === 'queued';
    const wasTraining = this.training.has(runId);
    if (isTraining) this.training.add(runId);
    else this.training.delete(runId);
    const job = this.jobs.get(runId);
    if (!isTraining || wasTraining || !job || job.isBusy) return;
    this.clearRefusal(job);
  }

  /** The person closed what the Train screen told of this export. */
  dismiss(job: ExportJob): void {
    const at = this.told.indexOf(job);
    if (at >= 0) this.told.splice(at, 1);
  }

  private clearOutcome(job: ExportJob): void {
    job.result = undefined;
    this.clearRefusal(job);
  }

  /** The error, and the confirm to replace an earlier export, go. */
  private clearRefusal(job: ExportJob): void {
    Object.assign(job, { error: undefined, isTaken: false, isSourceGone: false });
  }
}
