// The whole chain on a tiny pre-norm transformer block in float32: embedding (Gather),
// RMS norm, causal multi-head attention, ReLU FFN, LM head and cross-entropy with an ignored
// label. Gradients from `gradients()`, plain SGD applied in JS: the loss must fall.
import { describe, expect, it } from 'vitest';
import * as op from '../../../../src/main/engine/onnx/ops';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import type { Tensor } from '../../../../src/main/engine/onnx/graph';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { gradients } from '../../../../src/main/engine/autodiff/gradients';
import { randoms } from './fd';
import { expectGradientsMatch } from './expect';
import { elementCount } from '../../../../src/main/engine/shape';

const [B, T, D, H, F, V] = [2, 5, 8, 2, 16, 11];
const DK = D / H;

const PARAMS: Record<string, number[]> = {
  emb: [V, D],
  norm1: [D],
  wq: [D, D],
  wk: [D, D],
  wv: [D, D],
  wo: [D, D],
  norm2: [D],
  wi: [D, F],
  wf: [F, D],
  norm3: [D],
  lm: [D, V],
};

/** x / √(mean(x², −1) + ε) · gain. */
function rmsNorm(x: Tensor, gain: Tensor): Tensor {
  const meanSquare = op.reduceMean(op.mul(x, x), [-1], true); // (B, T, 1)
  return op.mul(op.div(x, op.sqrt(op.add(meanSquare, 1e-6))), gain); // (B, T, D)
}

function heads(x: Tensor): Tensor {
  return op.transpose(op.reshape(x, [B, T, H, DK]), [0, 2, 1, 3]); // (B, H, T, Dk)
}

function buildModel(g: Graph, p: Record<string, Tensor>, ids: Tensor, labels: Tensor): Tensor {
  let x = op.gather(p.emb, ids, 0); // (B, T, D)
  const h = rmsNorm(x, p.norm1);
  const [q, k, v] = [p.wq, p.wk, p.wv].map((w) => heads(op.matmul(h, w))); // (B, H, T, Dk)
  const causal = g.constant({
    dtype: 'float32',
    shape: [T, T],
    data: Float32Array.from({ length: T * T }, (_, i) => (i % T > Math.floor(i / T) ? -1e9 : 0)),
  });
  const scores = op.add(op.mul(op.matmul(q, op.transpose(k, [0, 1, 3, 2])), 1 / Math.sqrt(DK)), causal); // (B, H, T, T)
  const attn = op.matmul(op.softmax(scores, -1), v); // (B, H, T, Dk)
  const merged = op.reshape(op.transpose(attn, [0, 2, 1, 3]), [B, T, D]); // (B, T, D)
  x = op.add(x, op.matmul(merged, p.wo));
  const ff = op.matmul(op.relu(op.matmul(rmsNorm(x, p.norm2), p.wi)), p.wf); // (B, T, D)
  x = op.add(x, ff);
  const logits = op.reshape(op.matmul(rmsNorm(x, p.norm3), p.lm), [B * T, V]); // (B·T, V)
  return op.softmaxCrossEntropy(logits, labels, { ignoreIndex: -100 }).loss;
}

describe('tiny transformer block', () => {
  it('loss falls under plain SGD with gradients from the walker', async () => {
    const g = new Graph('block');
    const p: Record<string, Tensor> = {};
    for (const [name, shape] of Object.entries(PARAMS)) p[name] = g.input(name, 'float32', shape);
    const ids = g.input('ids', 'int64', [B, T]);
    const labels = g.input('labels', 'int64', [B * T]);
    const loss = buildModel(g, p, ids, labels);
    g.output(loss, 'loss');
    const names = Object.keys(PARAMS);
    const grads = gradients(
      loss,
      names.map((n) => p[n]),
    );
    grads.forEach((t, i) => g.output(t!, `grad.${names[i]}`));
    const session = await EngineSession.create(serializeModel(g));

    const values: Record<string, Float32Array> = {};
    names.forEach((name, i) => {
      const n = elementCount(PARAMS[name]);
      values[name] = name.startsWith('norm')
        ? new Float32Array(n).fill(1)
        : Float32Array.from(randoms(n, 100 + i, -0.5, 0.5));
    });
    const batch: Record<string, HostTensor> = {
      ids: { dtype: 'int64', dims: [B, T], data: BigInt64Array.from([1, 4, 2, 9, 3, 7, 7, 0, 5, 10], BigInt) },
      labels: { dtype: 'int64', dims: [B * T], data: BigInt64Array.from([4, 2, 9, 3, -100, 7, 0, 5, 10, 6], BigInt) },
    };
    const losses: number[] = [];
    const lr = 0.3;
    for (let step = 0; step < 40; step++) {
      const feeds: Record<string, HostTensor> = { ...batch };
      for (const name of names) feeds[name] = { dtype: 'float32', dims: PARAMS[name], data: values[name] };
      const out = await session.runHost(feeds);
      losses.push(out.loss.data[0] as number);
      for (const name of names) {
        const grad = out[`grad.${name}`].data as Float32Array;
        const next = Float32Array.from(values[name], (v, j) => v - lr * grad[j]);
        values[name] = next;
      }
    }
    await session.release();
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[0]).toBeGreaterThan(2); // ≈ ln 11 at the start
    // Measured: 2.51 → 0.19 over 40 steps.
    expect(losses[losses.length - 1]).toBeLessThan(0.25 * losses[0]);
    expect(losses[losses.length - 1]).toBeLessThan(losses[losses.length - 11]);
  });
});

describe('attention with RMS norm, float64 finite differences', () => {
  it('gradients of every parameter of a 2-head causal attention block match', async () => {
    const [t, d, h] = [3, 4, 2];
    await expectGradientsMatch({
      inputs: [
        { name: 'x', shape: [1, t, d] },
        { name: 'gain', shape: [d], map: (v) => v + 1.5 },
        { name: 'wq', shape: [d, d] },
        { name: 'wk', shape: [d, d] },
        { name: 'wv', shape: [d, d] },
      ],
      build: ([x, gain, wq, wk, wv]) => {
        const ms = op.reduceMean(op.mul(x, x), [-1], true); // (1, T, 1)
        const n = op.mul(op.mul(x, op.reciprocal(op.sqrt(op.add(ms, 1e-6)))), gain); // (1, T, D)
        const split = (w: Tensor) => op.transpose(op.reshape(op.matmul(n, w), [1, t, h, d / h]), [0, 2, 1, 3]); // (1, H, T, Dk)
        const [q, k, v] = [split(wq), split(wk), split(wv)];
        const mask = op.less(
          x.graph.constant({ dtype: 'int64', shape: [t, 1], data: BigInt64Array.from([0n, 1n, 2n]) }),
          x.graph.constant({ dtype: 'int64', shape: [t], data: BigInt64Array.from([0n, 1n, 2n]) }),
        ); // (T, T): key after query
        const scores = op.where(mask, -1e9, op.matmul(q, op.transpose(k, [0, 1, 3, 2]))); // (1, H, T, T)
        const attn = op.matmul(op.softmax(scores, -1), v); // (1, H, T, Dk)
        return op.add(x, op.reshape(op.transpose(attn, [0, 2, 1, 3]), [1, t, d])); // (1, T, D)
      },
    });
  });
});
