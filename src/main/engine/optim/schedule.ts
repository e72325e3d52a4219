// Learning-rate schedules built as graph nodes from the step counter, so that K optimizer
// steps can run inside one ONNX Loop. Not a host-side scheduler: nothing here runs in JS.
// Semantics follow HF transformers `get_scheduler` (optimization.py: linear, cosine,
// inverse_sqrt, each with linear warmup), counting completed steps from 0.

import type { Tensor } from '../onnx/graph';
import * as op from '../onnx/ops';

export const SCHEDULE_KINDS = ['constant', 'linear', 'cosine', 'inverseSqrt'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export interface ScheduleConfig {
  readonly kind: ScheduleKind;
  /** The learning rate reached at the end of warmup. */
  readonly peakLr: number;
  /** Steps of linear warmup from 0 to `peakLr` (default 0). */
  readonly warmupSteps?: number;
  /** Required by 'linear' and 'cosine': the step at which the rate reaches 0. */
  readonly totalSteps?: number;
  /** 'inverseSqrt' only: the time scale τ (default `warmupSteps`, or 10 000 without warmup). */
  readonly timescale?: number;
}

/** Checks a schedule once at the boundary; the message names the bad value and valid choices. */
export function validateSchedule(s: ScheduleConfig): void {
  if (!(SCHEDULE_KINDS as readonly string[]).includes(s.kind)) {
    throw new Error(`Unknown schedule kind '${String(s.kind)}'; expected one of: ${SCHEDULE_KINDS.join(', ')}`);
  }
  if (!(Number.isFinite(s.peakLr) && s.peakLr >= 0))
    throw new Error(`schedule.peakLr must be a finite number ≥ 0, got ${s.peakLr}`);
  const warmup = s.warmupSteps ?? 0;
  if (!(Number.isInteger(warmup) && warmup >= 0))
    throw new Error(`schedule.warmupSteps must be an integer ≥ 0, got ${warmup}`);
  if (s.kind === 'linear' || s.kind === 'cosine') {
    const total = s.totalSteps;
    if (total === undefined || !Number.isInteger(total) || total < warmup) {
      throw new Error(
        `schedule '${s.kind}' needs totalSteps, an integer ≥ warmupSteps (${warmup}); got ${String(total)}`,
      );
    }
  }
  if (s.timescale !== undefined && !(s.timescale > 0))
    throw new Error(`schedule.timescale must be > 0, got ${s.timescale}`);
}

/**
 * The learning rate for the update made at `completedSteps` = s (float; 0 for the first
 * update; any shape, the result has s's shape). With W warmup steps, T total steps and
 * peak rate η:
 *
 *   s < W:        η · s / max(1, W)
 *   constant:     η
 *   linear:       η · max(0, (T − s) / max(1, T − W))
 *   cosine:       η · ½ (1 + cos(π · p)),  p = clamp((s − W) / max(1, T − W), 0, 1)
 *   inverseSqrt:  η · √(τ / (s + τ − W))    (τ = W, or 10 000 when W = 0)
 *
 * NOTE: HF's cosine does not clamp p, so its rate rises again after T; ours stays at 0.
 * Like HF, the first update of a warmup schedule has rate 0.
 */
export function learningRate(completedSteps: Tensor, config: ScheduleConfig): Tensor {
  validateSchedule(config);
  const s = completedSteps;
  const warmup = config.warmupSteps ?? 0;
  const main = mainFactor(s, config, warmup);
  const scaled = op.mul(main, config.peakLr);
  if (warmup === 0) return scaled;
  const warm = op.mul(s, config.peakLr / Math.max(1, warmup));
  return op.where(op.less(s, warmup), warm, scaled);
}

/** The multiplier after warmup, as a scalar of `s`'s dtype. */
function mainFactor(s: Tensor, config: ScheduleConfig, warmup: number): Tensor {
  const total = config.totalSteps ?? 0;
  const span = Math.max(1, total - warmup);
  switch (config.kind) {
    case 'constant':
      return op.add(op.mul(s, 0), 1); // ones shaped like s
    case 'linear':
      return op.maximum(op.div(op.sub(total, s), span), 0);
    case 'cosine': {
      const progress = op.minimum(op.maximum(op.div(op.sub(s, warmup), span), 0), 1);
      return op.mul(op.add(op.cos(op.mul(progress, Math.PI)), 1), 0.5);
    }
    case 'inverseSqrt': {
      const tau = config.timescale ?? (warmup > 0 ? warmup : 10_000);
      // Guard s + τ − W ≥ 1e-12 so the branch Where discards during warmup stays finite.
      const shifted = op.maximum(op.add(s, tau - warmup), 1e-12);
      return op.sqrt(op.div(tau, shifted));
    }
  }
}
