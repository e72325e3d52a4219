// Fan-in accumulation for the walker: every contribution to one tensor's gradient, summed
// on first read. Dense contributions are added with Add; scatter-add contributions (rows of
// an embedding gradient) are added into that sum with ScatterND(reduction=add), so a tied
// embedding's gradient never materialises a (V, D) tensor of zeros plus an Add over it.
// The idea is TensorFlow's IndexedSlices; the code is ours. Reference: ONNX ScatterND (opset 16).

import type { Graph, Tensor } from '../onnx/graph';
import * as op from '../onnx/ops';
import { castTo, filled, staticShape } from './helpers';
import type { ScatterAddGradient } from './registry';

interface Parts {
  dense: Tensor[];
  scatters: ScatterAddGradient[];
}

export class GradientSums {
  private readonly parts = new Map<string, Parts>();

  constructor(private readonly graph: Graph) {}

  private partsOf(name: string): Parts {
    let p = this.parts.get(name);
    if (!p) {
      p = { dense: [], scatters: [] };
      this.parts.set(name, p);
    }
    return p;
  }

  add(name: string, grad: Tensor): void {
    this.partsOf(name).dense.push(grad);
  }

  addScatter(name: string, grad: ScatterAddGradient): void {
    this.partsOf(name).scatters.push(grad);
  }

  /**
   * dLoss/dt: Σ dense contributions, then each scatter-add applied into it (into zeros of
   * t's shape when there is no dense one); null if there are no contributions.
   */
  total(t: Tensor): Tensor | null {
    const p = this.parts.get(t.name);
    if (!p || (p.dense.length === 0 && p.scatters.length === 0)) return null;
    let sum: Tensor | null = p.dense.length ? p.dense.reduce((acc, d) => op.add(acc, d)) : null;
    if (p.scatters.length) {
      sum ??= filled(this.graph, 0, t.dtype, staticShape(t, 'gradient of a scattered tensor'));
      const merged = mergeScatters(p.scatters);
      sum = op.scatterND(sum, castTo(merged.indices, 'int64'), merged.updates, 'add');
    }
    const result = sum as Tensor;
    this.parts.set(t.name, { dense: [result], scatters: [] });
    return result;
  }
}

/**
 * Several scatter-adds into one tensor become one ScatterND over concatenated rows
 * (indices flattened to (R, k), updates to (R, ...)): each ScatterND copies its whole data
 * input, a full pass over a (V, D) embedding, so one is cheaper than several.
 */
function mergeScatters(scatters: readonly ScatterAddGradient[]): ScatterAddGradient {
  if (scatters.length === 1) return scatters[0];
  const flat = scatters.map((s) => {
    const idx = staticShape(s.indices, 'scatter-add gradient');
    const k = idx[idx.length - 1];
    const trailing = staticShape(s.updates, 'scatter-add gradient').slice(idx.length - 1);
    return { indices: op.reshape(s.indices, [-1, k]), updates: op.reshape(s.updates, [-1, ...trailing]) };
  });
  const indices = op.concat(
    flat.map((f) => f.indices),
    0,
  ); // (R, k)
  const updates = op.concat(
    flat.map((f) => f.updates),
    0,
  ); // (R, ...)
  return { kind: 'scatter-add', indices, updates };
}
