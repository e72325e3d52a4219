// The memory plan of a run: the micro-batch rule (the largest m ≤ batchSize dividing the
// effective batch, accumulation within its limit, that fits), the budget (memoryBudgetMiB,
// else free memory less a margin; no GPU figure: not checked) and the plan's split, line and
// refusal. Expectations follow from the rule, not from the code's output.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCUMULATION_MAX, runConfigSchema, type RunConfigInput } from '../../../src/shared/contract/runs';
import { builtinModelConfig } from '../../../src/main/engine/t5/builtin';
import { t5Preset } from '../../../src/main/engine/t5/config';
import { t5DropoutPlan } from '../../../src/main/engine/t5/training';
import {
  applyMemoryPlan,
  dropoutPositions,
  estimateEvaluationBytes,
  estimateRunBytes,
  estimateStepBytes,
  lessMargin,
  machineMemory,
  MemoryBudgetError,
  memoryBudget,
  type MemoryProbe,
  pickMicroBatch,
  planMemory,
  isLoopedRun,
  stepPlacementOf,
} from '../../../src/main/services/runsMemory';
import { tempDirs } from '../../support/tmp';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

describe('pickMicroBatch', () => {
  const upTo = (largest: number) => (m: number) => m <= largest;

  it('keeps a batch that fits', () => {
    expect(pickMicroBatch(32, 1, () => true)).toEqual({ batchSize: 32, accumulation: 1 });
    expect(pickMicroBatch(6, 3, () => true)).toEqual({ batchSize: 6, accumulation: 3 });
  });

  it('takes the largest divisor of the effective batch that fits, the effective batch unchanged', () => {
    expect(pickMicroBatch(32, 1, upTo(8))).toEqual({ batchSize: 8, accumulation: 4 });
    expect(pickMicroBatch(32, 1, upTo(15))).toEqual({ batchSize: 8, accumulation: 4 }); // 9…15 do not divide 32
    expect(pickMicroBatch(12, 1, upTo(5))).toEqual({ batchSize: 4, accumulation: 3 });
    // E = 6 × 2 = 12: 4 divides 12 though not 6.
    expect(pickMicroBatch(6, 2, upTo(5))).toEqual({ batchSize: 4, accumulation: 3 });
    expect(pickMicroBatch(7, 1, upTo(6))).toEqual({ batchSize: 1, accumulation: 7 }); // 7 is prime
  });

  it('asks whether each split fits with its own accumulation', () => {
    const asked: [number, number][] = [];
    pickMicroBatch(8, 3, (m, a) => {
      asked.push([m, a]);
      return false;
    });
    // Divisors of 24 from 8 down, each with 24 / m.
    expect(asked).toEqual([
      [8, 3],
      [6, 4],
      [4, 6],
      [3, 8],
      [2, 12],
      [1, 24],
    ]);
  });

  it('gives null when nothing fits, and never an accumulation over the limit', () => {
    expect(pickMicroBatch(8, 1, () => false)).toBeNull();
    const batch = 4 * ACCUMULATION_MAX;
    expect(pickMicroBatch(batch, 1, upTo(3))).toBeNull(); // micro-batch 1…3 would need accumulation > the limit
    expect(pickMicroBatch(batch, 1, upTo(4))).toEqual({ batchSize: 4, accumulation: ACCUMULATION_MAX });
  });
});

describe('memoryBudget', () => {
  const probe = (ram: number, gpu: number | null): MemoryProbe => ({
    freeRam: () => ram,
    freeGpu: () => (gpu === null ? { bytes: null, reason: 'nvidia-smi is not installed' } : { bytes: gpu }),
  });

  it('takes memoryBudgetMiB when given, on any provider', () => {
    for (const provider of ['cpu', 'webgpu'] as const)
      expect(memoryBudget({ provider, memoryBudgetMiB: 6144 }, probe(GiB, null))).toEqual({
        bytes: 6 * GiB,
        basis: 'memoryBudgetMiB',
      });
  });

  it('leaves a margin of a tenth of the free memory, at least 512 MiB', () => {
    expect(lessMargin(10 * GiB)).toBe(9 * GiB);
    expect(lessMargin(2 * GiB)).toBe(1.5 * GiB);
    expect(lessMargin(100 * MiB)).toBe(0);
  });

  it('defaults to the free RAM on the CPU and the free GPU memory on cuda and webgpu', () => {
    expect(memoryBudget({ provider: 'cpu' }, probe(10 * GiB, 80 * GiB)).bytes).toBe(9 * GiB);
    expect(memoryBudget({ provider: 'cuda' }, probe(10 * GiB, 80 * GiB))).toEqual({
      bytes: 72 * GiB,
      basis: 'free GPU memory (nvidia-smi) less a margin',
    });
    expect(memoryBudget({ provider: 'webgpu' }, probe(10 * GiB, 80 * GiB)).bytes).toBe(72 * GiB);
  });

  it('checks nothing on a GPU without a figure, and says so', () => {
    const budget = memoryBudget({ provider: 'webgpu' }, probe(10 * GiB, null));
    expect(budget.bytes).toBeNull();
    expect(budget.basis).toMatch(/^GPU memory not checked: nvidia-smi is not installed; set memoryBudgetMiB/);
    expect(memoryBudget({ provider: 'dml' }, probe(10 * GiB, 80 * GiB)).bytes).toBeNull();
  });
});

describe('machineMemory.freeGpu', () => {
  const tempDir = tempDirs('spanfill-nvidia-smi-');
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });

  /** A folder whose only command is an nvidia-smi that prints `output`, put first on PATH alone. */
  function fakeNvidiaSmi(output: string | null): void {
    const dir = tempDir();
    if (output !== null) {
      const file = join(dir, 'nvidia-smi');
      writeFileSync(file, `#!/bin/sh\nprintf '${output}'\n`);
      chmodSync(file, 0o755);
    }
    process.env.PATH = dir;
  }

  it.runIf(process.platform !== 'win32')("reads the first GPU's free MiB from nvidia-smi", () => {
    fakeNvidiaSmi('81234\\n1000\\n');
    expect(machineMemory.freeGpu()).toEqual({ bytes: 81234 * MiB });
  });

  it.runIf(process.platform !== 'win32')('says why when nvidia-smi is missing or prints no number', () => {
    fakeNvidiaSmi(null);
    expect(machineMemory.freeGpu()).toEqual({ bytes: null, reason: 'nvidia-smi is not installed or found no GPU' });
    fakeNvidiaSmi('[N/A]\\n');
    expect(machineMemory.freeGpu()).toEqual({ bytes: null, reason: "nvidia-smi printed '[N/A]', not a number of MiB" });
  });
});

describe('planMemory', () => {
  const t5Small = t5Preset('t5-small');
  const run = (extra: Partial<RunConfigInput> = {}) =>
    runConfigSchema.parse({ model: 'preset:t5-small', datasetId: 'd', inputLength: 512, batchSize: 32, ...extra });
  // The CPU's one-step runs update on the host (stepPlacementOf).
  const need = (m: number, a: number) => estimateRunBytes(t5Small, m, 512, 114, a, 'host');
  const budget = (bytes: number) => ({ bytes, basis: 'memoryBudgetMiB' });

  it("plans with the run's dropout, else the model's: at 0 without masks, so a batch fits that would not with them", () => {
    const off = (m: number, a: number) => estimateRunBytes(t5Small, m, 512, 114, a, 'host', 0);
    expect(off(32, 1)).toBeLessThan(need(32, 1));
    expect(planMemory(t5Small, run({ dropout: 0 }), 114, budget(off(32, 1)))).toMatchObject({
      batchSize: 32,
      split: null,
      stepBytes: off(32, 1),
    });
    // The model's 0.1 (dropout left to the model), or a rate of the run's own: masks counted, the batch split.
    expect(planMemory(t5Small, run(), 114, budget(off(32, 1))).batchSize).toBeLessThan(32);
    const still = { ...t5Small, dropoutRate: 0 };
    expect(planMemory(still, run(), 114, budget(off(32, 1))).split).toBeNull();
    expect(planMemory(still, run({ dropout: 0.1 }), 114, budget(off(32, 1))).batchSize).toBeLessThan(32);
  });

  it('leaves a batch that fits as it is', () => {
    const plan = planMemory(t5Small, run(), 114, budget(need(32, 1)));
    expect(plan).toMatchObject({ batchSize: 32, accumulation: 1, stepBytes: need(32, 1), split: null, notice: null });
    expect(applyMemoryPlan(run(), plan)).toEqual(run());
  });

  it('splits a batch over the budget into the largest micro-batch that fits, and says so', () => {
    const limit = need(8, 4);
    expect(need(16, 2)).toBeGreaterThan(limit); // so 8 is the largest divisor of 32 that fits
    const plan = planMemory(t5Small, run(), 114, budget(limit));
    expect(plan).toMatchObject({ batchSize: 8, accumulation: 4, stepBytes: limit });
    expect(plan.split).toEqual({
      askedBatchSize: 32,
      askedAccumulation: 1,
      neededBytes: need(32, 1),
      budgetBytes: limit,
      basis: 'memoryBudgetMiB',
    });
    expect(limit).toBeGreaterThan(GiB); // so both figures are in GiB with one decimal
    const gib = (n: number) => (n / GiB).toFixed(1);
    expect(plan.notice).toBe(
      `batch 32 does not fit the ${gib(limit)} GiB budget (memoryBudgetMiB; needs ~${gib(need(32, 1))} GiB); ` +
        'training micro-batches of 8 with accumulation 4, same 32 examples per step',
    );
    const trained = applyMemoryPlan(run(), plan);
    expect(trained).toEqual({ ...run(), batchSize: 8, accumulation: 4, memorySplit: plan.split });
    expect(runConfigSchema.parse(trained)).toEqual(trained); // storable as the run's config
  });

  it('refuses when even micro-batches of 1 are over the budget, saying what to lower', () => {
    const limit = need(1, 32) - 1;
    expect(() => planMemory(t5Small, run(), 114, budget(limit))).toThrow(MemoryBudgetError);
    expect(() => planMemory(t5Small, run(), 114, budget(limit))).toThrow(
      /^batchSize 32 at inputLength 512 does not fit the .* GiB budget \(memoryBudgetMiB\): even micro-batches of 1 need ~.* GiB; lower inputLength, use a smaller model, free some memory or raise memoryBudgetMiB$/,
    );
  });

  it('plans K steps per call as the engine runs them: one-step runs on the CPU, one Loop on CUDA', () => {
    const quick = (provider: 'cpu' | 'cuda') => run({ stepsPerCall: 10, provider });
    const looped = estimateRunBytes(t5Small, 32, 512, 114, 1, 'loop');
    expect(isLoopedRun(t5Small, quick('cpu'))).toBe(false); // 242 MB of parameters
    expect(isLoopedRun(t5Small, quick('cuda'))).toBe(true);
    expect(isLoopedRun(t5Small, { stepsPerCall: 1, provider: 'cuda' })).toBe(false);
    const tiny = { ...t5Small, dModel: 64, dFf: 128, numLayers: 1, numDecoderLayers: 1, vocabSize: 384 };
    expect(isLoopedRun(tiny, quick('cpu'))).toBe(true);
    expect(looped).toBeGreaterThan(need(32, 1));
    const roomy = budget(looped);
    expect(planMemory(t5Small, quick('cpu'), 114, roomy).stepBytes).toBe(need(32, 1));
    expect(planMemory(t5Small, quick('cuda'), 114, roomy).stepBytes).toBe(looped);
    // What fits one-step runs does not fit the Loop: the CUDA run is split, the CPU one is not.
    const tight = budget(need(32, 1));
    expect(planMemory(t5Small, quick('cpu'), 114, tight).split).toBeNull();
    expect(planMemory(t5Small, quick('cuda'), 114, tight).batchSize).toBeLessThan(32);
  });

  it('with no budget figure keeps the batch and passes the reason on', () => {
    const plan = planMemory(t5Small, run(), 114, { bytes: null, basis: 'GPU memory not checked: why' });
    expect(plan).toMatchObject({ batchSize: 32, accumulation: 1, split: null, notice: 'GPU memory not checked: why' });
  });
});

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
