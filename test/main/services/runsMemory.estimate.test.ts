// The memory estimates a run's plan rests on, against peaks measured (runsMemory.test.ts has the
// plan's rules): one training step (update in the graph, on the host, K steps in a Loop), the
// dropout positions counted as the engine plans them, and planMemory's whole-trainer figure.
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { builtinModelConfig } from '../../../src/main/engine/t5/builtin';
import { t5Preset } from '../../../src/main/engine/t5/config';
import { t5DropoutPlan } from '../../../src/main/engine/t5/training';
import {
  dropoutPositions,
  estimateEvaluationBytes,
  estimateRunBytes,
  estimateStepBytes,
  planMemory,
  stepPlacementOf,
} from '../../../src/main/services/runsMemory';

const MiB = 2 ** 20;

describe('estimateStepBytes', () => {
  // Peak RSS (MiB) measured on the CPU, from the NOTE in runsMemory.ts: [B, TE, TD, accumulation, MiB].
  const BENCH_T5_SMALL = [
    [1, 128, 32, 1, 2424],
    [2, 128, 32, 1, 2423],
    [4, 128, 32, 1, 2453],
    [8, 128, 32, 1, 2479],
    [1, 512, 114, 1, 2482],
    [2, 512, 114, 1, 2530],
    [4, 512, 114, 1, 3212],
    [8, 512, 114, 1, 5579],
  ];
  const TRAIN_T5_SMALL_BYTES = [
    [8, 128, 29, 1, 2179],
    [2, 128, 29, 4, 2344],
    [4, 512, 114, 1, 3909],
    [1, 512, 114, 4, 2949],
    // With the update and the dropout masks on the host (de1fd03, 2026-12-03; NOTE on dropoutPositions).
    [8, 128, 29, 1, 2099],
    [2, 128, 29, 4, 2335],
    [4, 512, 114, 1, 3888],
    [1, 512, 114, 4, 3196],
  ];

  /** An estimate (bytes) at or above the peak measured (MiB), and less than half again as much. */
  const expectCovers = (estimate: number, mib: number, label: string) => {
    expect(estimate / MiB, label).toBeGreaterThanOrEqual(mib);
    expect(estimate / MiB, label).toBeLessThan(1.5 * mib);
  };

  it('with the update in the graph, is at or above every peak measured with it, and less than half again as much', () => {
    const t5Small = t5Preset('t5-small');
    const withBytes = { ...t5Small, vocabSize: 384 }; // preset:t5-small --tokenizer bytes
    for (const [config, rows] of [
      [t5Small, BENCH_T5_SMALL],
      [withBytes, TRAIN_T5_SMALL_BYTES],
    ] as const) {
      for (const [b, te, td, a, mib] of rows)
        expectCovers(estimateStepBytes(config, b, te, td, a, 'graph'), mib, `B=${b} ${te}/${td} ×${a}`);
    }
  });

  // The update on the host (the CPU's one-step runs), from the NOTE on HOST_PARAM_COPIES. The step alone
  // (`bench train --steps 1`, 2026-12-03): [config, B, TE, TD, MiB].
  const BENCH_HOST = [
    ['t5-small', 1, 128, 32, 1578],
    ['t5-small', 8, 128, 32, 1986],
    ['t5-small', 1, 512, 114, 1790],
    ['t5-small', 4, 512, 114, 2894],
    ['t5-small', 8, 512, 114, 4435],
    ['t5-base', 1, 128, 32, 4815],
  ] as const;
  // The whole trainer (preset:t5-small --tokenizer bytes, 2026-12-06): [B, TE, TD, accumulation, training, whole run].
  const TRAINER_HOST = [
    [8, 128, 29, 1, 1814, 1937],
    [2, 128, 29, 4, 1808, 2024],
    [8, 256, 58, 1, 2497, 2667],
    [4, 512, 114, 1, 2868, 3252],
    [1, 512, 114, 4, 2084, 2598],
  ] as const;

  it('with the update on the host, covers the step and the whole trainer measured with it', () => {
    for (const [name, b, te, td, mib] of BENCH_HOST)
      expectCovers(estimateStepBytes(t5Preset(name), b, te, td, 1, 'host'), mib, `${name} B=${b} ${te}/${td}`);
    const withBytes = { ...t5Preset('t5-small'), vocabSize: 384 };
    for (const [b, te, td, a, training, whole] of TRAINER_HOST) {
      const label = `B=${b} ${te}/${td} ×${a}`;
      expectCovers(estimateStepBytes(withBytes, b, te, td, a, 'host'), training, label);
      const run = estimateRunBytes(withBytes, b, te, td, a, 'host') / MiB;
      expect(run, label).toBeGreaterThanOrEqual(whole);
      expect(run, label).toBeLessThan(1.25 * whole);
    }
  });

  // Calls of K steps in one Loop, from the NOTE on LOOP_PARAM_COPIES: [B, TE, TD, K, MiB].
  const LOOPS_T5_SMALL = [
    [8, 64, 16, 10, 4774],
    [1, 128, 32, 2, 4763],
    [2, 512, 114, 2, 4759],
    [8, 128, 29, 4, 4800],
  ];

  it('covers K steps in one Loop, within half again as much', () => {
    const t5Small = t5Preset('t5-small');
    for (const [b, te, td, k, mib] of LOOPS_T5_SMALL)
      expectCovers(estimateStepBytes(t5Small, b, te, td, 1, 'loop'), mib, `B=${b} ${te}/${td} K=${k}`);
  });

  it("counts the dropout positions of an example as the engine's plan of a forward pass has them", () => {
    for (const name of ['t5-small', 't5-v1_1-small'] as const) {
      const config = t5Preset(name);
      for (const [b, te, td] of [
        [1, 128, 29],
        [3, 512, 114],
      ]) {
        const plan = t5DropoutPlan(config, { batchSize: b, inputLength: te, targetLength: td }, 'float32', 0.1);
        expect(b * dropoutPositions(config, te, td), `${name} B=${b} ${te}/${td}`).toBe(
          plan.sizes.reduce((sum, size) => sum + size, 0),
        );
      }
    }
  });

  it('counts dropout masks only when the dropout rate is over 0 (no mask is drawn at 0)', () => {
    const c = t5Preset('t5-small'); // dropout_rate 0.1
    const masks = 8 * 2 * dropoutPositions(c, 128, 32);
    expect(estimateStepBytes(c, 8, 128, 32, 2)).toBe(estimateStepBytes(c, 8, 128, 32, 2, 'graph', 0.1));
    expect(estimateStepBytes(c, 8, 128, 32, 2, 'graph', 0)).toBe(estimateStepBytes(c, 8, 128, 32, 2) - masks);
    // A model whose own rate is 0, unless the run sets one.
    const still = { ...c, dropoutRate: 0 };
    expect(estimateStepBytes(still, 8, 128, 32, 2)).toBe(estimateStepBytes(c, 8, 128, 32, 2) - masks);
    expect(estimateStepBytes(still, 8, 128, 32, 2, 'graph', 0.1)).toBe(estimateStepBytes(c, 8, 128, 32, 2));
  });

  it('plans the update where the engine runs it: the host for the CPU one step a call, a Loop, or the graph', () => {
    const small = t5Preset('t5-small');
    const tiny = builtinModelConfig();
    expect(stepPlacementOf(small, { stepsPerCall: 1, provider: 'cpu' })).toBe('host');
    expect(stepPlacementOf(small, { stepsPerCall: 10, provider: 'cpu' })).toBe('host'); // K one-step runs
    expect(stepPlacementOf(tiny, { stepsPerCall: 10, provider: 'cpu' })).toBe('loop');
    expect(stepPlacementOf(small, { stepsPerCall: 10, provider: 'cuda' })).toBe('loop');
    for (const provider of ['cuda', 'webgpu', 'dml'] as const)
      expect(stepPlacementOf(small, { stepsPerCall: 1, provider })).toBe('graph');
    // t5-large's shape (738M parameters): AdamW's four regions (~11.8 GB) are over one WebAssembly memory (4 GiB).
    const large = {
      ...t5Preset('t5-base'),
      dModel: 1024,
      dFf: 4096,
      numHeads: 16,
      numLayers: 24,
      numDecoderLayers: 24,
    };
    expect(stepPlacementOf(large, { stepsPerCall: 1, provider: 'cpu' })).toBe('graph');
    expect(stepPlacementOf(t5Preset('t5-base'), { stepsPerCall: 1, provider: 'cpu' })).toBe('host');
    // Fewer copies on the host: less than the graph's, and accumulation's sums add to both.
    expect(estimateStepBytes(small, 8, 128, 32, 1, 'host')).toBeLessThan(
      estimateStepBytes(small, 8, 128, 32, 1, 'graph'),
    );
    expect(estimateStepBytes(small, 8, 128, 32, 2, 'host')).toBeGreaterThan(
      estimateStepBytes(small, 8, 128, 32, 1, 'host'),
    );
  });

  it('grows with the batch, the lengths and accumulation', () => {
    const c = t5Preset('t5-small');
    expect(estimateStepBytes(c, 2, 128, 32)).toBeGreaterThan(estimateStepBytes(c, 1, 128, 32));
    expect(estimateStepBytes(c, 1, 512, 114)).toBeGreaterThan(estimateStepBytes(c, 1, 128, 32));
    expect(estimateStepBytes(c, 1, 128, 32, 2)).toBeGreaterThan(estimateStepBytes(c, 1, 128, 32, 1));
  });
});

describe("planMemory's figure against the whole trainer", () => {
  // Peak RSS (MiB) of `spanfill train` (the built app) measured 2026-12-06, evening, on the 2-core machine
  // (bench/MEASUREMENTS.md), with the evaluation's session run without ORT's memory pattern and the span
  // exact-match decoded in groups of SPAN_GROUP: builtin:byt5-tiny with --preset quick --input-length 256
  // --max-steps 20 (a Loop of 10 steps per call), preset:t5-small --tokenizer bytes with --max-steps 4; each
  // with its evaluation at the end. [label, config, B, TE, TD, stepsPerCall, MiB].
  const tiny = builtinModelConfig();
  const smallBytes = { ...t5Preset('t5-small'), vocabSize: 384 };
  const WHOLE_TRAINER = [
    ['byt5-tiny 256 B=8', tiny, 8, 256, 58, 10, 436],
    ['byt5-tiny 256 B=16', tiny, 16, 256, 58, 10, 622],
    ['byt5-tiny 256 B=32', tiny, 32, 256, 58, 10, 967],
    ['t5-small 128 B=8', smallBytes, 8, 128, 29, 1, 1937],
    ['t5-small 256 B=8', smallBytes, 8, 256, 58, 1, 2667],
    ['t5-small 512 B=4', smallBytes, 4, 512, 114, 1, 3252],
  ] as const;

  it("adds the evaluation to the step: more with the micro-batch, and the span match's decode even at batch 1", () => {
    const c = t5Preset('t5-small');
    for (const b of [1, 8]) {
      const evaluation = estimateEvaluationBytes(c, b, 512, 114);
      expect(estimateRunBytes(c, b, 512, 114, 2, 'graph', 0.1)).toBe(
        estimateStepBytes(c, b, 512, 114, 2, 'graph', 0.1) + evaluation,
      );
    }
    expect(estimateEvaluationBytes(c, 1, 512, 114)).toBeGreaterThan(0);
    expect(estimateEvaluationBytes(c, 8, 512, 114)).toBeGreaterThan(estimateEvaluationBytes(c, 4, 512, 114));
    expect(estimateEvaluationBytes(c, 4, 512, 114)).toBeGreaterThan(estimateEvaluationBytes(c, 4, 128, 29));
  });

  it('is at or above the peak of training with its evaluation, and less than 1.25 times it', () => {
    for (const [label, config, b, te, td, k, mib] of WHOLE_TRAINER) {
      const run = runConfigSchema.parse({ model: 'm', datasetId: 'd', inputLength: te, batchSize: b, stepsPerCall: k });
      const figure = planMemory(config, run, td, { bytes: null, basis: 'not checked' }).stepBytes / MiB;
      expect(figure, label).toBeGreaterThanOrEqual(mib);
      expect(figure, label).toBeLessThan(1.25 * mib);
    }
  });
});
