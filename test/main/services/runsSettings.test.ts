// The saved settings (system.saveSettings: execution provider, CPU threads) reach a new run
// through the runs service, whoever asks (the Train screen, `spanfill train`): a request that
// names neither trains with the saved ones and its stored configuration says so; one that
// names them keeps its own; a saved provider the machine cannot load is refused by name; 'auto'
// takes a preset's GPU provider only where the probe has it on a GPU.
import { afterEach, describe, expect, it } from 'vitest';
import { runRequestSchema, type RunRequestInput } from '../../../src/shared/contract/runs';
import type { AppServices } from '../../../src/main/services/app';
import { tempDirs } from '../../support/tmp';
import { openWithDataset, smallRunFields } from './runs-support';

const tempDir = tempDirs('spanfill-runs-settings-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

const setUp = () => openWithDataset(tempDir(), opened);

/** The small run for two steps, without evaluations or checkpoints; no provider, no threads unless `extra` names them. */
const request = (datasetId: string, extra: Partial<RunRequestInput> = {}) =>
  runRequestSchema.parse({
    ...smallRunFields(datasetId),
    maxSteps: 2,
    warmupSteps: 0,
    evalEvery: 0,
    checkpointEvery: 0,
    ...extra,
  });

describe('runs service: the saved provider and threads', () => {
  it('trains a request that names neither with the saved ones, over the preset', async () => {
    const { app, datasetId } = await setUp();
    app.system.saveSettings({ provider: 'cpu', cpuThreads: 1 });
    // The standard preset alone would ask for webgpu; the saved cpu wins.
    const started = await app.runs.start(
      request(datasetId, { preset: 'standard', evalEvery: undefined, checkpointEvery: undefined }),
    );
    const ended = await app.runs.wait(started.id);
    expect(ended).toMatchObject({ status: 'completed', step: 2, provider: 'cpu' });
    const { config } = app.runs.get(started.id);
    expect(config).toMatchObject({ provider: 'cpu', threads: 1 });
    // The preset's other values went under the request's: the request's batch and steps, the preset's intervals.
    expect(config).toMatchObject({ batchSize: 2, maxSteps: 2, evalEvery: 500, checkpointEvery: 1000 });
    expect(config).not.toHaveProperty('preset');
  }, 120_000);

  it("says in an estimate, as a start says it, that 'auto' takes the CPU for the standard preset here", async () => {
    const { app, datasetId } = await setUp();
    app.system.saveSettings({ provider: 'auto', cpuThreads: 0 });
    const info = await app.system.info();
    app.system.info = async () => ({
      ...info,
      providers: [
        { name: 'cpu', available: true },
        { name: 'webgpu', available: true, isSoftware: true, reason: 'no GPU found (test)' },
      ],
    });
    const standard = request(datasetId, { preset: 'standard', evalEvery: undefined, checkpointEvery: undefined });
    // `train --preset standard --estimate` said nothing of it; the real train's first line did.
    const estimate = await app.runs.estimate(standard);
    expect(estimate.notices?.[0]).toBe('provider auto takes the CPU here, not webgpu: no GPU found (test)');
  });

  it("under 'auto' trains the standard preset on the CPU, and says so, where WebGPU has no GPU; named, it warns", async () => {
    const { app, datasetId } = await setUp();
    app.system.saveSettings({ provider: 'auto', cpuThreads: 0 });
    // The machine's probe as a machine without a GPU would answer it (whatever this one has).
    const info = await app.system.info();
    const probes: string[] = [];
    app.system.info = async () => {
      probes.push('info');
      return {
        ...info,
        providers: [
          { name: 'cpu', available: true },
          { name: 'webgpu', available: true, isSoftware: true, reason: 'no GPU found (test)' },
        ],
      };
    };
    const standard = request(datasetId, { preset: 'standard', evalEvery: undefined, checkpointEvery: undefined });
    const started = await app.runs.start(standard);
    expect(started.notices).toEqual(['provider auto takes the CPU here, not webgpu: no GPU found (test)']);
    expect(await app.runs.wait(started.id)).toMatchObject({ status: 'completed', provider: 'cpu' });
    expect(app.runs.get(started.id).config.provider).toBe('cpu');
    expect(probes.length).toBeGreaterThan(0);
    // WebGPU asked for by name still runs there, and the run says it runs in software.
    const named = await app.runs.start(request(datasetId, { provider: 'webgpu' }));
    // (First; the memory notice of a GPU provider follows it.)
    expect(named.notices[0]).toBe('provider webgpu runs in software here: no GPU found (test)');
    expect((await app.runs.wait(named.id)).status).toBe('completed');
    // The quick preset (the CPU's) and a request naming its provider need no probe.
    probes.length = 0;
    await app.runs.estimate(request(datasetId, { preset: 'quick' }));
    await app.runs.estimate(request(datasetId, { preset: 'standard', provider: 'cpu' }));
    expect(probes).toEqual([]);
  }, 120_000);

  it("refuses a saved provider this machine cannot load by name, and keeps a request's own provider", async () => {
    const { app, datasetId } = await setUp();
    // DirectML is built only for Windows.
    app.system.saveSettings({ provider: 'dml', cpuThreads: 0 });
    await expect(app.runs.estimate(request(datasetId))).rejects.toThrow(/^provider 'dml' is not available/);
    await expect(app.runs.start(request(datasetId))).rejects.toThrow(/^provider 'dml' is not available/);
    const estimate = await app.runs.estimate(request(datasetId, { provider: 'cpu', threads: 2 }));
    expect(estimate.totalSteps).toBe(2);
    expect(app.runs.list()).toEqual([]);
  });
});
