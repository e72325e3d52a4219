// A run request: what it leaves out stays out through the contract's schema (so a preset and
// the saved settings can go under it, instead of the schema's defaults such as provider 'cpu'
// and threads 0), and resolveRunRequest fills it: the caller's provider, else the saved one,
// else under 'auto' the preset's (quick: cpu, standard: webgpu) where the probe has it on a GPU,
// else cpu; the saved threads.

import { describe, expect, it } from 'vitest';
import {
  autoFallbackNote,
  canResume,
  defaultRunProvider,
  resolveRunRequest,
  runCalls,
  runConfigSchema,
  runRequestSchema,
  type RunStatusName,
} from '../../../src/shared/contract/runs';
import type { AppSettings, ProviderStatus } from '../../../src/shared/contract/system';

const base = { model: '/m', datasetId: 'ds-1', maxSteps: 7 };
const saved = (provider: AppSettings['provider'], cpuThreads = 0): AppSettings => ({ provider, cpuThreads });

describe('runs.start and runs.estimate arguments', () => {
  it('leave out what is left out (a preset and the saved settings go under it), and still refuse bad values', () => {
    for (const schema of [runCalls.start.args, runCalls.estimate.args]) {
      expect(schema.parse({ config: base }).config).toEqual(base);
      expect(schema.safeParse({ config: { ...base, colour: 'red' } }).success).toBe(false);
      expect(schema.safeParse({ config: { ...base, provider: 'auto' } }).success).toBe(false);
      expect(schema.safeParse({ config: { ...base, preset: 'huge' } }).success).toBe(false);
      expect(schema.safeParse({ config: { ...base, clipNorm: null, dropout: null } }).success).toBe(true);
      expect(schema.safeParse({ config: { ...base, noiseDensity: 1 } }).error?.issues[0]?.message).toBe(
        'noiseDensity must be ≤ 0.999',
      );
      // The same bounds as the Masking screen and `spanfill mask` take.
      expect(schema.safeParse({ config: { ...base, noiseDensity: 0.0005 } }).error?.issues[0]?.message).toBe(
        'noiseDensity must be ≥ 0.001',
      );
      expect(schema.safeParse({ config: { ...base, noiseDensity: 0.005 } }).success).toBe(true);
    }
    // A run stored with a density outside them (before they were set) still reads.
    expect(runConfigSchema.parse({ ...base, noiseDensity: 0.0005 }).noiseDensity).toBe(0.0005);
  });

  it('let an estimate ask for steps timed, with a yes or no only; a start takes no such thing', () => {
    expect(runCalls.estimate.args.parse({ config: base, timeSteps: true }).timeSteps).toBe(true);
    expect(runCalls.estimate.args.safeParse({ config: base, timeSteps: 'yes' }).success).toBe(false);
    expect(runCalls.start.args.safeParse({ config: base, timeSteps: true }).success).toBe(false);
  });

  it('say what is wrong with a thread count', () => {
    const message = (threads: number) =>
      runRequestSchema.safeParse({ ...base, threads }).error?.issues.map((issue) => issue.message);
    expect(message(-1)).toEqual(['threads must be ≥ 0 (0: onnxruntime picks one per core)']);
    expect(message(1025)).toEqual(['threads must be ≤ 1024']);
    expect(message(1.5)).toEqual(['threads must be a whole number']);
    expect(message(8)).toBeUndefined();
  });
});

describe('a memory budget', () => {
  const message = (memoryBudgetMiB: unknown) =>
    runRequestSchema.safeParse({ ...base, memoryBudgetMiB }).error?.issues.map((issue) => issue.message);

  it('is a whole number of MiB from 64, or left out', () => {
    expect(message(6144)).toBeUndefined();
    expect(message(undefined)).toBeUndefined();
    expect(message(0)).toEqual([
      'memoryBudgetMiB must be at least 64 (MiB); leave it out to use the free memory less a margin',
    ]);
    expect(message(63)).toHaveLength(1);
    expect(message(1.5)).toContain('memoryBudgetMiB must be a whole number of MiB');
    expect(message(2 ** 24 + 1)).toEqual(['memoryBudgetMiB must be at most 16777216 (16 TiB)']);
    expect(message('6G')).toHaveLength(1);
  });

  it("is a caller's; the split it causes is the service's, never a caller's", () => {
    const split = { askedBatchSize: 8, askedAccumulation: 1, neededBytes: 2, budgetBytes: 1, basis: 'x' };
    expect(runRequestSchema.safeParse({ ...base, memorySplit: split }).success).toBe(false);
    expect(runConfigSchema.safeParse({ ...base, memorySplit: split }).success).toBe(true);
  });
});

describe('resolveRunRequest', () => {
  const resolve = (request: Record<string, unknown>, settings: AppSettings) =>
    runConfigSchema.parse(resolveRunRequest(runRequestSchema.parse({ ...base, ...request }), settings));

  it("fills the schema's defaults last", () => {
    expect(resolve({}, saved('auto'))).toMatchObject({ inputLength: 128, batchSize: 8, clipNorm: 1, dropout: null });
  });

  it("takes passes over the data asked for instead of the preset's steps, and its other settings", () => {
    const quick = resolve({ preset: 'quick', epochs: 2, maxSteps: undefined }, saved('cpu'));
    expect(quick).toMatchObject({ epochs: 2, inputLength: 64, evalEvery: 50 });
    expect(quick.maxSteps).toBeUndefined();
    expect(resolve({ preset: 'standard', maxSteps: 30 }, saved('cpu'))).toMatchObject({ maxSteps: 30, batchSize: 32 });
    expect(resolve({ preset: 'quick', maxSteps: undefined }, saved('cpu'))).toMatchObject({ maxSteps: 200 });
  });

  it('takes the saved provider and threads when the request names neither, over a preset', () => {
    expect(resolve({}, saved('cuda', 3))).toMatchObject({ provider: 'cuda', threads: 3 });
    expect(resolve({ preset: 'quick' }, saved('webgpu', 1))).toMatchObject({ provider: 'webgpu', threads: 1 });
    expect(resolve({ preset: 'standard' }, saved('cpu'))).toMatchObject({ provider: 'cpu', threads: 0 });
  });

  it("under 'auto' takes the preset's provider: CPU for quick, WebGPU for standard, the CPU without one", () => {
    expect(resolve({ preset: 'quick' }, saved('auto', 2))).toMatchObject({ provider: 'cpu', threads: 2 });
    expect(resolve({ preset: 'standard' }, saved('auto'))).toMatchObject({ provider: 'webgpu' });
    expect(resolve({}, saved('auto'))).toMatchObject({ provider: 'cpu' });
    expect(defaultRunProvider('auto', 'standard')).toBe('webgpu');
    expect(defaultRunProvider('dml', 'quick')).toBe('dml');
  });

  it("under 'auto' with the machine's probe, takes the preset's GPU provider only where it runs on a GPU", () => {
    const cpu = { name: 'cpu', available: true };
    const gpu = [cpu, { name: 'webgpu', available: true }];
    const software = [cpu, { name: 'webgpu', available: true, isSoftware: true, reason: 'no GPU found (…)' }];
    const missing = [cpu, { name: 'webgpu', available: false, reason: 'WebGPU needs a GPU driver' }];
    const resolveOn = (providers: ProviderStatus[], request: Record<string, unknown> = { preset: 'standard' }) =>
      runConfigSchema.parse(
        resolveRunRequest(runRequestSchema.parse({ ...base, ...request }), saved('auto'), providers),
      ).provider;
    expect(resolveOn(gpu)).toBe('webgpu');
    expect(resolveOn(software)).toBe('cpu');
    expect(resolveOn(missing)).toBe('cpu');
    expect(resolveOn([cpu])).toBe('cpu');
    // A provider named by the caller, or saved, is kept whatever the probe says (the run checks it).
    expect(resolveOn(software, { preset: 'standard', provider: 'webgpu' })).toBe('webgpu');
    expect(defaultRunProvider('webgpu', 'quick', software)).toBe('webgpu');
    // Why, in words, only when auto took the CPU instead of the preset's provider.
    expect(autoFallbackNote('auto', 'standard', software)).toBe(
      'provider auto takes the CPU here, not webgpu: no GPU found (…)',
    );
    expect(autoFallbackNote('auto', 'standard', missing)).toBe(
      'provider auto takes the CPU here, not webgpu: WebGPU needs a GPU driver',
    );
    expect(autoFallbackNote('auto', 'standard', [cpu])).toBe(
      'provider auto takes the CPU here, not webgpu: webgpu is not available here',
    );
    expect(autoFallbackNote('auto', 'standard', gpu)).toBeUndefined();
    expect(autoFallbackNote('auto', 'quick', software)).toBeUndefined();
    expect(autoFallbackNote('webgpu', 'standard', software)).toBeUndefined();
  });

  it("keeps what the caller named over the saved settings and the preset, and the preset's other values under the caller's", () => {
    const config = resolve({ preset: 'standard', provider: 'cpu', threads: 0, batchSize: 2 }, saved('cuda', 4));
    expect(config).toMatchObject({ provider: 'cpu', threads: 0, batchSize: 2, maxSteps: 7 });
    // Not named by the caller: the standard preset's input length and warm-up.
    expect(config).toMatchObject({ inputLength: 512, warmupSteps: 500 });
    expect(config).not.toHaveProperty('preset');
    // A field present but undefined (an optional one a caller passed on) is not given.
    expect(resolve({ preset: 'standard', evalEvery: undefined }, saved('auto'))).toMatchObject({ evalEvery: 500 });
  });
});

describe('canResume', () => {
  it('a paused, stopped, interrupted or failed run with its dataset; never a running or completed one, nor one without', () => {
    const statuses: RunStatusName[] = ['queued', 'running', 'paused', 'completed', 'stopped', 'interrupted', 'failed'];
    expect(statuses.filter((status) => canResume({ status, datasetId: 'ds-1', error: null }))).toEqual([
      'paused',
      'stopped',
      'interrupted',
      'failed',
    ]);
    expect(statuses.filter((status) => canResume({ status, datasetId: null, error: null }))).toEqual([]);
  });

  it('not a run whose loss stopped being finite: a resume would replay the same steps to the same end', () => {
    const diverged =
      'The training loss became not a number (NaN) at step 7: training diverged. Its checkpoints are kept; …';
    expect(canResume({ status: 'failed', datasetId: 'ds-1', error: diverged })).toBe(false);
    expect(canResume({ status: 'failed', datasetId: 'ds-1', error: 'The engine host was killed by SIGKILL. …' })).toBe(
      true,
    );
  });
});

describe('runs.resume arguments', () => {
  it("take Checkpoints kept (keepLast) within a run's own bounds, or none", () => {
    const resume = runCalls.resume.args;
    expect(resume.parse({ id: 'r-1' })).toEqual({ id: 'r-1' });
    expect(resume.parse({ id: 'r-1', keepLast: 1 })).toEqual({ id: 'r-1', keepLast: 1 });
    for (const bad of [0, -1, 2.5, '1', null])
      expect(resume.safeParse({ id: 'r-1', keepLast: bad }).success).toBe(false);
    // The bounds are a run configuration's: what a new run takes, a resume takes, and no other.
    for (const keepLast of [0, 1, 2, 999, 1000, 1001, 5000]) {
      const asConfig = runConfigSchema.safeParse({ ...base, keepLast }).success;
      expect(resume.safeParse({ id: 'r-1', keepLast }).success).toBe(asConfig);
    }
    expect(runConfigSchema.safeParse({ ...base, keepLast: 1001 }).success).toBe(false);
  });
});
