// benchTrain() on a tiny T5 (the golden fixture's config) at tiny shapes: the result has the
// documented fields, consistent rates and the placement of the step, on the CPU and on WebGPU
// (Mesa's lavapipe where there is no GPU). Timing itself is never asserted (DESIGN.md §7).
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { benchTrain } from '../../../../src/main/engine/bench/train';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import { renderOpProfile, renderTrainBench } from '../../../../src/main/cli/commands/bench-train';

const { config } = loadT5Model(join(__dirname, '../../../fixtures/t5/t5-tiny-relu'));

describe('benchTrain', () => {
  it.each(['cpu', 'webgpu'] as const)('measures steps on %s with every node placed there', async (provider) => {
    const result = await benchTrain({
      preset: 't5-small',
      config,
      batchSize: 2,
      inputLength: 6,
      targetLength: 3,
      steps: 2,
      provider,
      threads: 1,
    });
    expect([result.requestedProvider, result.provider, result.isFullyPlaced]).toEqual([provider, provider, true]);
    expect(result.fallbacks).toEqual({});
    expect(result.losses).toHaveLength(3); // warm-up + 2 timed
    expect(result.losses.every(Number.isFinite)).toBe(true);
    expect(result.minMsPerStep).toBeLessThanOrEqual(result.msPerStep);
    expect(result.maxMsPerStep).toBeGreaterThanOrEqual(result.msPerStep);
    expect(result.tokensPerSecond).toBeCloseTo((2 * (6 + 3) * 1000) / result.msPerStep, 6);
    expect(result.peakRssMb).toBeGreaterThan(0);
    // The CPU runs AdamW's update on the host (optim/hostProgram.ts), a GPU in the graph and
    // keeps its buffers by exact size (optim/program.ts, STEP_BUFFER_CACHE).
    const host = provider === 'cpu';
    expect(result.update).toBe(host ? 'host' : 'graph');
    expect(renderTrainBench(result)).toContain(
      `${provider} (every node placed)${host ? ' [update on the host]' : ' [buffer cache simple]'} B=2 6/3:`,
    );
  });

  it('runs the update in the graph when told to', async () => {
    const shape = { preset: 't5-small' as const, config, batchSize: 1, inputLength: 4, targetLength: 2, threads: 1 };
    const result = await benchTrain({ ...shape, steps: 1, update: 'graph' });
    expect(result.update).toBe('graph');
    expect(renderTrainBench(result)).toContain('cpu (every node placed) B=1 4/2:');
  });

  it("keeps WebGPU's buffers by exact size unless told otherwise, with the same losses either way (lavapipe); the CPU has no such cache", async () => {
    const shape = { preset: 't5-small' as const, config, batchSize: 1, inputLength: 4, targetLength: 2, threads: 1 };
    const create = vi.spyOn(EngineSession, 'create');
    let simple;
    let bucket;
    try {
      simple = await benchTrain({ ...shape, steps: 2, provider: 'webgpu' });
      bucket = await benchTrain({ ...shape, steps: 2, provider: 'webgpu', bufferCache: 'bucket' });
      // The step's session is opened with it (ortOptions turns it into WebGPU's own option).
      expect(create.mock.calls.map(([, options]) => options?.webgpuBufferCache)).toEqual(['simple', 'bucket']);
    } finally {
      create.mockRestore();
    }
    const cpu = await benchTrain({ ...shape, steps: 1, bufferCache: 'simple' });
    expect([simple.bufferCache, bucket.bufferCache, cpu.bufferCache]).toEqual(['simple', 'bucket', undefined]);
    expect(bucket.losses).toEqual(simple.losses); // where buffers live changes no number
    expect(renderTrainBench(bucket)).toContain('webgpu (every node placed) [buffer cache bucket] B=1 4/2:');
  });

  it('trains with Adafactor when told to: the same first loss as AdamW (nothing updated yet), then another', async () => {
    const shape = { preset: 't5-small' as const, config, batchSize: 1, inputLength: 4, targetLength: 2, threads: 1 };
    const [adamw, adafactor] = [
      await benchTrain({ ...shape, steps: 1, dropoutRate: 0 }),
      await benchTrain({ ...shape, steps: 1, dropoutRate: 0, optimizer: 'adafactor' }),
    ];
    expect([adamw.optimizer, adafactor.optimizer]).toEqual(['adamw', 'adafactor']);
    expect(adafactor.losses[0]).toBe(adamw.losses[0]);
    expect(adafactor.losses[1]).not.toBe(adamw.losses[1]);
    expect(adafactor.update).toBe('host'); // as AdamW's, on the CPU
    expect(renderTrainBench(adafactor)).toContain('cpu (every node placed) [Adafactor] [update on the host] B=1 4/2:');
  });

  it('runs the warm-up steps it is given before the timed ones', async () => {
    const shape = { preset: 't5-small' as const, config, batchSize: 1, inputLength: 4, targetLength: 2, threads: 1 };
    const result = await benchTrain({ ...shape, steps: 1, warmupSteps: 3 });
    expect(result.warmupSteps).toBe(3);
    expect(result.losses).toHaveLength(4);
    expect((await benchTrain({ ...shape, steps: 2 })).warmupSteps).toBe(1); // the default
  });

  it('with profile, sums the timed steps by op type and still reads the placement', async () => {
    const shape = { preset: 't5-small' as const, config, batchSize: 1, inputLength: 4, targetLength: 2, threads: 1 };
    const result = await benchTrain({ ...shape, steps: 2, warmupSteps: 1, profile: true });
    const profile = result.profile;
    if (!profile) throw new Error('no profile');
    expect(profile.runs).toBe(2); // the timed steps only
    expect(result.isFullyPlaced).toBe(true);
    expect(new Set(profile.ops.map((o) => o.provider))).toEqual(new Set(['CPUExecutionProvider']));
    expect(profile.ops.map((o) => o.op)).toEqual(expect.arrayContaining(['MatMul', 'SimplifiedLayerNormalization']));
    const ms = profile.ops.map((o) => o.ms);
    expect(ms).toEqual([...ms].sort((a, b) => b - a));
    // One executor runs the kernels one after another inside the run.
    expect(ms.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(profile.runMs);
    expect(profile.gpu).toBeUndefined(); // the CPU writes no GPU time
    expect(renderOpProfile(profile, 3).split('\n')).toHaveLength(1 + 3 + 1);
    expect((await benchTrain({ ...shape, steps: 1 })).profile).toBeUndefined();
  });

  it.each(['loop', 'single'] as const)(
    'times calls of K steps (%s): whole calls, every step a loss, ms per step a call over K',
    async (stepMode) => {
      const shape = { preset: 't5-small' as const, config, batchSize: 1, inputLength: 4, targetLength: 2, threads: 1 };
      const result = await benchTrain({ ...shape, steps: 3, warmupSteps: 1, stepsPerCall: 2, stepMode });
      expect([result.stepsPerCall, result.stepMode, result.warmupSteps]).toEqual([2, stepMode, 2]);
      expect(result.losses).toHaveLength(2 + 4); // one warm-up call, two timed ones (3 steps round up)
      expect(result.losses.every(Number.isFinite)).toBe(true);
      expect(result.tokensPerSecond).toBeCloseTo((1 * (4 + 2) * 1000) / result.msPerStep, 6);
      expect(renderTrainBench(result)).toContain(
        `B=1 4/2, 2 steps per call (${stepMode === 'loop' ? 'one Loop' : 'one-step runs'}):`,
      );
    },
  );
});
