// `spanfill train --memory-budget`: a batch over the budget trains as micro-batches with
// accumulation, prints the line that says so, stores the split in the run's configuration and
// gives exactly the losses of a run configured with that split by hand (the same examples per
// step in the same order), and `runs show` says so too; a budget nothing fits is refused
// before anything starts; and runs.estimate reports the split it would pick.
import { afterEach, describe, expect, it } from 'vitest';
import { AppServices } from '../../../../src/main/services/app';
import { jsonResult } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';
import { importTexts, spanfillIn, SPM } from './train-support';

const tempDir = tempDirs('spanfill-train-memory-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

/** Documents long enough for examples of 128 tokens (packed). */
const TEXTS = Array.from(
  { length: 40 },
  (_, i) =>
    `Document ${i}: the cute dog walks in the green park while a small cat sleeps on the warm mat, ` +
    `and birds sing in the old tree every morning before the rain comes over the hill number ${i * 7}.`,
);

const RUN = ['--model', SPM, '--input-length', '128', '--steps-per-call', '2', '--max-steps', '4'];
const MORE = ['--dropout', '0.1', '--seed', '3', '--lr', '0.003', '--threads', '1', '--json'];

interface TrainJson {
  runId: string;
  status: string;
  losses: number[];
  notices: string[];
}

/** The service's estimate at a batch split (no budget given: this machine's free memory). */
async function estimateAt(dataDir: string, datasetId: string, batchSize: number, accumulation: number) {
  const app = new AppServices({ dataDir, env: {} });
  opened.push(app);
  const base = { model: SPM, datasetId, inputLength: 128, stepsPerCall: 2, maxSteps: 4 };
  return app.runs.estimate({ ...base, batchSize, accumulation });
}

describe('spanfill train --memory-budget', () => {
  it('trains a batch over the budget as micro-batches, says so, and matches that split set by hand', async () => {
    const dir = tempDir();
    const dataset = await importTexts(dir, TEXTS);
    const whole = await estimateAt(dir, dataset, 8, 1);
    const half = await estimateAt(dir, dataset, 4, 2);
    // A budget that takes micro-batches of 4 but not the batch of 8 (the largest divisor of 8 that fits).
    const budgetMiB = Math.ceil(half.memoryBytes / 2 ** 20);
    expect(budgetMiB * 2 ** 20).toBeLessThan(whole.memoryBytes);
    for (const app of opened.splice(0)) await app.close();

    const split = await spanfillIn(dir, [
      'train',
      '--dataset',
      dataset,
      ...RUN,
      '--batch-size',
      '8',
      '--memory-budget',
      String(budgetMiB),
      ...MORE,
    ]);
    expect(split.code, split.stderr).toBe(0);
    const line =
      `batch 8 does not fit the ${budgetMiB} MiB budget (memoryBudgetMiB; needs ~${Math.round(whole.memoryBytes / 2 ** 20)} MiB); ` +
      'training micro-batches of 4 with accumulation 2, same 8 examples per step';
    expect(split.stderr).toContain(line);
    const result = jsonResult<TrainJson>(split.stdout);
    expect(result).toMatchObject({ status: 'completed', notices: [line] });

    const byHand = await spanfillIn(dir, [
      'train',
      '--dataset',
      dataset,
      ...RUN,
      '--batch-size',
      '4',
      '--accumulation',
      '2',
      ...MORE,
    ]);
    expect(byHand.code, byHand.stderr).toBe(0);
    const handResult = jsonResult<TrainJson>(byHand.stdout);
    expect(handResult.notices).toEqual([]);
    expect(result.losses).toHaveLength(4);
    expect(result.losses).toEqual(handResult.losses);

    const show = await spanfillIn(dir, ['runs', 'show', result.runId]);
    expect(show.stdout).toMatch(new RegExp(`^memory +${line.replace(/[()~.]/g, '\\$&')}$`, 'm'));

    const app = new AppServices({ dataDir: dir, env: {} });
    opened.push(app);
    const stored = app.runs.get(result.runId).config;
    expect(stored).toMatchObject({ batchSize: 4, accumulation: 2, memoryBudgetMiB: budgetMiB });
    expect(stored.memorySplit).toMatchObject({ askedBatchSize: 8, askedAccumulation: 1, basis: 'memoryBudgetMiB' });
    expect(app.runs.get(handResult.runId).config.memorySplit).toBeUndefined();
    // runs.estimate reports the split it would pick, and that split's memory.
    const planned = await app.runs.estimate({
      model: SPM,
      datasetId: dataset,
      inputLength: 128,
      stepsPerCall: 2,
      maxSteps: 4,
      batchSize: 8,
      memoryBudgetMiB: budgetMiB,
    });
    expect(planned).toMatchObject({ batchSize: 4, accumulation: 2, memoryBytes: half.memoryBytes, memoryNotice: line });
    expect(planned.memoryBudget).toEqual({ bytes: budgetMiB * 2 ** 20, basis: 'memoryBudgetMiB' });
  });

  it('refuses a budget that not even micro-batches of 1 fit, saying what to lower; a bad budget names the flag', async () => {
    const dir = tempDir();
    const dataset = await importTexts(dir, TEXTS);
    const out = await spanfillIn(dir, ['train', '--dataset', dataset, ...RUN, '--memory-budget', '64', '--json']);
    expect(out.code).toBe(2); // a flag value the service refuses: a usage error, nothing was done
    expect(out.stdout + out.stderr).toMatch(
      /--batch-size 8 at --input-length 128 does not fit the 64 MiB budget \(--memory-budget\): even micro-batches of 1 need ~\d+ MiB; lower --input-length, use a smaller model, free some memory or raise --memory-budget/,
    );
    const bad = await spanfillIn(dir, ['train', '--dataset', dataset, ...RUN, '--memory-budget', '10']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--memory-budget must be at least 64 \(MiB\)/);
    const app = new AppServices({ dataDir: dir, env: {} });
    opened.push(app);
    expect(app.runs.list()).toEqual([]);
  });
});
