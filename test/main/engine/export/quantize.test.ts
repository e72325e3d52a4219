// Dynamic int8 quantisation: ONNX Runtime's result for a quantised x·Wᵀ must equal the
// arithmetic written out here (uint8 activations with a zero point, symmetric int8 weights,
// int32 accumulation, two scales), so the rewrite wires DynamicQuantizeLinear/MatMulInteger right.
// On a CPU with AVX2 and no VNNI (an AMD EPYC here) int8 weights made ORT's uint8 × int8 kernel
// saturate its 16-bit pair sums: 1.04 off; the weights are stored as uint8 for that (quantize.ts).
import { describe, expect, it } from 'vitest';
import { quantizeDynamicInt8 } from '../../../../src/main/engine/export/quantize';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import * as op from '../../../../src/main/engine/onnx/ops';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { maxAbsDiff } from '../t5/helpers';

const [ROWS, IN, OUT] = [5, 32, 64];
const w = Float32Array.from({ length: OUT * IN }, (_, i) => Math.sin(i * 1.7));
const x = Float32Array.from({ length: ROWS * IN }, (_, i) => Math.cos(i * 0.3) * 2 + 0.5);

function linearGraph(): Graph {
  const g = new Graph('linear');
  const input = g.input('x', 'float32', [ROWS, IN]);
  const weight = g.initializer('w', { dtype: 'float32', shape: [OUT, IN], data: w });
  g.output(op.matmul(input, op.transpose(weight, [1, 0])), 'y');
  return g;
}

/** ONNX DynamicQuantizeLinear + MatMulInteger semantics, written out. */
function expected(): number[] {
  const ws = Math.max(...w.map(Math.abs)) / 127;
  const lo = Math.min(0, ...x);
  const hi = Math.max(0, ...x);
  const xs = (hi - lo) / 255;
  const xz = Math.min(255, Math.max(0, Math.round(-lo / xs)));
  const qx = (v: number): number => Math.min(255, Math.max(0, Math.round(v / xs) + xz));
  const out: number[] = [];
  for (let r = 0; r < ROWS; r++)
    for (let o = 0; o < OUT; o++) {
      let acc = 0;
      for (let c = 0; c < IN; c++) acc += (qx(x[r * IN + c]) - xz) * Math.round(w[o * IN + c] / ws);
      out.push(acc * Math.fround(Math.fround(xs) * Math.fround(ws)));
    }
  return out;
}

describe('quantizeDynamicInt8', () => {
  it('turns x·Wᵀ into the integer product ONNX Runtime computes and drops the float weight', async () => {
    const g = quantizeDynamicInt8(linearGraph());
    expect(g.nodes.map((n) => n.opType)).toEqual(['DynamicQuantizeLinear', 'MatMulInteger', 'Cast', 'Mul', 'Mul']);
    expect(g.initializers.map((i) => [i.tensor.name, i.value.dtype])).toEqual([
      ['w_quantized', 'uint8'],
      ['w_scale', 'float32'],
      ['w_zero_point', 'uint8'],
    ]);
    const session = await EngineSession.create(serializeModel(g));
    const { y } = await session.runHost({ x: { dtype: 'float32', dims: [ROWS, IN], data: x } });
    expect(maxAbsDiff(y.data as Float32Array, expected())).toBeLessThan(1e-4);
  });
});
