// T5 building blocks as graph builders: linear (HF [out, in] weights), RMS norm, multi-head
// attention without 1/√d scaling, relu / gated-gelu feed-forward, dropout (the relative-position
// bias lookup is in positionBias.ts). Only ops from DESIGN §3 so the autodiff can differentiate them.
// Reference: HF modeling_t5.py (T5LayerNorm, T5Attention, T5DenseActDense,
// T5DenseGatedActDense, T5LayerFF); dimension letters in dims.ts.

import type { Dim, Graph, Tensor } from '../onnx/graph';
import * as op from '../onnx/ops';
import type { T5Config } from './config';
import { innerDim } from './config';
import type { MaskApplication, MaskSource } from '../onnx/random';
import type { BuildDevice } from '../optim/spec';
import { counterDropout, counterDropoutScale } from '../onnx/random';

export type FloatType = 'float32' | 'float64';

/** Large negative additive mask (exp underflows to 0 in float32 and float64 alike). */
export const MASK_VALUE = -1e9;

/** What every block builder needs: where to put nodes, the shapes and the parameters. */
export interface BuildContext {
  readonly g: Graph;
  readonly config: T5Config;
  readonly dtype: FloatType;
  /** 0 builds no Dropout nodes at all (evaluation, inference, scoring). */
  readonly dropoutRate: number;
  /** The parameter tensor for an HF name (a graph input or an initializer). */
  param(name: string): Tensor;
  /**
   * Set (training through optim.compile): dropout masks come from this stream of an int32 key,
   * a function of (run seed, step, micro-batch), via onnx/random.ts, the same on every provider
   * and after a resume. Unset: ORT Dropout nodes with fixed seeds and hidden generator state.
   */
  readonly dropoutStream?: MaskSource;
  /** A fresh number for the next ORT Dropout node's seed. */
  nextSeed(): number;
  /**
   * What the graph is built for (default 'cpu'): a GPU graph computes linear layers as 2-D
   * MatMuls over rows (linear). Either kind leaves dropout's scale to the linear layer next to
   * it (deferredDropoutScale).
   */
  readonly device: BuildDevice;
  /** Standard ONNX ops only, no onnxruntime contrib op (exports for other runtimes; default false). */
  readonly isStandardOnly: boolean;
}

/**
 * α·x·Wᵀ for an HF Linear weight W [out, in]: (…, in) → (…, out). NOTE: on a GPU as one 2-D
 * MatMul over the rows of x with the transposed weight (a Transpose of the small weight, each
 * step), not a Gemm with transB: onnxruntime 1.30's WebGPU Gemm reads a transposed B 3.5× slower
 * than any other form of the product. Measured on one H200 (2026-12-04, `spanfill bench ops
 * --provider webgpu --forms all`, the GPU's own time): 16384×512·512×2048 in 5.16 ms as Gemm
 * with transB against 1.49 as MatMul, 1.44 as Gemm with transA (the weight gradient's form,
 * which the MatMul's gradient takes: autodiff/grads/matmul.ts), 1.54 as a Transpose and a MatMul.
 */
export function linear(ctx: BuildContext, x: Tensor, name: string, alpha = 1): Tensor {
  return linearWith(ctx, x, ctx.param(name), alpha);
}

/** linear() of a weight tensor [out, in] given rather than named (stacked weights, for one). */
export function linearWith(ctx: BuildContext, x: Tensor, weight: Tensor, alpha = 1): Tensor {
  const [out, inner] = weight.shape as number[];
  const weightT = op.transpose(weight, [1, 0]); // (in, out)
  // Static shapes only: Reshape's 0 ("copy the input's") would copy the product's dims.
  if (ctx.device === 'gpu' && x.shape.every((d) => typeof d === 'number')) {
    const rows = op.reshape(x, [-1, inner]); // (R, in)
    const product = smallestScaled(rows, weightT, alpha); // (R, out)
    return op.reshape(product, [...x.shape.slice(0, -1).map(reshapeDim), out]); // (…, out)
  }
  // Otherwise α scales the narrower side: the input unless it has more features than the output.
  const isInputScaled = alpha !== 1 && inner <= out;
  const y = op.matmul(isInputScaled ? op.mul(x, alpha) : x, weightT); // (…, out)
  return alpha === 1 || isInputScaled ? y : op.mul(y, alpha);
}

/**
 * α·a·b for a (R, K), b (K, N), with α multiplied into whichever of a, b and the product has
 * the fewest elements (one pass over it, and one over its gradient): the weight for a large
 * batch, the rows for a small one.
 */
function smallestScaled(a: Tensor, b: Tensor, alpha: number): Tensor {
  if (alpha === 1) return op.matmul(a, b);
  const [rows, k] = a.shape as number[];
  const n = b.shape[1] as number;
  const sizes = { a: rows * k, b: k * n, output: rows * n };
  if (sizes.a <= Math.min(sizes.b, sizes.output)) return op.matmul(op.mul(a, alpha), b);
  if (sizes.b <= sizes.output) return op.matmul(a, op.mul(b, alpha));
  return op.mul(op.matmul(a, b), alpha);
}

/**
 * RMS norm without mean subtraction: w · x / √(mean(x²) + ε), as one fused node
 * (onnxruntime's SimplifiedLayerNormalization, float32 and float64) with its own gradient rule,
 * which keeps only x for the backward: 15 nodes with the backward instead of 26 (on a GPU each a
 * dispatch), and on the CPU a t5-small step at B=8 512/114 peaked at 4,663 instead of 5,657 MB
 * (8.5–8.7 against 9.3–10.4 s/step, 2 threads; no measurable change at 128/29). Exports
 * (ctx.isStandardOnly) keep the elementwise form, which any ONNX runtime runs.
 */
export function rmsNorm(ctx: BuildContext, x: Tensor, name: string): Tensor {
  if (!ctx.isStandardOnly) return op.rmsNormalization(x, ctx.param(name), ctx.config.layerNormEpsilon);
  const variance = op.reduceMean(op.mul(x, x), [-1], true); // (…, 1)
  const normed = op.div(x, op.sqrt(op.add(variance, ctx.config.layerNormEpsilon))); // (…, D)
  return op.mul(normed, ctx.param(name)); // (…, D)
}

/**
 * The residual sum x + branch and its RMS norm. Built for a GPU: one
 * SkipSimplifiedLayerNormalization node (autodiff/grads/nn.ts differentiates it), one dispatch
 * fewer, and in a training step's backward none more. Otherwise an Add and rmsNorm. NOTE:
 * onnxruntime 1.30's CPU kernel of the fused node was slower than the pair: a t5-small decoder
 * step, 2 threads, bench generate greedy at 64 tokens, three alternating rounds: 7.9, 8.3,
 * 8.9 ms/token fused against 6.7, 7.7, 7.3.
 */
export function addRmsNorm(
  ctx: BuildContext,
  x: Tensor,
  branch: Tensor,
  name: string,
): { sum: Tensor; normed: Tensor } {
  // NOTE: float32 only: onnxruntime has no float64 kernel of the fused node.
  if (ctx.device === 'gpu' && !ctx.isStandardOnly && ctx.dtype === 'float32') {
    return op.skipRmsNormalization(x, branch, ctx.param(name), ctx.config.layerNormEpsilon);
  }
  const sum = op.add(x, branch);
  return { sum, normed: rmsNorm(ctx, sum, name) };
}

export function dropout(ctx: BuildContext, x: Tensor): Tensor {
  if (ctx.dropoutRate === 0) return x;
  if (ctx.dropoutStream) return counterDropout(x, ctx.dropoutRate, ctx.dropoutStream, { applyBy: MASK_APPLICATION });
  return op.dropout(x, ctx.dropoutRate, true, ctx.nextSeed()).output;
}

/**
 * How dropout masks are applied, on every provider: a multiply by the cast mask. Measured
 * against one Where node: onnxruntime's CPU Where took 9–11 ms on 2M floats where Cast + Mul
 * took 4–5 (2 threads); on an H200 (WebGPU, B=32 512/114, 2026-12-04, same run) Where read its
 * bool mask at ~0.9 TB/s, the step 298.1 ms/step with Where against 290.5 with Cast + Mul
 * (B=8 128/32: 47.7 against 42.9), for two more dispatches a dropout site.
 */
const MASK_APPLICATION: MaskApplication = 'multiply';

/**
 * The factor of dropout that the linear layer next to it takes instead (on a GPU as a Mul on
 * the smallest of its rows, weight and output; on the CPU as a Mul on the narrower side of its
 * MatMul, which onnxruntime folds into FusedMatMul's alpha): 1/(1−p) with counter masks, else 1. Why: the scaling Mul and its
 * gradient's are passes over the largest activations (the attention weights) and, on a GPU, two
 * dispatches per dropout site (~120 in a t5-small step). Measured on the CPU (t5-small, B=8
 * 512/114, 2 threads, `spanfill bench train --profile`, the 2-core machine): Mul kernels 857
 * against 1,244 ms per step with the factor at each site, the step 9.4 against 11.0 s.
 */
export function deferredDropoutScale(ctx: BuildContext): number {
  const isDeferred = ctx.dropoutStream !== undefined && ctx.dropoutRate > 0;
  return isDeferred ? counterDropoutScale(ctx.dropoutRate) : 1;
}

/** dropout(x) without the factor deferredDropoutScale(ctx), which the caller's linear layer takes as its alpha. */
export function dropoutDeferred(ctx: BuildContext, x: Tensor): Tensor {
  if (!ctx.dropoutStream || deferredDropoutScale(ctx) === 1) return dropout(ctx, x);
  return counterDropout(x, ctx.dropoutRate, ctx.dropoutStream, { isScaled: false, applyBy: MASK_APPLICATION });
}

/**
 * dropout(branch(α)), where the branch ends in a linear layer scaled by α: it takes the
 * dropout's deferred factor (deferredDropoutScale). The branch is built before the dropout, so
 * the masks are asked for in the order the plain form asks.
 */
export function droppedBranch(ctx: BuildContext, branch: (alpha: number) => Tensor): Tensor {
  return dropoutDeferred(ctx, branch(deferredDropoutScale(ctx)));
}

/** The residual stream between sublayers: base + branch, the add left to the next norm (normOf). */
export interface Residual {
  readonly base: Tensor; // (…, D)
  readonly branch: Tensor | null; // (…, D), null: the stream is `base`
}

/** The stream's sum and its RMS norm: one node per pair in a graph built for a GPU (addRmsNorm). */
export function normOf(ctx: BuildContext, stream: Residual, name: string): { sum: Tensor; normed: Tensor } {
  if (!stream.branch) return { sum: stream.base, normed: rmsNorm(ctx, stream.base, name) };
  return addRmsNorm(ctx, stream.base, stream.branch, name);
}

/** A Reshape target entry for a dimension: its size, or 0 ("copy the input's") when symbolic. */
export function reshapeDim(d: Dim): number {
  return typeof d === 'number' ? d : 0;
}

/**
 * (B, T, I) → the axes of (B, T, H, Dk) in `perm` order, B first. With one position (T = 1, a
 * decoder step) moving it keeps the memory order, so a Reshape does it: no Transpose, which is
 * a dispatch on a GPU.
 */
function headsOf(ctx: BuildContext, x: Tensor, perm: readonly number[]): Tensor {
  const [b, t] = x.shape.map(reshapeDim);
  const heads = [b, t, ctx.config.numHeads, ctx.config.dKv]; // (B, T, H, Dk)
  if (t === 1)
    return op.reshape(
      x,
      perm.map((axis) => heads[axis]),
    );
  return op.transpose(op.reshape(x, heads), perm);
}

/** (B, T, I) → (B, H, T, Dk). */
export function splitHeads(ctx: BuildContext, x: Tensor): Tensor {
  return headsOf(ctx, x, [0, 2, 1, 3]);
}

/**
 * (B, T, I) → (B, H, Dk, T): keys laid out as attend() multiplies them, in one Transpose
 * (splitHeads and then swapping the last two axes would be two).
 */
export function splitKeyHeads(ctx: BuildContext, x: Tensor): Tensor {
  return headsOf(ctx, x, [0, 2, 3, 1]);
}

/** Keys (B, H, T, Dk) → (B, H, Dk, T), the layout attend() takes. */
export function transposeKeys(k: Tensor): Tensor {
  return op.transpose(k, [0, 1, 3, 2]);
}

/** (B, H, T, Dk) → (B, T, I); a Reshape alone when T = 1 (splitHeads). */
export function mergeHeads(ctx: BuildContext, x: Tensor): Tensor {
  const [b, , t] = x.shape.map(reshapeDim);
  if (t === 1) return op.reshape(x, [b, 1, innerDim(ctx.config)]); // (B, 1, I)
  const merged = op.transpose(x, [0, 2, 1, 3]); // (B, T, H, Dk)
  return op.reshape(merged, [b, t, innerDim(ctx.config)]); // (B, T, I)
}

/**
 * softmax(q·kᵀ + bias)·v over heads, then the output projection. T5 folds the 1/√Dk scale
 * into the initialisation, so none is applied here.
 * q (B, H, Tq, Dk), keys already transposed kT (B, H, Dk, Tk) (splitKeyHeads), v (B, H, Tk, Dk),
 * bias broadcastable to (B, H, Tq, Tk).
 */
export function attend(
  ctx: BuildContext,
  prefix: string,
  q: Tensor,
  kT: Tensor,
  v: Tensor,
  bias: Tensor,
  outScale = 1,
): Tensor {
  const scores = op.add(op.matmul(q, kT), bias); // (B, H, Tq, Tk)
  const weights = dropoutDeferred(ctx, op.softmax(scores, -1)); // (B, H, Tq, Tk)
  const context = mergeHeads(ctx, op.matmul(weights, v)); // (B, Tq, I)
  // The output projection is linear: it takes the weights' deferred dropout factor too.
  return linear(ctx, context, `${prefix}.o.weight`, deferredDropoutScale(ctx) * outScale); // (B, Tq, D)
}

/** Attention heads as attend() takes them: q (B, H, Tq, Dk), keys kT (B, H, Dk, Tk), values v (B, H, Tk, Dk). */
export interface Heads {
  readonly q: Tensor;
  readonly kT: Tensor;
  readonly v: Tensor;
}

/** The heads of projected queries, keys and values (B, T, I) each. */
function headsOfEach(ctx: BuildContext, [q, k, v]: readonly Tensor[]): Heads {
  return { q: splitHeads(ctx, q), kT: splitKeyHeads(ctx, k), v: splitHeads(ctx, v) };
}

/**
 * Self-attention's heads of x (B, T, D). In a graph built for a GPU one linear layer over the
 * q, k and v weights stacked [3I, D]: a decoder step runs one MatMul instead of three (the Concat
 * of its initializers is folded when the session loads) and a Split; a training step's backward
 * one product for the weights' gradient and one for the input's instead of three each and two Adds
 * (its forward adds a Concat of the weights), and one Transpose puts all three in heads order
 * (with one more for the keys) instead of one each, and back in the backward. The CPU graph
 * keeps three linear layers.
 */
export function selfHeads(ctx: BuildContext, x: Tensor, prefix: string): Heads {
  const names = ['q', 'k', 'v'].map((projection) => `${prefix}.${projection}.weight`);
  if (ctx.device !== 'gpu')
    return headsOfEach(
      ctx,
      names.map((name) => linear(ctx, x, name)),
    );
  const stacked = op.concat(
    names.map((name) => ctx.param(name)),
    0,
  ); // (3I, D)
  const rows = linearWith(ctx, x, stacked); // (B, T, 3I)
  const [b, t] = x.shape.map(reshapeDim);
  const inner = innerDim(ctx.config);
  if (t === 1) return headsOfEach(ctx, op.split(rows, [inner, inner, inner], -1)); // Reshapes only (headsOf)
  const { numHeads, dKv } = ctx.config;
  const all = op.transpose(op.reshape(rows, [b, t, 3, numHeads, dKv]), [2, 0, 3, 1, 4]); // (3, B, H, T, Dk)
  const [q, k, v] = op.split(all, [1, 1, 1], 0).map((piece) => op.squeeze(piece, [0])); // (B, H, T, Dk) each
  return { q, kT: transposeKeys(k), v };
}

/** Full attention: queries from `xq` (B, Tq, D), keys/values from `xkv` (B, Tk, D); `outScale` scales the output. */
export function attention(
  ctx: BuildContext,
  prefix: string,
  xq: Tensor,
  xkv: Tensor,
  bias: Tensor,
  outScale = 1,
): Tensor {
  const { q, kT, v } =
    xq === xkv
      ? selfHeads(ctx, xq, prefix)
      : headsOfEach(ctx, [
          linear(ctx, xq, `${prefix}.q.weight`),
          linear(ctx, xkv, `${prefix}.k.weight`),
          linear(ctx, xkv, `${prefix}.v.weight`),
        ]);
  return attend(ctx, prefix, q, kT, v, bias, outScale);
}

/**
 * tanh-form GELU (HF `gelu_new`): ½x(1 + tanh(√(2/π)(x + 0.044715x³))). Built from Mul/Add/
 * Tanh because Erf has no float64 kernel and no gradient rule here.
 */
export function geluTanh(x: Tensor): Tensor {
  const cube = op.mul(op.mul(x, x), x);
  const inner = op.mul(op.add(x, op.mul(cube, 0.044715)), Math.sqrt(2 / Math.PI));
  return op.mul(op.mul(x, 0.5), op.add(op.tanh(inner), 1));
}

/**
 * The FFN sublayer body, times `outScale`: relu: wo(drop(relu(wi x))); gated-gelu:
 * wo(drop(gelu(wi_0 x) ⊙ wi_1 x)). The output projection also takes the hidden dropout's deferred factor.
 */
export function feedForward(ctx: BuildContext, prefix: string, x: Tensor, outScale = 1): Tensor {
  const name = `${prefix}.DenseReluDense`;
  const deferred = deferredDropoutScale(ctx);
  const alpha = deferred * outScale;
  let hidden: Tensor;
  if (ctx.config.feedForwardProj === 'gated-gelu') {
    const gate = geluTanh(linear(ctx, x, `${name}.wi_0.weight`)); // (B, T, F)
    hidden = op.mul(gate, linear(ctx, x, `${name}.wi_1.weight`)); // (B, T, F)
  } else {
    const pre = linear(ctx, x, `${name}.wi.weight`); // (B, T, F)
    // dropout(relu(x)) as one mask: the backward keeps no pre-activation, only the bool mask.
    if (ctx.dropoutStream && ctx.dropoutRate > 0) {
      const dropped = counterDropout(pre, ctx.dropoutRate, ctx.dropoutStream, {
        keepOnly: op.greater(pre, 0),
        isScaled: deferred === 1,
        applyBy: MASK_APPLICATION,
      });
      return linear(ctx, dropped, `${name}.wo.weight`, alpha); // (B, T, D)
    }
    hidden = op.relu(pre); // (B, T, F)
  }
  return linear(ctx, dropoutDeferred(ctx, hidden), `${name}.wo.weight`, alpha); // (B, T, D)
}

/** Attention mask (B, T) int64 of 1/0 → additive bias (B, 1, 1, T): 0 to keep, MASK_VALUE to drop. */
export function maskBias(ctx: BuildContext, mask: Tensor): Tensor {
  const keep = op.cast(mask, ctx.dtype); // (B, T)
  const bias = op.mul(op.sub(1, keep), MASK_VALUE); // (B, T)
  return op.unsqueeze(bias, [1, 2]); // (B, 1, 1, T)
}

/** HF name → tensor: a map, or a function that creates tensors on first use (initializers). */
export type ParamLookup = ReadonlyMap<string, Tensor> | ((name: string) => Tensor | undefined);

/** Creates a BuildContext; `params` maps HF names to tensors. */
export function buildContext(
  g: Graph,
  config: T5Config,
  params: ParamLookup,
  options: {
    dtype?: FloatType;
    dropoutRate?: number;
    seed?: number;
    dropoutStream?: MaskSource;
    device?: BuildDevice;
    isStandardOnly?: boolean;
  } = {},
): BuildContext {
  let seed = options.seed ?? 0;
  const lookup = typeof params === 'function' ? params : (name: string) => params.get(name);
  return {
    g,
    config,
    dtype: options.dtype ?? 'float32',
    dropoutRate: options.dropoutRate ?? config.dropoutRate,
    dropoutStream: options.dropoutStream,
    device: options.device ?? 'cpu',
    isStandardOnly: options.isStandardOnly ?? false,
    param(name) {
      const t = lookup(name);
      if (!t) throw new Error(`T5 graph: no parameter '${name}'`);
      return t;
    },
    nextSeed: () => seed++,
  };
}
