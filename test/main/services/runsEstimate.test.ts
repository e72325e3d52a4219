// runs.estimate's arithmetic: tokens per step from the example shape and the batch, the
// memory plan (figure, budget, split) passed through, and a time only from an earlier run of
// the same model, provider, input and target shape, batch, steps per call and validation (the
// latest such run, scaled to these steps) unless steps of this shape and a validation pass's
// parts were timed in this process (runsTiming.ts): then the steps' time plus the passes'.
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
  validationExamples: 30,
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
    expect(estimate.timeBasis).toBe(
      'measured by run run new (new): 50 ms per step, its validation at its end and checkpoints included',
    );
  });

  it("carries an earlier run's time, its validation in it, from a run that validated alike first, and says when it did not", () => {
    const every = (extra: Partial<RunConfigInput>) => ({ ...prepared, config: config({ evalEvery: 25, ...extra }) });
    // Its ms per step holds its validation every 50 steps, not this run's every 25: taken, and said.
    const fifty = row('fifty', { evalEvery: 50 }, 40, 2000);
    const unlike = estimateRun(every({}), [fifty]);
    expect(unlike.seconds).toBe(5);
    expect(unlike.timeBasis).toBe(
      'measured by run run fifty (fifty): 50 ms per step, its validation every 50 steps and checkpoints included; ' +
        'this run validates every 25 steps: time a few steps now for a time that counts its own',
    );
    const otherData = row('data', { evalEvery: 25, datasetId: 'other' }, 40, 3000);
    expect(estimateRun(every({}), [otherData], undefined, 'cli').timeBasis).toMatch(
      /; this run validates on other data: add --time-steps for a time that counts its own$/,
    );
    // Other steps per call: another step, not carried over.
    const otherCalls = row('calls', { evalEvery: 25, stepsPerCall: 10, maxSteps: 100 }, 40, 2000);
    expect(estimateRun(every({}), [otherCalls]).seconds).toBeNull();
    // One that validated alike is taken before the later ones that did not, even before a completed one.
    const alike = row('alike', { evalEvery: 25 }, 40, 1200, 'stopped');
    const estimate = estimateRun(every({}), [alike, fifty, otherData, otherCalls]);
    expect(estimate.seconds).toBe(3);
    expect(estimate.timeBasis).toBe(
      'measured by run run alike (alike): 30 ms per step, its validation every 25 steps and checkpoints included',
    );
    expect(estimate.validationSeconds).toBeUndefined();
  });

  it('times from no failed run, nor one of under 10 steps (its time mostly start-up), and from a completed one first', () => {
    // The probe's case: the latest run of the shape failed at step 2 after 2.3 s (1151 ms a step),
    // a completed one before it took 767 ms for 30 steps.
    const failedShort = row('nan', {}, 2, 2302, 'failed');
    const completed = row('done', {}, 30, 767);
    expect(estimateRun(prepared, [completed, failedShort]).timeBasis).toMatch(
      /^measured by run run done \(done\): 26 ms per step, /,
    );
    // Failed however far it got, or stopped before step 10: no time at all rather than theirs.
    const failedLong = row('late', {}, 50, 5000, 'failed');
    const stoppedShort = row('brief', {}, 9, 900, 'stopped');
    expect(estimateRun(prepared, [failedLong, stoppedShort, failedShort]).seconds).toBeNull();
    // From step 10 a stopped run counts; a completed one, even older, is taken before it.
    const stopped = row('stopped', {}, 10, 1000, 'stopped');
    expect(estimateRun(prepared, [stopped]).timeBasis).toMatch(
      /^measured by run run stopped \(stopped\): 100 ms per step, /,
    );
    expect(estimateRun(prepared, [completed, stopped]).timeBasis).toMatch(/^measured by run run done /);
  });

  it('times from steps and a validation pass timed in this process before any earlier run, saying when and where', () => {
    const at = new Date(2026, 11, 1, 16, 4, 5).toISOString();
    const validation = { evalBatchMs: 10, firstGroupMs: 300, groupMs: 100 };
    const timing = { msPerStep: 1234.4, timedSteps: 2, validation, provider: 'cpu', at };
    const every25 = { ...prepared, config: config({ evalEvery: 25 }) };
    const estimate = estimateRun(every25, [row('new', { evalEvery: 25 }, 40, 2000)], timing);
    // A pass: 30 validation examples in 8 batches of 4 (80 ms), 16 decoded in 4 groups (300 +
    // 3 × 100 ms): 680 ms; at steps 25, 50, 75 and 100: 2.72 s. Steps: 1,234.4 ms × 100.
    expect(estimate.validationSeconds).toBeCloseTo(2.72, 9);
    expect(estimate.seconds).toBeCloseTo(123.44 + 2.72, 9);
    expect(estimate.isTimed).toBe(true);
    expect(estimate.timeBasis).toBe(
      '1,234 ms per step, from 2 steps of this shape timed at 16:04:05; with 4 validation passes of about 680 ms ' +
        'each (its decoding timed to full length: an upper bound); checkpoints add to it',
    );
    const elsewhere = estimateRun({ ...every25, config: config({ evalEvery: 25, provider: 'webgpu' }) }, [], timing);
    expect(elsewhere.timeBasis).toContain('timed at 16:04:05 (it ran on cpu);');
  });

  it('times the steps alone where the run has no validation examples, and says so', () => {
    const timing = { msPerStep: 1000, timedSteps: 10, validation: null, provider: 'cpu', at: new Date().toISOString() };
    const estimate = estimateRun({ ...prepared, validationExamples: 0 }, [], timing);
    expect(estimate.seconds).toBe(100);
    expect(estimate.validationSeconds).toBe(0);
    expect(estimate.timeBasis).toMatch(
      /^1,000 ms per step, from 10 steps of this shape timed at [\d:]+; no validation \(the dataset has no validation examples\); checkpoints add to it$/,
    );
  });
});
