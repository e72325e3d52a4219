// The training graph of a step whose AdamW update runs on the host (hostProgram.ts): forward,
// loss and backward as in fused.ts, then the gradients and the update's scalars as outputs
// instead of the update itself. One step per run (K steps are K runs), parameters one input
// each, no optimizer state in the graph.

import { Graph } from '../onnx/graph';
import type { Tensor } from '../onnx/graph';
import * as op from '../onnx/ops';
import type { AdamWConfig } from './adamw';
import { adamwScalars } from './adamw';
import { batchInputs, microBatchSums, OUT_GRAD_NORMS, OUT_LOSSES, OUT_LRS, STEP_NAME, stepScalars } from './fused';
import type { FusedSpec } from './spec';
import { withHostFieldsFed } from './spec';

/** The output with the update's scalars, in ADAMW_SCALARS order. */
export const OUT_ADAMW_SCALARS = 'adamw.scalars';

/** The order of OUT_ADAMW_SCALARS' values (optim/adamw.ts, AdamWScalars). */
export const ADAMW_SCALARS = ['c1', 'c2', 'epsTerm', 'keep', 'stepSize'] as const;

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
 * parameter's gradient sum (named in `gradOutputs`), OUT_ADAMW_SCALARS (the update's scalars with the clipped mean's scale folded
 * into c₁ and c₂, as in the graph's own update), the next step counter, and `losses`,
 * `gradNorms` and `lrs` of shape [1].
 */
export function buildHostAdamWGraph(spec: FusedSpec & { optimizer: AdamWConfig }, isFed = false): HostGraph {
  const g = new Graph('train_gradients');
  const params = spec.params.map((p) => g.input(p.name, 'float32', p.shape));
  const stepIn = g.input(STEP_NAME, 'float32', []);
  // The host's fields are fed as batch inputs like the caller's (hostProgram.ts computes them).
  const fed = isFed ? withHostFieldsFed(spec) : spec;
  const pick = batchInputs(g, fed, 1);
  const micro = { pick, first: op.scalar(g, 0, 'int32'), isLooped: true };
  const { loss, gradSums } = microBatchSums(g, fed, params, stepIn, micro, 'cpu');
  const { scalars, norm, rate, nextStep } = g.scope('optim', () => {
    const { norm, gradScale, t, rate } = stepScalars(spec, gradSums, stepIn);
    const s = adamwScalars(t, rate, spec.optimizer, gradScale);
    const values: Record<(typeof ADAMW_SCALARS)[number], Tensor> = { ...s, keep: s.keep() };
    const scalars = op.concat(
      ADAMW_SCALARS.map((name) => op.reshape(values[name], [1])),
      0,
    );
    return { scalars, norm, rate, nextStep: op.add(stepIn, 1) };
  });
  const gradOutputs: Record<string, string> = {};
  spec.params.forEach((p, i) => (gradOutputs[p.name] = g.output(gradSums[i]).name));
  g.output(scalars, OUT_ADAMW_SCALARS);
  const next = g.output(nextStep).name;
  g.output(op.reshape(loss, [1]), OUT_LOSSES);
  g.output(op.reshape(norm, [1]), OUT_GRAD_NORMS);
  g.output(op.reshape(rate, [1]), OUT_LRS);
  return { graph: g, gradOutputs, nextStep: next };
}
