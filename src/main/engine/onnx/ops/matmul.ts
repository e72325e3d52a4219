// Matrix-product op builders: MatMul (numpy semantics, batch dims broadcast) and Gemm
// (α·op(A)·op(B) + β·C), with static shape inference and errors naming both operands.
// Reference: ONNX Operators.md#MatMul, #Gemm (opset 17).

import type { Tensor } from '../graph';
import { broadcastNamed, graphOf, shapeStr } from './util';

/** numpy matmul for rank ≥ 2: (..., M, K)·(..., K, N) → (..., M, N), batch dims broadcast. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.rank < 2 || b.rank < 2) {
    throw new Error(
      `MatMul: operands must have rank ≥ 2, got ${a.name} ${shapeStr(a.shape)} and ${b.name} ${shapeStr(b.shape)}`,
    );
  }
  if (a.dtype !== b.dtype) throw new Error(`MatMul: dtype mismatch ${a.dtype} (${a.name}) vs ${b.dtype} (${b.name})`);
  const k1 = a.shape[a.rank - 1];
  const k2 = b.shape[b.rank - 2];
  if (k1 !== k2) {
    throw new Error(
      `MatMul: shape mismatch, inner dims differ: ${a.name} ${shapeStr(a.shape)} · ${b.name} ${shapeStr(b.shape)}`,
    );
  }
  const batch = broadcastNamed('MatMul', [
    { name: a.name, shape: a.shape.slice(0, -2) },
    { name: b.name, shape: b.shape.slice(0, -2) },
  ]);
  const shape = [...batch, a.shape[a.rank - 2], b.shape[b.rank - 1]];
  return graphOf('MatMul', a, b).addNode('MatMul', [a, b], [{ dtype: a.dtype, shape }])[0];
}

export interface GemmOptions {
  readonly alpha?: number;
  readonly beta?: number;
  readonly transA?: boolean;
  readonly transB?: boolean;
}

/** Gemm: alpha·op(A)·op(B) + beta·C for 2-D A, B; C broadcasts to (M, N). */
export function gemm(a: Tensor, b: Tensor, c: Tensor | null, options: GemmOptions = {}): Tensor {
  if (a.rank !== 2 || b.rank !== 2)
    throw new Error(`Gemm: A and B must be 2-D, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  const [m, ka] = options.transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [kb, n] = options.transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (ka !== kb) {
    throw new Error(
      `Gemm: shape mismatch, ${a.name} ${shapeStr(a.shape)}${options.transA ? 'ᵀ' : ''} · ${b.name} ${shapeStr(b.shape)}${options.transB ? 'ᵀ' : ''}`,
    );
  }
  if (c) broadcastNamed('Gemm', [c, { name: 'output', shape: [m, n] }]);
  const attrs = {
    alpha: { float: options.alpha ?? 1 },
    beta: { float: options.beta ?? 1 },
    transA: options.transA ? 1 : 0,
    transB: options.transB ? 1 : 0,
  };
  const inputs = c ? [a, b, c] : [a, b];
  return graphOf('Gemm', a, b, c).addNode('Gemm', inputs, [{ dtype: a.dtype, shape: [m, n] }], attrs)[0];
}
