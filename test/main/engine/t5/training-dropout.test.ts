// Dropout in the t5 training step: HF's sites at the config's rate, masks that are a function of
// the step (a K-step Loop equals K one-step calls), the same masks drawn on the host for the host
// update's step, and the GPU's grouped masks equal to the stream's request by request.
import { describe, expect, it } from 'vitest';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import type { Tensor } from '../../../../src/main/engine/onnx/graph';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { compile } from '../../../../src/main/engine/optim/program';
import { t5ParamShapes } from '../../../../src/main/engine/t5/params';
import { buildTrainingGraph } from '../../../../src/main/engine/t5/model';
import { t5DropoutPlan, t5TrainingSpec } from '../../../../src/main/engine/t5/training';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import { PlannedMasks } from '../../../../src/main/engine/onnx/maskPlan';
import { counterKey, RandomStream } from '../../../../src/main/engine/onnx/random';
import { buildContext } from '../../../../src/main/engine/t5/layers';
import { declareBatch, declareParams, t5Forward } from '../../../../src/main/engine/t5/model';
import { adamwConstant, countForDevices, goldenBatch, loadFixture, maskWraps } from './trainingHelpers';
import { expectClose } from '../optim/helpers';

describe('training graph dropout', () => {
  /** The ratio fed to each Dropout node (its second input, a constant). */
  function dropoutRatios(graph: Graph): number[] {
    const values = new Map(graph.initializers.map((i) => [i.tensor, i.value.data[0]]));
    return graph.nodes.filter((n) => n.opType === 'Dropout').map((n) => Number(values.get(n.inputs[1] as Tensor)));
  }

  it("has HF's dropout sites at config.json's dropout_rate, and none when the rate is 0", () => {
    const { config, b, td, te } = loadFixture('t5-tiny-relu');
    const shapes = { batchSize: b, inputLength: te, targetLength: td };
    // HF modeling_t5: per stack the embedding and the final norm; per encoder block the attention
    // probabilities, the attention output, the FFN hidden and the FFN output (4); per decoder
    // block those for self- and cross-attention (6).
    const sites = 2 + 4 * config.numLayers + 2 + 6 * config.numDecoderLayers;
    expect(config.dropoutRate).toBe(0.1);
    expect(dropoutRatios(buildTrainingGraph(config, shapes).graph)).toEqual(
      new Array<number>(sites).fill(Math.fround(0.1)),
    );
    expect(dropoutRatios(buildTrainingGraph(config, shapes, { dropoutRate: 0.3 }).graph)).toEqual(
      new Array<number>(sites).fill(Math.fround(0.3)),
    );
    expect(dropoutRatios(buildTrainingGraph(config, shapes, { dropoutRate: 0 }).graph)).toEqual([]);
  });

  it('draws a new mask on every step of the fused training step (lr 0, so only the masks change)', async () => {
    // NOTE: through the fused step, not the forward-only graph: onnxruntime's inference build
    // removes a Dropout whose mask output is unused (EliminateDropout), and here backward uses it.
    const { golden, config, weights, b, td, te } = loadFixture('t5-tiny-relu');
    const batch = goldenBatch(golden);
    const program = await compile({
      ...t5TrainingSpec(config, { batchSize: b, inputLength: te, targetLength: td }),
      ...adamwConstant(0, 0, 1),
    });
    try {
      program.setParams(Object.fromEntries(weights.params));
      const losses: number[] = [];
      for (let i = 0; i < 3; i++) losses.push((await program.step(batch)).losses[0]);
      expect(new Set(losses).size).toBe(3);
      for (const loss of losses) expect(Math.abs(loss - golden.loss) / golden.loss).toBeGreaterThan(1e-4);
    } finally {
      await program.release();
    }
  });
});

describe('deterministic dropout', () => {
  /** Losses and final parameters of `calls` calls of K steps each, dropout 0.1, seed 7. */
  async function run(k: number, calls: number, mode: 'auto' | 'single' = 'auto') {
    const { golden, config, weights, b, td, te } = loadFixture('t5-tiny-relu');
    const one = goldenBatch(golden);
    const batch = Object.fromEntries(
      Object.entries(one).map(([name, x]) => {
        const stacked = new Int32Array(k * x.length);
        for (let i = 0; i < k; i++) stacked.set(x, i * x.length);
        return [name, stacked];
      }),
    );
    const spec = t5TrainingSpec(config, { batchSize: b, inputLength: te, targetLength: td }, { seed: 7 });
    const program = await compile({ ...spec, ...adamwConstant(0.01, 3e-3, k), mode });
    try {
      program.setParams(Object.fromEntries(weights.params));
      const losses: number[] = [];
      for (let c = 0; c < calls; c++) losses.push(...(await program.step(batch)).losses);
      const state = await program.getState();
      return { losses, params: state.params['shared.weight'].data as Float32Array };
    } finally {
      await program.release();
    }
  }

  it('masks are a function of the step: one K = 4 Loop call equals four K = 1 calls, bit for bit', async () => {
    const looped = await run(4, 1);
    const single = await run(1, 4);
    expect(new Set(looped.losses).size).toBe(4); // dropout is on: each step draws another mask
    expect(looped.losses).toEqual(single.losses);
    expect(Array.from(looped.params)).toEqual(Array.from(single.params));
    expect((await run(2, 2, 'single')).losses).toEqual(single.losses);
  });
});

describe('dropout masks drawn on the host', () => {
  interface Run {
    readonly update: 'auto' | 'graph';
    /** Steps per call: 1 (three one-step calls, fed masks on the CPU) or 3 (one Loop call, hashed in the graph). */
    readonly k: 1 | 3;
    readonly optimizer?: 'adamw' | 'adafactor';
    readonly dropoutRate?: number;
  }

  /** Losses, final embedding and CPU op counts of 3 steps of M = 2 micro-batches (each its own masks). */
  async function run({ update, k, optimizer = 'adamw', dropoutRate = 0.1 }: Run) {
    const { golden, config, weights, b, td, te } = loadFixture('t5-tiny-relu');
    const batch = Object.fromEntries(
      Object.entries(goldenBatch(golden)).map(([name, x]) => {
        const other = x.map((v) => (name === 'labels' && v > 1 ? v - 1 : v)); // another micro-batch
        const stacked = new Int32Array(2 * k * x.length);
        for (let i = 0; i < k; i++) stacked.set([...x, ...other], 2 * i * x.length);
        return [name, stacked];
      }),
    );
    const spec = t5TrainingSpec(config, { batchSize: b, inputLength: te, targetLength: td }, { seed: 3, dropoutRate });
    const settings =
      optimizer === 'adamw'
        ? adamwConstant(0.01, 3e-3, k)
        : ({
            optimizer: { kind: 'adafactor' },
            schedule: { kind: 'constant', peakLr: 1e-2, warmupSteps: 0 },
            k,
          } as const);
    const program = await compile({
      ...spec,
      ...settings,
      accumulation: 2,
      mode: k === 1 ? 'single' : 'loop',
      update,
      recordPlacement: true,
    });
    try {
      program.setParams(Object.fromEntries(weights.params));
      const losses: number[] = [];
      for (let i = 0; i < 3 / k; i++) losses.push(...(await program.step(batch)).losses);
      const state = await program.getState();
      const ops = program.nodePlacement().byProvider.CPUExecutionProvider;
      return { update: program.update, losses, params: state.params['shared.weight'].data as Float32Array, ops };
    } finally {
      await program.release();
    }
  }

  /** The fed program's int32 wraps (Less) and divisions equal a step's without dropout: it hashes nothing. */
  async function expectNoHashing(fed: Awaited<ReturnType<typeof run>>, settings: Run) {
    const plain = await run({ ...settings, dropoutRate: 0 });
    for (const op of ['Less', 'Div']) expect(fed.ops[op], op).toBe(plain.ops[op]);
  }

  it("feed the CPU's one-step runs the masks a Loop draws in its graph: losses and parameters bit for bit, with accumulation", async () => {
    const looped = await run({ update: 'graph', k: 3 });
    expect(new Set(looped.losses).size).toBe(3);
    for (const update of ['auto', 'graph'] as const) {
      const fed = await run({ update, k: 1 });
      expect(fed.update).toBe(update === 'auto' ? 'host' : 'graph');
      expect(fed.losses, update).toEqual(looped.losses);
      expect(Array.from(fed.params), update).toEqual(Array.from(looped.params));
      await expectNoHashing(fed, { update, k: 1 });
    }
    // The count tells hashing apart: the Loop's graph hashes its masks (its body's nodes counted).
    const plainLoop = await run({ update: 'graph', k: 3, dropoutRate: 0 });
    for (const op of ['Less', 'Div']) expect(looped.ops[op], op).toBeGreaterThan(plainLoop.ops[op]);
  });

  it("feed Adafactor's one-step runs too: bit for bit with its update in the graph, to float32 precision on the host", async () => {
    const looped = await run({ update: 'graph', k: 3, optimizer: 'adafactor' });
    expect(new Set(looped.losses).size).toBe(3);
    const inGraph = await run({ update: 'graph', k: 1, optimizer: 'adafactor' });
    expect(inGraph.update).toBe('graph');
    expect(inGraph.losses).toEqual(looped.losses);
    expect(Array.from(inGraph.params)).toEqual(Array.from(looped.params));
    await expectNoHashing(inGraph, { update: 'graph', k: 1, optimizer: 'adafactor' });
    // The host's kernel sums in another order (optim/hostAdafactor.ts): the first loss is
    // before any update; a step fed another step's masks would be off by far more than this.
    const onHost = await run({ update: 'auto', k: 1, optimizer: 'adafactor' });
    expect(onHost.update).toBe('host');
    expect(onHost.losses[0]).toBe(looped.losses[0]);
    expectClose(onHost.losses, looped.losses, 1e-5, 'losses');
    expectClose(onHost.params, looped.params, 1e-4, 'shared.weight', 1e-2);
    await expectNoHashing(onHost, { update: 'auto', k: 1, optimizer: 'adafactor' });
  });

  it('are fields of the spec only with dropout on, one bool per mask of the forward pass, in its order', () => {
    const { config, b, td, te } = loadFixture('t5-tiny-relu');
    const shapes = { batchSize: b, inputLength: te, targetLength: td };
    expect(t5TrainingSpec(config, shapes, { dropoutRate: 0 }).hostFields).toBeUndefined();
    const fields = t5TrainingSpec(config, shapes).hostFields?.fields ?? [];
    const plan = t5DropoutPlan(config, shapes, 'float32', config.dropoutRate);
    expect(fields.map((f) => [f.name, f.dtype, f.shape])).toEqual(
      plan.sizes.map((size, i) => [`dropout/keep${i}`, 'bool', [size]]),
    );
  });
});

describe('grouped dropout masks', () => {
  it('the planned (grouped) masks of a forward pass are those of the stream, request by request', async () => {
    const { golden, config, weights, b, td, te } = loadFixture('t5-tiny-relu');
    const shapes = { batchSize: b, inputLength: te, targetLength: td };
    const plan = t5DropoutPlan(config, shapes, 'float32', config.dropoutRate);
    // HF's dropout sites (see 'training graph dropout'), one request each.
    expect(plan.sizes).toHaveLength(2 + 4 * config.numLayers + 2 + 6 * config.numDecoderLayers);
    const lossWith = async (isGrouped: boolean, step: number): Promise<number> => {
      const g = new Graph('t5_masks');
      const stream = new RandomStream(counterKey(g, 7, [g.input('step', 'int32', [])]), 2); // small groups
      const masks = isGrouped ? new PlannedMasks(stream, plan, 2) : stream;
      const ctx = buildContext(g, config, declareParams(g, config), {
        dropoutRate: config.dropoutRate,
        dropoutStream: masks,
      });
      g.output(t5Forward(ctx, declareBatch(g, shapes)).loss, 'loss');
      const session = await EngineSession.create(serializeModel(g));
      const feeds: Record<string, HostTensor> = { step: { dtype: 'int32', dims: [], data: Int32Array.of(step) } };
      for (const [name, data] of weights.params)
        feeds[name] = { dtype: 'float32', dims: [...(t5ParamShapes(config).get(name) as number[])], data };
      for (const [name, data] of Object.entries(goldenBatch(golden)))
        feeds[name] = { dtype: 'int32', dims: [b, name === 'labels' ? td : te], data };
      const loss = ((await session.runHost(feeds)).loss.data as Float32Array)[0];
      await session.release();
      return loss;
    };
    const [grouped, single, next] = [await lossWith(true, 3), await lossWith(false, 3), await lossWith(true, 4)];
    expect(grouped).toBe(single);
    // The training step takes them grouped when built for a GPU, one chain per site for the
    // CPU: each value hash (mix) has two wraps (Less), and this small step's sites fit one group;
    // the GPU's rows and columns are hashed in one chain of three mixes, not two.
    const [cpuWraps, gpuWraps] = countForDevices('t5-tiny-relu', maskWraps);
    expect(cpuWraps - gpuWraps).toBe(2 * (plan.sizes.length - 1) + 2 * 3);
    expect(next).not.toBe(grouped); // another step, other masks
    expect(Math.abs(grouped - golden.loss) / golden.loss).toBeGreaterThan(1e-4); // dropout is on
  });
});
