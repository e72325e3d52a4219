// AdamW as graph nodes: the step's scalars once, then each parameter's (or flat buffer's)
// update from its gradient and first and second moments. Decoupled weight decay as in
// Loshchilov & Hutter 2019 and the PyTorch `torch.optim.AdamW` documentation (the algorithm
// box, amsgrad off, maximize off).

import type { Tensor } from '../onnx/graph';
import * as op from '../onnx/ops';

export interface AdamWConfig {
  readonly kind: 'adamw';
  readonly beta1?: number; // default 0.9
  readonly beta2?: number; // default 0.999
  readonly eps?: number; // default 1e-8
  readonly weightDecay?: number; // default 0.01, as PyTorch
  /**
   * Parameters that get no weight decay (norm scales, biases). Default: names containing
   * 'norm' or 'bias', or any 1-D parameter.
   */
  readonly noDecay?: (name: string, shape: readonly number[]) => boolean;
}

/** β₁ and β₂ with their defaults. */
export const adamwBetas = (c: AdamWConfig): { beta1: number; beta2: number } => ({
  beta1: c.beta1 ?? 0.9,
  beta2: c.beta2 ?? 0.999,
});

export const defaultNoDecay = (name: string, shape: readonly number[]): boolean =>
  shape.length <= 1 || /norm|bias/i.test(name);

export interface AdamWState {
  readonly m: Tensor;
  readonly v: Tensor;
}

export interface AdamWResult {
  readonly param: Tensor;
  readonly state: AdamWState;
}

/** The scalars of one step's update, shared by every tensor (or flat buffer) it updates. */
export interface AdamWScalars {
  /** s·(1 − β₁) and s²·(1 − β₂): the moments' gradient coefficients. */
  readonly c1: Tensor;
  readonly c2: Tensor;
  /** γ√b₂/b₁ and ε√b₂ (b = 1 − βᵗ). */
  readonly stepSize: Tensor;
  readonly epsTerm: Tensor;
  /** 1 − γλ, built on first use (only decayed tensors need it). */
  readonly keep: () => Tensor;
}

/**
 * One AdamW update at step t (t = 1 for the first update; a float scalar), rate γ,
 * decay λ (0 for masked parameters), gradient g = s·grad (s: the optional scalar
 * `gradScale`, e.g. clipping coefficient / micro-batch count):
 *
 *   θ ← θ − γλθ
 *   m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
 *   θ ← θ − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
 *
 * Built as θ(1 − γλ) − (γ√b₂/b₁) · m / (√v + ε√b₂) with b = 1 − βᵗ (the same value), and s
 * folded into the scalar coefficients, so each full-size tensor is touched as few times as
 * possible: the optimizer is memory-bound on the CPU. These are the scalars, built once per step.
 */
export function adamwScalars(t: Tensor, lr: Tensor, config: AdamWConfig, gradScale?: Tensor): AdamWScalars {
  const { beta1, beta2 } = adamwBetas(config);
  const eps = config.eps ?? 1e-8;
  const c1 = gradScale ? op.mul(gradScale, 1 - beta1) : op.scalar(t.graph, 1 - beta1, t.dtype); // scalar
  const c2 = gradScale ? op.mul(op.mul(gradScale, gradScale), 1 - beta2) : op.scalar(t.graph, 1 - beta2, t.dtype);
  const bias1 = op.sub(1, op.pow(op.scalar(t.graph, beta1, t.dtype), t)); // 1 − β₁ᵗ, scalar
  const sqrtBias2 = op.sqrt(op.sub(1, op.pow(op.scalar(t.graph, beta2, t.dtype), t))); // √(1 − β₂ᵗ), scalar
  const stepSize = op.div(op.mul(lr, sqrtBias2), bias1); // scalar
  const epsTerm = op.mul(sqrtBias2, eps); // scalar
  let keep: Tensor | null = null;
  return { c1, c2, stepSize, epsTerm, keep: () => (keep ??= op.sub(1, op.mul(lr, config.weightDecay ?? 0.01))) };
}

/** One tensor's (or flat buffer's) update with the step's scalars; see adamwScalars. */
export function adamwApply(
  param: Tensor,
  grad: Tensor,
  state: AdamWState,
  scalars: AdamWScalars,
  isDecayed: boolean,
  config: AdamWConfig,
): AdamWResult {
  const { beta1, beta2 } = adamwBetas(config);
  const m = op.add(op.mul(state.m, beta1), op.mul(grad, scalars.c1));
  const v = op.add(op.mul(state.v, beta2), op.mul(op.mul(grad, grad), scalars.c2));
  const denom = op.add(op.sqrt(v), scalars.epsTerm);
  const decay = isDecayed ? (config.weightDecay ?? 0.01) : 0;
  const decayed = decay === 0 ? param : op.mul(param, scalars.keep());
  const next = op.sub(decayed, op.mul(op.div(m, denom), scalars.stepSize));
  return { param: next, state: { m, v } };
}

export function validateAdamW(c: AdamWConfig): void {
  const check = (name: string, v: number | undefined, ok: (x: number) => boolean, want: string): void => {
    if (v !== undefined && !ok(v)) throw new Error(`adamw.${name} must be ${want}, got ${v}`);
  };
  check('beta1', c.beta1, (x) => x >= 0 && x < 1, 'in [0, 1)');
  check('beta2', c.beta2, (x) => x >= 0 && x < 1, 'in [0, 1)');
  check('eps', c.eps, (x) => x > 0, '> 0');
  check('weightDecay', c.weightDecay, (x) => x >= 0, '≥ 0');
}
