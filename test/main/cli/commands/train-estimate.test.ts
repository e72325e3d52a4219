// `spanfill train … --estimate [--time-steps]`: prints runs.estimate's figures in lines (the
// passes in the Train screen's words) and starts nothing; --time-steps gives it a time from
// steps timed now; --time-steps alone is a usage error.
import { describe, expect, it } from 'vitest';
import { describePasses } from '../../../../src/shared/contract/runEstimate';
import type { RunEstimate } from '../../../../src/shared/contract/runs';
import { openStore } from '../../../../src/main/store/db';
import { RunRepository } from '../../../../src/main/store/runs';
import { jsonResult } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';
import { importTexts, KILL_TEXTS, spanfillIn, SPM } from './train-support';

const tempDir = tempDirs('spanfill-train-estimate-');

const runFlags = (datasetId: string) => [
  'train',
  ...['--dataset', datasetId, '--model', SPM, '--input-length', '16', '--batch-size', '2'],
  ...['--max-steps', '10', '--threads', '1', '--provider', 'cpu'],
];

function runCount(dataDir: string): number {
  const store = openStore(dataDir);
  try {
    return new RunRepository(store.db).list().length;
  } finally {
    store.close();
  }
}

describe('spanfill train --estimate', () => {
  it('prints the estimate and starts nothing; --time-steps adds a time', async () => {
    const dataDir = tempDir();
    const datasetId = await importTexts(dataDir, KILL_TEXTS);
    const plain = await spanfillIn(dataDir, [...runFlags(datasetId), '--estimate', '--json']);
    expect(plain.code).toBe(0);
    const { estimate } = jsonResult<{ estimate: RunEstimate }>(plain.stdout);
    expect(estimate).toMatchObject({ totalSteps: 10, batchSize: 2, accumulation: 1, seconds: null, isTimed: false });

    const text = await spanfillIn(dataDir, [...runFlags(datasetId), '--estimate']);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`steps   10 (${describePasses(estimate).text})`);
    expect(lines[1]).toBe(`tokens  ${estimate.tokensPerStep} per step (input and target), batch 2`);
    expect(lines[2]).toMatch(
      /^memory {2}about [\d.]+ [KMG]iB for one step, budget [\d.]+ [KMG]iB \(free memory less a margin\)$/,
    );
    // The command line's way to a time (--time-steps), not the screen's button.
    expect(lines.at(-1)).toMatch(/^time {4}no earlier run .*: add --time-steps to time a few steps now/);
    expect(lines.at(-1)).not.toContain('run view');

    const timed = await spanfillIn(dataDir, [...runFlags(datasetId), '--estimate', '--time-steps']);
    expect(timed.code).toBe(0);
    expect(timed.stderr).toContain(
      'timing a few training steps and a validation pass of this shape in the engine host…',
    );
    expect(timed.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^time {4}about (?:[1-9]\d* ms|\d\.\d s|[1-9]\d+ s|\d+ min \d+ s): [\d,]+ ms per step, from 2 steps of this shape timed at \d\d:\d\d:\d\d; with 1 validation pass of about [\d.]+ m?s \(its decoding timed to full length: an upper bound\); checkpoints add to it$/,
    );
    expect(runCount(dataDir)).toBe(0);
  }, 120_000);

  it('says what settings the run keeps but does not train with (Adafactor takes its own step sizes)', async () => {
    const dataDir = tempDir();
    const datasetId = await importTexts(dataDir, KILL_TEXTS);
    const text = await spanfillIn(dataDir, [...runFlags(datasetId), '--optimizer', 'adafactor', '--estimate']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/\nnote {4}optimizer adafactor sets its own step sizes .*lr \(0\.001\), schedule/);
    // Settings named as flags, as a person at the command line gave them.
    const budgeted = await spanfillIn(dataDir, [...runFlags(datasetId), '--memory-budget', '4096', '--estimate']);
    expect(budgeted.stdout).toMatch(/^memory {2}about .*, budget 4.0 GiB \(--memory-budget\)$/m);
    const adamw = await spanfillIn(dataDir, [...runFlags(datasetId), '--estimate']);
    expect(adamw.stdout).not.toContain('note');
  }, 60_000);

  it('says it times steps only once the settings have passed their checks', async () => {
    const dataDir = tempDir();
    const datasetId = await importTexts(dataDir, KILL_TEXTS);
    const unaligned = ['--eval-every', '3', '--checkpoint-every', '2', '--estimate', '--time-steps'];
    const refused = await spanfillIn(dataDir, [...runFlags(datasetId), ...unaligned]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('do not line up');
    expect(refused.stderr).not.toContain('timing a few training steps');
  }, 60_000);

  it('refuses --time-steps without --estimate, before anything starts', async () => {
    const dataDir = tempDir();
    const datasetId = await importTexts(dataDir, KILL_TEXTS);
    const result = await spanfillIn(dataDir, [...runFlags(datasetId), '--time-steps']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--time-steps goes with --estimate');
    expect(runCount(dataDir)).toBe(0);
  }, 60_000);
});
