// Adafactor as graph nodes: factored second moments (row and column means) for parameters
// of rank ≥ 2, a full second moment for vectors, update clipping, relative step sizes and
// parameter scaling. Shazeer & Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear
// Memory Cost" (Alg. 4–5), with the conventions of HF transformers `Adafactor`
// (optimization.py): ε₁ inside the square, β̂₂ₜ = 1 − t^c, factoring over the last two axes.

import type { Tensor } from '../onnx/graph';
import * as op from '../onnx/ops';

export interface AdafactorConfig {
  readonly kind: 'adafactor';
  /** Regularisation added to g² (default 1e-30). */
  readonly eps1?: number;
  /** Lower bound of the parameter scale RMS(θ) (default 1e-3). */
  readonly eps2?: number;
  /** Update clipping threshold d (default 1.0). */
  readonly clipThreshold?: number;
  /** Exponent c of β̂₂ₜ = 1 − t^c (default −0.8). */
  readonly decayRate?: number;
  /** First-moment coefficient; undefined (the default) keeps no first moment. */
  readonly beta1?: number;
  readonly weightDecay?: number; // default 0
  /** Multiply the step by max(ε₂, RMS(θ)) (default true, as HF). */
  readonly scaleParameter?: boolean;
  /** Ignore the schedule and use ρₜ = min(10⁻², 1/√t) (default true, as HF). */
  readonly relativeStep?: boolean;
  /** With relativeStep: ρₜ = min(10⁻⁶·t, 1/√t) (default false). */
  readonly warmupInit?: boolean;
  /** Parameters without weight decay (only matters when weightDecay > 0). */
  readonly noDecay?: (name: string, shape: readonly number[]) => boolean;
}

/** Factored state has `row` (shape[:-1]) and `col` (shape[:-2] + shape[-1:]); else `sq`. */
export type AdafactorState = Readonly<Record<string, Tensor>>;

/** Names and shapes of one parameter's state tensors. */
export function adafactorStateShapes(shape: readonly number[], config: AdafactorConfig): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  if (shape.length >= 2) {
    out.row = shape.slice(0, -1);
    out.col = [...shape.slice(0, -2), shape[shape.length - 1]];
  } else {
    out.sq = [...shape];
  }
  if (config.beta1 !== undefined) out.m = [...shape];
  return out;
}

/** The step-size factor before parameter scaling: ρₜ with relativeStep, else the schedule's rate. */
export function adafactorRate(t: Tensor, scheduled: Tensor, config: AdafactorConfig): Tensor {
  if (!(config.relativeStep ?? true)) return scheduled;
  const invSqrt = op.reciprocal(op.sqrt(t)); // 1/√t
  const minStep = config.warmupInit ? op.mul(t, 1e-6) : op.scalar(t.graph, 1e-2, t.dtype);
  return op.minimum(minStep, invSqrt);
}

/** β̂₂ₜ = 1 − t^c and 1 − β̂₂ₜ: scalars of the step, shared by every tensor it updates. */
export interface AdafactorScalars {
  readonly beta2t: Tensor;
  readonly oneMinus: Tensor;
}

export function adafactorScalars(t: Tensor, config: AdafactorConfig): AdafactorScalars {
  const beta2t = op.sub(1, op.pow(t, config.decayRate ?? -0.8)); // scalar
  return { beta2t, oneMinus: op.sub(1, beta2t) };
}

/** √mean(x²) of each parameter: a scalar, or with `stackAxes` 1 one per stacked parameter (kept dims). */
function rms(x: Tensor, stackAxes: number): Tensor {
  if (stackAxes === 0) return op.sqrt(op.reduceMean(op.mul(x, x), null));
  const own = Array.from({ length: x.rank - stackAxes }, (_, i) => i + stackAxes);
  // A stack of scalars: each its own RMS (a Reduce over no axes would reduce over all of them).
  return op.sqrt(own.length === 0 ? op.mul(x, x) : op.reduceMean(op.mul(x, x), own, true));
}
const rsqrt = (x: Tensor): Tensor => op.reciprocal(op.sqrt(x));

/** What one step's updates share: its number t, rate ρ, the config and the parameter's decay. */
export interface AdafactorStep {
  readonly t: Tensor;
  readonly rate: Tensor;
  readonly config: AdafactorConfig;
  readonly isDecayed: boolean;
}

export interface AdafactorUpdateOptions {
  /** g is s·grad for this scalar s (clipping and the micro-batch mean). */
  readonly gradScale?: Tensor;
  /** adafactorScalars of the step, reused instead of built again for this tensor. */
  readonly scalars?: AdafactorScalars;
  /**
   * 1 when the leading axis stacks parameters of one shape (flat.ts, layout 'stacked'): each is
   * factored, clipped and scaled as its own (default 0: one parameter).
   */
  readonly stackAxes?: 0 | 1;
}

/**
 * One Adafactor update at step t (float scalar, 1 for the first update) with rate ρ
 * (from `adafactorRate`):
 *
 *   β̂ = 1 − t^c,  G = g² + ε₁
 *   factored:  R ← β̂R + (1 − β̂)·mean₋₁(G),  C ← β̂C + (1 − β̂)·mean₋₂(G)
 *              U = g · rsqrt(R / mean₋₁(R))[…, :, None] · rsqrt(C)[…, None, :]
 *   otherwise: V ← β̂V + (1 − β̂)G,  U = g · rsqrt(V)
 *   U ← U / max(1, RMS(U)/d);  α = ρ · max(ε₂, RMS(θ)) (or ρ without scaleParameter)
 *   U ← αU;  with β₁: m ← β₁m + (1 − β₁)U, U = m
 *   θ ← θ − λαθ − U
 *
 * RMS is over the parameter's own axes (each stacked one's with `stackAxes` 1).
 */
export function adafactorUpdate(
  param: Tensor,
  rawGrad: Tensor,
  state: AdafactorState,
  { t, rate, config, isDecayed }: AdafactorStep,
  { gradScale, scalars = adafactorScalars(t, config), stackAxes = 0 }: AdafactorUpdateOptions = {},
): { param: Tensor; state: AdafactorState } {
  const grad = gradScale ? op.mul(rawGrad, gradScale) : rawGrad;
  const eps1 = config.eps1 ?? 1e-30;
  const eps2 = config.eps2 ?? 1e-3;
  const clip = config.clipThreshold ?? 1;
  const { beta2t, oneMinus } = scalars;
  const g2 = op.add(op.mul(grad, grad), eps1); // same shape as θ
  const next: Record<string, Tensor> = {};
  let update: Tensor;
  if (param.rank - stackAxes >= 2) {
    const row = op.add(op.mul(state.row, beta2t), op.mul(op.reduceMean(g2, [-1]), oneMinus)); // (…, R)
    const col = op.add(op.mul(state.col, beta2t), op.mul(op.reduceMean(g2, [-2]), oneMinus)); // (…, C)
    const rowFactor = op.unsqueeze(rsqrt(op.div(row, op.reduceMean(row, [-1], true))), [-1]); // (…, R, 1)
    const colFactor = op.unsqueeze(rsqrt(col), [-2]); // (…, 1, C)
    update = op.mul(op.mul(rowFactor, colFactor), grad);
    next.row = row;
    next.col = col;
  } else {
    const sq = op.add(op.mul(state.sq, beta2t), op.mul(g2, oneMinus));
    update = op.mul(rsqrt(sq), grad);
    next.sq = sq;
  }
  update = op.div(update, op.maximum(op.div(rms(update, stackAxes), clip), 1));
  const alpha = (config.scaleParameter ?? true) ? op.mul(rate, op.maximum(rms(param, stackAxes), eps2)) : rate;
  update = op.mul(update, alpha);
  if (config.beta1 !== undefined) {
    const m = op.add(op.mul(state.m, config.beta1), op.mul(update, 1 - config.beta1));
    next.m = m;
    update = m;
  }
  const decay = isDecayed ? (config.weightDecay ?? 0) : 0;
  const decayed = decay === 0 ? param : op.mul(param, op.sub(1, op.mul(alpha, decay)));
  return { param: op.sub(decayed, update), state: next };
}

export function validateAdafactor(c: AdafactorConfig): void {
  const check = (name: string, v: number | undefined, ok: (x: number) => boolean, want: string): void => {
    if (v !== undefined && !ok(v)) throw new Error(`adafactor.${name} must be ${want}, got ${v}`);
  };
  check('eps1', c.eps1, (x) => x > 0, '> 0');
  check('eps2', c.eps2, (x) => x > 0, '> 0');
  check('clipThreshold', c.clipThreshold, (x) => x > 0, '> 0');
  check('decayRate', c.decayRate, (x) => x < 0, '< 0');
  check('beta1', c.beta1, (x) => x >= 0 && x < 1, 'in [0, 1)');
  check('weightDecay', c.weightDecay, (x) => x >= 0, '≥ 0');
}
