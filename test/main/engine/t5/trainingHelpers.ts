// Shared by the t5 training tests (training.test.ts, training-dropout.test.ts): a fixture's
// golden case and model, its batch as feeds, AdamW's settings and a step graph built both ways.
import { join } from 'node:path';
import type { Graph } from '../../../../src/main/engine/onnx/graph';
import { buildFusedGraph } from '../../../../src/main/engine/optim/fused';
import { t5TrainingSpec } from '../../../../src/main/engine/t5/training';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import { FIXTURES, int32, readCase } from './helpers';
import type { GoldenCase } from './helpers';

/** A fixture's golden case and model, with the batch size (b) and lengths (te, td) the case implies. */
export function loadFixture(name: string) {
  const golden = readCase(name);
  const { config, weights } = loadT5Model(join(FIXTURES, name));
  const [b, td] = golden.logits_shape;
  return { golden, config, weights, b, td, te: golden.input_ids[0].length };
}

/** The golden case's batch as a compiled program's feeds. */
export function goldenBatch(golden: GoldenCase): Record<string, Int32Array> {
  return {
    input_ids: int32(golden.input_ids),
    attention_mask: int32(golden.attention_mask),
    labels: int32(golden.labels),
  };
}

/** AdamW at a constant learning rate, no warmup, k steps per call: compile()'s optimizer options. */
export function adamwConstant(weightDecay: number, peakLr: number, k: number) {
  return {
    optimizer: { kind: 'adamw', weightDecay },
    schedule: { kind: 'constant', peakLr, warmupSteps: 0 },
    k,
  } as const;
}

/** The fused training step of a fixture built for the CPU and for a GPU: [cpu, gpu] results of `count`. */
export function countForDevices<T>(name: string, count: (graph: Graph) => T): [T, T] {
  const { config, b, td, te } = loadFixture(name);
  const spec = {
    ...t5TrainingSpec(config, { batchSize: b, inputLength: te, targetLength: td }),
    ...adamwConstant(0.01, 3e-3, 1),
  };
  // GPU first: one spec serves both builds (compile rebuilds for the CPU when WebGPU does not
  // load), and the CPU build must not inherit the GPU's grouped masks.
  const gpu = count(buildFusedGraph(spec, 'single', { device: 'gpu' }).graph);
  return [count(buildFusedGraph(spec, 'single', { device: 'cpu' }).graph), gpu];
}

/**
 * The mask hashes' wraps of a graph: each mix has two, each a Less whose result is cast to
 * int32 (onnx/random.ts); a Gather gradient's index check is a Less too, read by a Where.
 */
export function maskWraps(graph: Graph): number {
  const cast = new Set(graph.nodes.filter((n) => n.opType === 'Cast').map((n) => n.inputs[0]));
  return graph.nodes.filter((n) => n.opType === 'Less' && cast.has(n.outputs[0])).length;
}
