// The forms a matrix product C (M, N) = A·B over K can take in an ONNX graph, for `bench ops`
// to time each at one shape on one provider: a linear layer's forward, input gradient and
// weight gradient each pick one (t5/layers.ts, autodiff/grads/matmul.ts), and on a GPU the
// kernel behind each form differs (onnxruntime 1.30's WebGPU EP: MatMul and Gemm are separate
// programs, and Gemm reads a transposed operand in place). Each builder makes a graph with
// inputs `a`, `b` in the layout its form reads and one output `c` (M, N).

import type { Graph, Tensor } from '../onnx/graph';
import * as op from '../onnx/ops';
import { mostSlices } from '../shape';

export const PRODUCT_FORMS = ['matmul', 'gemm', 'gemm-tb', 'gemm-ta', 'transpose-matmul', 'split-k'] as const;
export type ProductForm = (typeof PRODUCT_FORMS)[number];

/** What each form computes, in a few words (for --help and the rows). */
export const PRODUCT_FORM_SUMMARIES: Readonly<Record<ProductForm, string>> = {
  matmul: 'MatMul A(M,K)·B(K,N)',
  gemm: 'Gemm A(M,K)·B(K,N)',
  'gemm-tb': 'Gemm A(M,K)·B(N,K)ᵀ (transB)',
  'gemm-ta': 'Gemm A(K,M)ᵀ·B(K,N) (transA: a weight gradient)',
  'transpose-matmul': 'MatMul of Transpose(A(K,M)) and B(K,N)',
  'split-k': 'A(K,M)ᵀ·B(K,N) as S batched MatMuls over K/S rows each and a ReduceSum over S',
};

/**
 * Rows per slice in 'split-k' at least: the slices' count is the largest that divides K and
 * leaves each slice this many rows or more (1 when K is under it).
 */
export const SPLIT_K_ROWS = 4096;

type Operand = readonly [number, number];

/** The layouts of A and B a form reads, for C (M, N) over K. */
export function operandShapes(form: ProductForm, m: number, k: number, n: number): { a: Operand; b: Operand } {
  switch (form) {
    case 'matmul':
    case 'gemm':
      return { a: [m, k], b: [k, n] };
    case 'gemm-tb':
      return { a: [m, k], b: [n, k] };
    case 'gemm-ta':
    case 'transpose-matmul':
    case 'split-k':
      return { a: [k, m], b: [k, n] };
  }
}

/** Adds inputs a, b and output c (M, N) computed in `form` to an empty graph. */
export function buildProduct(g: Graph, form: ProductForm, m: number, k: number, n: number): void {
  const shapes = operandShapes(form, m, k, n);
  const a = g.input('a', 'float32', shapes.a);
  const b = g.input('b', 'float32', shapes.b);
  g.output(product(form, a, b, k), 'c');
}

function product(form: ProductForm, a: Tensor, b: Tensor, k: number): Tensor {
  switch (form) {
    case 'matmul':
      return op.matmul(a, b);
    case 'gemm':
      return op.gemm(a, b, null);
    case 'gemm-tb':
      return op.gemm(a, b, null, { transB: true });
    case 'gemm-ta':
      return op.gemm(a, b, null, { transA: true });
    case 'transpose-matmul':
      return op.matmul(op.transpose(a, [1, 0]), b);
    case 'split-k':
      return splitK(a, b, k);
  }
}

/** Σ over S slices of Aₛᵀ·Bₛ: a batch of S products, each of K/S rows, then one ReduceSum. */
function splitK(a: Tensor, b: Tensor, k: number): Tensor {
  const slices = splitKSlices(k);
  const [m, n] = [a.shape[1] as number, b.shape[1] as number];
  const rows = k / slices;
  const at = op.transpose(op.reshape(a, [slices, rows, m]), [0, 2, 1]); // (S, M, K/S)
  const partial = op.matmul(at, op.reshape(b, [slices, rows, n])); // (S, M, N)
  return op.reduceSum(partial, [0]); // (M, N)
}

/** The slices 'split-k' cuts K into: the most that divide K with SPLIT_K_ROWS rows or more each. */
export function splitKSlices(k: number): number {
  return mostSlices(k, k / SPLIT_K_ROWS);
}
