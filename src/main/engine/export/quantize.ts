// Dynamic int8 quantisation of an inference graph, in the form ONNX Runtime's
// quantize_dynamic writes: each MatMul by a constant weight becomes DynamicQuantizeLinear of the
// activation (uint8, per call) → MatMulInteger with the weight stored as 8-bit integers
// (symmetric, -127…127, one scale per tensor) → Cast → Mul by the two scales. Other MatMuls stay
// float. The weight is stored as uint8 with zero point 128, not as int8 with zero point 0: on x86
// CPUs with AVX2 but no VNNI, ONNX Runtime's uint8 × int8 kernel sums pairs of products in 16
// bits (VPMADDUBSW), which saturates (255·127·2 > 32767) and was off by ~1.0 on a plain
// product here; its uint8 × uint8 kernel widens first, and is exact. The integers are the same.
// Reference: ONNX Operators.md (DynamicQuantizeLinear, MatMulInteger); ORT quantization docs
// (the U8S8 saturation note and its U8U8 advice).

import type { Graph, GraphNode, Initializer, Tensor } from '../onnx/graph';
import { Graph as GraphClass } from '../onnx/graph';

interface QuantizedWeight {
  readonly weight: Tensor; // uint8 (in, out), WEIGHT_ZERO + round(W/scale)
  readonly scale: Tensor; // float32 scalar
  readonly zeroPoint: Tensor; // uint8 scalar WEIGHT_ZERO
}

/** The float initializer W (out, in) behind `Transpose(W, [1, 0])`, or null. */
function transposedInitializer(root: Graph, t: Tensor | null): { node: GraphNode; init: Initializer } | null {
  const node = t?.producer?.node;
  if (!node || node.opType !== 'Transpose' || String(node.attrs.perm) !== '1,0') return null;
  const source = node.inputs[0];
  const init = root.initializers.find((i) => i.tensor === source);
  return init && init.value.dtype === 'float32' && init.value.shape.length === 2 ? { node, init } : null;
}

const WEIGHT_ZERO = 128;

/** W (out, in) float32 → Wᵀ (in, out) as -127…127 (scale max|W|/127), stored WEIGHT_ZERO higher as uint8. */
function quantizeWeight(root: Graph, init: Initializer): QuantizedWeight {
  const [rows, cols] = init.value.shape;
  const data = init.value.data as Float32Array;
  let max = 0;
  for (const v of data) max = Math.max(max, Math.abs(v));
  const scale = max > 0 ? max / 127 : 1;
  const q = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++)
      q[c * rows + r] = WEIGHT_ZERO + Math.max(-127, Math.min(127, Math.round(data[r * cols + c] / scale)));
  }
  const name = init.tensor.name;
  return {
    weight: root.initializer(`${name}_quantized`, { dtype: 'uint8', shape: [cols, rows], data: q }),
    scale: root.initializer(`${name}_scale`, { dtype: 'float32', shape: [], data: Float32Array.of(scale) }),
    zeroPoint: root.initializer(`${name}_zero_point`, { dtype: 'uint8', shape: [], data: Uint8Array.of(WEIGHT_ZERO) }),
  };
}

/** Replacement nodes for `matmul` (x · Wᵀ); the last one writes the MatMul's own output. */
function integerMatMul(g: Graph, matmul: GraphNode, w: QuantizedWeight): GraphNode[] {
  const x = matmul.inputs[0] as Tensor;
  const out = matmul.outputs[0];
  const first = g.nodes.length;
  const [xq, xScale, xZero] = g.addNode(
    'DynamicQuantizeLinear',
    [x],
    [
      { dtype: 'uint8', shape: x.shape },
      { dtype: 'float32', shape: [] },
      { dtype: 'uint8', shape: [] },
    ],
  );
  const [acc] = g.addNode('MatMulInteger', [xq, w.weight, xZero, w.zeroPoint], [{ dtype: 'int32', shape: out.shape }]);
  const [accF] = g.addNode('Cast', [acc], [{ dtype: 'float32', shape: out.shape }], { to: 1 });
  const [scale] = g.addNode('Mul', [xScale, w.scale], [{ dtype: 'float32', shape: [] }]);
  const made = g.nodes.splice(first);
  const last: GraphNode = { ...matmul, opType: 'Mul', inputs: [accF, scale], attrs: {} };
  return [...made, last];
}

function rewrite(g: Graph, root: Graph, cache: Map<Initializer, QuantizedWeight>): void {
  for (let i = 0; i < g.nodes.length; i++) {
    const node = g.nodes[i];
    for (const attr of Object.values(node.attrs)) if (attr instanceof GraphClass) rewrite(attr, root, cache);
    const weight = node.opType === 'MatMul' ? transposedInitializer(root, node.inputs[1]) : null;
    if (!weight) continue;
    let q = cache.get(weight.init);
    if (!q) cache.set(weight.init, (q = quantizeWeight(root, weight.init)));
    const replacement = integerMatMul(g, node, q);
    g.nodes.splice(i, 1, ...replacement);
    i += replacement.length - 1;
  }
}

/** Drops nodes whose outputs nobody reads and initializers nobody reads (the float weights). */
function prune(root: Graph): void {
  const readers = new Set<Tensor>();
  const visit = (g: Graph): void => {
    g.outputs.forEach((t) => readers.add(t));
    for (const node of g.nodes) {
      node.inputs.forEach((t) => t && readers.add(t));
      for (const attr of Object.values(node.attrs)) if (attr instanceof GraphClass) visit(attr);
    }
  };
  let removed = true;
  while (removed) {
    readers.clear();
    visit(root);
    const before = root.nodes.length;
    const keep = root.nodes.filter((n) => n.outputs.some((t) => readers.has(t)));
    root.nodes.splice(0, root.nodes.length, ...keep);
    removed = keep.length !== before;
  }
  const keepInit = root.initializers.filter((i) => readers.has(i.tensor));
  root.initializers.splice(0, root.initializers.length, ...keepInit);
}

/** Rewrites `g` (a root graph, changed in place and returned) with int8 weight MatMuls. */
export function quantizeDynamicInt8(g: Graph): Graph {
  rewrite(g, g, new Map());
  prune(g);
  return g;
}
