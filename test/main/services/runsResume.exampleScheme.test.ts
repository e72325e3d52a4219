// A run resumed from a checkpoint whose examples were made otherwise than this Spanfill makes
// them (one written before 207452bb records no scheme: its per-document pieces had no </s>) goes
// on, and runs.resume says so among its notices, which `spanfill runs resume` prints and the
// app's run view shows; a checkpoint that records today's schemes resumes without a word of it.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppServices } from '../../../src/main/services/app';
import { checkpointDirName, TRAINER_STATE_FILE } from '../../../src/main/engine/train/checkpoint';
import { runsServiceKit, smallRunConfig } from './runs-support';

const { setUp } = runsServiceKit();

/** A per-document run trained to step 12, its checkpoints after step 4 removed, marked stopped. */
async function stoppedAtFour(app: AppServices, datasetId: string): Promise<{ id: string; four: string }> {
  const started = await app.runs.start(smallRunConfig(datasetId, { maxSteps: 12, keepLast: 5, evalEvery: 0 }));
  expect(await app.runs.wait(started.id)).toMatchObject({ status: 'completed', step: 12 });
  const at = (step: number) => join(app.runs.checkpointDir(started.id), checkpointDirName(step));
  for (const step of [8, 12]) rmSync(at(step), { recursive: true });
  app.runs.repo.setStatus(started.id, 'stopped');
  return { id: started.id, four: at(4) };
}

const said = (notices: readonly string[]) => notices.filter((n) => n.includes('made by an earlier Spanfill'));

describe('resuming a run whose examples were made by an earlier Spanfill', () => {
  it('goes on from a checkpoint without the schemes (before 207452bb) and says what changed after its step', async () => {
    const { app, datasetId } = await setUp();
    const { id, four } = await stoppedAtFour(app, datasetId);
    const file = join(four, TRAINER_STATE_FILE);
    const { examples: _, ...older } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify(older));
    const resumed = await app.runs.resume(id);
    expect(resumed.step).toBe(4);
    expect(said(resumed.notices)).toEqual([
      "This run's training and validation examples were made by an earlier Spanfill (per-document pieces " +
        'without the end mark </s>); after step 4 they are made as this Spanfill makes them (per-document ' +
        "pieces, each document's last ending in the end mark </s>), so its losses before and after step 4 " +
        'differ slightly and are not quite comparable, nor are its evaluation losses, by which its best ' +
        'checkpoint is chosen. To train on one kind of example throughout, start a new run with these ' +
        'settings (in the app: New run with these settings).',
    ]);
    expect(await app.runs.wait(id)).toMatchObject({ status: 'completed', step: 12 });
  });

  it('says nothing of it from a checkpoint this Spanfill wrote', async () => {
    const { app, datasetId } = await setUp();
    const { id } = await stoppedAtFour(app, datasetId);
    const resumed = await app.runs.resume(id);
    expect(resumed.step).toBe(4);
    expect(said(resumed.notices)).toEqual([]);
    expect(await app.runs.wait(id)).toMatchObject({ status: 'completed', step: 12 });
  });
});
