// Gradient rules of shape-moving ops: Reshape/Unsqueeze/Squeeze/Flatten (reshape back),
// Transpose (inverse permutation), Expand (the walker sums the broadcast away), Concat
// (split the output gradient) and Split (concatenate the pieces'), Slice (pad it with zeros,
// steps of 1), Gather (scatter-add into zeros: the embedding gradient, duplicates
// accumulate via ScatterND reduction=add) and GatherND (a scatter-add of index tuples).
// Shape and friends have integer outputs; ScatterND must never be differentiated.
// Builders: onnx/ops/shape.ts. Reference: ONNX Operators.md, opset 17.

import type { Tensor } from '../../onnx/graph';
import * as op from '../../onnx/ops';
import { WEBGPU_MAX_SPLIT_OUTPUTS } from '../../onnx/ops/shape';
import type { GradContext, GradientFamily, GradientRule, GradientValue } from '../registry';
import { castSource, castTo, constantNumbers, filled, padZeros, staticShape } from '../helpers';

/** Y = X viewed with another shape: dX = Reshape(dY, shape(X)); shape-like inputs get none. */
const reshapeBack: GradientRule = (ctx) => {
  const dy = ctx.GO(0);
  if (!dy || !ctx.needs(0)) return [null];
  return [op.reshape(dy, staticShape(ctx.I(0), `${ctx.node.opType} gradient`))];
};

/** Y = Transpose(X, p): dX = Transpose(dY, p⁻¹). */
const transposeGrad: GradientRule = (ctx) => {
  const dy = ctx.GO(0);
  if (!dy || !ctx.needs(0)) return [null];
  const rank = ctx.I(0).rank;
  const attr = ctx.attr('perm');
  const perm = Array.isArray(attr) ? (attr as readonly number[]) : Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => (inverse[p] = i));
  return [op.transpose(dy, inverse)];
};

/** Y = Expand(X, s): dX = dY summed over the broadcast axes (done by the walker's sumToShape). */
const expandGrad: GradientRule = (ctx) => [ctx.needs(0) ? ctx.GO(0) : null, null];

/** The node's `axis` attribute, made non-negative for a tensor of `rank`. */
function axisOf(ctx: GradContext, rank: number): number {
  const raw = ctx.attrInt('axis', 0);
  return raw < 0 ? raw + rank : raw;
}

/**
 * Y = Concat(X₀, X₁, ...; axis): dXᵢ = dY[..., offsetᵢ : offsetᵢ + size(Xᵢ, axis), ...]: one
 * Split when every input needs its piece (one node, a GPU's one dispatch, where it can have that
 * many outputs: WEBGPU_MAX_SPLIT_OUTPUTS), else a Slice per piece needed.
 */
const concatGrad: GradientRule = (ctx) => {
  const dy = ctx.GO(0);
  const inputs = ctx.node.inputs;
  if (!dy) return inputs.map(() => null);
  const axis = axisOf(ctx, ctx.I(0).rank);
  const sizes = inputs.map((_, i) => staticShape(ctx.I(i), 'Concat gradient')[axis]);
  const isWhole = inputs.every((_, i) => ctx.needs(i)) && inputs.length <= WEBGPU_MAX_SPLIT_OUTPUTS;
  if (isWhole && inputs.length > 1 && sizes.every((n) => n > 0)) return op.split(dy, sizes, axis);
  let offset = 0;
  return inputs.map((_, i) => {
    const start = offset;
    offset += sizes[i];
    return ctx.needs(i) ? op.slice(dy, [start], [start + sizes[i]], [axis]) : null;
  });
};

/** [Y₀, Y₁, ...] = Split(X, sizes; axis): dX = Concat(dY₀, dY₁, ...), zeros for a piece without one. */
const splitGrad: GradientRule = (ctx) => {
  const outputs = ctx.node.outputs;
  const dys = outputs.map((_, i) => ctx.GO(i));
  const none = ctx.node.inputs.map(() => null);
  if (!ctx.needs(0) || dys.every((dy) => !dy)) return none;
  const x = ctx.I(0);
  const pieces = outputs.map((y, i) => dys[i] ?? filled(ctx.graph, 0, x.dtype, staticShape(y, 'Split gradient')));
  return [op.concat(pieces, axisOf(ctx, x.rank)), ...none.slice(1)];
};

/** Y = X[starts:ends] on some axes (step 1): dX = Pad(dY) with zeros back to X's shape. */
const sliceGrad: GradientRule = (ctx) => {
  const dy = ctx.GO(0);
  if (!dy || !ctx.needs(0)) return [null];
  const xShape = staticShape(ctx.I(0), 'Slice gradient');
  const rank = xShape.length;
  const starts = constantNumbers(ctx.constant(1));
  const ends = constantNumbers(ctx.constant(2));
  const axes = ctx.hasInput(3) ? constantNumbers(ctx.constant(3)) : starts.map((_, i) => i);
  const steps = ctx.hasInput(4) ? constantNumbers(ctx.constant(4)) : starts.map(() => 1);
  if (steps.some((s) => s !== 1))
    throw new Error(`Slice gradient: only steps of 1 are supported (node '${ctx.node.name}')`);
  const pads = new Array<number>(2 * rank).fill(0);
  axes.forEach((raw, i) => {
    const a = raw < 0 ? raw + rank : raw;
    const dim = xShape[a];
    const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    const [s, e] = [clamp(starts[i]), clamp(ends[i])];
    pads[a] = s;
    pads[a + rank] = dim - Math.max(s, e);
  });
  return [padZeros(dy, pads)];
};

/** Index entries with the negative ones (counted from the end) made non-negative: i < 0 → i + size. */
function wrapNegative(indices: Tensor, sizes: Tensor | number): Tensor {
  return op.where(op.less(indices, 0), op.add(indices, sizes), indices);
}

/**
 * Y = Gather(X, idx; axis): Y[pre, q, post] = X[pre, idx[q], post], so
 * dX[pre, j, post] = Σ_{q: idx[q] = j} dY[pre, q, post]: a scatter-add of dY's rows
 * (ScatterND reduction=add, which accumulates repeated indices). For axis 0 (embeddings)
 * the rule returns it unmaterialised so the walker adds it into the other contributions;
 * other axes are moved to the front and back. idx may have any shape and negative entries
 * (normalised first). The indices get no gradient.
 */
function gatherGrad(ctx: GradContext): (GradientValue | null)[] {
  const dy = ctx.GO(0);
  if (!dy || !ctx.needs(0)) return [null, null];
  const data = ctx.I(0);
  const dataShape = staticShape(data, 'Gather gradient');
  const rank = dataShape.length;
  const raw = ctx.attrInt('axis', 0);
  const axis = raw < 0 ? raw + rank : raw;
  const dim = dataShape[axis];
  const q = ctx.I(1).rank;
  // NOTE: normalised in the indices' own dtype and cast to ScatterND's int64 only when the
  // scatter is built (here or in sums.ts): WebGPU has
  // int32 Where/Less/Add/Unsqueeze but no int64 ones, which would send these to the CPU.
  const given = ctx.I(1);
  const idx = wrapNegative(given, dim); // (Q...)
  const indices = op.unsqueeze(idx, [q]); // (Q..., 1)
  if (axis === 0) return [{ kind: 'scatter-add', indices, updates: dy }, null];
  // dY (pre, Q..., post) → (Q..., pre, post)
  const pre = Array.from({ length: axis }, (_, i) => i);
  const qAxes = Array.from({ length: q }, (_, i) => axis + i);
  const post = Array.from({ length: rank - axis - 1 }, (_, i) => axis + q + i);
  const front = op.transpose(dy, [...qAxes, ...pre, ...post]);
  const movedShape = [dim, ...dataShape.slice(0, axis), ...dataShape.slice(axis + 1)]; // (dim, pre, post)
  const scattered = op.scatterND(filled(ctx.graph, 0, data.dtype, movedShape), castTo(indices, 'int64'), front, 'add');
  // (dim, pre, post) → (pre, dim, post)
  const back = [
    ...Array.from({ length: axis }, (_, i) => i + 1),
    0,
    ...Array.from({ length: rank - axis - 1 }, (_, i) => axis + 1 + i),
  ];
  return [op.transpose(scattered, back), null];
}

/**
 * Y = GatherND(X, idx) with batch_dims 0: Y[q] = X[idx[q]] for index tuples idx (Q..., k), so
 * dX is a scatter-add of dY at those tuples (repeats accumulate), returned unmaterialised as
 * Gather's is for axis 0: the walker adds it into X's other contributions with one ScatterND.
 * Negative entries are normalised first, in the int32 the indices were cast from where they
 * were (gatherND casts them; WebGPU has no int64 Where/Less/Add). The indices get no gradient.
 */
function gatherNDGrad(ctx: GradContext): (GradientValue | null)[] {
  const dy = ctx.GO(0);
  if (!dy || !ctx.needs(0)) return [null, null];
  const batchDims = ctx.attrInt('batch_dims', 0);
  if (batchDims !== 0) {
    throw new Error(`GatherND gradient: node '${ctx.node.name}' has batch_dims ${batchDims}; only 0 is supported`);
  }
  const given = castSource(ctx.I(1), 'int32') ?? ctx.I(1);
  const k = given.shape[given.rank - 1] as number;
  const dims = staticShape(ctx.I(0), 'GatherND gradient').slice(0, k);
  const sizes = ctx.graph.constant(
    given.dtype === 'int32'
      ? { dtype: 'int32', shape: [k], data: Int32Array.from(dims) }
      : { dtype: 'int64', shape: [k], data: BigInt64Array.from(dims, BigInt) },
  );
  const indices = wrapNegative(given, sizes); // (Q..., k)
  return [{ kind: 'scatter-add', indices, updates: dy }, null];
}

export const shapeGradients: GradientFamily = {
  name: 'shape',
  rules: {
    Reshape: reshapeBack,
    Unsqueeze: reshapeBack,
    Squeeze: reshapeBack,
    Flatten: reshapeBack,
    Transpose: transposeGrad,
    Expand: expandGrad,
    Concat: concatGrad,
    Split: splitGrad,
    Slice: sliceGrad,
    Gather: gatherGrad,
    GatherND: gatherNDGrad,
  },
  // Integer outputs, or outputs that depend only on shapes and constants.
  noGradient: ['Shape', 'Size', 'ConstantOfShape', 'Range'],
  neverDifferentiate: {
    ScatterND:
      'it appears only in gradient graphs (the scatter-add of Gather rows), and second-order gradients are not supported',
  },
};
