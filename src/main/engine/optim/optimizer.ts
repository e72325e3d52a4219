// The optimizer seam: one config union (AdamW | Adafactor), the state tensors each parameter
// needs, and `applyOptimizer`, which updates every parameter given its gradient. The step
// counter and rate come from the caller (fused.ts builds them from the carried step).
// Not a runtime object: everything here builds graph nodes.

import type { Tensor } from '../onnx/graph';
import type { AdafactorConfig } from './adafactor';
import { adafactorRate, adafactorScalars, adafactorStateShapes, adafactorUpdate, validateAdafactor } from './adafactor';
import type { AdamWConfig } from './adamw';
import { adamwApply, adamwScalars, defaultNoDecay, validateAdamW } from './adamw';

export type OptimizerConfig = AdamWConfig | AdafactorConfig;
export const OPTIMIZER_KINDS = ['adamw', 'adafactor'] as const;

export interface ParamInfo {
  readonly name: string;
  readonly shape: readonly number[];
  /** Decided already (a flat buffer of parameters that share it); else from the config's mask. */
  readonly isDecayed?: boolean;
  /** The leading axis stacks parameters of one shape (flat.ts, layout 'stacked'): each is updated as its own. */
  readonly isStacked?: boolean;
}

export function validateOptimizer(config: OptimizerConfig): void {
  const kind: string = config.kind;
  if (config.kind === 'adamw') validateAdamW(config);
  else if (config.kind === 'adafactor') validateAdafactor(config);
  else throw new Error(`Unknown optimizer '${kind}'; expected one of: ${OPTIMIZER_KINDS.join(', ')}`);
}

/**
 * State tensor shapes for one parameter, keyed by slot ('m', 'v', 'row', 'col', 'sq'); with
 * `isStacked`, for a stack of parameters of shape[1:]: each one's slots, stacked the same way.
 */
export function stateShapes(
  config: OptimizerConfig,
  shape: readonly number[],
  isStacked = false,
): Record<string, number[]> {
  if (isStacked) {
    const each = Object.entries(stateShapes(config, shape.slice(1)));
    return Object.fromEntries(each.map(([slot, slotShape]) => [slot, [shape[0], ...slotShape]]));
  }
  if (config.kind === 'adamw') return { m: [...shape], v: [...shape] };
  return adafactorStateShapes(shape, config);
}

/** The graph/host name of one state tensor: `opt.<slot>/<param name>`. */
export function stateName(param: string, slot: string): string {
  return `opt.${slot}/${param}`;
}

/** Whether weight decay applies to a parameter (the config's mask, or the default). */
export function isDecayed(config: OptimizerConfig, info: ParamInfo): boolean {
  if (info.isDecayed !== undefined) return info.isDecayed;
  const noDecay = config.noDecay ?? defaultNoDecay;
  return !noDecay(info.name, info.shape);
}

/**
 * The rate reported per step: the schedule's rate for AdamW and for Adafactor without
 * relative steps, ρₜ for Adafactor with relative steps (before parameter scaling).
 */
export function effectiveRate(config: OptimizerConfig, t: Tensor, scheduled: Tensor): Tensor {
  return config.kind === 'adafactor' ? adafactorRate(t, scheduled, config) : scheduled;
}

export interface OptimizerStepResult {
  readonly params: Tensor[];
  readonly state: Record<string, Tensor>[];
}

/**
 * Updates every parameter. `t` is the 1-based step number as a float scalar; `rate` comes
 * from `effectiveRate`; the gradient used is `gradScale`·grad when a scale is given (clipping
 * and the micro-batch mean, folded into scalars). Parameters, gradients, state and infos are
 * parallel arrays.
 */
export function applyOptimizer(
  config: OptimizerConfig,
  infos: readonly ParamInfo[],
  params: readonly Tensor[],
  grads: readonly Tensor[],
  state: readonly Readonly<Record<string, Tensor>>[],
  t: Tensor,
  rate: Tensor,
  gradScale?: Tensor,
): OptimizerStepResult {
  const outParams: Tensor[] = [];
  const outState: Record<string, Tensor>[] = [];
  if (config.kind === 'adamw') {
    const scalars = adamwScalars(t, rate, config, gradScale); // once, whatever the tensor count
    infos.forEach((info, i) => {
      const { m, v } = state[i];
      const r = adamwApply(params[i], grads[i], { m, v }, scalars, isDecayed(config, info), config);
      outParams.push(r.param);
      outState.push({ m: r.state.m, v: r.state.v });
    });
  } else {
    const scalars = adafactorScalars(t, config);
    infos.forEach((info, i) => {
      const decayed = isDecayed(config, info);
      const r = adafactorUpdate(
        params[i],
        grads[i],
        state[i],
        { t, rate, config, isDecayed: decayed },
        {
          gradScale,
          scalars,
          stackAxes: info.isStacked ? 1 : 0,
        },
      );
      outParams.push(r.param);
      outState.push({ ...r.state });
    });
  }
  return { params: outParams, state: outState };
}
