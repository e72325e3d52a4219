// Shape-moving op builders: Reshape, Transpose, Expand, Concat, Slice, Split, Unsqueeze, Squeeze,
// Gather, ScatterND, OneHot-free helpers. Shapes are computed statically here (Reshape's
// 0 and -1 resolved) so later nodes can check theirs. Reference: ONNX Operators.md, opset 17.

import type { Dim, Shape, Tensor } from '../graph';
import { cast } from './elementwise';
import { broadcastNamed, graphOf, int64s, normAxis, shapeStr } from './util';
import { elementCount } from '../../shape';

/** Resolves ONNX Reshape semantics (0 copies the input dim, one -1 is inferred). */
export function resolveReshape(input: Shape, target: readonly number[], nodeDesc: string): Dim[] {
  const out: Dim[] = target.map((d, i) => (d === 0 ? input[i] : d));
  const inferAt = target.indexOf(-1);
  if (target.filter((d) => d === -1).length > 1)
    throw new Error(`${nodeDesc}: more than one -1 in ${shapeStr(target)}`);
  const known = out.filter((d, i) => i !== inferAt);
  if (input.every((d) => typeof d === 'number') && known.every((d) => typeof d === 'number')) {
    const total = elementCount(input as number[]);
    const rest = elementCount(known as number[]);
    if (inferAt >= 0) {
      if (rest === 0 || total % rest !== 0) {
        throw new Error(`${nodeDesc}: cannot reshape ${shapeStr(input)} to ${shapeStr(target)}`);
      }
      out[inferAt] = total / rest;
    } else if (rest !== total) {
      throw new Error(`${nodeDesc}: cannot reshape ${shapeStr(input)} (${total} elements) to ${shapeStr(target)}`);
    }
  } else if (inferAt >= 0) {
    out[inferAt] = `${nodeDesc.replace(/\W+/g, '_')}_inferred`;
  }
  return out;
}

export function reshape(x: Tensor, target: readonly number[]): Tensor {
  const shape = resolveReshape(x.shape, target, `Reshape of ${x.name}`);
  const g = graphOf('Reshape', x);
  return g.addNode('Reshape', [x, int64s(g, target)], [{ dtype: x.dtype, shape }])[0];
}

export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  if (perm.length !== x.rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new Error(`Transpose: perm [${perm.join(', ')}] is not a permutation for ${x.name} ${shapeStr(x.shape)}`);
  }
  const shape = perm.map((p) => x.shape[p]);
  return graphOf('Transpose', x).addNode('Transpose', [x], [{ dtype: x.dtype, shape }], { perm: [...perm] })[0];
}

/** Expand to a static target shape (numpy broadcast of x against the target). */
export function expand(x: Tensor, target: readonly number[]): Tensor {
  const g = graphOf('Expand', x);
  const targetT = int64s(g, target);
  const shape = broadcastNamed('Expand', [x, { name: 'target', shape: target }]);
  return g.addNode('Expand', [x, targetT], [{ dtype: x.dtype, shape }])[0];
}

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new Error('Concat: needs at least one input');
  const rank = xs[0].rank;
  const a = normAxis('Concat', axis, rank);
  let along: Dim = 0;
  for (const t of xs) {
    if (t.rank !== rank || t.dtype !== xs[0].dtype) {
      throw new Error(
        `Concat: ${t.name} ${t.dtype}${shapeStr(t.shape)} does not match ${xs[0].name} ${xs[0].dtype}${shapeStr(xs[0].shape)}`,
      );
    }
    t.shape.forEach((d, i) => {
      if (i !== a && d !== xs[0].shape[i]) {
        throw new Error(
          `Concat: shape mismatch on axis ${i}: ${t.name} ${shapeStr(t.shape)} vs ${xs[0].name} ${shapeStr(xs[0].shape)}`,
        );
      }
    });
    const d = t.shape[a];
    along = typeof along === 'number' && typeof d === 'number' ? along + d : `${along}+${d}`;
  }
  const shape = xs[0].shape.map((d, i) => (i === a ? along : d));
  return graphOf('Concat', ...xs).addNode('Concat', xs, [{ dtype: xs[0].dtype, shape }], { axis: a })[0];
}

/** Static Slice with steps of 1 (negative starts/ends count from the end, clamped). */
export function slice(x: Tensor, starts: readonly number[], ends: readonly number[], axes: readonly number[]): Tensor {
  const shape = [...x.shape];
  const normStarts: number[] = [];
  const normEnds: number[] = [];
  axes.forEach((axis, i) => {
    const a = normAxis('Slice', axis, x.rank);
    const dim = x.shape[a];
    if (typeof dim !== 'number') throw new Error(`Slice: axis ${a} of ${x.name} is symbolic`);
    const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    normStarts.push(clamp(starts[i]));
    normEnds.push(clamp(ends[i]));
    shape[a] = Math.max(0, normEnds[i] - normStarts[i]);
  });
  const g = graphOf('Slice', x);
  const axesN = axes.map((ax) => normAxis('Slice', ax, x.rank));
  return g.addNode(
    'Slice',
    [x, int64s(g, normStarts), int64s(g, normEnds), int64s(g, axesN)],
    [{ dtype: x.dtype, shape }],
  )[0];
}

/**
 * Most outputs of one Split on WebGPU. NOTE: ORT's WebGPU Split binds every output as a
 * storage buffer, and devices may allow only 16 per shader (lavapipe: "Too many storage
 * buffers in shader. Current: 17, Max is 16"); its Concat has no such limit.
 */
export const WEBGPU_MAX_SPLIT_OUTPUTS = 15;

/**
 * Split-13: pieces of `sizes` along `axis` (sizes given as an int64 input, as opset 13–17
 * require). Its gradient is the Concat of the pieces' (autodiff/grads/shape.ts).
 */
export function split(x: Tensor, sizes: readonly number[], axis = 0): Tensor[] {
  const a = normAxis('Split', axis, x.rank);
  const total = sizes.reduce((s, n) => s + n, 0);
  if (x.shape[a] !== total || !sizes.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new Error(
      `Split: sizes [${sizes.join(', ')}] (sum ${total}) do not cut axis ${a} of ${x.name} ${shapeStr(x.shape)}; give integers ≥ 1 summing to ${String(x.shape[a])}`,
    );
  }
  const g = graphOf('Split', x);
  const outs = sizes.map((n) => ({ dtype: x.dtype, shape: x.shape.map((d, i) => (i === a ? n : d)) }));
  return g.addNode('Split', [x, int64s(g, sizes)], outs, { axis: a });
}

export function unsqueeze(x: Tensor, axes: readonly number[]): Tensor {
  const outRank = x.rank + axes.length;
  const norm = axes.map((a) => normAxis('Unsqueeze', a, outRank)).sort((a, b) => a - b);
  const shape: Dim[] = [];
  let k = 0;
  for (let i = 0; i < outRank; i++) shape.push(norm.includes(i) ? 1 : x.shape[k++]);
  const g = graphOf('Unsqueeze', x);
  return g.addNode('Unsqueeze', [x, int64s(g, norm)], [{ dtype: x.dtype, shape }])[0];
}

export function squeeze(x: Tensor, axes: readonly number[]): Tensor {
  const norm = axes.map((a) => normAxis('Squeeze', a, x.rank));
  for (const a of norm) {
    if (x.shape[a] !== 1) throw new Error(`Squeeze: axis ${a} of ${x.name} ${shapeStr(x.shape)} is not 1`);
  }
  const shape = x.shape.filter((_, i) => !norm.includes(i));
  const g = graphOf('Squeeze', x);
  return g.addNode('Squeeze', [x, int64s(g, norm)], [{ dtype: x.dtype, shape }])[0];
}

/** Gather along `axis`: output shape = data[:axis] + indices.shape + data[axis+1:]. */
export function gather(data: Tensor, indices: Tensor, axis = 0): Tensor {
  if (indices.dtype !== 'int64' && indices.dtype !== 'int32') {
    throw new Error(`Gather: indices must be int64 or int32, got ${indices.dtype} (${indices.name})`);
  }
  const a = normAxis('Gather', axis, data.rank);
  const shape = [...data.shape.slice(0, a), ...indices.shape, ...data.shape.slice(a + 1)];
  return graphOf('Gather', data, indices).addNode('Gather', [data, indices], [{ dtype: data.dtype, shape }], {
    axis: a,
  })[0];
}

/**
 * GatherND (batch_dims 0): index tuples (Q..., k) into data's first k axes pick
 * data[tuple, ...], shape Q... + data.shape[k:]. The indices are int64 (ONNX's only type);
 * int32 ones are cast here, so their arithmetic can stay in int32 (WebGPU has little int64).
 */
export function gatherND(data: Tensor, indices: Tensor): Tensor {
  if (indices.dtype !== 'int64' && indices.dtype !== 'int32') {
    throw new Error(`GatherND: indices must be int64 or int32, got ${indices.dtype} (${indices.name})`);
  }
  const k = indices.shape[indices.rank - 1];
  if (typeof k !== 'number' || k < 1 || k > data.rank) {
    throw new Error(`GatherND: the last dim of indices ${shapeStr(indices.shape)} must be static, 1 to ${data.rank}`);
  }
  const wide = indices.dtype === 'int64' ? indices : cast(indices, 'int64');
  const shape = [...indices.shape.slice(0, -1), ...data.shape.slice(k)];
  return graphOf('GatherND', data, wide).addNode('GatherND', [data, wide], [{ dtype: data.dtype, shape }])[0];
}

/** ScatterND (opset 16+); `reduction: 'add'` accumulates duplicate indices (embedding grads). */
export function scatterND(data: Tensor, indices: Tensor, updates: Tensor, reduction: 'none' | 'add' = 'none'): Tensor {
  if (indices.dtype !== 'int64') throw new Error(`ScatterND: indices must be int64, got ${indices.dtype}`);
  const q = indices.rank;
  const k = indices.shape[q - 1];
  if (typeof k !== 'number') throw new Error('ScatterND: last dim of indices must be static');
  const expected = [...indices.shape.slice(0, q - 1), ...data.shape.slice(k)];
  if (expected.length !== updates.rank || expected.some((d, i) => d !== updates.shape[i])) {
    throw new Error(
      `ScatterND: updates ${shapeStr(updates.shape)} should be ${shapeStr(expected)} for data ${shapeStr(data.shape)} and indices ${shapeStr(indices.shape)}`,
    );
  }
  const attrs: Record<string, string> = reduction === 'none' ? {} : { reduction };
  return graphOf('ScatterND', data, indices, updates).addNode(
    'ScatterND',
    [data, indices, updates],
    [{ dtype: data.dtype, shape: data.shape }],
    attrs,
  )[0];
}
