// The float64 2-layer MLP spec the compile() and flat-layout tests train: small enough that
// every comparison can be tight, with decayed matrices and undecayed biases.
import type { Graph, Tensor } from '../../../../src/main/engine/onnx/graph';
import * as op from '../../../../src/main/engine/onnx/ops';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import type { CompileSpec } from '../../../../src/main/engine/optim/program';
import { f64, seeded } from './helpers';
import { elementCount } from '../../../../src/main/engine/shape';

export const IN = 4;
export const HIDDEN = 8;
export const OUT = 3;
export const PARAMS = [
  { name: 'w1', shape: [IN, HIDDEN], dtype: 'float64' as const },
  { name: 'b1', shape: [HIDDEN], dtype: 'float64' as const },
  { name: 'w2', shape: [HIDDEN, OUT], dtype: 'float64' as const },
  { name: 'b2', shape: [OUT], dtype: 'float64' as const },
];

/** A 2-layer MLP with squared error: mean((relu(x·W1 + b1)·W2 + b2 − y)²). */
export function mlp(
  _g: Graph,
  p: Readonly<Record<string, Tensor>>,
  batch: Readonly<Record<string, Tensor>>,
): { loss: Tensor } {
  const h = op.relu(op.add(op.matmul(batch.x, p.w1), p.b1)); // (B, HIDDEN)
  const y = op.add(op.matmul(h, p.w2), p.b2); // (B, OUT)
  const err = op.sub(y, batch.y);
  return { loss: op.reduceMean(op.mul(err, err), null) };
}

export function spec(k: number, batchSize: number, overrides: Partial<CompileSpec> = {}): CompileSpec {
  return {
    build: mlp,
    params: PARAMS,
    batch: [
      { name: 'x', dtype: 'float64', shape: [batchSize, IN] },
      { name: 'y', dtype: 'float64', shape: [batchSize, OUT] },
    ],
    optimizer: { kind: 'adamw', weightDecay: 0.05 },
    schedule: { kind: 'cosine', peakLr: 0.05, warmupSteps: 2, totalSteps: 10 },
    clipNorm: 0.5,
    k,
    ...overrides,
  };
}

export function initialParams(): Record<string, HostTensor> {
  const rand = seeded(3);
  const out: Record<string, HostTensor> = {};
  for (const p of PARAMS)
    out[p.name] = f64(
      p.shape,
      rand(elementCount(p.shape)).map((v) => v * 0.7),
    );
  return out;
}

/** `steps` batches of `rows` examples each, stacked: x [steps·rows, IN], y [steps·rows, OUT]. */
export function data(steps: number, rows: number): { x: Float64Array; y: Float64Array } {
  const rand = seeded(11);
  return { x: Float64Array.from(rand(steps * rows * IN)), y: Float64Array.from(rand(steps * rows * OUT)) };
}
