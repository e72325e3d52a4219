// The memory plan of a run: the micro-batch rule (the largest m ≤ batchSize dividing the
// effective batch, accumulation within its limit, that fits), the budget (memoryBudgetMiB,
// else free memory less a margin; no GPU figure: not checked) and the plan's split, line and
// refusal. Expectations follow from the rule, not from the code's output.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCUMULATION_MAX, runConfigSchema, type RunConfigInput } from '../../../src/shared/contract/runs';
import { t5Preset } from '../../../src/main/engine/t5/config';
import {
  applyMemoryPlan,
  estimateRunBytes,
  lessMargin,
  machineMemory,
  MemoryBudgetError,
  memoryBudget,
  type MemoryProbe,
  planMemory,
  isLoopedRun,
} from '../../../src/main/services/runsMemory';
import { tempDirs } from '../../support/tmp';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

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

  it('says to lower batchSize, and to what, when accumulation is at its most and smaller micro-batches would fit', () => {
    // Micro-batches of 4 are the least that 4 × ACCUMULATION_MAX splits into; 2 fit.
    const limit = need(2, ACCUMULATION_MAX);
    expect(need(3, ACCUMULATION_MAX)).toBeGreaterThan(limit);
    const huge = run({ batchSize: 4 * ACCUMULATION_MAX });
    expect(() => planMemory(t5Small, huge, 114, budget(limit))).toThrow(
      new RegExp(
        `^batchSize ${4 * ACCUMULATION_MAX} at inputLength 512 does not fit the .* budget \\(memoryBudgetMiB\\): ` +
          `even micro-batches of 4 need ~.*, the least that ${4 * ACCUMULATION_MAX} examples per step split into with accumulation ` +
          `at its most \\(${ACCUMULATION_MAX}\\); lower batchSize to at most ${2 * ACCUMULATION_MAX}, or lower inputLength, `,
      ),
    );
    // The same where accumulation was asked for: batch 2 × ACCUMULATION_MAX is split no further than 2.
    const accumulated = run({ batchSize: 2, accumulation: ACCUMULATION_MAX });
    expect(() => planMemory(t5Small, accumulated, 114, budget(need(1, ACCUMULATION_MAX)))).toThrow(
      /even micro-batches of 2 need .*; lower batchSize to at most 1, or lower inputLength/,
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
