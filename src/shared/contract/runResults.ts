// What the runs calls answer: a run's summary and status (and whether it can be resumed), what
// runs.start and runs.resume add to it, its checkpoints (and those that cannot be used, and why)
// and metric series, a comparison of runs and an estimate.
// Apart from runs.ts, which holds the configuration they are asked with (and RunDetail, which
// carries it); runs.ts re-exports them, so callers import every runs type from there.

export type RunStatusName = 'queued' | 'running' | 'paused' | 'completed' | 'stopped' | 'interrupted' | 'failed';

export interface RunSummary {
  readonly id: string;
  readonly name: string;
  readonly status: RunStatusName;
  readonly datasetId: string | null;
  readonly model: string;
  readonly step: number;
  readonly totalSteps: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly elapsedMs: number;
  /** Set when failed: what happened and what to try. */
  readonly error: string | null;
  /** The execution provider that ran it (after any fallback). */
  readonly provider: string | null;
}

/** The statuses a run continues from with runs.resume (from its last checkpoint, if any). */
export const RESUMABLE_STATUSES: readonly RunStatusName[] = ['paused', 'stopped', 'interrupted', 'failed'];

/**
 * Whether runs.resume can continue `run`: a resumable status and its dataset still there (a
 * removed dataset leaves datasetId null; resuming needs the data it was training on).
 */
export function canResume(run: Pick<RunSummary, 'status' | 'datasetId' | 'error'>): boolean {
  return RESUMABLE_STATUSES.includes(run.status) && run.datasetId !== null && !hasDiverged(run);
}

/** How the trainer's error ends when the loss stops being finite (engine/train/trainer.ts). */
export const DIVERGED_WORDS = 'training diverged';

/** A run stopped because its loss stopped being finite: a resume would replay the same steps to the same end. */
export const hasDiverged = (run: Pick<RunSummary, 'error'>): boolean => run.error?.includes(DIVERGED_WORDS) ?? false;

/** runs.start's and runs.resume's answer: the run, and lines to show the person who started it. */
export interface RunStarted extends RunSummary {
  readonly notices: readonly string[];
}

export interface RunCheckpoint {
  readonly step: number;
  readonly path: string;
  readonly isBest: boolean;
  readonly eval: Readonly<Record<string, number>> | null;
  readonly createdAt: string;
}

/**
 * A checkpoint of a run that cannot be used (runs.get): its folder is there but a file in it is
 * missing or corrupt (unreadable; left on disk for the person to remove, and replaced only if
 * training saves a checkpoint at that step again), or the store lists it but its folder was
 * deleted outside Spanfill (missing).
 */
export interface RunCheckpointProblem {
  readonly step: number;
  readonly path: string;
  readonly kind: 'unreadable' | 'missing';
  /** What is wrong, in words: "model.safetensors is truncated (100,000 of 3,600,000 bytes)". */
  readonly reason: string;
}

/**
 * What keeps a checkpoint from use (a fill, a score, an export, training from it), as runs.get
 * and runs.checkpoints list it: its folder deleted outside Spanfill (missing), or a file that a
 * read of its model meets not reading (unreadable). A trainer state or optimizer moments that do
 * not read stop only resuming, which RunDetail.checkpointProblems says. A pick of such a
 * checkpoint is refused with the same reason (main/services/runsCheckpoint.ts pickCheckpoint).
 */
export type CheckpointUseProblem = Pick<RunCheckpointProblem, 'kind' | 'reason'>;

/** A run's checkpoint as runs.get and runs.checkpoints list it: with what keeps it from use, if anything does. */
export interface ListedCheckpoint extends RunCheckpoint {
  readonly problem?: CheckpointUseProblem;
}

/** "cannot be used: model.safetensors is truncated (…)": how the screens mark a checkpoint that cannot be used. */
export function unusableWords(problem: CheckpointUseProblem): string {
  return `cannot be used: ${problem.reason}`;
}

/**
 * How runs.resume's refusal of a run none of whose checkpoints can be read begins its cause;
 * the screens offer to start it again from step 0 (runs.resume with fromStart) when they see it.
 */
export const NO_READABLE_CHECKPOINT_WORDS = 'has no checkpoint that can be read';

export interface MetricPoint {
  readonly step: number;
  readonly value: number;
}

/**
 * One metric's points as two columns of one length: point i is (steps[i], values[i]), in step
 * order, each step once. NOTE: columns, not MetricPoint objects: the Runs page asks for a dozen
 * runs of 25,000 steps (~900,000 points) at once, and as columns the answer is ~40% smaller and
 * several times quicker to write and read as JSON, and the store builds no object a point.
 */
export interface MetricColumns {
  readonly steps: readonly number[];
  readonly values: readonly number[];
}

/** runs.metrics' answer: runId → metric name → its points as columns (a metric without points is left out). */
export type RunMetrics = Readonly<Record<string, Readonly<Record<string, MetricColumns>>>>;

export interface RunComparison {
  readonly runs: readonly RunSummary[];
  /** Configuration keys whose values differ, with each run's value (in `runs` order). */
  readonly differences: readonly {
    readonly key: string;
    readonly values: readonly unknown[];
    /** Per run, why its value does nothing in that run (unusedSettingReason), else null. */
    readonly unused: readonly (string | null)[];
  }[];
  /** Per run: the final value of each metric and the best (lowest) validation loss. */
  readonly metrics: readonly {
    readonly final: Readonly<Record<string, number>>;
    readonly bestEvalLoss: number | null;
  }[];
  /** The datasets the runs were configured with (datasetId): each one's name, null once it is removed. */
  readonly datasets: Readonly<Record<string, string | null>>;
}

/**
 * A differing setting's value where the comparison says it better than the configuration: a
 * dataset by its name, or 'removed' once it is gone (as the runs table says it); undefined for
 * any other setting. The Runs screen's table and `spanfill runs compare` both write it so.
 */
export function comparedDatasetValue(
  datasets: RunComparison['datasets'],
  key: string,
  value: unknown,
): string | undefined {
  if (key !== 'datasetId' || typeof value !== 'string') return undefined;
  return datasets[value] ?? 'removed';
}

/** What a configuration would cost, before starting it (runs.estimate). */
export interface RunEstimate {
  readonly totalSteps: number;
  readonly trainingExamples: number;
  /** Input plus target tokens one optimizer step trains on (batch × accumulation examples). */
  readonly tokensPerStep: number;
  /** The trainer's rough bytes for one step at the micro-batch it would train (batchSize below). */
  readonly memoryBytes: number;
  /** The memory budget in bytes (null: not checked) and where it comes from, in words. */
  readonly memoryBudget: { readonly bytes: number | null; readonly basis: string };
  /** The micro-batch and accumulation it would train with (a split when the asked batch does not fit). */
  readonly batchSize: number;
  readonly accumulation: number;
  /** The split's line (describeMemorySplit) or that memory is not checked; null: nothing to say. */
  readonly memoryNotice: string | null;
  /**
   * The other lines runs.start would return with the run (RunStarted.notices): settings it keeps
   * but does not train with (Adafactor's own step sizes), a provider running in software.
   */
  readonly notices?: readonly string[];
  /**
   * From steps of this shape timed now or earlier, or an earlier run's throughput; null without
   * either. All of the run: with steps timed, its validation passes too (validationSeconds); from
   * an earlier run, that run's wall time per step (its validation and checkpoints in it).
   */
  readonly seconds: number | null;
  /** The part of `seconds` the run's validation passes take, where they were timed apart (with isTimed). */
  readonly validationSeconds?: number;
  /** Where `seconds` comes from, in words (the timing, the earlier run's name), or why there is none. */
  readonly timeBasis: string;
  /** Whether `seconds` comes from steps timed in this process (runs.estimate with timeSteps). */
  readonly isTimed: boolean;
}
