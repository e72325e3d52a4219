// Gradient accumulation: the summed loss and parameter gradients over M micro-batches of one
// optimizer step (fused.ts divides by M). Either unrolled (M copies of forward + backward in
// the graph: needed on WebGPU, which has no Loop kernel) or micro-batch 0 inline and an inner
// ONNX Loop over the other M − 1 (two copies whatever M is). Reference: ONNX Operators.md#Loop.

import { gradients } from '../autodiff/gradients';
import { isFloat } from '../onnx/dtype';
import { Tensor } from '../onnx/graph';
import type { Graph } from '../onnx/graph';
import * as op from '../onnx/ops';
import type { BuildDevice, FusedSpec, StepPosition } from './spec';

export interface Accumulated {
  /** Σⱼ lossⱼ over the M micro-batches. */
  readonly lossSum: Tensor;
  /** Σⱼ ∂lossⱼ/∂θ per parameter, in spec.params order. */
  readonly gradSums: Tensor[];
}

export interface AccumulateOptions {
  /** Micro-batch `index` of the stacked batch inputs (index: an integer scalar). */
  readonly pick: (index: Tensor) => Record<string, Tensor>;
  /** Index of this step's first micro-batch (int32, or int64 in a Loop, scalar, visible from `g`). */
  readonly first: Tensor;
  /** Inner Loop over micro-batches 1…M−1 instead of unrolling them. */
  readonly isLooped: boolean;
  /** Steps completed before this one (float32 scalar), passed on to the model builder. */
  readonly step: Tensor;
  /** What the graph is built for, passed on to the model builder. */
  readonly device: BuildDevice;
}

/** Loss and gradient sums over the M = spec.accumulation micro-batches of one step, built in `g`. */
export function accumulate(
  g: Graph,
  spec: FusedSpec,
  params: readonly Tensor[],
  options: AccumulateOptions,
): Accumulated {
  const m = spec.accumulation ?? 1;
  const at = (j: number): Tensor => (j === 0 ? options.first : op.add(options.first, j));
  const micro = (j: number): { loss: Tensor; grads: Tensor[] } =>
    g.scope(m > 1 ? `micro${j}` : 'model', () =>
      lossAndGrads(g, spec, params, options.pick(at(j)), {
        step: options.step,
        micro: op.scalar(g, j, 'int32'),
        device: options.device,
      }),
    );
  const first = micro(0);
  if (m === 1) return { lossSum: first.loss, gradSums: first.grads };
  if (!options.isLooped) {
    let lossSum = first.loss;
    let gradSums = first.grads;
    for (let j = 1; j < m; j++) {
      const next = micro(j);
      lossSum = op.add(lossSum, next.loss);
      gradSums = gradSums.map((s, i) => op.add(s, next.grads[i]));
    }
    return { lossSum, gradSums };
  }
  const looped = op.loop(g, m - 1, [first.loss, ...first.grads], (inner, iteration, [lossSum, ...gradSums]) => {
    // Autodiff treats tensors of enclosing graphs as constants, so differentiate w.r.t.
    // local Identity copies of the parameters (ORT usually removes the Identity nodes).
    const locals = params.map((p) => inner.addNode('Identity', [p], [{ dtype: p.dtype, shape: p.shape }])[0]);
    const micro = op.add(iteration, op.scalar(inner, 1, 'int64')); // 1 + i
    const index = op.add(
      options.first,
      micro.dtype === options.first.dtype ? micro : op.cast(micro, options.first.dtype),
    );
    const next = inner.scope('micro', () =>
      lossAndGrads(inner, spec, locals, options.pick(index), { step: options.step, micro, device: options.device }),
    );
    return { carried: [op.add(lossSum, next.loss), ...gradSums.map((s, i) => op.add(s, next.grads[i]))] };
  });
  return { lossSum: looped.carried[0], gradSums: looped.carried.slice(1) };
}

/** Calls the model builder on one micro-batch and differentiates its loss w.r.t. `params`. */
function lossAndGrads(
  g: Graph,
  spec: FusedSpec,
  params: readonly Tensor[],
  batch: Record<string, Tensor>,
  at: StepPosition,
): { loss: Tensor; grads: Tensor[] } {
  const byName: Record<string, Tensor> = {};
  spec.params.forEach((p, i) => (byName[p.name] = params[i]));
  const result = spec.build(g, byName, batch, at) as { loss?: unknown } | null | undefined;
  const loss = result?.loss;
  if (!(loss instanceof Tensor)) throw new Error('build() must return { loss: Tensor }');
  if (loss.rank !== 0 || !isFloat(loss.dtype)) {
    throw new Error(`build() must return a scalar float loss; got ${loss.toString()}`);
  }
  if (loss.graph !== g) {
    throw new Error(
      `build() built its loss in graph '${loss.graph.name}', not in the graph it was given ('${g.name}')`,
    );
  }
  const grads = gradients(loss, params);
  return {
    loss,
    grads: grads.map((gr, i) => {
      if (gr) return gr;
      throw new Error(
        `parameter '${spec.params[i].name}' does not affect the loss; remove it from params or use it in build()`,
      );
    }),
  };
}
