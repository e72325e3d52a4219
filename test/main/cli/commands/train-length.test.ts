// `spanfill train`'s notes on settings longer than the run (src/main/cli/commands/train.ts), the
// Train form's notes under its boxes in the terminal: a warm-up the learning rate never climbs
// out of on a schedule with no end, validation and checkpoints that come only at the end. The
// run goes on (nothing refused); a run whose settings fit says none of it.
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../../support/tmp';
import { importTexts, spanfillIn, SPM } from './train-support';

const tempDir = tempDirs('spanfill-train-length-');

describe('spanfill train: settings longer than the run', () => {
  it('notes each by its flag and goes on; settings within the run say nothing', async () => {
    const dir = tempDir();
    const dataset = await importTexts(dir, ['The cute dog walks in the green park']);
    const flags = ['train', '--dataset', dataset, '--model', SPM, '--input-length', '16', '--batch-size', '2'];
    const run = (extra: string[]) =>
      spanfillIn(dir, [...flags, '--max-steps', '4', '--steps-per-call', '2', '--lr', '0.003', ...extra]);
    const long = await run([
      '--schedule',
      'constant',
      '--warmup-steps',
      '6',
      '--eval-every',
      '10',
      '--checkpoint-every',
      '10',
    ]);
    expect(long.code, long.stderr).toBe(0);
    const notes = long.stderr.split('\n').filter((line) => line.includes("is more than the run's"));
    expect(notes).toEqual([
      "--warmup-steps 6 is more than the run's 4 steps: the learning rate never reaches 0.003",
      "--eval-every 10 is more than the run's 4 steps: it validates only at the end",
      "--checkpoint-every 10 is more than the run's 4 steps: it saves a checkpoint only at the end (or when stopped)",
    ]);
    const within = await run([
      '--schedule',
      'constant',
      '--warmup-steps',
      '4',
      '--eval-every',
      '4',
      '--checkpoint-every',
      '2',
    ]);
    expect(within.code, within.stderr).toBe(0);
    expect(within.stderr).not.toContain("is more than the run's");
  }, 120_000);
});
