// runs.estimate with timeSteps (services/runsTiming.ts): the bench requests it sends the engine
// host for a run's shape (its steps at the run's steps per call, then a validation pass's
// parts where it validates), the step time as the micro-batch's × accumulation, a figure
// reused for later estimates of the same shape only; and through the service with the real
// engine host on the tiny fixture: a timed estimate with its validation passes added, the
// figures scaled to another step count, none for another shape, and a refusal while a run trains.
import { afterEach, describe, expect, it } from 'vitest';
import { runConfigSchema, runRequestSchema, type RunConfigInput } from '../../../src/shared/contract/runs';
import type { AppServices } from '../../../src/main/services/app';
import type { HostRequester } from '../../../src/main/services/engine-host';
import type { PreparedRun } from '../../../src/main/services/runsPrepare';
import { StepTimings, TIMED_STEPS } from '../../../src/main/services/runsTiming';
import { t5Preset } from '../../../src/main/engine/t5/config';
import { tempDirs } from '../../support/tmp';
import { openWithDataset, smallRunFields } from './runs-support';

const tempDir = tempDirs('spanfill-runs-timing-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

const modelConfig = t5Preset('t5-small');
const prepared = (extra: Partial<RunConfigInput> = {}, targetLength = 8, validationExamples = 30) =>
  ({
    totalSteps: 100,
    validationExamples,
    config: runConfigSchema.parse({
      model: '/m',
      datasetId: 'd',
      inputLength: 32,
      batchSize: 4,
      accumulation: 3,
      ...extra,
    }),
    targetLength,
    modelConfig,
  }) as PreparedRun;

const validation = { evalBatchMs: 5, firstGroupMs: 200, groupMs: 50 };

/** A host that answers bench.train with `msPerStep`, bench.validation with `validation`, and records what it was asked. */
function fakeHost(msPerStep: number) {
  const asked: { type: string; payload: unknown }[] = [];
  const host = {
    request: async (type: string, payload: unknown) => {
      asked.push({ type, payload });
      return type === 'bench.validation' ? { ...validation, decodeRows: 4 } : { msPerStep, provider: 'cpu' };
    },
  } as unknown as HostRequester;
  return { host, asked };
}

describe('StepTimings', () => {
  it("asks the host to time the run's micro-batch shape and a validation pass's parts, and counts each accumulation's micro-batch", async () => {
    const { host, asked } = fakeHost(40);
    const timing = await new StepTimings().measure(host, prepared({ stepsPerCall: 5 }));
    expect(asked).toEqual([
      {
        type: 'bench.train',
        payload: expect.objectContaining({
          config: modelConfig,
          modelName: '/m',
          batchSize: 4,
          inputLength: 32,
          targetLength: 8,
          steps: TIMED_STEPS,
          warmupSteps: 1,
          stepsPerCall: 5, // the run's: a call of 5 steps costs less than 5 calls of one
          provider: 'cpu',
          threads: undefined, // 0: onnxruntime's default, as the trainer
        }),
      },
      {
        type: 'bench.validation',
        payload: expect.objectContaining({ config: modelConfig, batchSize: 4, inputLength: 32, targetLength: 8 }),
      },
    ]);
    // The bench rounds TIMED_STEPS up to a whole call of 5.
    expect(timing).toMatchObject({ msPerStep: 120, timedSteps: 5, validation, provider: 'cpu' });
  });

  it('times no validation pass for a run without validation examples, and times one again where another run needs it', async () => {
    const { host, asked } = fakeHost(40);
    const timings = new StepTimings();
    const timing = await timings.measure(host, prepared({}, 8, 0));
    expect(asked.map((a) => a.type)).toEqual(['bench.train']);
    expect(timing.validation).toBeNull();
    expect(timings.of(prepared({}, 8, 0))).toBe(timing);
    // The same step shape with validation examples: its passes were not timed.
    expect(timings.of(prepared())).toBeUndefined();
  });

  it('keeps the figure for the same step shape, not for another', async () => {
    const timings = new StepTimings();
    await timings.measure(fakeHost(40).host, prepared({ threads: 2 }));
    expect(timings.of(prepared({ threads: 2, lr: 0.01, maxSteps: 999 }))?.msPerStep).toBe(120);
    expect(timings.of(prepared({ threads: 2, inputLength: 64 }))).toBeUndefined();
    expect(timings.of(prepared({ threads: 2 }, 16))).toBeUndefined();
    expect(timings.of(prepared({ threads: 1 }))).toBeUndefined();
    expect(timings.of(prepared({ threads: 2, accumulation: 1 }))).toBeUndefined();
    expect(timings.of(prepared({ threads: 2, stepsPerCall: 10 }))).toBeUndefined();
  });
});

describe('runs.estimate with timeSteps', () => {
  const request = (datasetId: string, extra: Partial<RunConfigInput> = {}) =>
    runRequestSchema.parse({ ...smallRunFields(datasetId), provider: 'cpu', threads: 1, ...extra });

  it('times steps in the engine host and reuses the figure for the same shape only', async () => {
    const { app, datasetId } = await openWithDataset(tempDir(), opened);
    const untimed = await app.runs.estimate(request(datasetId));
    expect(untimed).toMatchObject({ seconds: null, isTimed: false });
    const timed = await app.runs.estimate(request(datasetId), undefined, { timeSteps: true });
    expect(timed.isTimed).toBe(true);
    expect(timed.seconds).toBeGreaterThan(0);
    // 10 steps, 2 a call: one call timed after one warm-up call; passes at steps 4, 8 and 10.
    expect(timed.timeBasis).toMatch(
      /^[\d,]+ ms per step, from 2 steps of this shape timed at \d\d:\d\d:\d\d; with 3 validation passes of about [\d.]+ m?s each \(its decoding timed to full length: an upper bound\); checkpoints add to it$/,
    );
    // The passes are added to the steps' time.
    const validation = timed.validationSeconds ?? 0;
    expect(validation).toBeGreaterThan(0);
    const steps = (timed.seconds ?? 0) - validation;
    expect(steps).toBeGreaterThan(0);
    // Another step count: the same figures, scaled (30 steps: 3 × the steps; 8 passes at 4, 8, …, 28 and 30).
    const longer = await app.runs.estimate(request(datasetId, { maxSteps: 30 }));
    expect(longer.isTimed).toBe(true);
    expect(longer.validationSeconds).toBeCloseTo((validation / 3) * 8, 9);
    expect(longer.seconds).toBeCloseTo(steps * 3 + (validation / 3) * 8, 9);
    expect(await app.runs.estimate(request(datasetId, { inputLength: 24 }))).toMatchObject({ isTimed: false });
  }, 120_000);

  it('refuses to time steps while a run trains, naming it', async () => {
    const { app, datasetId } = await openWithDataset(tempDir(), opened);
    const config = runConfigSchema.parse({ ...smallRunFields(datasetId) });
    app.runs.repo.add({ id: 'r-live', name: 'busy', config, totalSteps: 10, status: 'queued' });
    app.runs.repo.setStatus('r-live', 'running', { ownerPid: process.pid });
    await expect(app.runs.estimate(request(datasetId), undefined, { timeSteps: true })).rejects.toThrow(
      /^Run r-live \("busy"\) is training now; stop it first \(or let it finish\)\. Timing steps beside it would slow it and measure neither; its own ETA is on its run view\.$/,
    );
    // Without timing, the estimate answers as ever.
    await expect(app.runs.estimate(request(datasetId))).resolves.toMatchObject({ isTimed: false });
  }, 120_000);

  it('tells a terminal where the training run shows its ETA, not a run view it does not have', async () => {
    const { app, datasetId } = await openWithDataset(tempDir(), opened);
    const config = runConfigSchema.parse({ ...smallRunFields(datasetId) });
    app.runs.repo.add({ id: 'r-live', name: 'busy', config, totalSteps: 10, status: 'queued' });
    app.runs.repo.setStatus('r-live', 'running', { ownerPid: process.pid });
    const refusal = app.runs.estimate(request(datasetId), undefined, { timeSteps: true, reader: 'cli' });
    await expect(refusal).rejects.toThrow(
      /^Run r-live \("busy"\) is training now; stop it first \(or let it finish\)\. Timing steps beside it would slow it and measure neither; its ETA is on the progress line of the terminal training it \(or on its run view in the app\); `spanfill runs show r-live` shows its step\.$/,
    );
  }, 120_000);
});
