// A tiny transformer block (embedding, RMS norm, 2-head self-attention, ReLU FFN, output
// projection, cross-entropy) trains through compile(): the loss falls on a fixed batch.
// Float32 and the Loop graph, as the trainer will run it on the CPU.
import { describe, expect, it } from 'vitest';
import type { Graph, Tensor } from '../../../../src/main/engine/onnx/graph';
import * as op from '../../../../src/main/engine/onnx/ops';
import { compile } from '../../../../src/main/engine/optim/program';
import type { OptimizerConfig } from '../../../../src/main/engine/optim/optimizer';
import { seeded } from './helpers';
import { elementCount } from '../../../../src/main/engine/shape';

const [V, D, H, DK, F, B, L] = [16, 16, 2, 8, 32, 4, 8];

/** T5-style RMS norm: x · rsqrt(mean(x², −1) + ε) · scale (no mean subtraction). */
function rmsNorm(x: Tensor, scale: Tensor): Tensor {
  const ms = op.reduceMean(op.mul(x, x), [-1], true); // (B, L, 1)
  return op.mul(op.div(x, op.sqrt(op.add(ms, 1e-6))), scale); // (B, L, D)
}

function heads(x: Tensor): Tensor {
  return op.transpose(op.reshape(x, [B, L, H, DK]), [0, 2, 1, 3]); // (B, H, L, Dk)
}

function block(
  _g: Graph,
  p: Readonly<Record<string, Tensor>>,
  batch: Readonly<Record<string, Tensor>>,
): { loss: Tensor } {
  const x = op.gather(p.embed, batch.ids, 0); // (B, L, D)
  const n1 = rmsNorm(x, p['attn.norm']);
  const q = heads(op.matmul(n1, p['attn.q'])); // (B, H, L, Dk)
  const k = heads(op.matmul(n1, p['attn.k']));
  const v = heads(op.matmul(n1, p['attn.v']));
  const scores = op.mul(op.matmul(q, op.transpose(k, [0, 1, 3, 2])), 1 / Math.sqrt(DK)); // (B, H, L, L)
  const ctx = op.matmul(op.softmax(scores, -1), v); // (B, H, L, Dk)
  const merged = op.reshape(op.transpose(ctx, [0, 2, 1, 3]), [B, L, H * DK]); // (B, L, H·Dk)
  const h = op.add(x, op.matmul(merged, p['attn.o'])); // (B, L, D)
  const n2 = rmsNorm(h, p['ffn.norm']);
  const y = op.add(h, op.matmul(op.relu(op.matmul(n2, p['ffn.wi'])), p['ffn.wo'])); // (B, L, D)
  const logits = op.matmul(rmsNorm(y, p['final.norm']), p.head); // (B, L, V)
  const flat = op.reshape(logits, [B * L, V]); // (B·L, V)
  return { loss: op.softmaxCrossEntropy(flat, op.reshape(batch.labels, [B * L])).loss };
}

const PARAMS: { name: string; shape: number[] }[] = [
  { name: 'embed', shape: [V, D] },
  { name: 'attn.norm', shape: [D] },
  { name: 'attn.q', shape: [D, H * DK] },
  { name: 'attn.k', shape: [D, H * DK] },
  { name: 'attn.v', shape: [D, H * DK] },
  { name: 'attn.o', shape: [H * DK, D] },
  { name: 'ffn.norm', shape: [D] },
  { name: 'ffn.wi', shape: [D, F] },
  { name: 'ffn.wo', shape: [F, D] },
  { name: 'final.norm', shape: [D] },
  { name: 'head', shape: [D, V] },
];

function init(): Record<string, Float32Array> {
  const rand = seeded(5);
  const out: Record<string, Float32Array> = {};
  for (const p of PARAMS) {
    const n = elementCount(p.shape);
    out[p.name] = p.name.endsWith('norm') ? new Float32Array(n).fill(1) : Float32Array.from(rand(n), (v) => v * 0.3);
  }
  return out;
}

describe('a tiny transformer block trains with compile()', () => {
  const optimizers: OptimizerConfig[] = [{ kind: 'adamw', weightDecay: 0.01 }, { kind: 'adafactor' }];
  for (const optimizer of optimizers) {
    it(`loss falls on a fixed batch (${optimizer.kind}, K = 4 per call)`, async () => {
      const K = 4;
      const program = await compile({
        build: block,
        params: PARAMS,
        batch: [
          { name: 'ids', dtype: 'int64', shape: [B, L] },
          { name: 'labels', dtype: 'int64', shape: [B, L] },
        ],
        optimizer,
        schedule: { kind: 'linear', peakLr: optimizer.kind === 'adamw' ? 2e-2 : 1e-2, warmupSteps: 2, totalSteps: 40 },
        clipNorm: 1,
        k: K,
      });
      program.setParams(init());
      const rand = seeded(9);
      const ids = Array.from(rand(B * L), (r) => Math.floor((r + 1) * 8) % V);
      // Target: a fixed token-to-token map the block must learn.
      const labels = ids.map((t) => (t * 5 + 3) % V);
      const stack = (xs: number[]): BigInt64Array =>
        BigInt64Array.from(Array.from({ length: K }, () => xs).flat(), BigInt);
      const losses: number[] = [];
      for (let call = 0; call < 6; call++)
        losses.push(...(await program.step({ ids: stack(ids), labels: stack(labels) })).losses);
      await program.release();
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[0]).toBeGreaterThan(Math.log(V) * 0.7);
      expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.5);
    });
  }
});
