// runs.estimate's arithmetic: tokens per step from the example shape and the batch, the
// memory plan (figure, budget, split) passed through, and a time only from an earlier run of
// the same model, provider, input and target shape and batch (the latest such run, scaled to these steps)
// unless steps of this shape were timed in this process (runsTiming.ts).
import { describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfigInput } from '../../../src/shared/contract/runs';
import { estimateRun } from '../../../src/main/services/runsEstimate';
import type { PreparedRun } from '../../../src/main/services/runsPrepare';
import type { RunRow } from '../../../src/main/store/runs';
import type { RunStatusName } from '../../../src/shared/contract/runResults';

const config = (extra: Partial<RunConfigInput> = {}) =>
  runConfigSchema.parse({
    model: 'm',
    datasetId: 'd',
    inputLength: 32,
    batchSize: 4,
    accumulation: 2,
    maxSteps: 100,
    ...extra,
  });

const budget = { bytes: 6_000_000, basis: 'memoryBudgetMiB' };
const memory = { budget, batchSize: 4, accumulation: 2, stepBytes: 5_000_000, split: null, notice: null };
// Examples of 32 input and 14 target tokens.
const prepared = {
  totalSteps: 100,
  trainingExamples: 69,
  targetLength: 14,
  config: config(),
  memory,
  notices: [],
} as unknown as PreparedRun;

function row(
  id: string,
  extra: Partial<RunConfigInput>,
  step: number,
  elapsedMs: number,
  status: RunStatusName = 'completed',
): RunRow {
  return { id, name: `run ${id}`, config: config(extra), step, elapsedMs, status } as RunRow;
}

describe('estimateRun', () => {
  it('without an earlier run of the same shape: steps, tokens and memory, no time', () => {
    const others = [row('a', { batchSize: 8 }, 10, 1000), row('b', { provider: 'cuda' }, 10, 1000), row('c', {}, 0, 0)];
    const estimate = estimateRun(prepared, others);
    expect(estimate).toMatchObject({ totalSteps: 100, trainingExamples: 69, memoryBytes: 5_000_000, seconds: null });
    expect(estimate).toMatchObject({ memoryBudget: budget, batchSize: 4, accumulation: 2, memoryNotice: null });
    // 46 tokens an example × batch 4 × accumulation 2.
    expect(estimate.tokensPerStep).toBe(368);
    expect(estimate.timeBasis).toMatch(/^no earlier run/);
  });

  it('says how to time steps where it is read: the Train screen, or the command line (--time-steps)', () => {
    const screen = estimateRun(prepared, []).timeBasis;
    expect(screen).toMatch(/: time a few steps now, or the run view shows an ETA after its first steps$/);
    expect(screen).not.toContain('--');
    const cli = estimateRun(prepared, [], undefined, 'cli').timeBasis;
    expect(cli).toMatch(/: add --time-steps to time a few steps now, or a run's progress line shows its ETA/);
    expect(cli).not.toContain('run view');
  });

  it("says what runs.start would say besides the memory line (Adafactor's own step sizes)", () => {
    const split = { ...memory, notice: 'batch 8 does not fit …' };
    const adafactor = 'optimizer adafactor sets its own step sizes …';
    const estimate = estimateRun({ ...prepared, memory: split, notices: [adafactor, split.notice] }, []);
    expect(estimate).toMatchObject({ memoryNotice: split.notice, notices: [adafactor] });
    expect(estimateRun(prepared, []).notices).toEqual([]);
  });

  it('times from the latest comparable run: its ms per step × these steps', () => {
    const others = [
      row('old', {}, 10, 4000),
      row('new', { lr: 0.01 }, 40, 2000),
      row('other', { inputLength: 64 }, 5, 99),
      // Longer targets (density, span) are another step: not carried over.
      row('dense', { noiseDensity: 0.99 }, 5, 99),
      row('spans', { meanSpanLength: 8 }, 5, 99),
    ];
    const estimate = estimateRun(prepared, others);
    // 2000 ms / 40 steps = 50 ms a step; 100 steps = 5 s.
    expect(estimate.seconds).toBe(5);
    expect(estimate.timeBasis).toBe('measured by run run new (new): 50 ms per step');
  });

  it('times from no failed run, nor one of under 10 steps (its time mostly start-up), and from a completed one first', () => {
    // The probe's case: the latest run of the shape failed at step 2 after 2.3 s (1151 ms a step),
    // a completed one before it took 767 ms for 30 steps.
    const failedShort = row('nan', {}, 2, 2302, 'failed');
    const completed = row('done', {}, 30, 767);
    expect(estimateRun(prepared, [completed, failedShort]).timeBasis).toBe(
      'measured by run run done (done): 26 ms per step',
    );
    // Failed however far it got, or stopped before step 10: no time at all rather than theirs.
    const failedLong = row('late', {}, 50, 5000, 'failed');
    const stoppedShort = row('brief', {}, 9, 900, 'stopped');
    expect(estimateRun(prepared, [failedLong, stoppedShort, failedShort]).seconds).toBeNull();
    // From step 10 a stopped run counts; a completed one, even older, is taken before it.
    const stopped = row('stopped', {}, 10, 1000, 'stopped');
    expect(estimateRun(prepared, [stopped]).timeBasis).toBe('measured by run run stopped (stopped): 100 ms per step');
    expect(estimateRun(prepared, [completed, stopped]).timeBasis).toMatch(/^measured by run run done /);
  });

  it('times from steps timed in this process before any earlier run, saying when and where they ran', () => {
    const timing = { msPerStep: 1234.4, provider: 'cpu', at: new Date(2026, 11, 1, 16, 4, 5).toISOString() };
    const estimate = estimateRun(prepared, [row('new', {}, 40, 2000)], timing);
    // 1,234.4 ms a step × 100 steps.
    expect(estimate.seconds).toBeCloseTo(123.44, 9);
    expect(estimate.isTimed).toBe(true);
    expect(estimate.timeBasis).toBe(
      '1,234 ms per step, from 2 steps of this shape timed at 16:04:05; validation and checkpoints add to it',
    );
    const elsewhere = estimateRun({ ...prepared, config: config({ provider: 'webgpu' }) }, [], timing);
    expect(elsewhere.timeBasis).toContain('timed at 16:04:05 (it ran on cpu);');
  });
});
