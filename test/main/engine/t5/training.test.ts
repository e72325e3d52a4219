// The trainer-facing pieces: the evaluation graph against the golden case, the layers' shapes
// for a GPU and the CPU, float64 graphs, and t5TrainingSpec through optim.compile (first loss
// equals the golden loss with dropout off; loss falls on a fixed batch with dropout on). Dropout
// itself: training-dropout.test.ts.
import { describe, expect, it } from 'vitest';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import type { Graph, Tensor } from '../../../../src/main/engine/onnx/graph';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { compile } from '../../../../src/main/engine/optim/program';
import { t5ParamShapes } from '../../../../src/main/engine/t5/params';
import { buildTrainingGraph } from '../../../../src/main/engine/t5/model';
import { buildEvalGraph, EVAL_OUTPUTS, t5BatchFeeds, t5TrainingSpec } from '../../../../src/main/engine/t5/training';
import { int32, int64, relativeError } from './helpers';
import { adamwConstant, countForDevices, goldenBatch, loadFixture, maskWraps } from './trainingHelpers';

const NAME = 't5-tiny-gated';

describe('evaluation graph', () => {
  it('gives the golden loss, per-token log-probs and token accuracy', async () => {
    const { golden, config, weights, b, td, te } = loadFixture(NAME);
    const v = golden.logits_shape[2];
    const session = await EngineSession.create(
      serializeModel(buildEvalGraph(config, { batchSize: b, inputLength: te, targetLength: td })),
    );
    const feeds: Record<string, HostTensor> = {
      input_ids: { dtype: 'int32', dims: [b, te], data: int32(golden.input_ids) },
      attention_mask: { dtype: 'int32', dims: [b, te], data: int32(golden.attention_mask) },
      labels: { dtype: 'int32', dims: [b, td], data: int32(golden.labels) },
    };
    for (const [name, shape] of t5ParamShapes(config))
      feeds[name] = { dtype: 'float32', dims: [...shape], data: weights.params.get(name) as Float32Array };
    const out = await session.runHost(feeds);
    await session.release();
    const loss = (out[EVAL_OUTPUTS.loss].data as Float32Array)[0];
    expect(Math.abs(loss - golden.loss) / golden.loss).toBeLessThan(1e-5);
    const logProbs = out[EVAL_OUTPUTS.tokenLogProbs].data as Float32Array;
    const labelled = golden.labels.flat().filter((l) => l !== -100).length;
    expect((out[EVAL_OUTPUTS.labelledTokens].data as Float32Array)[0]).toBe(labelled);
    expect(-logProbs.reduce((s, x) => s + x, 0) / labelled).toBeCloseTo(golden.loss, 5);
    // Each position against log-softmax of the reference logits (float64), 0 where ignored.
    const expectedLogProbs = golden.labels.flat().map((label, i) => {
      if (label === -100) return 0;
      const row = golden.logits.slice(i * v, (i + 1) * v);
      const max = Math.max(...row);
      return row[label] - max - Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    });
    expect(relativeError(logProbs, expectedLogProbs)).toBeLessThan(1e-5);
    let correct = 0;
    golden.labels.flat().forEach((label, i) => {
      if (label === -100) return;
      const row = golden.logits.slice(i * v, (i + 1) * v);
      if (row.indexOf(Math.max(...row)) === label) correct++;
    });
    expect((out[EVAL_OUTPUTS.correctTokens].data as Float32Array)[0]).toBe(correct);
  });
});

/** The scalar factors Muls of the forward apply, with the rank of what each scales. */
function scalarFactors(graph: Graph): { factor: number; rank: number }[] {
  const scalars = new Map(graph.initializers.filter((i) => i.tensor.rank === 0).map((i) => [i.tensor, i.value]));
  return graph.nodes
    .filter((n) => n.opType === 'Mul' && !n.name.startsWith('model.grad'))
    .flatMap((n) => {
      const [a, b] = n.inputs as Tensor[];
      const value = scalars.get(b) ?? scalars.get(a);
      return value ? [{ factor: Math.fround(Number(value.data[0])), rank: (scalars.has(b) ? a : b).rank }] : [];
    });
}

describe('T5 layers built for a GPU (and where the CPU differs)', () => {
  it('linear layers on a GPU are 2-D MatMuls with the transposed weight, and no Gemm anywhere reads B transposed (slow on WebGPU)', () => {
    const { config } = loadFixture('t5-tiny-relu');
    const forward = (graph: Graph) => graph.nodes.filter((n) => !n.name.startsWith('model.grad'));
    const linearProducts = (graph: Graph) =>
      forward(graph).filter((n) => n.opType === 'MatMul' && (n.inputs as Tensor[]).every((t) => t.rank === 2)).length;
    // Per encoder block: q/k/v stacked, o, the FFN's two; per decoder block: its own q/k/v
    // stacked and o, cross-attention's q, k, v and o, the FFN's two; the tied LM head. The CPU
    // multiplies (B, T, in) by the weight instead.
    const products = 4 * config.numLayers + 8 * config.numDecoderLayers + 1;
    expect(countForDevices('t5-tiny-relu', linearProducts)).toEqual([0, products]);
    const transposedB = (graph: Graph) =>
      graph.nodes.filter((n) => n.opType === 'Gemm' && (n.attrs.transB as { int?: number } | undefined)?.int === 1)
        .length;
    expect(countForDevices('t5-tiny-relu', transposedB)).toEqual([0, 0]);
  });

  it('dropout masks are applied by a bool Cast and a Mul on a GPU as on the CPU, not by Where (slower on both)', () => {
    // A mask cast to the activations' float dtype (the hashes also cast bools, to int32).
    const boolCasts = (graph: Graph) =>
      graph.nodes.filter(
        (n) =>
          n.opType === 'Cast' &&
          !n.name.startsWith('model.grad') &&
          n.inputs[0]?.dtype === 'bool' &&
          n.outputs[0].dtype === 'float32',
      ).length;
    const [cpu, gpu] = countForDevices('t5-tiny-relu', boolCasts); // dropout 0.1
    expect(cpu).toBeGreaterThan(0);
    expect(gpu).toBe(cpu);
  });

  it('the bias tables get their gradients from a product on a GPU, never a scatter-add (WebGPU serialises those)', () => {
    const { config } = loadFixture('t5-tiny-relu');
    const table = [config.relativeAttentionNumBuckets, config.numHeads].join('x');
    const tableScatters = (graph: Graph) =>
      graph.nodes.filter((n) => n.opType === 'ScatterND' && n.outputs[0].shape.join('x') === table).length;
    // The encoder's table and the decoder's (each stack's layer 0 owns one).
    expect(countForDevices('t5-tiny-relu', tableScatters)).toEqual([2, 0]);
  });

  it("dropout's 1/(1 − p) is a scalar Mul in the linear layer after it, never one over the dropped tensor (a GPU's the tied LM head's D^-½ too)", () => {
    const { config } = loadFixture('t5-tiny-relu'); // dropout 0.1, tied embeddings
    const scale = Math.fround(1024 / (1024 - Math.round(0.1 * 1024))); // the rate as counter masks round it (2⁻¹⁰ steps)
    const [cpu, gpu] = countForDevices('t5-tiny-relu', scalarFactors);
    const attentions = config.numLayers + 2 * config.numDecoderLayers;
    const feedForwards = config.numLayers + config.numDecoderLayers;
    // Output projections carry the weights' factor and the residual dropout's; the FFN's its hidden's and its output's.
    for (const factors of [cpu, gpu])
      expect(factors.filter((f) => f.factor === Math.fround(scale * scale))).toHaveLength(attentions + feedForwards);
    // Only the dropouts no linear layer follows keep theirs: each stack's embeddings and final norm (B, T, D).
    expect(cpu.filter((f) => f.factor === scale)).toEqual(Array(4).fill({ factor: scale, rank: 3 }));
    // A GPU's factors scale a 2-D side of a product: the rows, the weight or the output, whichever is smallest.
    expect(gpu.filter((f) => f.factor === Math.fround(scale * scale)).every((f) => f.rank === 2)).toBe(true);
    expect(gpu.map((f) => f.factor)).toContain(Math.fround(config.dModel ** -0.5));
  });

  it('RMS norms are one node each; for a GPU the residual add before one shares its node', () => {
    const { config } = loadFixture('t5-tiny-gated');
    const nodes = (opType: string) => (graph: Graph) => graph.nodes.filter((n) => n.opType === opType).length;
    // Per encoder block two (attention, FFN), per decoder block three (with cross-attention), and each stack's final norm.
    const norms = 2 * config.numLayers + 1 + 3 * config.numDecoderLayers + 1;
    // Every norm but each stack's first (of the embeddings) follows a residual add.
    expect(countForDevices('t5-tiny-gated', nodes('SimplifiedLayerNormalization'))).toEqual([norms, 2]);
    expect(countForDevices('t5-tiny-gated', nodes('SkipSimplifiedLayerNormalization'))).toEqual([0, norms - 2]);
  });
});

describe('float64 graphs', () => {
  it('the same builders run in float64 (for finite-difference checks) and meet the reference closer', async () => {
    const { golden, config, weights, b, td, te } = loadFixture(NAME);
    const built = buildTrainingGraph(
      config,
      { batchSize: b, inputLength: te, targetLength: td },
      { dtype: 'float64', dropoutRate: 0 },
    );
    const session = await EngineSession.create(serializeModel(built.graph));
    const feeds: Record<string, HostTensor> = {
      input_ids: { dtype: 'int32', dims: [b, te], data: int32(golden.input_ids) },
      attention_mask: { dtype: 'int32', dims: [b, te], data: int32(golden.attention_mask) },
      labels: { dtype: 'int32', dims: [b, td], data: int32(golden.labels) },
    };
    for (const [name, t] of built.params) {
      feeds[name] = {
        dtype: 'float64',
        dims: t.shape as number[],
        data: Float64Array.from(weights.params.get(name) as Float32Array),
      };
    }
    const loss = ((await session.runHost(feeds)).loss.data as Float64Array)[0];
    await session.release();
    // NOTE: not 1e-15: HF's T5LayerNorm computes the variance in float32 even in a float64 model.
    expect(Math.abs(loss - golden.loss) / golden.loss).toBeLessThan(1e-7);
  });
});

describe('t5TrainingSpec through optim.compile', () => {
  it('first loss equals the golden loss (dropout off), and the loss falls on a fixed batch', async () => {
    const { golden, config, weights, b, td, te } = loadFixture(NAME);
    const batch = goldenBatch(golden);
    const spec = t5TrainingSpec(config, { batchSize: b, inputLength: te, targetLength: td }, { dropoutRate: 0 });
    const program = await compile({ ...spec, ...adamwConstant(0.01, 3e-3, 1) });
    try {
      const params: Record<string, Float32Array> = Object.fromEntries(weights.params);
      program.setParams(params);
      const losses: number[] = [];
      for (let i = 0; i < 5; i++) losses.push((await program.step(batch)).losses[0]);
      expect(Math.abs(losses[0] - golden.loss) / golden.loss).toBeLessThan(1e-5);
      expect(losses[4]).toBeLessThan(losses[0]);
    } finally {
      await program.release();
    }
  });

  it("graphDevice 'gpu' shapes a CPU session's step as for a GPU (grouped masks), with the CPU's losses", async () => {
    const { golden, config, weights, b, td, te } = loadFixture('t5-tiny-relu');
    const spec = t5TrainingSpec(config, { batchSize: b, inputLength: te, targetLength: td }, { dropoutRate: 0.1 });
    // Three steps in one Loop: the CPU's one-step runs are fed their masks (no chains to count).
    const batch = Object.fromEntries(
      Object.entries(goldenBatch(golden)).map(([name, x]) => [name, Int32Array.from([...x, ...x, ...x])]),
    );
    const run = async (graphDevice?: 'cpu' | 'gpu') => {
      const program = await compile({
        ...spec,
        ...adamwConstant(0.01, 3e-3, 3),
        mode: 'loop',
        graphDevice,
        recordPlacement: true,
      });
      try {
        program.setParams(Object.fromEntries(weights.params));
        const losses = [...(await program.step(batch)).losses];
        const ops = program.nodePlacement().byProvider.CPUExecutionProvider;
        return { losses, provider: program.placement.provider, wraps: ops.Less ?? 0 };
      } finally {
        await program.release();
      }
    };
    const [cpu, gpu] = [await run(), await run('gpu')];
    expect([cpu.provider, gpu.provider]).toEqual(['cpu', 'cpu']);
    // The sessions ran the graphs built for each: the GPU's masks hash in fewer chains (Less:
    // their wraps). Both keep the same other Less (Gather gradients' index checks) once ORT has
    // folded the CPU's two over constant bucket ids (the GPU looks those tables up by a
    // product, positionBias.ts, and has none).
    const [cpuWraps, gpuWraps] = countForDevices('t5-tiny-relu', maskWraps);
    expect(cpuWraps).toBeGreaterThan(gpuWraps);
    expect(cpu.wraps - gpu.wraps).toBe(cpuWraps - gpuWraps);
    // The same masks either way (dropout is on), so only float rounding differs.
    gpu.losses.forEach((loss, i) => expect(Math.abs(loss - cpu.losses[i]) / cpu.losses[i]).toBeLessThan(1e-5));
  });

  it('runs K = 3 steps per call in an ONNX Loop with dropout on, and the loss falls', async () => {
    const { golden, config, weights, b, td, te } = loadFixture('t5-tiny-relu');
    const stack = (x: BigInt64Array): BigInt64Array => {
      const out = new BigInt64Array(3 * x.length);
      for (let i = 0; i < 3; i++) out.set(x, i * x.length);
      return out;
    };
    const batch = t5BatchFeeds({
      inputIds: stack(int64(golden.input_ids)),
      attentionMask: stack(int64(golden.attention_mask)),
      labels: stack(int64(golden.labels)),
    });
    const spec = t5TrainingSpec(config, { batchSize: b, inputLength: te, targetLength: td });
    const program = await compile({ ...spec, ...adamwConstant(0.01, 3e-3, 3), mode: 'loop' });
    try {
      expect(program.mode).toBe('loop');
      program.setParams(Object.fromEntries(weights.params));
      const first = await program.step(batch);
      const second = await program.step(batch);
      expect([...first.losses, ...second.losses].every(Number.isFinite)).toBe(true);
      expect(second.losses[2]).toBeLessThan(first.losses[0]);
    } finally {
      await program.release();
    }
  });
});
