// `spanfill demo` end to end in-process with a short run: the sample is imported as a dataset,
// the run is stored and completed, the trained model reproduces more held-out spans exactly than
// the untrained one, and the text output names the scores. A second demo reuses the dataset.
// Ctrl-C says where the run stopped. Refused flags are usage errors. Seeded (model, data, dropout), so the same run every time.

import { describe, expect, it } from 'vitest';
import { demoCommand } from '../../../../src/main/cli/commands/demo';
import type { DemoResult } from '../../../../src/main/services/demo';
import { jsonResult } from '../../../support/cli';
import { startCli } from '../../../support/cli-process';
import { tempDirs } from '../../../support/tmp';
import { spanfillIn } from './train-support';

const tempDir = tempDirs('spanfill-demo-cli-');
/**
 * Enough for the byte model to fill one-byte holes where the untrained one writes nothing: 19 of
 * 50 spans exact against 0 here (about 25 s); even a run that has not yet learned to read the
 * holes' neighbours writes the common characters (6 of 50 at 300 steps).
 */
const STEPS = '500';

describe('spanfill demo', () => {
  it('trains on the sample and fills held-out spans better than the untrained model', async () => {
    const dir = tempDir();
    const out = await spanfillIn(dir, ['demo', '--steps', STEPS, '--json']);
    expect(out.code, out.stderr).toBe(0);
    const result = jsonResult<DemoResult & { dataDir: string }>(out.stdout);
    expect(result).toMatchObject({ datasetReused: false, model: 'builtin:byt5-tiny', steps: Number(STEPS) });
    // The loss falls: the last recorded loss is well under the first.
    expect(result.losses.length).toBeGreaterThan(1);
    expect(result.losses.at(-1)!.value).toBeLessThan(result.losses[0].value / 2);
    const { untrained, trained, baseline } = result.scores;
    expect(trained.spans).toBeGreaterThan(10);
    expect(untrained.spans).toBe(trained.spans);
    expect(baseline.spans).toBe(trained.spans);
    // Exact spans, the demo's score: clearly more than the untrained model's.
    expect(trained.exactSpans).toBeGreaterThan(untrained.exactSpans + 3);
    // ... and than a blank in every hole: the run has learned more than the commonest byte.
    expect(trained.exactSpans).toBeGreaterThan(baseline.exactSpans);
    expect(trained.characters).toBeGreaterThan(untrained.characters);
    // The baseline writes the sample's most common character everywhere and counts what that hits.
    expect(result.baselineText).toBe(' ');
    const blanks = result.prompts.flatMap((p) => p.spans).filter((s) => s.truth === ' ').length;
    expect(baseline.exactSpans).toBe(blanks);
    // Every prompt's holes are the sentinels of its spans, and each span names the true words.
    for (const prompt of result.prompts) {
      for (const span of prompt.spans) {
        expect(prompt.prompt).toContain(span.sentinel);
        expect(prompt.sentence).toContain(span.truth);
      }
    }

    // Stored like any dataset and run.
    const datasets = jsonResult<{ datasets: { id: string; status: string }[] }>(
      (await spanfillIn(dir, ['datasets', '--json'])).stdout,
    ).datasets;
    expect(datasets).toEqual([expect.objectContaining({ id: result.datasetId, status: 'ready' })]);
    const runs = jsonResult<{ runs: { id: string; status: string; datasetId: string }[] }>(
      (await spanfillIn(dir, ['runs', '--json'])).stdout,
    ).runs;
    expect(runs).toEqual([
      expect.objectContaining({ id: result.runId, status: 'completed', datasetId: result.datasetId }),
    ]);

    // The text form names both scores and the run.
    const text = demoCommand.render!(result);
    expect(text).toMatch(/Untrained: \d+\/\d+ spans exact \(\d+\.\d%\), characters \d+\.\d%/);
    expect(text).toMatch(/Trained {2}: \d+\/\d+ spans exact \(\d+\.\d%\), characters \d+\.\d%/);
    expect(text).toMatch(
      /Baseline : \d+\/\d+ spans exact .*\(" ", the sample's most common character, in every hole\)/,
    );
    expect(text).toContain(result.runId);
  }, 240_000);

  it('reuses the imported sample and prints its stages', async () => {
    const dir = tempDir();
    const first = await spanfillIn(dir, ['demo', '--steps', '10', '--prompts', '1']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Sample text imported: dataset ');
    const second = await spanfillIn(dir, ['demo', '--steps', '10', '--prompts', '2']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('Sample text already imported: dataset ');
    for (const stage of [
      'One training example, masked',
      'Training run r-',
      'step    10/10  loss',
      'Held-out sentences',
    ]) {
      expect(second.stdout).toContain(stage);
    }
    expect(second.stdout).toMatch(/Untrained: .*\nTrained {2}: /);
    expect(second.stdout).toContain('\n2. ');
    expect(second.stdout).not.toContain('\n3. ');
  }, 240_000);

  it('Ctrl-C while it trains says that its run stopped at a checkpoint and how to go on (exit 130)', async () => {
    const dir = tempDir();
    const cli = startCli(['demo', '--steps', '1000000', '--data-dir', dir]);
    try {
      for (const end = Date.now() + 120_000; !/step +\d+\/1000000 +loss/.test(cli.stdout());) {
        if (Date.now() > end || cli.child.exitCode !== null) throw new Error(`no training progress:\n${cli.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const { status } = await cli.ctrlC();
      expect(status).toBe(130);
      const [run] = jsonResult<{ runs: { id: string; status: string; step: number }[] }>(
        (await spanfillIn(dir, ['runs', '--json'])).stdout,
      ).runs;
      expect(run.status).toBe('stopped');
      expect(cli.stderr()).toBe(
        `spanfill demo: stopped the demo's run ${run.id} at step ${run.step} with a checkpoint: ` +
          `\`spanfill runs resume ${run.id} --data-dir ${dir}\` trains it to the end; ` +
          `\`spanfill demo --data-dir ${dir}\` runs the demo again (the sample stays imported)\n`,
      );
    } finally {
      cli.kill();
    }
  }, 180_000);

  it('names its data directory in the commands it prints, quoted for the shell', () => {
    const score = { exactSpans: 0, spans: 1, exactRate: 0, characters: 0 };
    const result = {
      datasetId: 'ds-1',
      runId: 'r-1',
      model: 'builtin:byt5-tiny',
      steps: 10,
      elapsedMs: 1000,
      losses: [],
      scores: { untrained: score, trained: score, baseline: score },
      baselineText: ' ',
      dataDir: "/tmp/it's a dir",
    };
    const dir = `'/tmp/it'\\''s a dir'`;
    expect(demoCommand.render!(result).split('\n').slice(-2)).toEqual([
      `See it in the app: spanfill serve --data-dir ${dir} (Runs: r-1)`,
      `Fill your own prompt: spanfill fill --run r-1 "We the <extra_id_0> of the United States" --data-dir ${dir}`,
    ]);
  });

  it('refuses a step count that is not a multiple of 10, no prompts, and --port without --serve', async () => {
    const dir = tempDir();
    const steps = await spanfillIn(dir, ['demo', '--steps', '15']);
    expect(steps.code).toBe(2);
    expect(steps.stderr).toContain('--steps must be a multiple of 10, got 15');
    const prompts = await spanfillIn(dir, ['demo', '--prompts', '0']);
    expect(prompts.code).toBe(2);
    expect(prompts.stderr).toContain('--prompts');
    const port = await spanfillIn(dir, ['demo', '--port', '8787']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port needs --serve');
  });
});
