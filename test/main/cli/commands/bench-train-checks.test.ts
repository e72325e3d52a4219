// What `spanfill bench train` refuses before it asks the engine host for a step, with the
// trainer's rules and words: a length over the model's limit, a provider that does not load
// here (the machine's probe is faked), a step whose memory estimate is over the budget (free
// memory faked, or --memory-budget); and the notes it gives when it runs anyway.
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../../../src/main/cli/command';
import type { BenchCheckDeps, BenchTrainShape } from '../../../../src/main/cli/commands/bench-train-checks';
import { checkBenchTrain } from '../../../../src/main/cli/commands/bench-train-checks';
import { loadT5Config, t5Preset } from '../../../../src/main/engine/t5/config';
import { estimateStepBytes, type StepPlacement } from '../../../../src/main/services/runsMemory';
import type { ProviderStatus } from '../../../../src/shared/contract/system';

const config = loadT5Config(path.join(__dirname, '../../../fixtures/t5/t5-tiny-relu'));
const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** A machine with `freeRam` bytes free, no nvidia-smi, and `providers` as its probe found them. */
function machine(freeRam: number, providers: ProviderStatus[] = []) {
  const info = vi.fn(async () => ({ providers }));
  const deps = {
    system: { info, settings: () => ({ provider: 'auto' }) },
    memory: { freeRam: () => freeRam, freeGpu: () => ({ bytes: null, reason: 'nvidia-smi is not installed' }) },
  } as unknown as BenchCheckDeps;
  return { deps, info };
}

const tiny: BenchTrainShape = { config, batchSize: 2, inputLength: 6, targetLength: 3, provider: 'cpu' };

describe('bench train checks', () => {
  it('refuses an input or target length over the model’s limit, in the trainer’s words, naming the flag', async () => {
    const { deps } = machine(64 * GiB);
    const long = checkBenchTrain({ ...tiny, inputLength: 4096 }, undefined, deps);
    await expect(long).rejects.toBeInstanceOf(UsageError);
    await expect(long).rejects.toThrow(
      '--inputs 4096 is more than this model takes: at most 2,048 tokens per input (attention memory grows ' +
        'with the square of the length); lower --inputs',
    );
    await expect(checkBenchTrain({ ...tiny, targetLength: 2049 }, undefined, deps)).rejects.toThrow(
      /^--targets 2049 is more than this model takes: at most 2,048 tokens per target .*; lower --targets$/,
    );
    await expect(checkBenchTrain({ ...tiny, inputLength: 2048, targetLength: 2048 }, undefined, deps)).resolves.toEqual(
      [],
    );
  });

  it('refuses a provider this machine cannot load, as train does; cpu needs no probe', async () => {
    const cuda: ProviderStatus = { name: 'cuda', available: false, reason: 'Failed to load shared library' };
    const { deps, info } = machine(64 * GiB, [{ name: 'cpu', available: true }, cuda]);
    await expect(checkBenchTrain({ ...tiny, provider: 'cuda' }, undefined, deps)).rejects.toThrow(
      "provider 'cuda' is not available on this machine (Failed to load shared library); use provider cpu",
    );
    info.mockClear();
    await expect(checkBenchTrain(tiny, undefined, deps)).resolves.toEqual([]);
    expect(info).not.toHaveBeenCalled();
  });

  it('refuses a step whose estimate is over the free memory less a margin, saying what to lower', async () => {
    const { deps } = machine(4 * GiB); // less a margin of 512 MiB: 3.5 GiB
    const big = checkBenchTrain({ ...tiny, batchSize: 4096, inputLength: 2048, targetLength: 64 }, undefined, deps);
    await expect(big).rejects.toBeInstanceOf(UsageError);
    await expect(big).rejects.toThrow(
      /^a step of --batch 4096 at --inputs 2048 --targets 64 needs ~[\d.]+ [GT]iB \(the trainer's estimate\), over the 3\.5 GiB budget \(free memory less a margin\); lower --batch or --inputs/,
    );
    await expect(checkBenchTrain(tiny, undefined, deps)).resolves.toEqual([]);
  });

  it('checks against --memory-budget when given, and says how to raise it', async () => {
    const { deps } = machine(64 * GiB);
    await expect(checkBenchTrain(tiny, 64, deps)).rejects.toThrow(
      /needs ~\d+ MiB \(the trainer's estimate\), over the 64 MiB budget \(--memory-budget\); lower .*raise --memory-budget$/,
    );
    await expect(checkBenchTrain(tiny, 4096, deps)).resolves.toEqual([]);
  });

  it("estimates the step where its update runs: the trainer's host update, --update graph's copies, a Loop's", async () => {
    const { deps } = machine(64 * GiB);
    const small = { ...tiny, config: t5Preset('t5-small'), batchSize: 8, inputLength: 128, targetLength: 32 };
    const mib = (placement: StepPlacement) =>
      Math.ceil(estimateStepBytes(small.config, 8, 128, 32, 1, placement) / MiB);
    expect(mib('host')).toBeLessThan(mib('graph'));
    await expect(checkBenchTrain(small, mib('host'), deps)).resolves.toEqual([]);
    await expect(checkBenchTrain({ ...small, update: 'graph' }, mib('host'), deps)).rejects.toThrow(
      /the trainer's estimate/,
    );
    await expect(checkBenchTrain({ ...small, update: 'graph' }, mib('graph'), deps)).resolves.toEqual([]);
    const loop = { ...small, stepsPerCall: 4, stepMode: 'loop' as const };
    await expect(checkBenchTrain(loop, mib('graph'), deps)).rejects.toThrow(/the trainer's estimate/);
    await expect(checkBenchTrain(loop, mib('loop'), deps)).resolves.toEqual([]);
    // K one-step runs (t5-small is over the CPU's Loop size under auto) update on the host.
    await expect(checkBenchTrain({ ...small, stepsPerCall: 4 }, mib('host'), deps)).resolves.toEqual([]);
  });

  it('says when it cannot check a GPU’s memory, and that a software provider runs in software', async () => {
    const webgpu: ProviderStatus = { name: 'webgpu', available: true, isSoftware: true, reason: 'no GPU device node' };
    const { deps } = machine(64 * GiB, [webgpu]);
    await expect(checkBenchTrain({ ...tiny, provider: 'webgpu' }, undefined, deps)).resolves.toEqual([
      'provider webgpu runs in software here: no GPU device node',
      'GPU memory not checked: nvidia-smi is not installed; set --memory-budget to have it checked',
    ]);
  });
});
