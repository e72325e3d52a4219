// Small graph-building helpers shared by the walker and the gradient rules: summing a
// broadcast gradient down to an input's shape, zeros and ones without big initializers,
// reading constant inputs (axes, starts, ratios). Nodes go into an explicit graph so that
// gradients built inside a Loop body stay there. Reference: ONNX Broadcasting.md.

import type { DType } from '../onnx/dtype';
import { typedArrayFrom } from '../onnx/dtype';
import type { ConstantValue, Graph, Shape, Tensor } from '../onnx/graph';
import * as op from '../onnx/ops';

export function shapeText(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** The shape as numbers; gradients need static shapes (DESIGN §3: shapes are static per graph). */
export function staticShape(t: Tensor, what: string): number[] {
  return t.shape.map((d) => {
    if (typeof d !== 'number')
      throw new Error(`${what}: ${t.name} has symbolic dim '${d}'; gradients need static shapes`);
    return d;
  });
}

/** A scalar constant of `dtype` (float16 as raw bits, 0 and 1 only). */
export function scalarOf(g: Graph, value: number, dtype: DType): Tensor {
  if (dtype === 'float16') {
    if (value !== 0 && value !== 1) throw new Error(`float16 scalar ${value}: only 0 and 1 are supported here`);
    return g.constant({ dtype, shape: [], data: Uint16Array.of(value === 1 ? 0x3c00 : 0) });
  }
  return g.constant({ dtype, shape: [], data: typedArrayFrom(dtype, [value]) });
}

/** A tensor of `shape` filled with `value`, made by Expand in `g` (no initializer of that size). */
export function filled(g: Graph, value: number, dtype: DType, shape: readonly number[]): Tensor {
  const s = scalarOf(g, value, dtype);
  if (shape.length === 0) return s;
  return g.addNode('Expand', [s, op.int64s(g, shape)], [{ dtype, shape }])[0];
}

/**
 * Sums a gradient whose shape is a numpy broadcast of `target` back to `target`:
 * ReduceSum over the leading extra axes and the axes where target has 1, then Reshape.
 * Throws naming `what` and both shapes when `grad` is not such a broadcast.
 */
export function sumToShape(grad: Tensor, target: Shape, what: string): Tensor {
  const offset = grad.rank - target.length;
  const mismatch = (): Error =>
    new Error(
      `${what}: gradient ${grad.name} ${shapeText(grad.shape)} is not a broadcast of input shape ${shapeText(target)}`,
    );
  if (offset < 0) throw mismatch();
  const leading = Array.from({ length: offset }, (_, i) => i);
  const inner: number[] = [];
  target.forEach((d, i) => {
    const gd = grad.shape[offset + i];
    if (gd === d) return;
    if (d === 1) inner.push(offset + i);
    else throw mismatch();
  });
  if (leading.length === 0 && inner.length === 0) return grad;
  if (inner.length === 0) return op.reduceSum(grad, leading, false);
  const summed = op.reduceSum(grad, [...leading, ...inner], true);
  const numeric = target.map((d) => {
    if (typeof d !== 'number') throw new Error(`${what}: cannot reshape to symbolic shape ${shapeText(target)}`);
    return d;
  });
  return op.reshape(summed, numeric);
}

/** Swaps the last two axes: (..., M, N) → (..., N, M). */
export function transposeLast2(t: Tensor): Tensor {
  const perm = t.shape.map((_, i) => i);
  perm[t.rank - 1] = t.rank - 2;
  perm[t.rank - 2] = t.rank - 1;
  return op.transpose(t, perm);
}

/** Cast of a bool mask (or any tensor) to `dtype`. */
export function castTo(t: Tensor, dtype: DType): Tensor {
  return t.dtype === dtype ? t : op.cast(t, dtype);
}

/** The tensor `t` was cast from by an ONNX Cast node, when that tensor is of `from`; else null. */
export function castSource(t: Tensor, from: DType): Tensor | null {
  const producer = t.producer?.node;
  const source = producer?.opType === 'Cast' && producer.domain === '' ? producer.inputs[0] : null;
  return source?.dtype === from ? source : null;
}

/** Pad with zeros: `pads` = [begin_0, ..., begin_r−1, end_0, ..., end_r−1] (ONNX Pad). */
export function padZeros(t: Tensor, pads: readonly number[]): Tensor {
  const shape = t.shape.map((d, i) => {
    if (typeof d !== 'number') throw new Error(`Pad: ${t.name} has symbolic dim '${d}'`);
    return d + pads[i] + pads[i + t.rank];
  });
  const g = t.graph;
  return g.addNode('Pad', [t, op.int64s(g, pads), scalarOf(g, 0, t.dtype)], [{ dtype: t.dtype, shape }], {
    mode: 'constant',
  })[0];
}

const constantCache = new WeakMap<Graph, { count: number; byName: Map<string, ConstantValue> }>();

/** The value of a constant tensor: an initializer of its graph, or a Constant node's output. */
export function constantValue(t: Tensor): ConstantValue | null {
  if (t.origin === 'initializer') {
    const g = t.graph;
    let cached = constantCache.get(g);
    if (!cached || cached.count !== g.initializers.length) {
      cached = { count: g.initializers.length, byName: new Map(g.initializers.map((i) => [i.tensor.name, i.value])) };
      constantCache.set(g, cached);
    }
    return cached.byName.get(t.name) ?? null;
  }
  const node = t.producer?.node;
  if (node && node.opType === 'Constant') {
    const v = node.attrs.value;
    if (v && typeof v === 'object' && 'tensor' in v) return v.tensor;
  }
  return null;
}

/** Constant values as JS numbers (int64 converted). */
export function constantNumbers(value: ConstantValue): number[] {
  return Array.from(value.data as ArrayLike<number | bigint>, (v) => Number(v));
}
