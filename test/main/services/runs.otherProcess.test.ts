// Another process and a run that trains: reading its checkpoints while it deletes older ones as
// it saves new ones (keepLast 1, one every step) succeeds every time (a helper's probe saw 5 of
// 6 fills fail), also while the store lags behind the disk, as under load: the trainer's process
// records a checkpoint once its engine host has already saved the next and pruned this one, so
// the newest the store lists is gone. Here the store is made to lag for certain: after the first
// reads, it hears of no more checkpoints. (A pause asked from there: runsControl.test.ts.)
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { AppServices } from '../../../src/main/services/app';
import { tempDirs } from '../../support/tmp';
import { importTexts, KILL_TEXTS } from '../cli/commands/train-support';
import { smallRunConfig } from './runs-support';

const tempDir = tempDirs('spanfill-runs-other-process-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0).reverse()) await app.close();
});

describe('readCheckpoint while the run trains', () => {
  it('fills from the last checkpoint of a run that prunes one every step', async () => {
    const dataDir = tempDir();
    const datasetId = await importTexts(dataDir, KILL_TEXTS);
    const trainer = new AppServices({ dataDir, env: {} });
    const reader = new AppServices({ dataDir, env: {} }); // another process, as `spanfill fill --run` is
    opened.push(trainer, reader);
    const config = { maxSteps: 10_000_000, stepsPerCall: 1, checkpointEvery: 1, keepLast: 1, evalEvery: 0 };
    const run = await trainer.runs.start(smallRunConfig(datasetId, config));
    await new Promise<void>((resolve) => {
      const off = trainer.events.subscribe((name) => {
        if (name === 'runs.checkpoint') {
          off();
          resolve();
        }
      });
    });
    const prompt = 'The <extra_id_0> walks in <extra_id_1> park';
    const fill = (modelDir: string) =>
      reader.playground.fill({ modelDir, prompt, strategy: { kind: 'greedy' }, maxNewTokens: 4 });
    const readLast = async () => {
      const filled = await reader.runs.readCheckpoint(run.id, 'last', fill);
      expect(filled.spans.map((span) => span.sentinel)).toEqual([0, 1]);
    };
    for (let i = 0; i < 3; i++) await readLast();
    const stored = trainer.runs.repo.checkpoints(run.id);
    trainer.runs.repo.addCheckpoint = () => undefined; // the store lags from here on
    for (let i = 0; i < 3; i++) await readLast();
    // It lagged: the newest it lists went from disk long ago.
    expect(reader.runs.checkpoints(run.id)).toEqual(stored.map((c) => ({ ...c, path: expect.any(String) })));
    expect(existsSync(reader.runs.checkpoints(run.id).at(-1)?.path ?? '')).toBe(false);
    await trainer.runs.stop(run.id);
  }, 120_000);
});
