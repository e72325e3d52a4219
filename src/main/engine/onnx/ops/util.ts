// Shared helpers of the op builders: which graph a node goes into, lifting JS numbers to
// constants, numpy-style broadcasting and axis normalisation with errors that name the node
// and both shapes. Reference: ONNX Broadcasting.md (multidirectional broadcasting).

import type { DType } from '../dtype';
import { typedArrayFrom } from '../dtype';
import type { Dim, Graph, Shape, Tensor } from '../graph';

export type TensorLike = Tensor | number;

/** The deepest graph among the inputs' graphs; inputs must lie on one chain of nesting. */
export function graphOf(opType: string, ...inputs: (Tensor | null | undefined)[]): Graph {
  let best: Graph | null = null;
  for (const t of inputs) {
    if (!t) continue;
    if (!best || t.graph.depth > best.depth) best = t.graph;
  }
  if (!best) throw new Error(`${opType}: needs at least one tensor input to know its graph`);
  for (const t of inputs) {
    if (t && !best.canSee(t)) {
      throw new Error(`${opType}: inputs come from unrelated graphs ('${t.graph.name}' and '${best.name}')`);
    }
  }
  return best;
}

export function shapeStr(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** A scalar constant of `dtype` in `g`'s model. */
export function scalar(g: Graph, value: number, dtype: DType): Tensor {
  return g.constant({ dtype, shape: [], data: typedArrayFrom(dtype, [value]) });
}

/** 1-D int64 constant (axes, shapes, starts/ends). */
export function int64s(g: Graph, values: readonly number[]): Tensor {
  return g.constant({ dtype: 'int64', shape: [values.length], data: typedArrayFrom('int64', values) });
}

/** Turns numbers into scalars of the dtype of the tensor operand(s). */
export function liftPair(opType: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number')
    throw new Error(`${opType}: at least one operand must be a tensor`);
  const ref = (typeof a === 'number' ? b : a) as Tensor;
  const ta = typeof a === 'number' ? scalar(ref.graph, a, ref.dtype) : a;
  const tb = typeof b === 'number' ? scalar(ref.graph, b, ref.dtype) : b;
  if (ta.dtype !== tb.dtype) {
    throw new Error(`${opType}: dtype mismatch ${ta.dtype} (${ta.name}) vs ${tb.dtype} (${tb.name})`);
  }
  return [ta, tb];
}

function broadcastDim(a: Dim, b: Dim): Dim | null {
  if (a === b) return a;
  if (a === 1) return b;
  if (b === 1) return a;
  return null;
}

/** Multidirectional broadcast of named shapes; the error names the op and every operand. */
export function broadcastNamed(opType: string, operands: readonly { name: string; shape: Shape }[]): Dim[] {
  const rank = Math.max(...operands.map((t) => t.shape.length));
  const out: Dim[] = new Array<Dim>(rank).fill(1);
  for (const t of operands) {
    const offset = rank - t.shape.length;
    t.shape.forEach((d, i) => {
      const merged = broadcastDim(out[offset + i], d);
      if (merged === null) {
        const desc = operands.map((x) => `${x.name} ${shapeStr(x.shape)}`).join(' vs ');
        throw new Error(`${opType}: shape mismatch, cannot broadcast ${desc}`);
      }
      out[offset + i] = merged;
    });
  }
  return out;
}

/** Multidirectional broadcast of the tensors' shapes. */
export function broadcastShapes(opType: string, ...tensors: Tensor[]): Dim[] {
  return broadcastNamed(opType, tensors);
}

export function normAxis(opType: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`${opType}: axis ${axis} out of range for rank ${rank}`);
  return a;
}

export function assertFloat(opType: string, t: Tensor): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64' && t.dtype !== 'float16') {
    throw new Error(`${opType}: expects a float tensor, got ${t.dtype} (${t.name})`);
  }
}

export function numericShape(opType: string, t: Tensor): number[] {
  return t.shape.map((d) => {
    if (typeof d !== 'number') throw new Error(`${opType}: ${t.name} needs a static shape, has '${d}'`);
    return d;
  });
}
