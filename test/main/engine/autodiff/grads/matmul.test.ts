// Finite-difference checks of the MatMul and Gemm gradient rules (autodiff/grads/matmul.ts)
// in float64: batched and broadcast batch dims, a shared operand, every Gemm transpose and
// scale, the batched products whose gradient transposes the smaller side (attention's P·V);
// ends with the family's FD coverage check.
import { expect, it } from 'vitest';
import { gradients } from '../../../../../src/main/engine/autodiff/gradients';
import { Graph } from '../../../../../src/main/engine/onnx/graph';
import * as op from '../../../../../src/main/engine/onnx/ops';
import { matmulGradients } from '../../../../../src/main/engine/autodiff/grads/matmul';
import { describeGradientFamily, expectGradientsMatch } from '../expect';

describeGradientFamily(matmulGradients, () => {
  // Each case: A·B with these shapes, named for what its gradient does.
  const products: readonly { title: string; a: number[]; b: number[] }[] = [
    { title: '2-D', a: [2, 3], b: [3, 4] },
    { title: 'batched (2, 2, 3)·(3, 2): dB folds the batch', a: [2, 2, 3], b: [3, 2] },
    { title: 'broadcast batch (2, 1, 2, 3)·(3, 3, 2)', a: [2, 1, 2, 3], b: [3, 3, 2] },
    // P·V: dV = Pᵀ·dO would transpose P (50 values), dO and dV 20 each; Q·Kt's dQ the same way.
    { title: 'batched (2, 5, 5)·(2, 5, 2): dB as (dYᵀ·A)ᵀ', a: [2, 5, 5], b: [2, 5, 2] },
    { title: 'batched (2, 2, 5)·(2, 5, 5): dA as (B·dYᵀ)ᵀ', a: [2, 2, 5], b: [2, 5, 5] },
    {
      title: 'broadcast batch (2, 1, 6, 6)·(2, 6, 1): dB as (dYᵀ·A)ᵀ, summed to its batch',
      a: [2, 1, 6, 6],
      b: [2, 6, 1],
    },
  ];
  for (const { title, a, b } of products)
    it(`MatMul ${title}`, () =>
      expectGradientsMatch({
        inputs: [
          { name: 'a', shape: a },
          { name: 'b', shape: b },
        ],
        build: ([x, y]) => op.matmul(x, y),
      }));
  it('MatMul with the same tensor on both sides (x·xᵀ)', () =>
    expectGradientsMatch({
      inputs: [{ name: 'x', shape: [3, 2] }],
      build: ([x]) => op.matmul(x, op.transpose(x, [1, 0])),
    }));
  it('Gemm without C', () =>
    expectGradientsMatch({
      inputs: [
        { name: 'a', shape: [2, 4] },
        { name: 'b', shape: [4, 3] },
      ],
      build: ([a, b]) => op.gemm(a, b, null, { alpha: -0.5 }),
    }));
  it('Gemm with C [2, 1] and scalar C', () =>
    expectGradientsMatch({
      inputs: [
        { name: 'a', shape: [2, 4] },
        { name: 'b', shape: [4, 3] },
        { name: 'c', shape: [2, 1] },
        { name: 's', shape: [] },
      ],
      build: ([a, b, c, s]) => op.add(op.gemm(a, b, c, { beta: 0.5 }), op.gemm(a, b, s, { transB: false })),
    }));
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`Gemm transA=${transA} transB=${transB} alpha=0.7 beta=1.3 with C [3]`, () =>
        expectGradientsMatch({
          inputs: [
            { name: 'a', shape: transA ? [4, 2] : [2, 4] },
            { name: 'b', shape: transB ? [3, 4] : [4, 3] },
            { name: 'c', shape: [3] },
          ],
          build: ([a, b, c]) => op.gemm(a, b, c, { alpha: 0.7, beta: 1.3, transA, transB }),
        }));
    }
  }
});

it("transposes the smaller side in a batched MatMul's gradients: dO and dV for attention's P·V, not P", () => {
  const g = new Graph('pv');
  const [p, v] = [g.input('p', 'float32', [2, 8, 16, 16]), g.input('v', 'float32', [2, 8, 16, 4])];
  const [q, kt] = [g.input('q', 'float32', [2, 8, 16, 4]), g.input('kt', 'float32', [2, 8, 4, 16])];
  const loss = op.reduceSum(op.add(op.matmul(p, v), op.matmul(op.matmul(q, kt), v)), null);
  gradients(loss, [p, v, q, kt]);
  const transposed = transposedShapes(g);
  // dO·Vᵀ and dS·Vᵀ transpose V (twice); dV of both products is (dOᵀ·P)ᵀ, a Transpose of dO
  // (2×8×16×4) and one of the product (2×8×4×16); dQ = dS·Ktᵀ and dKt = Qᵀ·dS transpose Kt and
  // Q, 64 values a head each: never a 16×16 score or weight matrix.
  expect(transposed.filter((s) => s.endsWith('16×16'))).toEqual([]);
  expect(transposed.sort()).toEqual([...Array(5).fill('2×8×16×4'), ...Array(3).fill('2×8×4×16')].sort());
});

it('keeps dY·Wᵀ for a 2-D weight and Aᵀ·dY for an operand a Transpose made, however few rows read it', () => {
  const g = new Graph('weights');
  const [x, w] = [g.input('x', 'float32', [2, 16]), g.input('w', 'float32', [16, 16])];
  const [pt, v] = [g.input('pt', 'float32', [2, 16, 16]), g.input('v', 'float32', [2, 16, 4])];
  // The other form would transpose fewer values (2·16 + 16·2 against 256; 2·16·4 + 2·4·16
  // against 2·16·16), but a weight's Transpose is folded once per session, and Pᵀ of a P that a
  // Transpose made is one pass of pt either way.
  const y = op.matmul(op.transpose(pt, [0, 2, 1]), v);
  const loss = op.add(op.reduceSum(op.matmul(x, w), null), op.reduceSum(y, null));
  gradients(loss, [x, w, pt, v]);
  // Wᵀ; the forward's P, dV's Pᵀ and dP's back to pt; dP = dO·Vᵀ's V.
  expect(transposedShapes(g).sort()).toEqual(['16×16', '2×16×16', '2×16×16', '2×16×16', '2×16×4']);
});

/** The input shape of each Transpose node in `g`, as 'A×B×…'. */
function transposedShapes(g: Graph): string[] {
  return g.nodes.filter((n) => n.opType === 'Transpose').map((n) => n.inputs[0]?.shape.join('×') ?? '');
}
