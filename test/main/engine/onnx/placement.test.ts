// Node placement: the profile parser on hand-made events, and (through Mesa's lavapipe, a
// Vulkan driver on the CPU that .ci/run installs) the t5 training step, evaluation graph,
// encoder and decoder step (device KV cache) of a tiny golden fixture with every node on the
// WebGPU EP.
// Tiny shapes: lavapipe is slow, and this checks placement, never speed.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NodePlacement } from '../../../../src/main/engine/onnx/placement';
import { placementFromProfile, describePlacement } from '../../../../src/main/engine/onnx/placement';
import { probeProviders } from '../../../../src/main/engine/onnx/probe';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { compile } from '../../../../src/main/engine/optim/program';
import { t5ParamShapes } from '../../../../src/main/engine/t5/params';
import { DeviceCacheDecoding } from '../../../../src/main/engine/t5/decoding';
import { T5Runtime } from '../../../../src/main/engine/t5/runtime';
import { buildEvalGraph, t5TrainingSpec } from '../../../../src/main/engine/t5/training';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import { FIXTURES, int32, readCase } from '../t5/helpers';

const node = (name: string, provider: string, opName: string) => ({
  cat: 'Node',
  name: `${name}_kernel_time`,
  args: { provider, op_name: opName },
});

describe('placementFromProfile', () => {
  it('counts each node once by provider and op type, and names what left the expected provider', () => {
    const events = [
      node('a', 'WebGpuExecutionProvider', 'MatMul'),
      node('a', 'WebGpuExecutionProvider', 'MatMul'), // a second run (or Loop iteration) of node a
      node('b', 'CPUExecutionProvider', 'Cast'),
      node('c', 'WebGpuExecutionProvider', 'MemcpyToHost'),
      { cat: 'Session', name: 'model_run', args: {} },
    ];
    const placement = placementFromProfile(events, 'webgpu');
    expect(placement.byProvider).toEqual({
      WebGpuExecutionProvider: { MatMul: 1, MemcpyToHost: 1 },
      CPUExecutionProvider: { Cast: 1 },
    });
    expect(placement.fallbacks).toEqual({ Cast: 1 });
    expect(placement.fallbackNodes).toEqual(['b']);
    expect(placement.copies).toBe(1);
    expect(placement.isFullyPlaced).toBe(false);
    expect(describePlacement('webgpu', placement)).toBe(
      'webgpu: 1 nodes fell back to another provider (Cast 1); 1 host copies',
    );
    expect(placementFromProfile(events.slice(0, 2), 'webgpu').isFullyPlaced).toBe(true);
  });
});

describe('t5 graphs on WebGPU (lavapipe)', () => {
  const name = 't5-tiny-gated';
  const golden = readCase(name);
  const { config, weights } = loadT5Model(join(FIXTURES, name));
  const [b, td] = golden.logits_shape;
  const te = golden.input_ids[0].length;
  const shapes = { batchSize: b, inputLength: te, targetLength: td };
  const batch = {
    input_ids: int32(golden.input_ids),
    attention_mask: int32(golden.attention_mask),
    labels: int32(golden.labels),
  };

  beforeAll(async () => {
    const webgpu = (await probeProviders()).providers.find((p) => p.name === 'webgpu');
    if (!webgpu?.available) {
      throw new Error(
        `WebGPU is not available here (${webgpu?.reason ?? 'not probed'}); install Mesa ≥ 25 ` +
          '(bookworm-backports mesa-vulkan-drivers, as .ci/run does) to run these checks on lavapipe',
      );
    }
  });

  it.each(['t5-tiny-gated', 't5-tiny-relu'])(
    'the fused training step of %s (dropout on, AdamW, clipping) has no node off WebGPU',
    async (fixture) => {
      const model = fixture === name ? { config, weights } : loadT5Model(join(FIXTURES, fixture));
      const program = await compile({
        ...t5TrainingSpec(model.config, shapes, { dropoutRate: 0.1, seed: 3 }),
        optimizer: { kind: 'adamw', weightDecay: 0.01 },
        schedule: { kind: 'linear', peakLr: 1e-3, warmupSteps: 2, totalSteps: 10 },
        clipNorm: 1,
        k: 1,
        providers: ['webgpu'],
        recordPlacement: true,
      });
      try {
        expect(program.placement.provider).toBe('webgpu');
        program.setParams(Object.fromEntries(model.weights.params));
        const { losses } = await program.step(batch);
        expect(Number.isFinite(losses[0])).toBe(true);
        const placement = program.nodePlacement();
        expect(placement.fallbackNodes).toEqual([]);
        expect(placement.isFullyPlaced).toBe(true);
        expect(program.placement.isFullyPlaced).toBe(true); // and ORT built it with CPU fallback disabled
      } finally {
        await program.release();
      }
    },
  );

  it('the evaluation graph has no node off WebGPU and gives the golden loss', async () => {
    const session = await EngineSession.create(serializeModel(buildEvalGraph(config, shapes)), {
      providers: ['webgpu'],
      recordPlacement: true,
    });
    try {
      const feeds: Record<string, HostTensor> = {
        input_ids: { dtype: 'int32', dims: [b, te], data: batch.input_ids },
        attention_mask: { dtype: 'int32', dims: [b, te], data: batch.attention_mask },
        labels: { dtype: 'int32', dims: [b, td], data: batch.labels },
      };
      for (const [param, shape] of t5ParamShapes(config))
        feeds[param] = { dtype: 'float32', dims: [...shape], data: weights.params.get(param) as Float32Array };
      const out = await session.runHost(feeds, ['loss']);
      expect(Math.abs((out.loss.data as Float32Array)[0] - golden.loss) / golden.loss).toBeLessThan(1e-4);
      expect(session.nodePlacement().fallbackNodes).toEqual([]);
      expect(session.placement.isFullyPlaced).toBe(true);
    } finally {
      await session.release();
    }
  });

  it('the encoder and decoder-step graphs have no node off WebGPU and decode the golden ids', async () => {
    const runtime = new T5Runtime(config, weights.params, { providers: ['webgpu'], recordPlacement: true });
    try {
      const { greedy } = golden;
      // A few tokens only (lavapipe is slow); their ids are the reference's first ones.
      const newTokens = Math.min(3, greedy.max_new_tokens);
      const result = await runtime.generate([greedy.input_ids[0]], {
        strategy: { kind: 'greedy' },
        maxNewTokens: newTokens,
      });
      expect(result.sequences[0]).toEqual(greedy.output_ids.slice(0, result.sequences[0].length));
      expect(result.sequences[0].length).toBeGreaterThan(1);
      const { encoder, decoderStep } = await runtime.nodePlacements();
      expect(encoder.fallbackNodes).toEqual([]);
      expect(decoderStep.fallbackNodes).toEqual([]);
      // Built for a GPU: each RMS norm is one node (two per encoder block, three per decoder block,
      // and the finals), and every residual add shares the next norm's node
      // (SkipSimplifiedLayerNormalization); in the decoder step the heads of its one position need no
      // Transpose (nor does its self-attention bias, made on the host) and its outputs no Identity copy;
      // each layer projects q, k and v in one MatMul (the stacked weights folded at load) and a Split.
      const count = (p: NodePlacement, opType: string) =>
        Object.values(p.byProvider).reduce((n, ops) => n + (ops[opType] ?? 0), 0);
      const layers = config.numDecoderLayers;
      expect(
        ['SimplifiedLayerNormalization', 'SkipSimplifiedLayerNormalization'].map((t) => count(encoder, t)),
      ).toEqual([1, 2 * config.numLayers]);
      expect(
        ['SimplifiedLayerNormalization', 'SkipSimplifiedLayerNormalization', 'Transpose', 'Identity'].map((t) =>
          count(decoderStep, t),
        ),
      ).toEqual([1, 3 * layers, 0, 0]);
      // Per layer: q/k/v, two attention products and the output projection, twice over (self and
      // cross, whose k/v come from the encoder), two feed-forward ones; then the LM head.
      const ffn = config.feedForwardProj === 'gated-gelu' ? 3 : 2;
      expect([count(decoderStep, 'MatMul'), count(decoderStep, 'Split')]).toEqual([layers * (4 + 4 + ffn) + 1, layers]);
      // No row-order gathers in the step (the embedding's is its one Gather): beams reorder the
      // caches in a graph of their own, which greedy decoding never compiles.
      expect([count(decoderStep, 'Gather'), (await runtime.nodePlacements()).cacheReorder]).toEqual([1, null]);
      // The decoder step is the device-cache graph (with its row-order Gather), and its caches
      // stay in GPU buffers: after one step none is on the host.
      expect(await runtime.cacheMode()).toBe('device');
      const session = await runtime.start([greedy.input_ids[0]], [0, 0], 2);
      expect(session).toBeInstanceOf(DeviceCacheDecoding);
      await session.step([0, 0]);
      expect((session as DeviceCacheDecoding).cacheLocation).toBe('device');
      await session.close();
      // Two beams: their reorders run in the cache-reorder graph, all on WebGPU.
      await runtime.generate([greedy.input_ids[0]], { strategy: { kind: 'beam', numBeams: 2 }, maxNewTokens: 3 });
      const { cacheReorder } = await runtime.nodePlacements();
      expect(cacheReorder?.fallbackNodes).toEqual([]);
      expect(count(cacheReorder as NodePlacement, 'Gather')).toBe(2 * layers);
    } finally {
      await runtime.release();
    }
  });
});
