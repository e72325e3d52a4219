// What the trainer reports while it runs (typed events for the host to forward) and the meter
// behind the numbers: throughput over the time spent in training steps, elapsed time across
// resumes, and an ETA from the wall time per step of this session (evaluations included).

import type { ProviderName } from '../onnx/session';
import type { EvaluationMetrics } from './evaluate';

export interface StartedEvent {
  readonly kind: 'started';
  /** The step training starts from (0, or a resumed checkpoint's). */
  readonly step: number;
  readonly maxSteps: number;
  readonly provider: ProviderName;
  /** Placement notes (fallbacks) in words; empty when the first choice fully worked. */
  readonly message: string;
}

export interface ProgressEvent {
  readonly kind: 'progress';
  /** Optimizer steps completed. */
  readonly step: number;
  readonly maxSteps: number;
  /** Epochs completed, fractional. */
  readonly epoch: number;
  /** The loss of each step of the last call (before its update), oldest first. */
  readonly losses: readonly number[];
  readonly gradNorm: number;
  readonly learningRate: number;
  readonly tokensPerSecond: number;
  readonly elapsedMs: number;
  /** null until a step has been timed. */
  readonly etaMs: number | null;
}

export interface EvaluationEvent {
  readonly kind: 'evaluation';
  readonly step: number;
  readonly metrics: EvaluationMetrics;
}

export interface CheckpointEvent {
  readonly kind: 'checkpoint';
  readonly step: number;
  readonly dir: string;
  /** Whether it is now the best checkpoint by validation loss. */
  readonly isBest: boolean;
  /** Checkpoint folders retention deleted. */
  readonly removed: readonly string[];
}

export type TrainerEvent = StartedEvent | ProgressEvent | EvaluationEvent | CheckpointEvent;

/** Throughput, elapsed time and ETA. `now` is injectable (milliseconds, monotonic). */
export class ProgressMeter {
  private readonly startedAt: number;
  private stepsDone = 0;
  private tokens = 0;
  private stepMs = 0;

  constructor(
    private readonly startStep: number,
    private readonly maxSteps: number,
    private readonly elapsedBeforeMs: number,
    private readonly tokensBefore = 0,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = now();
  }

  /** Records one call: `steps` optimizer steps over `tokens` real tokens that took `ms` to run. */
  record(steps: number, tokens: number, ms: number): void {
    this.stepsDone += steps;
    this.tokens += tokens;
    this.stepMs += ms;
  }

  get step(): number {
    return this.startStep + this.stepsDone;
  }

  /** Training time across resumes. */
  get elapsedMs(): number {
    return this.elapsedBeforeMs + (this.now() - this.startedAt);
  }

  /** Real tokens trained on across resumes. */
  get tokensSeen(): number {
    return this.tokensBefore + this.tokens;
  }

  /** Real tokens per second of step time in this session (0 before the first step). */
  get tokensPerSecond(): number {
    return this.stepMs > 0 ? (this.tokens * 1000) / this.stepMs : 0;
  }

  /** Remaining steps at this session's wall time per step. */
  get etaMs(): number | null {
    if (this.stepsDone === 0) return null;
    const perStep = (this.now() - this.startedAt) / this.stepsDone;
    return Math.max(0, this.maxSteps - this.step) * perStep;
  }
}
