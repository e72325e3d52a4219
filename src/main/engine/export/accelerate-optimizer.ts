// Spanfill's optimizers as the accelerate job's train.py builds them: Adafactor as
// transformers.optimization.Adafactor's arguments, AdamW as torch.optim.AdamW's, each with
// Spanfill's defaults where the run left a setting out (engine/optim/adafactor.ts and adamw.ts;
// Adafactor's are HF's own). Both match term for term: HF's Adafactor step is the one
// engine/optim/adafactor.ts documents (ε₁ inside the square, β̂₂ₜ = 1 − t^c, update clipping,
// ρₜ = min(10⁻², 1/√t) scaled by max(ε₂, RMS(θ)), decay λ·α·θ), torch's AdamW adamw.ts's.
// Reference: transformers src/transformers/optimization.py (Adafactor, _get_lr).

import type { AdafactorConfig } from '../optim/adafactor';
import type { OptimizerConfig } from '../optim/optimizer';

/** transformers.optimization.Adafactor's keyword arguments (snake_case: JSON train.py passes on). */
export interface AdafactorArguments {
  /** None: relative steps set the step size (HF refuses an lr with relative_step). */
  readonly lr: null;
  readonly relative_step: boolean;
  readonly warmup_init: boolean;
  readonly scale_parameter: boolean;
  readonly clip_threshold: number;
  readonly decay_rate: number;
  /** None: no first moment. */
  readonly beta1: number | null;
  /** (ε₁, ε₂): added to g², and the least parameter scale. */
  readonly eps: readonly [number, number];
}

/** torch.optim.AdamW's keyword arguments but lr and weight_decay (run_config.json has those). */
export interface AdamWArguments {
  readonly betas: readonly [number, number];
  readonly eps: number;
}

/**
 * Spanfill's Adafactor as HF's arguments. Spanfill always takes relative steps (its runs'
 * learning rate, schedule and warm-up do not apply), without warm-up init.
 */
function adafactorArguments(config: AdafactorConfig): AdafactorArguments {
  return {
    lr: null,
    relative_step: config.relativeStep ?? true,
    warmup_init: config.warmupInit ?? false,
    scale_parameter: config.scaleParameter ?? true,
    clip_threshold: config.clipThreshold ?? 1,
    decay_rate: config.decayRate ?? -0.8,
    beta1: config.beta1 ?? null,
    eps: [config.eps1 ?? 1e-30, config.eps2 ?? 1e-3],
  };
}

/** The arguments train.py gives the run's optimizer (run_config.json's optimizer_args). */
export function optimizerArguments(config: OptimizerConfig): AdafactorArguments | AdamWArguments {
  if (config.kind === 'adafactor') return adafactorArguments(config);
  return { betas: [config.beta1 ?? 0.9, config.beta2 ?? 0.999], eps: config.eps ?? 1e-8 };
}
