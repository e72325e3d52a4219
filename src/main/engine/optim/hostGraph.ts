// The training graph of a step whose optimizer update runs on the host (hostProgram.ts): forward,
// loss and backward as in fused.ts, then the gradients and the update's scalars as outputs
// instead of the update itself. One step per run (K steps are K runs), parameters one input
// each, no optimizer state in the graph.

import { Graph } from '../onnx/graph';
import type { Tensor } from '../onnx/graph';
import * as op from '../onnx/ops';
import { adafactorScalars } from './adafactor';
import { adamwScalars } from './adamw';
import { batchInputs, microBatchSums, OUT_GRAD_NORMS, OUT_LOSSES, OUT_LRS, STEP_NAME, stepScalars } from './fused';
import type { FusedSpec } from './spec';
import { withHostFieldsFed } from './spec';

/** The output with the update's scalars, in HOST_SCALARS' order for the optimizer. */
export const OUT_UPDATE_SCALARS = 'update.scalars';

/**
 * The order of OUT_UPDATE_SCALARS' values. AdamW: optim/adamw.ts's AdamWScalars, the clipped
 * mean's scale folded into c₁ and c₂. Adafactor: g = gradScale·grad (1 without clipping or
 * accumulation), its ρ or scheduled rate, β̂₂ₜ and 1 − β̂₂ₜ (optim/adafactor.ts).
 */
export const HOST_SCALARS = {
  adamw: ['c1', 'c2', 'epsTerm', 'keep', 'stepSize'],
  adafactor: ['gradScale', 'rate', 'beta2t', 'oneMinus'],
} as const;

/** The values of OUT_UPDATE_SCALARS by name. */
export function hostScalars<K extends keyof typeof HOST_SCALARS>(
  kind: K,
  values: Float32Array,
): Record<(typeof HOST_SCALARS)[K][number], number> {
  return Object.fromEntries(HOST_SCALARS[kind].map((name, i) => [name, values[i]])) as Record<
    (typeof HOST_SCALARS)[K][number],
    number
  >;
}

export interface HostGraph {
  readonly graph: Graph;
  /** The graph output holding each parameter's gradient (summed over the micro-batches), by parameter. */
  readonly gradOutputs: Readonly<Record<string, string>>;
  /** The output holding the step counter after the step. */
  readonly nextStep: string;
}

/**
 * Inputs: each parameter by name (float32), STEP_NAME, and each batch field (the spec's, then
 * with `isFed` its hostFields') as `batch/<name>` of shape [M, ...shape]. Outputs: each
 * parameter's gradient sum (named in `gradOutputs`), OUT_UPDATE_SCALARS, the next step
 * counter, and `losses`, `gradNorms` and `lrs` of shape [1].
 */
export function buildHostGraph(spec: FusedSpec, isFed = false): HostGraph {
  const g = new Graph('train_gradients');
  const params = spec.params.map((p) => g.input(p.name, 'float32', p.shape));
  const stepIn = g.input(STEP_NAME, 'float32', []);
  // The host's fields are fed as batch inputs like the caller's (hostProgram.ts computes them).
  const fed = isFed ? withHostFieldsFed(spec) : spec;
  const pick = batchInputs(g, fed, 1);
  const micro = { pick, first: op.scalar(g, 0, 'int32'), isLooped: true };
  const { loss, gradSums, divisor } = microBatchSums(g, fed, params, stepIn, micro, 'cpu');
  const { scalars, norm, rate, nextStep } = g.scope('optim', () => {
    const { norm, gradScale, t, rate } = stepScalars(spec, gradSums, stepIn, divisor);
    const values = updateScalars(spec, t, rate, gradScale);
    const scalars = op.concat(
      HOST_SCALARS[spec.optimizer.kind].map((name: string) => op.reshape(values[name], [1])),
      0,
    );
    return { scalars, norm, rate, nextStep: op.add(stepIn, 1) };
  });
  const gradOutputs: Record<string, string> = {};
  spec.params.forEach((p, i) => (gradOutputs[p.name] = g.output(gradSums[i]).name));
  g.output(scalars, OUT_UPDATE_SCALARS);
  const next = g.output(nextStep).name;
  g.output(op.reshape(loss, [1]), OUT_LOSSES);
  g.output(op.reshape(norm, [1]), OUT_GRAD_NORMS);
  g.output(op.reshape(rate, [1]), OUT_LRS);
  return { graph: g, gradOutputs, nextStep: next };
}

/** The update's scalars by HOST_SCALARS name, built as the graph's own update builds them. */
function updateScalars(spec: FusedSpec, t: Tensor, rate: Tensor, gradScale?: Tensor): Record<string, Tensor> {
  const config = spec.optimizer;
  if (config.kind === 'adamw') {
    const s = adamwScalars(t, rate, config, gradScale);
    return { ...s, keep: s.keep() };
  }
  const { beta2t, oneMinus } = adafactorScalars(t, config);
  return { gradScale: gradScale ?? op.scalar(t.graph, 1, t.dtype), rate, beta2t, oneMinus };
}
