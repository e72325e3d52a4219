// Gradient accumulation: the summed loss and parameter gradients over M micro-batches of one
// optimizer step, each weighted by its item count nⱼ when the model gives one (fused.ts divides
// by N = Σⱼnⱼ, else by M). Either unrolled (M copies of forward + backward in the graph: needed
// on WebGPU, which has no Loop kernel) or micro-batch 0 inline and an inner ONNX Loop over the
// other M − 1 (two copies whatever M is). References: ONNX Operators.md#Loop; HF transformers'
// Trainer normalises the same way since 4.46 (trainer.py get_batch_samples counts
// `num_items_in_batch` over the accumulated batches, loss/loss_utils.py fixed_cross_entropy
// divides the summed token losses by it).

import { gradients } from '../autodiff/gradients';
import { isFloat } from '../onnx/dtype';
import { Tensor } from '../onnx/graph';
import type { Graph } from '../onnx/graph';
import * as op from '../onnx/ops';
import type { BuildDevice, FusedSpec, StepPosition } from './spec';

export interface Accumulated {
  /** Σⱼ nⱼ·lossⱼ over the M micro-batches (Σⱼ lossⱼ when the model counts no items, or M = 1). */
  readonly lossSum: Tensor;
  /** Σⱼ nⱼ·∂lossⱼ/∂θ per parameter, in spec.params order (nⱼ = 1 as for lossSum). */
  readonly gradSums: Tensor[];
  /** N = Σⱼ nⱼ, the items the step's loss is the mean of; absent when M = 1 or the model counts none. */
  readonly itemSum?: Tensor;
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
  const micro = (j: number): MicroSums =>
    g.scope(m > 1 ? `micro${j}` : 'model', () =>
      lossAndGrads(g, spec, params, options.pick(at(j)), m > 1, {
        step: options.step,
        micro: op.scalar(g, j, 'int32'),
        device: options.device,
      }),
    );
  const first = micro(0);
  if (m === 1) return { lossSum: first.loss, gradSums: first.grads };
  if (!options.isLooped) {
    let sums = first;
    for (let j = 1; j < m; j++) sums = added(sums, micro(j));
    return { lossSum: sums.loss, gradSums: sums.grads, itemSum: sums.items };
  }
  const isCounted = first.items !== undefined;
  const carried = [first.loss, ...(first.items ? [first.items] : []), ...first.grads];
  const looped = op.loop(g, m - 1, carried, (inner, iteration, sums) => {
    // Autodiff treats tensors of enclosing graphs as constants, so differentiate w.r.t.
    // local Identity copies of the parameters (ORT usually removes the Identity nodes).
    const locals = params.map((p) => inner.addNode('Identity', [p], [{ dtype: p.dtype, shape: p.shape }])[0]);
    const micro = op.add(iteration, op.scalar(inner, 1, 'int64')); // 1 + i
    const index = op.add(
      options.first,
      micro.dtype === options.first.dtype ? micro : op.cast(micro, options.first.dtype),
    );
    const next = inner.scope('micro', () =>
      lossAndGrads(inner, spec, locals, options.pick(index), true, {
        step: options.step,
        micro,
        device: options.device,
      }),
    );
    const total = added(carriedSums(sums, isCounted), next);
    return { carried: [total.loss, ...(total.items ? [total.items] : []), ...total.grads] };
  });
  const total = carriedSums(looped.carried, isCounted);
  return { lossSum: total.loss, gradSums: total.grads, itemSum: total.items };
}

/** One micro-batch's loss, item count and gradients, or their sums over several. */
interface MicroSums {
  readonly loss: Tensor;
  readonly grads: Tensor[];
  readonly items?: Tensor;
}

/** The sums of `a` and `b`, term by term. */
function added(a: MicroSums, b: MicroSums): MicroSums {
  return {
    loss: op.add(a.loss, b.loss),
    grads: a.grads.map((s, i) => op.add(s, b.grads[i])),
    items: a.items && b.items ? op.add(a.items, b.items) : undefined,
  };
}

/** The sums carried by the inner Loop: the loss, the item count when counted, the gradients. */
function carriedSums(carried: readonly Tensor[], isCounted: boolean): MicroSums {
  const at = isCounted ? 2 : 1;
  return { loss: carried[0], items: isCounted ? carried[1] : undefined, grads: carried.slice(at) };
}

/**
 * Calls the model builder on one micro-batch and differentiates its loss w.r.t. `params`. With
 * `isWeighted` and a model that counts its items n, the loss and gradients are n·loss and
 * ∂(n·loss)/∂θ: the micro-batch's sums over its items, so that Σⱼ over micro-batches divided by
 * Σⱼnⱼ is the mean over all the step's items, as one batch of all their rows would have it (a
 * mean of the micro-batches' means weighs an item of a sparse micro-batch more). n is constant
 * to autodiff, so the backward pass only starts from n instead of 1.
 */
function lossAndGrads(
  g: Graph,
  spec: FusedSpec,
  params: readonly Tensor[],
  batch: Record<string, Tensor>,
  isWeighted: boolean,
  at: StepPosition,
): MicroSums {
  const byName: Record<string, Tensor> = {};
  spec.params.forEach((p, i) => (byName[p.name] = params[i]));
  const result = spec.build(g, byName, batch, at) as { loss?: unknown; itemCount?: unknown } | null | undefined;
  const mean = checkedLoss(g, result?.loss);
  const items = isWeighted && result?.itemCount !== undefined ? checkedItems(result.itemCount, mean) : undefined;
  const loss = items ? op.mul(mean, items) : mean;
  const grads = gradients(loss, params);
  return {
    loss,
    items,
    grads: grads.map((gr, i) => {
      if (gr) return gr;
      throw new Error(
        `parameter '${spec.params[i].name}' does not affect the loss; remove it from params or use it in build()`,
      );
    }),
  };
}

/** The builder's loss, checked: a float scalar of graph `g`. */
function checkedLoss(g: Graph, loss: unknown): Tensor {
  if (!(loss instanceof Tensor)) throw new Error('build() must return { loss: Tensor }');
  if (loss.rank !== 0 || !isFloat(loss.dtype)) {
    throw new Error(`build() must return a scalar float loss; got ${loss.toString()}`);
  }
  if (loss.graph !== g) {
    throw new Error(
      `build() built its loss in graph '${loss.graph.name}', not in the graph it was given ('${g.name}')`,
    );
  }
  return loss;
}

/** The builder's item count, built now and checked: a scalar of the loss's dtype and graph. */
function checkedItems(itemCount: unknown, loss: Tensor): Tensor {
  if (typeof itemCount !== 'function') throw new Error('build(): itemCount must be a function returning a Tensor');
  const items: unknown = itemCount();
  if (!(items instanceof Tensor) || items.rank !== 0 || items.dtype !== loss.dtype || items.graph !== loss.graph) {
    throw new Error(
      `build(): itemCount() must return a ${loss.dtype} scalar in the loss's graph; got ${String(items)}`,
    );
  }
  return items;
}
